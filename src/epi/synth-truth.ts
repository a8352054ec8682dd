/**
 * EpiData straight from a simulator run's ground truth (src/synth, truth/*.parquet), for scoring forecasts
 * against what the simulator knows: confirmed cases by confirmation day and reported city
 * (truth/infections.parquet, listed = 'confirmed'), the simulated residents per city (truth/residents.parquet)
 * and the true daily journeys between cities (truth/od.parquet).
 */
import { join } from 'node:path';
import { Duck, quotedString } from '../db/duck.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { DailyFlows } from './model.ts';
import type { EpiData, EpiRegion } from './types.ts';
import { daysBetween } from './workspace-data.ts';

/** Ground-truth EpiData for `days` days from `start`, cities with simulated residents as regions. */
export async function truthEpiData(synthDir: string, start: string, days: number): Promise<EpiData> {
  const f = (p: string): string => `read_parquet(${quotedString(join(synthDir, 'truth', p))})`;
  const db = await Duck.open({ path: ':memory:', memoryLimit: '1GB' });
  try {
    const div = loadDivisions();
    const pop = new Map<string, number>();
    for (const r of await db.all<{ county: string; n: number }>(
      `SELECT county_code AS county, sum(residents)::INTEGER AS n FROM ${f('residents.parquet')} GROUP BY ALL`,
    )) {
      const city = div.parentAt(r.county, 'city').code;
      pop.set(city, (pop.get(city) ?? 0) + r.n);
    }
    const regions: EpiRegion[] = [...pop]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, population]) => ({ code, name: div.byCode(code, 'city').name, population }));
    const index = new Map(regions.map((r, i) => [r.code, i]));
    const n = regions.length;
    const confirmed = new Float64Array(days * n);
    for (const r of await db.all<{ day: string; city: string; k: number }>(
      `SELECT strftime(confirmed_ts::DATE, '%Y-%m-%d') AS day, reported_city AS city, count(*)::INTEGER AS k
       FROM ${f('infections.parquet')} WHERE listed = 'confirmed' AND confirmed_ts IS NOT NULL GROUP BY ALL`,
    )) {
      const d = daysBetween(start, r.day);
      const i = index.get(r.city);
      if (d >= 0 && d < days && i !== undefined) confirmed[d * n + i]! += r.k;
    }
    const byDay = Array.from({ length: days }, () => ({
      o: [] as number[],
      t: [] as number[],
      p: [] as number[],
    }));
    for (const r of await db.all<{ day: string; origin: string; dest: string; people: number }>(
      `SELECT strftime(date, '%Y-%m-%d') AS day, origin, dest, people FROM ${f('od.parquet')}`,
    )) {
      const d = daysBetween(start, r.day);
      const o = index.get(r.origin);
      const t = index.get(r.dest);
      if (d < 0 || d >= days || o === undefined || t === undefined || o === t) continue;
      byDay[d]!.o.push(o);
      byDay[d]!.t.push(t);
      byDay[d]!.p.push(r.people);
    }
    const flows: DailyFlows[] = byDay.map((b) => ({
      origin: Int32Array.from(b.o),
      dest: Int32Array.from(b.t),
      people: Float64Array.from(b.p),
    }));
    return { regions, start, days, confirmed, flows, synthetic: true };
  } finally {
    db.close();
  }
}

/** The first `days` days of `data` (what a forecaster at that origin had). */
export function truncate(data: EpiData, days: number): EpiData {
  const n = data.regions.length;
  return { ...data, days, confirmed: data.confirmed.slice(0, days * n), flows: data.flows.slice(0, days) };
}
