import { beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../cli/serve.ts';
import type { Duck } from '../db/duck.ts';
import { openAppDb } from '../db/sqlite.ts';
import { publish, readCurrent } from '../snapshot/publish.ts';
import type { SnapshotManifest } from '../snapshot/publish.ts';
import { pipelineFixture } from '../testing/fixture.ts';
import { Client } from '../testing/http.ts';
import type { Answer } from '../testing/http.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts } from './accounts.ts';
import { SNAPSHOT_HEADER } from './app.ts';

let ws: Workspace;
const PW = 'snapshots test password';
const FROM = '2020-01-16';
const TO = '2020-01-22';

beforeAll(async () => {
  ws = (await pipelineFixture('snapshots')).ws;
  const db = openAppDb(ws.sqlitePath);
  await new Accounts(db).upsert('epi', PW, 'analyst');
  db.close();
}, 180_000);

/** Drops the last complete day from the writer's database, as if the pipeline had run one day less. */
async function dropLastDay(db: Duck): Promise<void> {
  const last = (await db.one<{ d: string }>(`SELECT strftime(max(day), '%Y-%m-%d') AS d FROM pipeline_days`))!
    .d;
  await db.run(`DELETE FROM od_daily WHERE date = $1::DATE`, [last]);
  await db.run(`DELETE FROM pipeline_days WHERE day = $1::DATE`, [last]);
}

describe('serving from snapshots', () => {
  // Without the cache every flows request reads its snapshot's Duck; with it, most answers are hits.
  it.each([0, 64])(
    'answers 200 from one snapshot each while a writer publishes three times under load (cache %i MB)',
    async (cacheMb) => {
      // The first time, the workspace was never published: serve publishes it first (snapshot 1).
      const server = await startServer(ws, {
        host: '127.0.0.1',
        port: 0,
        pollMs: 10,
        cacheMb,
        log: () => {},
        // The gate is not under test here: room for every user's request.
        limits: { maxQueue: 16 },
      });
      const first = readCurrent(ws)!;
      const expected = [0, 1, 2, 3].map((i) => first.id + i);
      const manifests = new Map<number, SnapshotManifest>([[first.id, first]]);
      const closedBefore = server.snapshots.closedCount;
      // The writer holds analytics.duckdb while the server serves: the server only ever opened snapshots.
      const writer = await ws.openDuck();
      const answers: { path: string; a: Answer }[] = [];
      let publishing = true;
      const paths = [
        '/api/meta',
        `/api/flows/outflow?origin=420100&from=${FROM}&to=${TO}`,
        `/api/flows/inflow?dest=420100&from=${FROM}&to=${TO}`,
      ];
      const users = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const c = new Client(server.url);
          expect((await c.login('epi', PW)).status).toBe(200);
          return c;
        }),
      );
      const load = users.map(async (c, i) => {
        // Each user keeps asking until the last snapshot has been served to it a few times.
        let lastSeen = 0;
        for (let n = 0; publishing || lastSeen < 3; n++) {
          const path = paths[(i + n) % paths.length]!;
          const a = await c.send('GET', path);
          answers.push({ path, a });
          if (!publishing && Number(a.headers.get(SNAPSHOT_HEADER)) === expected[3]) lastSeen++;
        }
      });
      try {
        for (let i = 0; i < 3; i++) {
          await new Promise((r) => setTimeout(r, 150));
          await dropLastDay(writer);
          const m = await publish(ws, writer, { keep: 10 });
          manifests.set(m.id, m);
        }
      } finally {
        publishing = false;
        await Promise.all(load);
        writer.close();
      }
      await new Promise((r) => setTimeout(r, 50));
      const closed = server.snapshots.closedCount - closedBefore;
      const current = server.snapshots.current().manifest.id;
      await server.close();

      expect(answers.filter((x) => x.a.status !== 200).map((x) => [x.path, x.a.status, x.a.body])).toEqual(
        [],
      );
      const ids = new Set<number>();
      const bodiesById = new Map<string, Set<string>>();
      for (const { path, a } of answers) {
        const id = Number(a.headers.get(SNAPSHOT_HEADER));
        ids.add(id);
        const m = manifests.get(id);
        expect(m, `answer with snapshot header ${id}`).toBeDefined();
        if (path === '/api/meta') {
          // The body tells which snapshot it came from: it must be the header's, days and all.
          expect(a.body['snapshot']).toEqual({ id, publishedAt: m!.publishedAt, days: m!.days });
        } else {
          const key = `${path} ${id}`;
          if (!bodiesById.has(key)) bodiesById.set(key, new Set());
          bodiesById.get(key)!.add(JSON.stringify(a.body));
        }
      }
      // Every snapshot was served under load, and each had one day less than the one before.
      expect([...ids].sort()).toEqual(expected);
      const n = first.days!.count;
      expect(expected.map((id) => manifests.get(id)!.days!.count)).toEqual([n, n - 1, n - 2, n - 3]);
      // One answer per (route, snapshot): no answer mixed two snapshots' days; and the snapshots' answers differ.
      for (const [key, bodies] of bodiesById) expect(bodies.size, key).toBe(1);
      const outflows = expected.map((id) => [...bodiesById.get(`${paths[1]} ${id}`)!][0]);
      expect(new Set(outflows).size).toBe(4);
      // Each replaced snapshot was closed once its last request had ended; the current one stays open.
      expect(closed).toBe(3);
      expect(current).toBe(expected[3]);
      console.log(`cache ${cacheMb} MB: ${answers.length} answers over snapshots ${expected.join(', ')}`);
    },
    180_000,
  );

  it('lets the days published after the scenario was written be asked for (meta and the date check widen to them)', async () => {
    const info = ws.info();
    const writer = await ws.openDuck();
    let m: SnapshotManifest;
    try {
      const last = (await writer.one<{ d: string }>(
        `SELECT strftime(max(day), '%Y-%m-%d') AS d FROM pipeline_days WHERE complete`,
      ))!.d;
      const dayBefore = new Date(Date.parse(`${last}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      // workspace.json's scenario ends a day before the last day run: a day landed afterwards.
      ws.writeInfo({ ...info, scenario: { ...info.scenario!, to: dayBefore } });
      m = await publish(ws, writer, { keep: 10 });
    } finally {
      writer.close();
      ws.writeInfo(info);
    }
    const server = await startServer(ws, { host: '127.0.0.1', port: 0, pollMs: 0, log: () => {} });
    try {
      const c = new Client(server.url);
      expect((await c.login('epi', PW)).status).toBe(200);
      const meta = await c.send('GET', '/api/meta');
      expect(Number(meta.headers.get(SNAPSHOT_HEADER))).toBe(m.id);
      expect(meta.body['scenario']).toMatchObject({ from: info.scenario!.from, to: m.days!.last });
      const q = `origin=420100&from=${m.days!.first}&to=${m.days!.last}`;
      expect((await c.send('GET', `/api/flows/outflow?${q}`)).status).toBe(200);
      const after = new Date(Date.parse(`${m.days!.last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const beyond = await c.send(
        'GET',
        `/api/flows/outflow?origin=420100&from=${m.days!.first}&to=${after}`,
      );
      expect([beyond.status, beyond.body['field']]).toEqual([400, 'to']);
    } finally {
      await server.close();
    }
  });
});
