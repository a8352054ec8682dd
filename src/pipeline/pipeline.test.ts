import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineFixture } from '../testing/fixture.ts';
import { readTruthStays } from '../synth/truth-io.ts';
import { trueOutflow, trueTrips } from '../synth/truth.ts';
import type { TruthStay } from '../synth/truth.ts';
import type { Workspace } from '../workspace.ts';
import { outflow } from './flows.ts';
import { divisionNaming } from '../server/routes-flows.ts';

let ws: Workspace;
let truth: TruthStay[];
let from: string;
let to: string;

beforeAll(async () => {
  // No ping-pong here, so that cell stays must equal the true presences exactly.
  const f = await pipelineFixture('pipeline', { pingPongRate: 0 });
  ws = f.ws;
  truth = await readTruthStays(f.synthDir, true);
  from = f.params.start;
  to = ws.info().scenario!.to;
});

describe('pipeline against the generator ground truth', () => {
  it('finds exactly the true presences of the subscribers (stays and handovers), day by day', async () => {
    const db = await ws.openDuck({ readOnly: true });
    const n = await db.one<{ closed: number; open: number; days: number }>(
      `SELECT (SELECT count(*) FROM stays)::INTEGER AS closed, (SELECT count(*) FROM open_stays)::INTEGER AS open,
              (SELECT count(*) FROM pipeline_days)::INTEGER AS days`,
    );
    db.close();
    expect(n!.days).toBe(7);
    expect(n!.closed + n!.open).toBe(truth.length);
  });

  it.each(['county', 'city', 'province'] as const)(
    'counts daily OD at %s level as the truth does, for every origin',
    async (level) => {
      const trips = trueTrips(truth, 120, level);
      expect(trips.length).toBeGreaterThan(100);
      const db = await ws.openDuck({ readOnly: true });
      const rows = await db.all<{ origin: string; dest: string; n: number }>(
        `SELECT origin, dest, sum(users)::INTEGER AS n FROM od_daily WHERE level = $1 GROUP BY ALL`,
        [level],
      );
      db.close();
      const origins = new Set(trips.map((t) => t.origin));
      let compared = 0;
      for (const origin of origins) {
        const expected = trueOutflow(trips, origin, from, to);
        const got = new Map(rows.filter((r) => r.origin === origin).map((r) => [r.dest, r.n]));
        expect(got).toEqual(expected);
        compared += got.size;
      }
      expect(compared).toBe(rows.length);
    },
  );

  it('publishes the outflow with counts below k suppressed, never as zero', async () => {
    const db = await ws.openDuck({ readOnly: true });
    const o = await outflow(db, { origin: '420100', from, to, k: 15 }, divisionNaming());
    db.close();
    const expected = trueOutflow(trueTrips(truth, 120), '420100', from, to);
    const top = [...expected].sort((a, b) => b[1] - a[1])[0]!;
    expect(o.destinations[0]).toMatchObject({ code: top[0], count: top[1], suppressed: false });
    for (const d of o.destinations) {
      const n = expected.get(d.code)!;
      expect(d.suppressed).toBe(n < 15);
      expect(d.count).toBe(n < 15 ? null : n);
    }
    expect(o.daily.every((d) => d.count === null || d.count >= 15)).toBe(true);
  });
});
