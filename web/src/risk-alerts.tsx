import { useCallback, useContext } from 'react';
import { ExportButtons } from './export.tsx';
import { LangContext, useStrings } from './i18n.ts';
import { getRiskAlerts } from './risk-api.ts';
import type { RiskClass, Warning } from './risk-api.ts';
import { PanelStatus, SyntheticTag, useRiskData } from './risk-load.tsx';
import { areaName, useViewsStrings } from './views-i18n.ts';

type Props = { city: string; day: string; onUnauthorized: () => void };

/** What changed since the previous day: risk levels and warnings, one line each. */
export function RiskAlertsPanel({ city, day, onUnauthorized }: Props) {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const load = useCallback((signal: AbortSignal) => getRiskAlerts({ city, day }, signal), [city, day]);
  const state = useRiskData(`${city}|${day}`, load, onUnauthorized);
  const r = state.data;
  // A value is a risk class or a warning colour; either way shown in the page's language when known.
  const named = (what: 'risk' | 'warning', v: string) =>
    what === 'risk' ? (t.riskClasses[v as RiskClass] ?? v) : (t.warnings[v as Warning] ?? v);
  return (
    <div className="panel" data-testid="risk-alerts">
      <h3>{t.alertsTitle}</h3>
      <PanelStatus state={state} testId="alerts" />
      {r && (
        <>
          <SyntheticTag synthetic={r.synthetic} testId="alerts" />
          <p className="summary">
            <strong data-testid="alerts-count">{t.alertsCount(r.alerts.length)}</strong>
          </p>
          {r.alerts.length === 0 && <p className="muted">{t.alertsNone}</p>}
          {r.alerts.length > 0 && (
            <ExportButtons
              name={`risk-alerts-${r.city}-${r.day}`}
              rows={r.alerts}
              synthetic={r.synthetic}
              columns={[
                { key: 'level', header: v.alertsColumns.level, value: (a) => a.level },
                { key: 'code', header: v.colCode, value: (a) => a.code },
                { key: 'name', header: v.alertsColumns.area, value: (a) => a.name },
                { key: 'what', header: v.alertsColumns.what, value: (a) => a.what },
                { key: 'from', header: v.alertsColumns.from, value: (a) => a.from },
                { key: 'to', header: v.alertsColumns.to, value: (a) => a.to },
              ]}
              testId="alerts-export"
            />
          )}
          <ul data-testid="alerts-list">
            {r.alerts.map((a) => (
              <li key={`${a.level}-${a.code}-${a.what}`} data-code={a.code}>
                {t.areaLevels[a.level]} · {areaName(a.name, lang)} {a.code}: {t.alertWhat[a.what]}{' '}
                {named(a.what, a.from)} → {named(a.what, a.to)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
