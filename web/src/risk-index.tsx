import { useCallback, useContext, useState } from 'react';
import { ExportButtons } from './export.tsx';
import { numberText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import { getRiskIndex } from './risk-api.ts';
import type { AreaLevel, Warning } from './risk-api.ts';
import { PanelStatus, SyntheticTag, useRiskData } from './risk-load.tsx';
import { areaName, useViewsStrings } from './views-i18n.ts';

const warningColours: Record<Warning, string> = {
  red: '#b91c1c',
  orange: '#f97316',
  yellow: '#eab308',
  blue: '#2563eb',
  none: '#d1d5db',
};

type Props = { city: string; day: string; onUnauthorized: () => void };

/** The risk index per area with every component and the weights that combine them, highest first. */
export function RiskIndexPanel({ city, day, onUnauthorized }: Props) {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const [level, setLevel] = useState<AreaLevel>('county');
  const load = useCallback(
    (signal: AbortSignal) => getRiskIndex({ city, day, level }, signal),
    [city, day, level],
  );
  const state = useRiskData(`${city}|${day}|${level}`, load, onUnauthorized);
  const r = state.data;
  const components = r ? Object.keys(r.weights) : [];
  const componentName = (c: string) => v.indexComponents[c] ?? c;
  const rows = r ? [...r.areas].sort((a, b) => b.index - a.index || a.code.localeCompare(b.code)) : [];
  return (
    <div className="panel panel-wide" data-testid="risk-index">
      <h3>{t.indexTitle}</h3>
      <div className="toolbar">
        <label>
          {t.levelsLevel}
          <select name="index-level" value={level} onChange={(e) => setLevel(e.target.value as AreaLevel)}>
            {(['city', 'county', 'street', 'community'] as const).map((l) => (
              <option key={l} value={l}>
                {t.areaLevels[l]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <PanelStatus state={state} testId="index" />
      {r && (
        <>
          <SyntheticTag synthetic={r.synthetic} testId="index" />
          <p className="muted small" data-testid="index-weights">
            {t.indexWeights}:{' '}
            {components
              .map((c) => `${componentName(c)} × ${numberText(r.weights[c] ?? 0, lang)}`)
              .join(' + ')}
          </p>
          <p className="muted small">{v.indexNote}</p>
          {rows.length === 0 && (
            <p className="muted" data-testid="index-empty">
              {v.emptyIndex}
            </p>
          )}
          <ExportButtons
            name={`risk-index-${r.city}-${r.day}-${r.level}`}
            rows={rows}
            synthetic={r.synthetic}
            columns={[
              { key: 'code', header: v.colCode, value: (a) => a.code },
              { key: 'name', header: t.heatmapArea, value: (a) => a.name },
              { key: 'index', header: t.indexValue, value: (a) => a.index },
              { key: 'warning', header: t.indexWarning, value: (a) => a.warning },
              ...components.map((c) => ({
                key: c,
                header: componentName(c),
                value: (a: (typeof rows)[number]) => a.components[c] ?? null,
              })),
            ]}
            testId="index-export"
          />
          <div className="table-wrap table-short">
            <table className="destinations" data-testid="index-table">
              <thead>
                <tr>
                  <th>{t.heatmapArea}</th>
                  <th className="num">{t.indexValue}</th>
                  <th>{t.indexWarning}</th>
                  {components.map((c) => (
                    <th key={c} className="num">
                      {componentName(c)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.code} data-code={a.code}>
                    <td>
                      {areaName(a.name, lang)} {a.code}
                    </td>
                    <td className="num">{numberText(a.index, lang, 3)}</td>
                    <td>
                      <span className="swatch" style={{ background: warningColours[a.warning] }} />{' '}
                      {t.warnings[a.warning]}
                    </td>
                    {components.map((c) => (
                      <td key={c} className="num">
                        {numberText(a.components[c] ?? 0, lang, 3)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
