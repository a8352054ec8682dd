import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { getDivisions, publishedDays } from './api.ts';
import type { Division, Meta } from './api.ts';
import { AsOf } from './as-of.tsx';
import { dayText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import { RiskAlertsPanel } from './risk-alerts.tsx';
import { RiskHeatmapPanel } from './risk-heatmap.tsx';
import { RiskIndexPanel } from './risk-index.tsx';
import { RiskLevelsPanel } from './risk-levels.tsx';
import { ReportButton } from './report-button.tsx';
import { RiskSourcesPanel } from './risk-sources.tsx';
import { useScreen } from './screen.ts';
import { placeName } from './views-i18n.ts';
import './views.css';

type Props = { meta: Meta; onUnauthorized: () => void };

/** The data's days for the day choosers: the snapshot's, else the scenario's window ends. */
export function dataDays(meta: Meta): string[] {
  const days = publishedDays(meta);
  if (days.length > 0) return days;
  return [...new Set([meta.scenario.from, meta.scenario.to].filter(Boolean))];
}

/**
 * The risk view (issue 12): risk sources of the epicentre's outflow (Jia et al. 2020), and for one city the
 * high-risk heatmap, area risk levels, alerts and the risk index. Each panel loads on its own, so a panel whose
 * route this server lacks says so and the others still work. On the big screen the panels share the row the
 * app gives the view (style.css, body.big-screen main) in a grid; long tables scroll inside their panel.
 */
export function RiskView({ meta, onUnauthorized }: Props) {
  const t = useStrings();
  const lang = useContext(LangContext);
  const { big } = useScreen();
  const [cities, setCities] = useState<Division[]>([]);
  const [city, setCity] = useState(meta.scenario.epicentre.code);
  const days = useMemo(() => dataDays(meta), [meta]);
  const [day, setDay] = useState(days.at(-1) ?? meta.scenario.to);

  useEffect(() => {
    const ctl = new AbortController();
    // Names are a convenience: codes are shown without them.
    getDivisions('city', ctl.signal).then(setCities, () => undefined);
    return () => ctl.abort();
  }, []);

  const nameEn = useMemo(() => new Map(cities.map((c) => [c.code, c.nameEn])), [cities]);
  const label = useCallback(
    (code: string, name: string) => placeName(lang, name, nameEn.get(code)),
    [lang, nameEn],
  );
  const sorted = useMemo(() => [...cities].sort((a, b) => a.code.localeCompare(b.code)), [cities]);

  return (
    <section className={big ? 'risk risk-big' : 'risk'} data-testid="risk-view">
      <div className="toolbar">
        <h2>{t.riskTitle}</h2>
        <label>
          {t.riskCity}
          <select name="risk-city" value={city} onChange={(e) => setCity(e.target.value)}>
            {sorted.length === 0 && <option value={city}>{meta.scenario.epicentre.name}</option>}
            {sorted.map((c) => (
              <option key={c.code} value={c.code}>
                {label(c.code, c.name)} {c.code}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.riskDay}
          <select name="risk-day" value={day} onChange={(e) => setDay(e.target.value)}>
            {days.map((d) => (
              <option key={d} value={d}>
                {dayText(d, lang)}
              </option>
            ))}
          </select>
        </label>
        <ReportButton
          kind="risk"
          params={{ city, day }}
          onUnauthorized={onUnauthorized}
          testId="report-risk"
        />
        <AsOf meta={meta} />
      </div>
      <div className="panels">
        <RiskSourcesPanel
          meta={meta}
          days={days}
          origin={meta.scenario.epicentre.code}
          label={label}
          onUnauthorized={onUnauthorized}
        />
        <RiskHeatmapPanel city={city} onUnauthorized={onUnauthorized} />
        <RiskLevelsPanel city={city} day={day} k={meta.k} onUnauthorized={onUnauthorized} />
        <RiskAlertsPanel city={city} day={day} onUnauthorized={onUnauthorized} />
        <RiskIndexPanel city={city} day={day} onUnauthorized={onUnauthorized} />
      </div>
    </section>
  );
}
