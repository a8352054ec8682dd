import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { builtinAreas } from '../geo/areas.ts';
import { loadDivisions } from '../geo/divisions.ts';
import { importBoundaries } from '../geo/import.ts';
import { Client } from '../testing/http.ts';
import { tracingFixture } from '../testing/tracing-fixture.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts, ROLES } from './accounts.ts';

const PW = 'geo-route-test-password';
let ws: Workspace;
let base: string;
let close: () => Promise<void>;
let geoAreas: { level: string; code: string }[] = [];

/** One imported street: a box over central Wuhan (江岸区 420102). */
const STREET = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { adcode: 420102901, name: '测试街道' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [114.28, 30.6],
            [114.32, 30.6],
            [114.32, 30.63],
            [114.28, 30.63],
            [114.28, 30.6],
          ],
        ],
      },
    },
  ],
};

beforeAll(async () => {
  ws = (await tracingFixture('geo-route')).ws;
  const duck = await ws.openDuck();
  try {
    const file = join(ws.root, 'street.geojson');
    writeFileSync(file, JSON.stringify(STREET));
    await importBoundaries(duck, loadDivisions(), { level: 'street', file, quarantineDir: ws.quarantineDir });
    geoAreas = await duck.all(`SELECT level, code FROM geo_areas ORDER BY level, code`);
  } finally {
    duck.close();
  }
  const db = openAppDb(ws.sqlitePath);
  const acc = new Accounts(db);
  for (const r of ROLES) await acc.upsert(r, PW, r);
  for (const [u, regions] of [
    ['bj', '110000'],
    ['wh', '420100'],
    ['jiangan', '420102'],
  ] as const)
    await acc.upsert(u, PW, 'analyst', 3, regions);
  db.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0 });
  base = s.url;
  close = s.close;
}, 180_000);

afterAll(async () => close?.());

const as = async (user: string | null, path: string) => {
  const c = new Client(base);
  if (user) await c.login(user, PW);
  return c.send('GET', path);
};
type Collection = {
  type: string;
  synthetic: boolean;
  source: string;
  features: { type: string; geometry: { type: string }; properties: Record<string, unknown> }[];
};

describe('GET /api/geo/areas', () => {
  it('gives the synthetic communities of Wuhan as GeoJSON with {code, name, parent, synthetic}', async () => {
    const r = await as('analyst', '/api/geo/areas?city=420100&level=community');
    expect(r.status).toBe(200);
    const body = r.body as unknown as Collection;
    expect(body).toMatchObject({ type: 'FeatureCollection', synthetic: true, source: 'builtin' });
    const codes = body.features.map((f) => f.properties['code']);
    expect(codes).toEqual(builtinAreas('420100', 'community').map((f) => f.properties.code));
    expect(codes).toEqual(geoAreas.filter((a) => a.level === 'community').map((a) => a.code));
    for (const f of body.features) {
      expect(Object.keys(f.properties).sort()).toEqual(['code', 'name', 'parent', 'synthetic']);
      expect(f.properties['synthetic']).toBe(true);
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    }
  });

  it('gives imported streets instead of the synthetic ones, marked not synthetic; none for a city without any', async () => {
    const r = await as('analyst', '/api/geo/areas?city=420100&level=street');
    const body = r.body as unknown as Collection;
    expect(body.source).toBe('imported');
    expect(body.features.map((f) => f.properties)).toEqual([
      { code: '420102901', name: '测试街道', parent: '420102', synthetic: false },
    ]);
    const none = (await as('analyst', '/api/geo/areas?city=110100&level=street'))
      .body as unknown as Collection;
    expect(none).toMatchObject({ source: 'none', features: [] });
  });

  it('answers aggregates roles only', async () => {
    const status = async (who: string | null) =>
      (await as(who, '/api/geo/areas?city=420100&level=street')).status;
    expect(await status(null)).toBe(401);
    for (const role of ROLES) expect(await status(role)).toBe(role === 'public' ? 403 : 200);
  });

  it.each([
    ['bj', 'city=420100&level=street', 403, 'city'],
    ['jiangan', 'city=420100&level=community', 403, 'city'],
    ['wh', 'city=420100&level=community', 200, null],
    ['wh', 'city=420100&level=county', 400, 'level'],
    ['wh', 'level=street', 400, 'city'],
    ['wh', 'city=42010&level=street', 400, 'city'],
    ['analyst', 'city=420102&level=street', 400, 'city'],
  ])('%s: %s -> %i', async (user, qs, status, field) => {
    const r = await as(user, `/api/geo/areas?${qs}`);
    expect(r.status).toBe(status);
    if (field) {
      expect(r.body['field']).toBe(field);
      expect(String(r.body['error'])).toContain(field);
    }
  });
});
