import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { area } from '@turf/area';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import polygonClipping from 'polygon-clipping';
import type { Geom } from 'polygon-clipping';
import { merge } from 'topojson-client';
import { topology } from 'topojson-server';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { loadCellRegistry } from '../ingest/registry.ts';
import { Random } from '../synth/random.ts';
import { tempDir } from '../testing/fixture.ts';
import { builtinAreas } from './areas.ts';
import { loadDivisions } from './divisions.ts';
import { importBoundaries } from './import.ts';
import type { ImportResult } from './import.ts';

const divisions = loadDivisions();
const dir = tempDir('geo-import');
const quarantineDir = join(dir, 'quarantine');
const COUNTY = '420102'; // 江岸区, Wuhan

/** The county polygon regions.ts locates in, as polygon-clipping input. */
const topo = JSON.parse(
  readFileSync(new URL('./data/counties.topo.json', import.meta.url), 'utf8'),
) as Topology;
const countyGeom = merge(topo, [
  (topo.objects.counties as GeometryCollection<{ code: string }>).geometries.find(
    (g) => (g.properties as { code: string }).code === COUNTY,
  ) as never,
]).coordinates as Geom;
const xs = (countyGeom as number[][][][]).flat(2).map((p) => p[0]!);
const ys = (countyGeom as number[][][][]).flat(2).map((p) => p[1]!);
const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
const mid = (x0 + x1) / 2;
const box = (a: number, b: number, c = y0 - 0.01, d = y1 + 0.01): Geom => [
  [
    [a, c],
    [b, c],
    [b, d],
    [a, d],
    [a, c],
  ],
];
const clip = (g: Geom): MultiPolygon => ({
  type: 'MultiPolygon',
  coordinates: polygonClipping.intersection(countyGeom, g),
});
const m2 = (g: Geom) => area({ type: 'MultiPolygon', coordinates: polygonClipping.union(g) });

const street = (code: unknown, name: unknown, geometry: unknown, key = 'code'): Feature =>
  ({ type: 'Feature', geometry, properties: { [key]: code, name } }) as Feature;
const west = clip(box(x0 - 0.01, mid));
const east = clip(box(mid, x1 + 0.01));
const good = [street('420102901', '西 测试街道', west), street('420102902', '东 测试街道', east)];
const fc = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });
/** A small square around (lon, lat) inside the county. */
const square = (lon: number, lat: number, d = 0.002): Polygon => ({
  type: 'Polygon',
  coordinates: box(lon - d, lon + d, lat - d, lat + d) as number[][][],
});
const inside = (() => {
  // A point well inside the west half, for the little squares of the bad-geometry tests.
  const rng = new Random(7);
  for (;;) {
    const p: [number, number] = [rng.range(x0, mid), rng.range(y0, y1)];
    if (booleanPointInPolygon(p, square(p[0], p[1], 0.003)) && booleanPointInPolygon(p, west)) return p;
  }
})();

let n = 0;
function file(content: unknown, bom = false): string {
  const path = join(dir, `in-${++n}.json`);
  writeFileSync(
    path,
    (bom ? '\uFEFF' : '') + (typeof content === 'string' ? content : JSON.stringify(content)),
  );
  return path;
}

let db: Duck;
/** Cells at random points over Wuhan's box (seeded), loaded through the real registry. */
const cellCsv = (() => {
  const rng = new Random(12);
  const rows = ['cell_id,lon,lat'];
  for (let i = 1; i <= 600; i++)
    rows.push(`${i},${rng.range(113.7, 115.1).toFixed(6)},${rng.range(29.97, 31.37).toFixed(6)}`);
  // 200 more inside the test county's box, so both halves hold cells.
  for (let i = 601; i <= 800; i++)
    rows.push(`${i},${rng.range(x0, x1).toFixed(6)},${rng.range(y0, y1).toFixed(6)}`);
  const path = join(dir, 'cells.csv');
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
})();

type CellRow = {
  cell_id: number;
  lon: number;
  lat: number;
  county_code: string | null;
  city_code: string | null;
  street_code: string | null;
  community_code: string | null;
};
const cells = () =>
  db.all<CellRow>(
    `SELECT cell_id, lon, lat, county_code, city_code, street_code, community_code FROM cells ORDER BY cell_id`,
  );
const snapshot = async () =>
  JSON.stringify([
    await cells(),
    await db.all(`SELECT * FROM geo_areas ORDER BY level, code`),
    await db.all(
      `SELECT level, city, code, name, parent, geometry FROM geo_boundaries ORDER BY level, city, code`,
    ),
  ]);
const run = (
  path: string,
  extra: Partial<Parameters<typeof importBoundaries>[2]> = {},
): Promise<ImportResult> =>
  importBoundaries(db, divisions, { level: 'street', file: path, quarantineDir, ...extra });

beforeAll(async () => {
  db = await Duck.open({ path: ':memory:' });
  await loadCellRegistry(db, cellCsv);
});
afterAll(() => db.close());

describe('cell registry load', () => {
  it('assigns each Wuhan cell its synthetic street (the first 9 digits of its 12-digit community)', async () => {
    const rows = await cells();
    const wuhan = rows.filter((r) => r.city_code === '420100');
    expect(wuhan.length).toBeGreaterThan(300);
    for (const r of wuhan) {
      expect(r.community_code).toMatch(/^\d{12}$/);
      expect(r.street_code).toBe(r.community_code!.slice(0, 9));
      expect(r.street_code!.slice(0, 6)).toBe(r.county_code);
    }
    // Independent check: the street polygon (union of its communities) contains the cell.
    const streets = new Map(builtinAreas('420100', 'street').map((f) => [f.properties.code, f.geometry]));
    const outside = wuhan.filter((r) => !booleanPointInPolygon([r.lon, r.lat], streets.get(r.street_code!)!));
    expect(outside.map((r) => r.cell_id)).toEqual([]);
    expect(rows.filter((r) => r.city_code !== '420100').every((r) => r.street_code === null)).toBe(true);
  });

  it('writes geo_areas: the synthetic streets and communities with label points inside them', async () => {
    const areas = await db.all<{
      level: string;
      code: string;
      parent: string;
      synthetic: boolean;
      lon: number;
      lat: number;
      name: string;
    }>(`SELECT * FROM geo_areas ORDER BY level, code`);
    const streets = areas.filter((a) => a.level === 'street');
    const communities = areas.filter((a) => a.level === 'community');
    expect(streets.length).toBe(builtinAreas('420100', 'street').length);
    expect(communities.length).toBe(249);
    expect(areas.every((a) => a.synthetic && a.name.endsWith('(synthetic)'))).toBe(true);
    expect(
      communities.every((c) => c.parent === c.code.slice(0, 9) && streets.some((s) => s.code === c.parent)),
    ).toBe(true);
    const shapes = new Map(builtinAreas('420100', 'community').map((f) => [f.properties.code, f.geometry]));
    expect(communities.filter((c) => !booleanPointInPolygon([c.lon, c.lat], shapes.get(c.code)!))).toEqual(
      [],
    );
  });
});

describe('epitrace geo import', () => {
  let first: ImportResult;
  it('imports a good file: cells of the city re-assigned by point in polygon, geo_areas replaced for the level', async () => {
    const before = await cells();
    first = await run(file(fc(good)));
    expect(first.city).toBe('420100');
    expect(first.validation).toMatchObject({ input: 2, quarantined: [], overlaps: [] });
    expect(first.validation.accepted).toHaveLength(2);
    const after = await cells();
    const expected = after.map((c) => {
      if (c.city_code !== '420100') return null;
      if (booleanPointInPolygon([c.lon, c.lat], west)) return '420102901';
      if (booleanPointInPolygon([c.lon, c.lat], east)) return '420102902';
      return null;
    });
    expect(after.map((c) => c.street_code)).toEqual(expected);
    expect(expected.filter((e) => e).length).toBeGreaterThan(50);
    // Communities are another level: untouched.
    expect(after.map((c) => c.community_code)).toEqual(before.map((c) => c.community_code));
    const changed = after.filter((c, i) => c.street_code !== before[i]!.street_code).length;
    expect(first.changed).toBe(changed);
    expect(first.cells).toBe(after.filter((c) => c.city_code === '420100').length);
    const streets = await db.all<{ code: string; synthetic: boolean; parent: string }>(
      `SELECT code, synthetic, parent FROM geo_areas WHERE level = 'street' ORDER BY code`,
    );
    expect(streets).toEqual([
      { code: '420102901', synthetic: false, parent: COUNTY },
      { code: '420102902', synthetic: false, parent: COUNTY },
    ]);
    // The halves tile the county: no county gap; the city gap is the other counties' area.
    expect(first.validation.gaps.filter((g) => g.level === 'county')).toEqual([]);
    expect(first.validation.gaps[0]).toMatchObject({ level: 'city', code: '420100' });
    expect(first.validation.gaps[0]!.share).toBeGreaterThan(0.9);
  });

  it('is idempotent: the same file again changes nothing', async () => {
    const before = await snapshot();
    const again = await run(file(fc(good)));
    expect(again.changed).toBe(0);
    expect(await snapshot()).toBe(before);
  });

  it('reads the same areas from TopoJSON with a byte-order mark and adcode numbers, with the same result', async () => {
    const before = await snapshot();
    const numeric = good.map((f) =>
      street(Number(f.properties!['code']), f.properties!['name'], f.geometry, 'adcode'),
    );
    const topo = topology({ streets: fc(numeric) });
    const r = await run(file(topo, true));
    expect(r.changed).toBe(0);
    expect(r.validation.accepted.map((f) => f.properties.code)).toEqual(['420102901', '420102902']);
    expect(r.validation.gaps[0]!.m2).toBeCloseTo(first.validation.gaps[0]!.m2, -1);
    const [cellsNow] = JSON.parse(await snapshot()) as unknown[];
    expect(cellsNow).toEqual((JSON.parse(before) as unknown[])[0]);
  });

  it('keeps cells assigned to imported streets when the cell registry is loaded again', async () => {
    const before = await cells();
    await loadCellRegistry(db, cellCsv);
    expect(await cells()).toEqual(before);
  });

  it('quarantines an unclosed ring, a bowtie, bad codes, a missing name and a duplicate, counting them', async () => {
    const [lon, lat] = inside;
    const unclosed = square(lon, lat);
    unclosed.coordinates[0]!.pop();
    const bowtie: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [lon, lat],
          [lon + 0.002, lat + 0.002],
          [lon + 0.002, lat],
          [lon, lat + 0.002],
          [lon, lat],
        ],
      ],
    };
    const triangle: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [lon, lat],
          [lon + 0.001, lat],
          [lon, lat],
        ],
      ],
    };
    const path = file(
      fc([
        ...good,
        street('420102903', '未闭合', unclosed),
        street('420102904', '蝴蝶结', bowtie),
        street('42010290', '短码', square(lon, lat)),
        street('110101001', '北京', square(lon, lat)),
        street('420102905', null, square(lon, lat)),
        street('420102901', '重复', west),
        street('420102906', '三点', triangle),
        street('420102907', '线', {
          type: 'LineString',
          coordinates: [
            [lon, lat],
            [lon + 1, lat],
          ],
        }),
        street('420100001', '城市码', square(lon, lat)),
      ]),
    );
    // Codes in two cities: the city must be named.
    await expect(run(path)).rejects.toThrow(/codes lie in 2 cities \(110100, 420100\); pass --city CODE/);
    const r = await run(path, { city: '420100' });
    const v = r.validation;
    expect(v.input).toBe(11);
    expect(v.accepted.length + v.quarantined.length).toBe(v.input);
    expect(v.accepted.map((f) => f.properties.code)).toEqual(['420102901', '420102902']);
    const reasons = Object.fromEntries(v.quarantined.map((q) => [q.index, q.reason]));
    expect(reasons).toEqual({
      3: expect.stringMatching(/ring 1 of part 1 is not closed/),
      4: expect.stringMatching(/self-intersecting ring \(1 crossing/),
      5: expect.stringMatching(/'42010290' is not 9 digits/),
      6: expect.stringMatching(/county 110101 is in city 110100, not 420100/),
      7: expect.stringMatching(/no name/),
      8: expect.stringMatching(/duplicate code '420102901' \(first at feature 1\)/),
      9: expect.stringMatching(/has 3 points, need at least 4/),
      10: expect.stringMatching(/geometry is LineString/),
      11: expect.stringMatching(/420100 is not a county code/),
    });
    const quarantined = JSON.parse(readFileSync(r.quarantineFile!, 'utf8')) as FeatureCollection;
    expect(quarantined.features.map((f) => f.properties!['_index'])).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(r.changed).toBe(0);
  });

  it('reports two overlapping areas with the overlap area, and a gap with its share', async () => {
    // West reaches 0.004 degrees past the middle; a box is cut out of the east half.
    const d = 0.004;
    const wider = clip(box(x0 - 0.01, mid + d));
    const hole = box(mid + 0.01, mid + 0.02);
    const eastCut: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: polygonClipping.difference(east.coordinates as Geom, hole),
    };
    const r = await run(file(fc([street('420102901', 'W', wider), street('420102902', 'E', eastCut)])));
    const v = r.validation;
    expect(v.quarantined).toEqual([]);
    expect(v.overlaps).toHaveLength(1);
    const overlap = m2(polygonClipping.intersection(countyGeom, box(mid, mid + d)));
    expect(v.overlaps[0]).toMatchObject({ a: '420102901', b: '420102902' });
    expect(v.overlaps[0]!.m2 / overlap).toBeCloseTo(1, 6);
    const missing = m2(polygonClipping.intersection(countyGeom, hole));
    const county = v.gaps.find((g) => g.level === 'county' && g.code === COUNTY)!;
    expect(county.m2 / missing).toBeCloseTo(1, 6);
    expect(county.share / (missing / m2(countyGeom))).toBeCloseTo(1, 6);
    expect(missing).toBeGreaterThan(1e5);
  });

  it('is atomic: a failure before COMMIT leaves the previous boundaries and assignment', async () => {
    await run(file(fc(good)));
    const before = await snapshot();
    const shifted = [street('420102901', 'A', east), street('420102902', 'B', west)];
    await expect(
      run(file(fc(shifted)), {
        beforeCommit: () => {
          throw new Error('disk full (test)');
        },
      }),
    ).rejects.toThrow('disk full (test)');
    expect(await snapshot()).toBe(before);
    // Without the failure the same file does change the cells: the test above had something to roll back.
    expect((await run(file(fc(shifted)))).changed).toBeGreaterThan(0);
    await run(file(fc(good)));
  });

  it('imports communities (12-digit codes): community_code re-assigned, streets untouched, unknown streets warned', async () => {
    await run(file(fc(good)));
    const before = await cells();
    const north = clip(box(x0 - 0.01, mid, (y0 + y1) / 2, y1 + 0.01));
    const south = clip(box(x0 - 0.01, mid, y0 - 0.01, (y0 + y1) / 2));
    const r = await run(
      file(fc([street('420102901001', '北社区', north), street('420102909001', '南社区', south)])),
      { level: 'community' },
    );
    expect(r.validation.quarantined).toEqual([]);
    expect(r.orphans).toEqual(['420102909']);
    const after = await cells();
    const expected = after.map((c) => {
      if (c.city_code !== '420100') return c.community_code;
      if (booleanPointInPolygon([c.lon, c.lat], north)) return '420102901001';
      if (booleanPointInPolygon([c.lon, c.lat], south)) return '420102909001';
      return null;
    });
    expect(after.map((c) => c.community_code)).toEqual(expected);
    expect(after.map((c) => c.street_code)).toEqual(before.map((c) => c.street_code));
    expect(r.changed).toBe(after.filter((c, i) => c.community_code !== before[i]!.community_code).length);
    const rows = await db.all<{ code: string; parent: string; synthetic: boolean }>(
      `SELECT code, parent, synthetic FROM geo_areas WHERE level = 'community' ORDER BY code`,
    );
    expect(rows).toEqual([
      { code: '420102901001', parent: '420102901', synthetic: false },
      { code: '420102909001', parent: '420102909', synthetic: false },
    ]);
    // A street code is the wrong length at community level.
    const wrong = await run(file(fc([...good, street('420102901001', 'c', north)])), { level: 'community' });
    expect(wrong.validation.quarantined.map((q) => q.reason)).toEqual([
      expect.stringMatching(/'420102901' is not 12 digits/),
      expect.stringMatching(/'420102902' is not 12 digits/),
    ]);
  });

  it('refuses garbage with one line and changes nothing', async () => {
    const before = await snapshot();
    const cases: [string, RegExp][] = [
      [file('this is not { json'), /is not JSON/],
      [file(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]).toString('latin1')), /is not JSON/],
      [file([1, 2, 3]), /expected a GeoJSON or TopoJSON object/],
      [file({ type: 'Point', coordinates: [1, 2] }), /got type "Point"/],
      [
        file({ type: 'Topology', objects: { a: { type: 'Polygon', arcs: [[7]] } }, arcs: [] }),
        /not valid TopoJSON/,
      ],
      [file(fc([])), /holds no features/],
      [file(fc([street('420102901', 'x', { type: 'Point', coordinates: [1, 2] })])), /no valid street area/],
      [join(dir, 'missing.json'), /cannot read boundary file/],
    ];
    for (const [path, message] of cases) {
      const e = await run(path).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message).not.toContain('\n');
    }
    expect(await snapshot()).toBe(before);
  });
});
