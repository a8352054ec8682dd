import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudit, startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import type { AuditLog } from '../privacy/audit.ts';
import { publish } from '../snapshot/publish.ts';
import type { SnapshotSource } from '../snapshot/source.ts';
import { forecastFixture } from '../testing/forecast-fixture.ts';
import { Client } from '../testing/http.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts } from './accounts.ts';
import { SNAPSHOT_HEADER } from './app.ts';

// The response cache on a served workspace: audited like a miss, never shared across regions where the
// route filters, dropped with its snapshot, single-flight under concurrent misses.

const PW = 'cache-test-password';
const clients: Record<string, Client> = {};
let ws: Workspace;
let snapshots: SnapshotSource;
let close: () => Promise<void>;
let from = '';
let to = '';
let auditDb: ReturnType<typeof openAppDb>;
let audit: AuditLog;

beforeAll(async () => {
  const f = await forecastFixture('cache-api');
  ws = f.ws;
  ({ from, to } = ws.info().scenario!);
  const app = openAppDb(ws.sqlitePath);
  const acc = new Accounts(app);
  for (const [u, regions] of [
    ['all', '*'],
    ['bj', '110000'],
    ['wh', '420100'],
  ] as const)
    await acc.upsert(u, PW, 'analyst', 3, regions);
  app.close();
  // Polling off: the test switches snapshots itself (refresh), so it knows when.
  const s = await startServer(ws, { host: '127.0.0.1', port: 0, pollMs: 0 });
  [close, snapshots] = [s.close, s.snapshots];
  for (const u of ['all', 'bj', 'wh']) {
    clients[u] = new Client(s.url);
    expect((await clients[u].login(u, PW)).status).toBe(200);
  }
  auditDb = openAppDb(ws.sqlitePath);
  audit = openAudit(ws, auditDb);
}, 300_000);

afterAll(async () => {
  await close?.();
  auditDb?.close();
});

const audited = (action: string) => audit.recent(100_000).filter((e) => e.action === action).length;
const stats = () => ({ ...snapshots.current().cache.stats });

describe('response cache', () => {
  it('audits a hit exactly like a miss, and a hit computes nothing', async () => {
    const path = `/api/flows/outflow?origin=420100&from=${from}&to=${to}`;
    const before = audited('flows.outflow');
    const s0 = stats();
    const miss = await clients['all']!.send('GET', path);
    const hit = await clients['all']!.send('GET', path);
    expect([miss.status, hit.status]).toEqual([200, 200]);
    expect(hit.body).toEqual(miss.body);
    expect(audited('flows.outflow') - before).toBe(2);
    const s1 = stats();
    expect(s1.computations - s0.computations).toBe(1);
    expect(s1.hits - s0.hits).toBe(1);
  });

  it('never gives one account the regions of another where the route filters by them (forecast runs)', async () => {
    const regionsOf = async (who: string) => {
      const r = await clients[who]!.send('GET', '/api/forecast/runs');
      expect(r.status).toBe(200);
      return (r.body['runs'] as { regions: { code: string }[] }[]).flatMap((x) =>
        x.regions.map((g) => g.code),
      );
    };
    const all = await regionsOf('all');
    const s0 = stats();
    const bj = await regionsOf('bj');
    const wh = await regionsOf('wh');
    const again = await regionsOf('all');
    // The stored list is computed once for all; each answer is filtered for its account.
    expect(stats().computations - s0.computations).toBe(0);
    expect(all.length).toBeGreaterThan(bj.length);
    expect(wh.length).toBeGreaterThan(0);
    expect(bj.every((c) => c.startsWith('11'))).toBe(true);
    expect(wh.every((c) => c.startsWith('42'))).toBe(true);
    expect(again).toEqual(all);
    // And a region outside the account is refused before any cached answer could be given.
    const series = `/api/forecast?run=1&region=420100&quantity=confirmed&scenario=baseline`;
    expect((await clients['all']!.send('GET', series)).status).toBe(200);
    const refused = await clients['bj']!.send('GET', series);
    expect(refused.status).toBe(403);
  });

  it('does not serve the old snapshot’s cached answer from a new snapshot', async () => {
    const path = `/api/flows/outflow?origin=420100&from=${from}&to=${to}`;
    const old = await clients['all']!.send('GET', path);
    const oldId = Number(old.headers.get(SNAPSHOT_HEADER));
    const writer = await ws.openDuck();
    try {
      await writer.run(`DELETE FROM od_daily WHERE date = $1::DATE`, [to]);
      await publish(ws, writer);
    } finally {
      writer.close();
    }
    expect(await snapshots.refresh()).toBe(true);
    const fresh = await clients['all']!.send('GET', path);
    expect(Number(fresh.headers.get(SNAPSHOT_HEADER))).toBe(oldId + 1);
    expect(fresh.body).not.toEqual(old.body);
    expect(stats()).toEqual({ hits: 0, misses: 1, computations: 1 });
  });

  it('computes 20 concurrent identical misses once, and audits all 20', async () => {
    const path = `/api/flows/inflow?dest=420100&from=${from}&to=${to}`;
    const before = audited('flows.inflow');
    const s0 = stats();
    // The same question from two accounts (both may ask about Wuhan) at once.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => clients[i % 2 ? 'wh' : 'all']!.send('GET', path)),
    );
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(20);
    expect(new Set(ok.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(stats().computations - s0.computations).toBe(1);
    expect(audited('flows.inflow') - before).toBe(ok.length);
  });
});
