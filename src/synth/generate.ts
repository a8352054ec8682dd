import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duck, quotedString } from '../db/duck.ts';
import { itinerary } from './itinerary.ts';
import type { Person } from './itinerary.ts';
import { Random } from './random.ts';
import { buildCountry } from './world.ts';
import type { SynthCity } from './world.ts';
import type { ScenarioParams } from './params.ts';

/** What one generator run wrote. */
export interface SynthSummary {
  outDir: string;
  people: number;
  subscribers: number;
  cells: number;
  records: number;
  trueStays: number;
  files: string[];
}

export interface SynthEffects {
  /** Called with (people done, people total). */
  progress?: (done: number, total: number) => void;
}

/** Event types as an operator logs them; weights are plausible shares, not measured ones. */
export const EVENTS = ['data', 'lu', 'call', 'sms'] as const;
const EVENT_CUM = [0.5, 0.7, 0.85, 1];

/** The scenario's first instant as epoch seconds of its wall clock (China Standard Time, stored naive). */
export function startEpoch(params: ScenarioParams): number {
  return Date.parse(`${params.start}T00:00:00Z`) / 1000;
}

/**
 * Generates a synthetic scenario into `outDir`: records.parquet (raw_id, ts,
 * cell_id, event) for one operator's subscribers, cells.csv (the registry), and
 * truth/ (persons, stays of everyone) so every analysis can be scored.
 */
export async function generate(
  cities: SynthCity[],
  params: ScenarioParams,
  outDir: string,
  effects: SynthEffects = {},
): Promise<SynthSummary> {
  const country = buildCountry(cities, params);
  mkdirSync(join(outDir, 'truth'), { recursive: true });
  const db = await Duck.open({ path: ':memory:', memoryLimit: '2GB' });
  try {
    await db.run(
      `CREATE TABLE persons (person INTEGER, subscriber BOOLEAN, home_city VARCHAR, home_cell INTEGER)`,
    );
    await db.run(`CREATE TABLE stays (person INTEGER, cell_id INTEGER, start_s INTEGER, end_s INTEGER)`);
    await db.run(`CREATE TABLE recs (person INTEGER, t INTEGER, cell_id INTEGER, ev UTINYINT)`);
    const persons = await db.conn.createAppender('persons');
    const stays = await db.conn.createAppender('stays');
    const recs = await db.conn.createAppender('recs');
    let records = 0;
    let trueStays = 0;
    let subscribers = 0;
    let p = 0;
    for (let city = 0; city < country.cities.length; city++) {
      const cells = country.cellsOfCity[city]!;
      for (let k = 0; k < country.residents[city]!; k++, p++) {
        const rng = new Random(params.seed, p + 1);
        const homeCell = cells[rng.int(cells.length)]!;
        let workCell: number | null = null;
        if (rng.chance(params.workerShare)) {
          workCell = cells[rng.int(cells.length)]!;
          if (workCell === homeCell) workCell = null;
        }
        const person: Person = {
          homeCity: city,
          homeCell,
          workCell,
          isEpicentre: city === country.epicentre,
        };
        const subscriber = rng.chance(params.operatorShare);
        const truth = itinerary(person, params, country, rng);
        persons.appendInteger(p);
        persons.appendBoolean(subscriber);
        persons.appendVarchar(country.cities[city]!.code);
        persons.appendInteger(homeCell);
        persons.endRow();
        for (const s of truth) {
          stays.appendInteger(p);
          stays.appendInteger(s.cell);
          stays.appendInteger(s.start);
          stays.appendInteger(s.end);
          stays.endRow();
        }
        trueStays += truth.length;
        if (!subscriber) continue;
        subscribers++;
        const gapMean = params.gapMeanMinutes * 60;
        for (const s of truth) {
          // A record when the stay starts, irregular ones inside it, one when it ends.
          let t = s.start;
          while (t < s.end) {
            recs.appendInteger(p);
            recs.appendInteger(t);
            recs.appendInteger(s.cell);
            recs.appendUTinyInt(rng.pick(EVENT_CUM));
            recs.endRow();
            records++;
            t = Math.min(s.end, t + Math.max(1, Math.round(rng.exp(gapMean))));
          }
          recs.appendInteger(p);
          recs.appendInteger(s.end);
          recs.appendInteger(s.cell);
          recs.appendUTinyInt(rng.pick(EVENT_CUM));
          recs.endRow();
          records++;
        }
      }
      effects.progress?.(p, params.people);
    }
    persons.closeSync();
    stays.closeSync();
    recs.closeSync();

    const cellRows = country.cells
      .map((c) => `${c.id},${c.lon.toFixed(5)},${c.lat.toFixed(5)},LTE,${country.cities[c.city]!.code}`)
      .join('\n');
    writeFileSync(join(outDir, 'cells.csv'), `cell_id,lon,lat,tech,city_code\n${cellRows}\n`);
    await db.run(
      `CREATE TABLE cells AS SELECT cell_id::INTEGER AS cell_id, city_code FROM read_csv(${quotedString(join(outDir, 'cells.csv'))}, all_varchar = true)`,
    );
    const t0 = startEpoch(params);
    const ts = (col: string): string => `make_timestamp((${t0}::BIGINT + ${col}) * 1000000)`;
    const rawId = `printf('sub-%07d', person)`;
    const files = [
      'records.parquet',
      'cells.csv',
      'truth/persons.parquet',
      'truth/stays.parquet',
      'scenario.json',
    ];
    const out = (f: string): string => quotedString(join(outDir, f));
    await db.run(
      `COPY (SELECT ${rawId} AS raw_id, ${ts('t')} AS ts, cell_id,
                    (['data','lu','call','sms'])[ev + 1] AS event
             FROM recs ORDER BY ts, raw_id) TO ${out('records.parquet')} (FORMAT parquet)`,
    );
    await db.run(
      `COPY (SELECT person, CASE WHEN subscriber THEN ${rawId} END AS raw_id, subscriber, home_city, home_cell
             FROM persons ORDER BY person) TO ${out('truth/persons.parquet')} (FORMAT parquet)`,
    );
    await db.run(
      `COPY (SELECT s.person, s.cell_id, c.city_code, ${ts('start_s')} AS start_ts, ${ts('end_s')} AS end_ts
             FROM stays s JOIN cells c USING (cell_id) ORDER BY person, start_ts)
       TO ${out('truth/stays.parquet')} (FORMAT parquet)`,
    );
    const scenario = {
      synthetic: true,
      description: 'SYNTHETIC scenario generated by epitrace synth: no real person is in it.',
      params,
      counts: { people: params.people, subscribers, cells: country.cells.length, records, trueStays },
    };
    writeFileSync(join(outDir, 'scenario.json'), JSON.stringify(scenario, null, 2) + '\n');
    return {
      outDir,
      people: params.people,
      subscribers,
      cells: country.cells.length,
      records,
      trueStays,
      files,
    };
  } finally {
    db.close();
  }
}
