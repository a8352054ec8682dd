import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { tempDir } from '../testing/fixture.ts';
import { builtinGeo } from './cities.ts';
import { generate } from './generate.ts';
import { defaultParams } from './params.ts';

const small = { ...defaultParams, people: 1500, start: '2020-01-16', days: 3 };

async function run(seed: number): Promise<{ dir: string; bytes: Buffer }> {
  const dir = tempDir('synth');
  const s = await generate(builtinGeo(), { ...small, seed }, dir);
  return { dir, bytes: Buffer.concat(s.recordFiles.map((f) => readFileSync(f))) };
}

describe('synthetic generator', () => {
  it('gives the same bytes for the same seed and different data for another seed', async () => {
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    for (const f of [
      'truth/stays.parquet',
      'truth/persons.parquet',
      'truth/infections.parquet',
      'truth/case_list.parquet',
      'truth/contacts.parquet',
      'cases.csv',
      'numbers.csv',
    ]) {
      expect(readFileSync(join(a.dir, f)).equals(readFileSync(join(b.dir, f))), f).toBe(true);
    }
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });

  it('writes records only for subscribers, inside the scenario, with the bad rows it says it injected', async () => {
    const { dir } = await run(11);
    const db = await Duck.open({ path: ':memory:' });
    const f = (p: string): string => quotedString(join(dir, p));
    const r = await db.one<{
      n: number;
      users: number;
      lo: string;
      hi: string;
      unknown: number;
      noId: number;
      noTime: number;
      nonsub: number;
      dups: number;
    }>(
      `WITH r AS (SELECT * FROM read_parquet(${f('records/*.parquet')}))
       SELECT count(*)::INTEGER AS n, count(DISTINCT raw_id)::INTEGER AS users,
              min(ts)::VARCHAR AS lo, max(ts)::VARCHAR AS hi,
              count(*) FILTER (WHERE c.cell_id IS NULL)::INTEGER AS unknown,
              count(*) FILTER (WHERE raw_id IS NULL)::INTEGER AS noId,
              count(*) FILTER (WHERE ts IS NULL)::INTEGER AS noTime,
              count(*) FILTER (WHERE raw_id IS NOT NULL AND NOT coalesce(p.subscriber, false))::INTEGER AS nonsub,
              (SELECT count(*) - count(DISTINCT (raw_id, ts, cell_id)) FROM r
                WHERE raw_id IS NOT NULL AND ts IS NOT NULL AND cell_id <> 0)::INTEGER AS dups
       FROM r
       LEFT JOIN read_csv(${f('cells.csv')}) c USING (cell_id)
       LEFT JOIN read_parquet(${f('truth/persons.parquet')}) p USING (raw_id)`,
    );
    db.close();
    const scenario = JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as {
      synthetic: boolean;
      counts: { records: number; subscribers: number; duplicates: number; malformed: Record<string, number> };
    };
    const bad = scenario.counts.malformed;
    expect(scenario.synthetic).toBe(true);
    expect(r?.n).toBe(scenario.counts.records);
    expect(r?.users).toBe(scenario.counts.subscribers);
    expect(r?.unknown).toBe(bad['unknown cell']);
    expect(r?.noId).toBe(bad['missing id']);
    expect(r?.noTime).toBe(bad['unparsable time']);
    expect(r?.dups).toBe(scenario.counts.duplicates);
    expect(r?.nonsub).toBe(0);
    expect(r!.lo >= '2020-01-16 00:00:00').toBe(true);
    expect(r!.hi <= '2020-01-18 23:59:59').toBe(true);
  });
});
