import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { getDivisions } from './api.ts';
import type { Division, Meta } from './api.ts';
import { LangContext, useStrings } from './i18n.ts';
import { RiskAlertsPanel } from './risk-alerts.tsx';
import { RiskHeatmapPanel } from './risk-heatmap.tsx';
import { RiskIndexPanel } from './risk-index.tsx';
import { RiskLevelsPanel } from './risk-levels.tsx';
import { RiskSourcesPanel } from './risk-sources.tsx';

type Props = { meta: Meta; onUnauthorized: () => void };

/**
 * The risk view (issue 12): risk sources of the epicentre's outflow (Jia et al. 2020), and for one city the
 * high-risk heatmap, area risk levels, alerts and the risk index. Each panel loads on its own, so a panel whose
 * route this server lacks says so and the others still work.
 */
export function RiskView({ meta, onUnauthorized }: Props) {
  const t = useStrings();
  const lang = useContext(LangContext);
  const [cities, setCities] = useState<Division[]>([]);
  const [city, setCity] = useState(meta.scenario.epicentre.code);
  const [day, setDay] = useState(meta.scenario.to);

  useEffect(() => {
    const ctl = new AbortController();
    // Names are a convenience: codes are shown without them.
    getDivisions('city', ctl.signal).then(setCities, () => undefined);
    return () => ctl.abort();
  }, []);

  const nameEn = useMemo(() => new Map(cities.map((c) => [c.code, c.nameEn])), [cities]);
  const label = useCallback(
    (code: string, name: string) =>
      lang === 'en' && nameEn.get(code) ? `${nameEn.get(code)} ${name}` : name,
    [lang, nameEn],
  );
  const sorted = useMemo(() => [...cities].sort((a, b) => a.code.localeCompare(b.code)), [cities]);

  return (
    <section className="risk" data-testid="risk-view">
      <div className="toolbar">
        <h2>{t.riskTitle}</h2>
        <label>
          {t.riskCity}
          <select name="risk-city" value={city} onChange={(e) => setCity(e.target.value)}>
            {sorted.length === 0 && <option value={city}>{meta.scenario.epicentre.name}</option>}
            {sorted.map((c) => (
              <option key={c.code} value={c.code}>
                {label(c.code, c.name)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.riskDay}
          <input
            type="date"
            name="risk-day"
            value={day}
            min={meta.scenario.from}
            max={meta.scenario.to}
            onChange={(e) => setDay(e.target.value)}
          />
        </label>
      </div>
      <div className="panels">
        <RiskSourcesPanel
          meta={meta}
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
