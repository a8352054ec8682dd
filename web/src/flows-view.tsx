import './flows.css';
import './flows-big.css';
import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { isUnauthorized, publishedDays } from './api.ts';
import type { Meta } from './api.ts';
import { AsOf } from './as-of.tsx';
import { DayRange } from './day-range.tsx';
import type { FlowsDivision, RegionLevel } from './flows-api.ts';
import { getFlowsDivisions } from './flows-api.ts';
import { useFlowsStrings } from './flows-i18n.ts';
import type { Unit } from './flows-map.tsx';
import { FlowsPanel } from './flows-panel.tsx';
import type { Selection } from './flows-panel.tsx';
import { FlowsReturnees } from './flows-returnees.tsx';
import { daysBetween, dayText } from './format.ts';
import { LangContext } from './i18n.ts';
import { RegionPicker } from './region-picker.tsx';
import { ReportButton } from './report-button.tsx';
import type { PickerRegion } from './region-picker.tsx';
import { useScreen } from './screen.ts';

type Props = { meta: Meta; onUnauthorized: () => void };
type Mode = 'out' | 'in' | 'returnees';

/**
 * The days the view offers and draws: those the served snapshot's pipeline has processed (meta.snapshot.days).
 * A scenario day beyond them has no data, and the API would answer it as a day without trips (0); the whole
 * scenario window only when the snapshot does not say.
 */
export function dataDays(meta: Meta): string[] {
  const done = publishedDays(meta);
  return done.length > 0 ? done : daysBetween(meta.scenario.from, meta.scenario.to);
}

function picker(d: FlowsDivision, level: RegionLevel): PickerRegion {
  return { code: d.code, name: d.name, nameEn: d.nameEn, pinyin: d.pinyin ?? '', level };
}

/** The flows module: outflow, inflow and returnees of a city or province, desk and big-screen layouts. */
export function FlowsView({ meta, onUnauthorized }: Props) {
  const t = useFlowsStrings();
  const lang = useContext(LangContext);
  const { big } = useScreen();
  const days = useMemo(() => dataDays(meta), [meta]);
  const [cities, setCities] = useState<FlowsDivision[]>([]);
  const [provinces, setProvinces] = useState<FlowsDivision[]>([]);
  const [mode, setMode] = useState<Mode>('out');
  const [sel, setSel] = useState<Omit<Selection, 'direction'>>({
    level: 'city',
    region: meta.scenario.epicentre.code,
    groupBy: 'city',
    unit: 'sample',
    from: days[0] ?? meta.scenario.from,
    to: days[days.length - 1] ?? meta.scenario.to,
  });

  useEffect(() => {
    const ctl = new AbortController();
    const failed = (err: unknown) => {
      if (!ctl.signal.aborted && isUnauthorized(err)) onUnauthorized();
    };
    getFlowsDivisions('city', ctl.signal).then(setCities, failed);
    getFlowsDivisions('province', ctl.signal).then(setProvinces, failed);
    return () => ctl.abort();
  }, [onUnauthorized]);

  const names = useMemo(() => {
    const m = new Map<string, FlowsDivision>();
    for (const d of [...provinces, ...cities]) m.set(d.code, d);
    return m;
  }, [cities, provinces]);
  const nameOf = useCallback(
    (code: string) => {
      const d = names.get(code);
      if (!d) return code === meta.scenario.epicentre.code ? meta.scenario.epicentre.name : code;
      return lang === 'en' ? d.nameEn || d.name : d.name;
    },
    [names, lang, meta],
  );

  const setLevel = (level: RegionLevel) => {
    if (level === sel.level) return;
    // A city's province, or the first city of a province: the new region stays near the old one.
    const region =
      level === 'province'
        ? (names.get(sel.region)?.province ?? sel.region.slice(0, 2) + '0000')
        : (cities.find((c) => c.province === sel.region)?.code ?? meta.scenario.epicentre.code);
    setSel({ ...sel, level, region });
  };
  const onRange = useCallback((from: string, to: string) => setSel((s) => ({ ...s, from, to })), []);

  const regions = useMemo(
    () => (sel.level === 'city' ? cities : provinces).map((d) => picker(d, sel.level)),
    [sel.level, cities, provinces],
  );

  return (
    <section className={`flows${big ? ' flows-big' : ''}`} data-testid="flows-view">
      <div className="flows-toolbar">
        <div className="flows-tabs" role="tablist">
          {(['out', 'in', 'returnees'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              aria-selected={mode === m}
              data-testid={`flows-mode-${m}`}
              onClick={() => setMode(m)}
            >
              {t.modes[m]}
            </button>
          ))}
        </div>
        {mode !== 'returnees' && (
          <>
            <Toggle
              label={t.regionLevel}
              value={sel.level}
              options={t.levels}
              onChange={setLevel}
              testId="flows-level"
            />
            <RegionPicker
              regions={regions}
              value={sel.region}
              onChange={(region) => setSel({ ...sel, region })}
              label={t.region[sel.level]}
              testId="flows-region"
            />
            <Toggle
              label={t.groupBy}
              value={sel.groupBy}
              options={t.levels}
              onChange={(groupBy) => setSel({ ...sel, groupBy })}
              testId="flows-groupby"
            />
            <Toggle
              label={t.unit}
              value={sel.unit}
              options={t.units}
              onChange={(unit: Unit) => setSel({ ...sel, unit })}
              testId="flows-unit"
            />
            <label className="flows-days">
              <span>{t.days}</span>
              <DayRange days={days} from={sel.from} to={sel.to} onChange={onRange} testId="flows-days" />
            </label>
          </>
        )}
      </div>
      <div className="flows-titlebar">
        {mode !== 'returnees' && (
          <h2 className="flows-title" data-testid="flows-title">
            {t.modeTitles[mode]} — {nameOf(sel.region)} · {dayText(sel.from, lang)} – {dayText(sel.to, lang)}
          </h2>
        )}
        <span className="flows-spacer" />
        {/* The outflow report of the shown city and days (the report is by city of origin, so a province has
            none); the ratio's basis follows the unit shown. */}
        {mode === 'out' && sel.level === 'city' && (
          <ReportButton
            kind="outflow"
            params={{ origin: sel.region, from: sel.from, to: sel.to, basis: sel.unit }}
            onUnauthorized={onUnauthorized}
            testId="report-outflow"
          />
        )}
        <AsOf meta={meta} />
      </div>
      {mode === 'returnees' ? (
        <FlowsReturnees
          meta={meta}
          days={days}
          cities={cities}
          nameOf={nameOf}
          big={big}
          onUnauthorized={onUnauthorized}
        />
      ) : (
        <FlowsPanel
          sel={{ ...sel, direction: mode }}
          days={days}
          onRange={onRange}
          nameOf={nameOf}
          big={big}
          onUnauthorized={onUnauthorized}
        />
      )}
    </section>
  );
}

/** A row of buttons choosing one of a few values. */
function Toggle<V extends string>(p: {
  label: string;
  value: V;
  options: Record<V, string>;
  onChange: (v: V) => void;
  testId: string;
}) {
  return (
    <div className="flows-toggle" role="group" aria-label={p.label} data-testid={p.testId}>
      <span>{p.label}</span>
      {(Object.keys(p.options) as V[]).map((v) => (
        <button
          key={v}
          type="button"
          aria-pressed={p.value === v}
          data-testid={`${p.testId}-${v}`}
          onClick={() => p.onChange(v)}
        >
          {p.options[v]}
        </button>
      ))}
    </div>
  );
}
