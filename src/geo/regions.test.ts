import { readFileSync } from 'node:fs';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { Random } from '../synth/random.ts';
import { loadDivisions } from './divisions.ts';
import { loadRegionIndex } from './regions.ts';

const index = loadRegionIndex();
const divisions = loadDivisions();
const topo = JSON.parse(
  readFileSync(new URL('./data/counties.topo.json', import.meta.url), 'utf8'),
) as Topology;
const counties = feature(topo, topo.objects.counties as GeometryCollection<{ code: string }>).features.map(
  (f) => ({ code: f.properties.code, geometry: f.geometry as Polygon | MultiPolygon }),
);

/**
 * Even-odd ray casting over every ring: deliberately not the package regions.ts uses, so a bug in the
 * index, the exact test or the code mapping shows up as a disagreement.
 */
function inside([x, y]: [number, number], geometry: Polygon | MultiPolygon): boolean {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let odd = false;
  for (const ring of parts.flat()) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi = 0, yi = 0] = ring[i] ?? [];
      const [xj = 0, yj = 0] = ring[j] ?? [];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

function bbox(geometry: Polygon | MultiPolygon): [number, number, number, number] {
  const pts: Position[] = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates).flat(
    2,
  );
  const xs = pts.map((p) => p[0] ?? 0);
  const ys = pts.map((p) => p[1] ?? 0);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Up to `tries` uniform draws in the county's box until one falls inside it. */
function sampleInside(rng: Random, geometry: Polygon | MultiPolygon, tries = 500): [number, number] | null {
  const [x0, y0, x1, y1] = bbox(geometry);
  for (let t = 0; t < tries; t++) {
    const p: [number, number] = [rng.range(x0, x1), rng.range(y0, y1)];
    if (inside(p, geometry)) return p;
  }
  return null;
}

describe('loadRegionIndex', () => {
  it('indexes every county of the division tables', () => {
    expect(index.counties).toBe(divisions.list('county').length);
  });

  it('locates 1,000 random points drawn inside random county polygons in exactly those counties', () => {
    const rng = new Random(7);
    const wrong: string[] = [];
    let drawn = 0;
    while (drawn < 1000) {
      const county = counties[rng.int(counties.length)];
      if (!county) continue;
      // Counties of tiny islands in a wide box (the South China Sea ones) rarely yield a point: draw another.
      const p = sampleInside(rng, county.geometry);
      if (!p) continue;
      drawn++;
      const got = index.locate(p[0], p[1]);
      const city = divisions.parentAt(county.code, 'city').code;
      const province = divisions.parentAt(county.code, 'province').code;
      if (got?.county !== county.code || got.city !== city || got.province !== province) {
        wrong.push(`${p.join(',')} in ${county.code}: got ${JSON.stringify(got)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('knows a few landmarks', () => {
    // Tiananmen, People's Square (Shanghai), Wuhan's Jianghan Road, Urumqi's Grand Bazaar.
    expect(index.locate(116.3975, 39.9087)).toEqual({ county: '110101', city: '110100', province: '110000' });
    expect(index.locate(121.4737, 31.2304)).toEqual({ county: '310101', city: '310100', province: '310000' });
    expect(index.locate(114.2862, 30.5822)).toEqual({ county: '420103', city: '420100', province: '420000' });
    expect(index.locate(87.6319, 43.7766)?.city).toBe('650100');
  });

  it('gives null, never an exception, for 200 points outside China', () => {
    const rng = new Random(11);
    // Boxes wholly outside China: Pacific, Atlantic, North America, Europe, Siberia, Australia, India, Antarctica.
    const boxes = [
      [150, -40, 180, 30],
      [-40, -30, -10, 40],
      [-120, 30, -80, 50],
      [0, 42, 30, 55],
      [60, 56, 140, 70],
      [120, -35, 150, -20],
      [74, 10, 80, 22],
      [-180, -90, 180, -70],
    ] as const;
    // Named points, then capitals just across the border, which sit inside Chinese counties' bounding boxes.
    const points: [number, number][] = [
      [140, 36],
      [-100, 40],
      [80, 60],
      [180, 90],
      [-180, -90],
      [0, 0],
      [106.9177, 47.9186], // Ulaanbaatar
      [125.7625, 39.0392], // Pyongyang
      [126.978, 37.5665], // Seoul
      [105.8542, 21.0285], // Hanoi
      [85.324, 27.7172], // Kathmandu
      [76.8512, 43.222], // Almaty
      [102.6331, 17.9757], // Vientiane
      [117, 17], // South China Sea, between the Paracels and the Spratlys
    ];
    while (points.length < 200) {
      const [x0, y0, x1, y1] = boxes[points.length % boxes.length] ?? boxes[0];
      points.push([rng.range(x0, x1), rng.range(y0, y1)]);
    }
    const hits = points.filter(([lon, lat]) => index.locate(lon, lat) !== null);
    expect(hits).toEqual([]);
  });

  it('gives null at sea inside the bounding boxes of island counties (the exact test, not the boxes)', () => {
    const rng = new Random(13);
    // 长海县, 嵊泗县, 普陀区, 洞头区 and 南沙群岛: islands scattered over wide boxes of sea.
    const islands = ['210224', '330922', '330903', '330305', '460302'].map((code) => {
      const c = counties.find((x) => x.code === code);
      if (!c) throw new Error(`no boundary for ${code}`);
      return c;
    });
    const boxes = counties.map((c) => ({ c, box: bbox(c.geometry) }));
    const atSea: [number, number][] = [];
    for (let i = 0; atSea.length < 200; i++) {
      const [x0, y0, x1, y1] = bbox(
        islands[i % islands.length]?.geometry ?? { type: 'Polygon', coordinates: [] },
      );
      const p: [number, number] = [rng.range(x0, x1), rng.range(y0, y1)];
      const near = boxes.filter(({ box: b }) => p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3]);
      if (near.length > 0 && !near.some(({ c }) => inside(p, c.geometry))) atSea.push(p);
    }
    expect(atSea.filter(([lon, lat]) => index.locate(lon, lat) !== null)).toEqual([]);
  });

  it('throws a UserError for NaN, infinite or out-of-range coordinates', () => {
    for (const [lon, lat] of [
      [NaN, 30],
      [114, NaN],
      [Infinity, 30],
      [181, 30],
      [114, -90.5],
    ] as const) {
      expect(() => index.locate(lon, lat)).toThrow(UserError);
    }
  });
});
