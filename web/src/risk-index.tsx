import { useCallback, useState } from 'react';
import { useStrings } from './i18n.ts';
import { getRiskIndex } from './risk-api.ts';
import type { AreaLevel, Warning } from './risk-api.ts';
import { PanelStatus, SyntheticTag, useRiskData } from './risk-load.tsx';

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
  const [level, setLevel] = useState<AreaLevel>('county');
  const load = useCallback(
    (signal: AbortSignal) => getRiskIndex({ city, day, level }, signal),
    [city, day, level],
  );
  const state = useRiskData(`${city}|${day}|${level}`, load, onUnauthorized);
  const r = state.data;
  const components = r ? Object.keys(r.weights) : [];
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
            {t.indexWeights}: {components.map((c) => `${c} × ${r.weights[c]}`).join(' + ')}
          </p>
          <div className="table-wrap table-short">
            <table className="destinations" data-testid="index-table">
              <thead>
                <tr>
                  <th>{t.heatmapArea}</th>
                  <th className="num">{t.indexValue}</th>
                  <th>{t.indexWarning}</th>
                  {components.map((c) => (
                    <th key={c} className="num">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...r.areas]
                  .sort((a, b) => b.index - a.index || a.code.localeCompare(b.code))
                  .map((a) => (
                    <tr key={a.code} data-code={a.code}>
                      <td>
                        {a.name} {a.code}
                      </td>
                      <td className="num">{a.index.toFixed(3)}</td>
                      <td>
                        <span className="swatch" style={{ background: warningColours[a.warning] }} />{' '}
                        {t.warnings[a.warning]}
                      </td>
                      {components.map((c) => (
                        <td key={c} className="num">
                          {(a.components[c] ?? 0).toFixed(3)}
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
