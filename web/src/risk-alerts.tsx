import { useCallback } from 'react';
import { useStrings } from './i18n.ts';
import { getRiskAlerts } from './risk-api.ts';
import type { RiskClass, Warning } from './risk-api.ts';
import { PanelStatus, SyntheticTag, useRiskData } from './risk-load.tsx';

type Props = { city: string; day: string; onUnauthorized: () => void };

/** What changed since the previous day: risk levels and warnings, one line each. */
export function RiskAlertsPanel({ city, day, onUnauthorized }: Props) {
  const t = useStrings();
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
          <ul data-testid="alerts-list">
            {r.alerts.map((a) => (
              <li key={`${a.level}-${a.code}-${a.what}`} data-code={a.code}>
                {t.areaLevels[a.level]} · {a.name} {a.code}: {t.alertWhat[a.what]} {named(a.what, a.from)} →{' '}
                {named(a.what, a.to)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
