import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { tempDir } from '../testing/fixture.ts';
import { builtinCities } from './cities.ts';
import { generate } from './generate.ts';
import { defaultParams } from './params.ts';

const small = { ...defaultParams, people: 1500, days: 3 };

async function run(seed: number): Promise<{ dir: string; bytes: Buffer }> {
  const dir = tempDir('synth');
  await generate(builtinCities(), { ...small, seed }, dir);
  return { dir, bytes: readFileSync(join(dir, 'records.parquet')) };
}

describe('synthetic generator', () => {
  it('gives the same bytes for the same seed and different data for another seed', async () => {
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(
      readFileSync(join(a.dir, 'truth/stays.parquet')).equals(
        readFileSync(join(b.dir, 'truth/stays.parquet')),
      ),
    ).toBe(true);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });

  it('writes records only for subscribers, inside the scenario, at registered cells', async () => {
    const { dir } = await run(11);
    const db = await Duck.open({ path: ':memory:' });
    const f = (p: string): string => quotedString(join(dir, p));
    const r = await db.one<{
      n: number;
      users: number;
      lo: string;
      hi: string;
      unknown: number;
      nonsub: number;
    }>(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT raw_id)::INTEGER AS users,
              min(ts)::VARCHAR AS lo, max(ts)::VARCHAR AS hi,
              count(*) FILTER (WHERE c.cell_id IS NULL)::INTEGER AS unknown,
              count(*) FILTER (WHERE NOT coalesce(p.subscriber, false))::INTEGER AS nonsub
       FROM read_parquet(${f('records.parquet')}) r
       LEFT JOIN read_csv(${f('cells.csv')}) c USING (cell_id)
       LEFT JOIN read_parquet(${f('truth/persons.parquet')}) p USING (raw_id)`,
    );
    db.close();
    const scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as {
      synthetic: boolean;
      counts: { records: number; subscribers: number };
    };
    expect(scenario.synthetic).toBe(true);
    expect(r?.n).toBe(scenario.counts.records);
    expect(r?.users).toBe(scenario.counts.subscribers);
    expect(r?.unknown).toBe(0);
    expect(r?.nonsub).toBe(0);
    expect(r!.lo >= '2020-01-16 00:00:00').toBe(true);
    expect(r!.hi <= '2020-01-18 23:59:59').toBe(true);
  });
});
