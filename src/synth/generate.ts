import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOOLEAN, INTEGER } from '@duckdb/node-api';
import { Duck } from '../db/duck.ts';
import { ChunkWriter, IntColumn } from './chunks.ts';
import { caseList } from './case-list.ts';
import { contactsOf } from './contacts.ts';
import { simulateEpidemic } from './epidemic.ts';
import type { Population } from './epidemic.ts';
import { householdSizes, Workplaces } from './households.ts';
import { cellIndex, toPresences } from './presence.ts';
import { insidePlacer } from './cities.ts';
import { itinerary } from './itinerary.ts';
import type { ScenarioParams } from './params.ts';
import { Random } from './random.ts';
import { defaultThreads, recordJobs, RecordPool } from './record-pool.ts';
import { BAD_KINDS } from './signalling.ts';
import { buildCountry, operatorShare } from './world.ts';
import type { SynthCity, SynthCounty } from './world.ts';
import { writeTruth } from './truth-write.ts';
import { startEpoch } from './time.ts';

/** What one generator run wrote. */
export interface SynthSummary {
  outDir: string;
  people: number;
  subscribers: number;
  cells: number;
  /** Rows written to records/, bad and duplicate ones included. */
  records: number;
  duplicates: number;
  malformed: Record<string, number>;
  trueStays: number;
  infections: number;
  /** Confirmed cases in the health authority's list, and its suspected ones. */
  cases: number;
  suspected: number;
  recordFiles: string[];
}

export type Format = 'parquet' | 'csv';

export interface SynthEffects {
  /** Called with (phase, done, total). */
  progress?: (phase: string, done: number, total: number) => void;
  /** Threads generating records (default: one per core, at most 4; one below 10 000 people); same records for any count. */
  threads?: number;
}

/**
 * Generates a SYNTHETIC scenario into `outDir`: records/part-*.parquet|csv for
 * one operator's subscribers, cells.csv (the registry), cases.csv (the health
 * authority's case list, by phone), numbers.csv (the operator's imsi -> msisdn
 * registry) and truth/ (persons, stays, journeys, OD, residents, infections,
 * case list, contacts) so every analysis can be scored. Deterministic for a seed.
 */
export async function generate(
  geo: { cities: SynthCity[]; counties: SynthCounty[] },
  params: ScenarioParams,
  outDir: string,
  effects: SynthEffects = {},
  format: Format = 'parquet',
): Promise<SynthSummary> {
  const country = buildCountry(geo.cities, geo.counties, params, insidePlacer(geo.counties));
  rmSync(join(outDir, 'records'), { recursive: true, force: true });
  mkdirSync(join(outDir, 'truth'), { recursive: true });
  mkdirSync(join(outDir, 'records'), { recursive: true });
  const progress = effects.progress ?? (() => {});
  const pool = new RecordPool(effects.threads ?? defaultThreads(params.people));
  const db = await Duck.open({ path: ':memory:', memoryLimit: '2GB' });
  try {
    await db.run(`CREATE TABLE persons (person INTEGER, subscriber BOOLEAN, county INTEGER, home_cell INTEGER,
                    work_cell INTEGER, household INTEGER, workplace INTEGER)`);
    await db.run(
      `CREATE TABLE stays (person INTEGER, cell_id INTEGER, start_s INTEGER, end_s INTEGER, transit BOOLEAN)`,
    );
    await db.run(
      `CREATE TABLE journeys (person INTEGER, origin INTEGER, dest INTEGER, depart_s INTEGER, arrive_s INTEGER)`,
    );
    const persons = new ChunkWriter(await db.conn.createAppender('persons'), [
      INTEGER,
      BOOLEAN,
      INTEGER,
      INTEGER,
      INTEGER,
      INTEGER,
      INTEGER,
    ]);
    const stays = new ChunkWriter(await db.conn.createAppender('stays'), [
      INTEGER,
      INTEGER,
      INTEGER,
      INTEGER,
      BOOLEAN,
    ]);
    const journeys = new ChunkWriter(await db.conn.createAppender('journeys'), [
      INTEGER,
      INTEGER,
      INTEGER,
      INTEGER,
      INTEGER,
    ]);

    // Pass 1: where everyone is. All presences are kept (typed arrays) for the epidemic and the records.
    const grow = {
      cell: new IntColumn(),
      start: new IntColumn(),
      end: new IntColumn(),
      transit: new IntColumn(),
    };
    const first: number[] = [0];
    const subscriber: boolean[] = [];
    const epi: boolean[] = [];
    const pop = {
      household: new Int32Array(params.people),
      homeCell: new Int32Array(params.people),
      workplace: new Int32Array(params.people).fill(-1),
      workCell: new Int32Array(params.people).fill(-1),
      city: new Int32Array(params.people),
    };
    const workplaces = new Workplaces(params.epidemic, params.seed);
    let p = 0;
    let households = 0;
    for (let county = 0; county < country.counties.length; county++) {
      const cells = country.cellsOfCounty[county]!;
      const city = country.countyCity[county]!;
      const share = operatorShare(country.counties[county]!.province, params);
      const hrng = new Random(params.seed ^ 0x40e6, county + 1);
      const sizes = householdSizes(country.residents[county]!, params.epidemic, params.seed, county);
      let left = 0;
      let h = -1;
      let homeCell = -1;
      for (let k = 0; k < country.residents[county]!; k++, p++) {
        // A household shares its home cell: the next one starts when the last is full.
        if (left === 0) {
          left = sizes[++h]!;
          homeCell = cells[hrng.int(cells.length)]!;
          households++;
        }
        left--;
        pop.household[p] = households - 1;
        const rng = new Random(params.seed, p + 1);
        // This draw once placed the home; kept so that each person's stream (work, operator, itinerary) is unchanged.
        rng.int(cells.length);
        let workCell: number | null = null;
        if (rng.chance(params.workerShare)) {
          workCell = rng.chance(params.crossCountyWorkShare)
            ? country.cellInCity(city, rng)
            : cells[rng.int(cells.length)]!;
          if (workCell === homeCell) workCell = null;
        }
        pop.homeCell[p] = homeCell;
        pop.city[p] = city;
        if (workCell !== null) {
          pop.workCell[p] = workCell;
          pop.workplace[p] = workplaces.join(workCell);
        }
        const isEpicentre = city === country.epicentre;
        const sub = rng.chance(share);
        const it = itinerary({ homeCity: city, homeCell, workCell, isEpicentre }, params, country, rng);
        persons.row(
          p,
          sub,
          county,
          homeCell,
          workCell,
          pop.household[p]!,
          workCell === null ? null : pop.workplace[p]!,
        );
        for (const s of it.stays) {
          stays.row(p, s.cell, s.start, s.end, s.transit);
          grow.cell.push(s.cell);
          grow.start.push(s.start);
          grow.end.push(s.end);
          grow.transit.push(s.transit ? 1 : 0);
        }
        for (const j of it.journeys) journeys.row(p, j.from, j.to, j.depart, j.arrive);
        first.push(grow.cell.length);
        subscriber.push(sub);
        epi.push(isEpicentre);
      }
      if (county % 64 === 0) progress('people', p, params.people);
    }
    progress('people', p, params.people);
    for (const w of [persons, stays, journeys]) w.close();

    // Pass 2: the epidemic, over non-transit presences only (an instant exposes no one).
    progress('epidemic', 0, 1);
    const all = {
      cell: grow.cell.view(),
      start: grow.start.view(),
      end: grow.end.view(),
      transit: grow.transit.view(),
    };
    const pr = toPresences(first, all);
    const idx = cellIndex(pr);
    const population: Population = { ...pop, isEpicentre: (q) => epi[q]! };
    const infections = simulateEpidemic(pr, idx, population, params);
    const horizon = params.days * 86_400;
    const cityOfCell = (cell: number): number => country.countyCity[country.cellCounty[cell]!]!;
    const list = caseList(
      pr,
      infections,
      (q) => pop.city[q]!,
      cityOfCell,
      horizon,
      params.epidemic,
      params.seed,
    );
    const cases = list.filter((c) => c.status === 'confirmed');
    const contacts = contactsOf(
      pr,
      idx,
      population,
      cases.map((c) => c.person),
    );
    progress('epidemic', 1, 1);

    // Pass 3: the records the operator sees, for its subscribers only, in slices of people run side by side;
    // the truth files are written meanwhile (they do not depend on the records).
    const jobs = recordJobs(first, all, subscriber, country.neighbour, {
      params,
      t0: startEpoch(params),
      format,
      outDir,
      threads: pool.threads,
    });
    const n = first.length - 1;
    progress('records', 0, n);
    // Both settle before a failure is thrown, so the database is not closed under the truth writer's feet.
    const [recordsDone, truthDone] = await Promise.allSettled([
      pool.run(jobs, (done) => progress('records', done, n)),
      writeTruth(db, outDir, params, country, infections, list, contacts),
    ]);
    if (recordsDone.status === 'rejected') throw recordsDone.reason;
    if (truthDone.status === 'rejected') throw truthDone.reason;
    const [parts, trueStays] = [recordsDone.value, truthDone.value];
    progress('records', n, n);
    const recordFiles = parts.flatMap((r) => r.files);
    const malformed: Record<string, number> = {};
    // In BAD_KINDS order whatever the slicing, so scenario.json does not depend on the thread count.
    for (const kind of BAD_KINDS) {
      const count = parts.reduce((a, r) => a + (r.malformed[kind] ?? 0), 0);
      if (count > 0) malformed[kind] = count;
    }
    const sum = (key: 'records' | 'duplicates' | 'subscribers'): number =>
      parts.reduce((a, r) => a + r[key], 0);
    const [records, duplicates, subscribers] = [sum('records'), sum('duplicates'), sum('subscribers')];

    const cellRows = country.cells
      .map((c) => `${c.id},${c.lon.toFixed(6)},${c.lat.toFixed(6)},LTE`)
      .join('\n');
    // The registry an operator hands over: positions only; the platform finds each cell's regions itself.
    writeFileSync(join(outDir, 'cells.csv'), `cell_id,lon,lat,tech\n${cellRows}\n`);
    const summary: SynthSummary = {
      outDir,
      people: params.people,
      subscribers,
      cells: country.cells.length,
      records,
      duplicates,
      malformed,
      trueStays,
      infections: infections.length,
      cases: cases.length,
      suspected: list.length - cases.length,
      recordFiles,
    };
    const scenario = {
      synthetic: true,
      description: 'SYNTHETIC scenario generated by epitrace synth: no real person is in it.',
      params,
      counts: {
        ...summary,
        outDir: undefined,
        recordFiles: recordFiles.map((f) => f.slice(outDir.length + 1)),
      },
    };
    writeFileSync(join(outDir, 'scenario.json'), JSON.stringify(scenario, null, 2) + '\n');
    return summary;
  } finally {
    db.close();
    await pool.close();
  }
}
