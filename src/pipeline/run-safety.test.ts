import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';
import { csvOf, freshWorkspace, TEST_KEY, writeText } from '../ingest/testing.ts';
import type { Rec } from '../ingest/testing.ts';
import type { Workspace } from '../workspace.ts';
import { runPipeline } from './run.ts';

const clock = () => new Date('2020-01-20T00:00:00Z');

/** 30 users moving between the two test cells every 3 hours over 2020-01-16..17. */
function records(): Rec[] {
  const out: Rec[] = [];
  for (let u = 0; u < 30; u++)
    for (let h = 0; h < 48; h += 1)
      out.push([
        `u${u}`,
        `2020-01-${16 + Math.floor(h / 24)} ${String(h % 24).padStart(2, '0')}:${String(u).padStart(2, '0')}:00`,
        String(1 + (Math.floor(h / 3) % 2)),
      ]);
  return out;
}

async function ingested(prefix: string, extra: Rec[] = []): Promise<{ ws: Workspace; dir: string }> {
  const { dir, ws, cells } = freshWorkspace(prefix);
  const file = writeText(join(dir, 'r.csv'), csvOf([...records(), ...extra]));
  await ingest(ws, { inputs: [file], cells, key: TEST_KEY }, { clock });
  return { ws, dir };
}

async function state(ws: Workspace) {
  const db = await ws.openDuck({ readOnly: true });
  try {
    const has = async (table: string): Promise<boolean> =>
      (await db.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = $1`,
        [table],
      ))!.n > 0;
    // A failed first run rolls back the creation of the result tables too.
    if (!(await has('pipeline_days'))) return { days: [], stays: 0, presence: 0 };
    const days = await db.all<{ day: string; complete: boolean }>(
      `SELECT strftime(day, '%Y-%m-%d') AS day, complete FROM pipeline_days ORDER BY day`,
    );
    const [n] = await db.all<{ stays: number }>(
      `SELECT ((SELECT count(*) FROM stays) + (SELECT count(*) FROM open_stays))::INTEGER AS stays`,
    );
    const presence = (await has('presence'))
      ? (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM presence`))!.n
      : 0;
    return { days, ...n!, presence };
  } finally {
    db.close();
  }
}

const fail =
  (step: string, day = '') =>
  (s: string, d: string) => {
    if (s === step && d >= day) throw new Error(`simulated failure in ${s} ${d}`);
  };

describe('run', () => {
  it('completes over a workspace whose absurd dates were quarantined', async () => {
    const { ws } = await ingested('absurd', [
      ['u1', '0001-01-01 00:00:00', '1'],
      ['u2', '9999-12-31 23:59:59', '2'],
    ]);
    const s = await runPipeline(ws);
    expect(s.days).toEqual(['2020-01-16', '2020-01-17']);
    const st = await state(ws);
    expect(st.days).toEqual([
      { day: '2020-01-16', complete: true },
      { day: '2020-01-17', complete: true },
    ]);
    expect(st.presence).toBeGreaterThan(0);
  });

  // A run is one transaction: a failure in any step, daily or derived, leaves the workspace exactly as
  // before the run (no day, no stay, no presence), and the next run does all of it.
  it('keeps no trace of a run whose residents or presence fail, and does it all next time', async () => {
    const ref = await ingested('ref');
    await runPipeline(ref.ws);
    const expected = await state(ref.ws);

    const { ws } = await ingested('derived-fails');
    await expect(runPipeline(ws, { fault: fail('derived') })).rejects.toThrow(/simulated failure/);
    expect(await state(ws)).toEqual({ days: [], stays: 0, presence: 0 });
    await runPipeline(ws);
    expect(await state(ws)).toEqual(expected);
  });

  it('keeps no trace of a run whose daily steps fail on a later day', async () => {
    const ref = await ingested('ref');
    await runPipeline(ref.ws);
    const expected = await state(ref.ws);

    const { ws } = await ingested('day-fails');
    await expect(runPipeline(ws, { fault: fail('day', '2020-01-17') })).rejects.toThrow(/simulated failure/);
    expect(await state(ws)).toEqual({ days: [], stays: 0, presence: 0 });
    await runPipeline(ws);
    expect(await state(ws)).toEqual(expected);
  });

  it('leaves the results of earlier runs as they were when a later run fails, --rebuild included', async () => {
    const { ws } = await ingested('later-fails');
    await runPipeline(ws, { to: '2020-01-16' });
    const before = await state(ws);
    expect(before.days).toEqual([{ day: '2020-01-16', complete: true }]);
    await expect(runPipeline(ws, { fault: fail('day', '2020-01-17') })).rejects.toThrow(/simulated failure/);
    expect(await state(ws)).toEqual(before);
    await expect(runPipeline(ws, { rebuild: true, fault: fail('derived') })).rejects.toThrow(
      /simulated failure/,
    );
    expect(await state(ws)).toEqual(before);
  });

  it('refuses days that received records after they ran until --rebuild', async () => {
    const { ws, dir } = await ingested('stale');
    await runPipeline(ws);
    const late = writeText(join(dir, 'late.csv'), csvOf([['u99', '2020-01-17 12:00:00', '1']]));
    await ingest(ws, { inputs: [late], key: TEST_KEY }, { clock });
    const err = (await runPipeline(ws).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(
      '1 day(s) already run changed since (2020-01-17: records added by late.csv): pass --rebuild to run them again',
    );
    await runPipeline(ws, { rebuild: true });
    expect((await runPipeline(ws)).days).toEqual([]);
  });
});
