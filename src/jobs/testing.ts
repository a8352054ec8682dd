/** Test fixture: a small synthetic workspace whose last days arrive later, one file per day, through the landing folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastDay } from '../cli/demo.ts';
import { Duck, quotedString } from '../db/duck.ts';
import { ingest } from '../ingest/ingest.ts';
import { publishWorkspace } from '../snapshot/publish.ts';
import { builtinGeo } from '../synth/cities.ts';
import { generate } from '../synth/generate.ts';
import { defaultParams } from '../synth/params.ts';
import { runFixture, tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';

/** A fixed test key (never a real one), 40 characters. */
export const LANDING_KEY = 'landing-test-key-'.padEnd(40, 'x');

export interface LandingFixture {
  root: string;
  ws: Workspace;
  keyFile: string;
  landing: string;
  /** Day -> a CSV of that day's records, outside the landing folder, for tests to drop in. */
  later: Map<string, string>;
  /** Days ingested, run and published by the fixture itself. */
  initial: string[];
}

/**
 * Simulates `days` days of a small scenario, splits its records into one CSV per day (the record zone's
 * calendar day, as ingest assigns them), ingests, runs and publishes the first `initialDays`; the others
 * are kept for the landing folder.
 */
export async function landingFixture(
  prefix: string,
  o: { people?: number; days?: number; initialDays?: number } = {},
): Promise<LandingFixture> {
  const params = {
    ...defaultParams,
    people: o.people ?? 3000,
    start: '2020-01-16',
    days: o.days ?? 7,
    epicentreShare: 0.35,
  };
  const root = tempDir(prefix);
  const synth = await generate(builtinGeo(), params, join(root, 'synth'));
  const split = join(root, 'days');
  mkdirSync(split, { recursive: true });
  const duck = await Duck.open({ path: ':memory:' });
  const files = synth.recordFiles.map(quotedString).join(', ');
  await duck.run(`CREATE TABLE recs AS SELECT * FROM read_parquet([${files}])`);
  const dayList: string[] = [];
  for (let i = 0; i < params.days; i++)
    dayList.push(
      new Date(Date.parse(`${params.start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
    );
  const paths = new Map<string, string>();
  for (const d of dayList) {
    const f = join(split, `records-${d}.csv`);
    // Rows without a time go with the first day (ingest quarantines them).
    const where =
      d === dayList[0] ? `ts IS NULL OR CAST(ts AS DATE) = $1::DATE` : `CAST(ts AS DATE) = $1::DATE`;
    await duck.run(`CREATE OR REPLACE TEMP TABLE day AS SELECT * FROM recs WHERE ${where}`, [d]);
    await duck.run(
      `COPY (SELECT raw_id, strftime(ts, '%Y-%m-%dT%H:%M:%S') AS ts, cell_id, event FROM day) TO ${quotedString(f)} (FORMAT csv, HEADER true)`,
    );
    paths.set(d, f);
  }
  duck.close();
  const n = o.initialDays ?? params.days - 3;
  const initial = dayList.slice(0, n);
  const ws = new Workspace(join(root, 'ws'));
  ws.create({ synthetic: true, description: 'SYNTHETIC landing test scenario' });
  const keyFile = join(root, 'key.txt');
  writeFileSync(keyFile, LANDING_KEY + '\n');
  await ingest(ws, {
    inputs: initial.map((d) => paths.get(d)!),
    cells: join(synth.outDir, 'cells.csv'),
    key: Buffer.from(LANDING_KEY),
  });
  await runFixture(ws, params, lastDay(params));
  await publishWorkspace(ws);
  mkdirSync(join(ws.root, 'landing'), { recursive: true });
  const later = new Map(dayList.slice(n).map((d) => [d, paths.get(d)!]));
  return { root, ws, keyFile, landing: join(ws.root, 'landing'), later, initial };
}
