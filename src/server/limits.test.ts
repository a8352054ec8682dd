import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { Client } from '../testing/http.ts';
import { pipelineFixture } from '../testing/fixture.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts } from './accounts.ts';
import { DEFAULT_LIMITS, Gate, RetryLater, limited } from './limits.ts';

const PW = 'limits-test-password';
let ws: Workspace;
let base: string;
let close: () => Promise<void>;
let span: { from: string; to: string };

beforeAll(async () => {
  // The fixture has 7 days (2020-01-16..22); a 5-day limit lets the span check bite inside the data.
  const f = await pipelineFixture('limits');
  ws = f.ws;
  span = { from: ws.info().scenario!.from, to: ws.info().scenario!.to };
  const db = openAppDb(ws.sqlitePath);
  await new Accounts(db).upsert('analyst', PW, 'analyst');
  db.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0, limits: { maxSpanDays: 5 } });
  base = s.url;
  close = s.close;
}, 120_000);

afterAll(async () => close?.());

describe('request limits', () => {
  it.each([
    ['from=0000-01-01&to=9999-12-31', 'from', /before the first data day/],
    ['from=2020-01-16&to=9999-12-31', 'to', /after the last data day/],
    ['from=2020-01-16&to=2020-01-21', 'to', /6 days .* more than the 5 allowed/],
  ])('refuses %s naming %s', async (qs, field, message) => {
    const c = new Client(base);
    await c.login('analyst', PW);
    const r = await c.send('GET', `/api/flows/outflow?origin=420100&${qs}`);
    expect(r.status).toBe(400);
    expect(r.body['field']).toBe(field);
    expect(r.body['error']).toMatch(message);
  });

  it('holds the scale index base span to the configured limit, not the default', async () => {
    const c = new Client(base);
    await c.login('analyst', PW);
    const r = await c.send(
      'GET',
      `/api/flows/scale?region=420100&from=2020-01-16&to=2020-01-17&baseFrom=2020-01-16&baseTo=2020-01-21`,
    );
    expect(r.status).toBe(400);
    expect(r.body['field']).toBe('baseTo');
    expect(r.body['error']).toMatch(/6 days .* more than the 5 allowed/);
  });

  it('keeps /api/me under 1 s while three maximal (5-day) queries run', async () => {
    const c = new Client(base);
    await c.login('analyst', PW);
    const to = new Date(Date.parse(`${span.from}T00:00:00Z`) + 4 * 86_400_000).toISOString().slice(0, 10);
    const q = `from=${span.from}&to=${to}`;
    const t0 = performance.now();
    const heavy = [
      c.send('GET', `/api/flows/outflow?origin=420100&${q}`),
      c.send('GET', `/api/flows/inflow?dest=420100&${q}`),
      c.send('GET', `/api/flows/returnees?city=110100&source=420100&${q}`),
    ].map((p) => p.then((r) => ({ status: r.status, ms: performance.now() - t0 })));
    const me: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      expect((await c.send('GET', '/api/me')).status).toBe(200);
      me.push(performance.now() - s);
    }
    const done = await Promise.all(heavy);
    console.log(
      `5-day queries: ${done.map((d) => `${d.status} in ${d.ms.toFixed(0)} ms`).join(', ')}; ` +
        `/api/me meanwhile: max ${Math.max(...me).toFixed(1)} ms`,
    );
    expect(done.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(Math.max(...me)).toBeLessThan(1000);
  });
});

describe('time budget', () => {
  it('answers 503 with Retry-After when a query runs past the budget', async () => {
    const s = await startServer(ws, { host: '127.0.0.1', port: 0, limits: { budgetMs: 1 } });
    try {
      const c = new Client(s.url);
      await c.login('analyst', PW);
      const r = await c.send('GET', `/api/flows/outflow?origin=420100&from=${span.from}&to=${span.from}`);
      expect(r.status).toBe(503);
      expect(r.body['error']).toMatch(/took longer than 0.001 s/);
      expect(r.headers.get('retry-after')).toBe('30');
      expect((await c.send('GET', '/api/me')).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  // A query answered 503 past its budget keeps running; closing the database under it crashed the test worker
  // (about 2 runs in 7 of this file). Close now waits for the gate to drain.
  it('closes only after a query that outran its budget has ended', async () => {
    for (let i = 0; i < 12; i++) {
      const s = await startServer(ws, { host: '127.0.0.1', port: 0, limits: { budgetMs: 1 } });
      const c = new Client(s.url);
      await c.login('analyst', PW);
      const r = await c.send('GET', `/api/flows/outflow?origin=420100&from=${span.from}&to=${span.to}`);
      expect(r.status).toBe(503);
      await s.close();
    }
  });

  it('drains: resolves when the last slot is given back, not before', async () => {
    const gate = new Gate({ ...DEFAULT_LIMITS, maxConcurrent: 2 });
    await gate.drained();
    const a = await gate.acquire();
    const b = await gate.acquire();
    let done = false;
    const drained = gate.drained().then(() => (done = true));
    a();
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    b();
    await drained;
    expect(done).toBe(true);
  });

  it('keeps the slot taken until the late query really ends', async () => {
    const gate = new Gate({ ...DEFAULT_LIMITS, maxConcurrent: 1, maxQueue: 1, queueWaitMs: 60_000 });
    let ended = 0;
    const slow = () =>
      new Promise<number>((resolve) => setTimeout(() => resolve((ended = performance.now())), 150));
    await expect(limited(gate, 20, slow)).rejects.toMatchObject({ status: 503 });
    await gate.acquire();
    expect(ended).toBeGreaterThan(0);
  });
});

describe('Gate', () => {
  it('runs at most maxConcurrent, queues maxQueue, answers 503 with Retry-After beyond', async () => {
    const gate = new Gate({ ...DEFAULT_LIMITS, maxConcurrent: 2, maxQueue: 1, queueWaitMs: 60_000 });
    const r1 = await gate.acquire();
    await gate.acquire();
    let third = false;
    const queued = gate.acquire().then((r) => ((third = true), r));
    const refused = await gate.acquire().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RetryLater);
    expect(refused).toMatchObject({ status: 503, retryAfterS: 5 });
    await Promise.resolve();
    expect(third).toBe(false);
    r1();
    r1(); // releasing twice frees one slot only
    (await queued)();
    expect(third).toBe(true);
  });

  it('gives up on a wait longer than the budget', async () => {
    const gate = new Gate({ ...DEFAULT_LIMITS, maxConcurrent: 1, maxQueue: 5, queueWaitMs: 20 });
    await gate.acquire();
    await expect(gate.acquire()).rejects.toMatchObject({ status: 503 });
  });
});
