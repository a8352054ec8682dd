import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { Random } from '../synth/random.ts';
import { FOCAL_CITY, loadCommunityIndex, locateCommunity } from './communities.ts';
import { DEFAULT_VORONOI, voronoiCommunities } from './community-voronoi.ts';
import { loadDivisions } from './divisions.ts';
import { loadRegionIndex } from './regions.ts';
import { area as geodesicArea } from '@turf/area';
import { builtinAreas } from './areas.ts';

/** An L-shaped county (concave, so some cells are cut in two) of about 0.03 square degrees. */
const square: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [114, 30],
      [114.2, 30],
      [114.2, 30.1],
      [114.1, 30.1],
      [114.1, 30.2],
      [114, 30.2],
      [114, 30],
    ],
  ],
};
/** Planar area in square degrees, holes subtracted. */
const area = (rings: number[][][]) =>
  rings.reduce((total, ring, r) => {
    let a = 0;
    ring.forEach(([x0 = 0, y0 = 0], i) => {
      const [x1 = 0, y1 = 0] = ring[(i + 1) % ring.length] ?? [];
      a += x0 * y1 - x1 * y0;
    });
    return total + (r === 0 ? 1 : -1) * Math.abs(a / 2);
  }, 0);

const county = { code: '999901', name: '测试区', population: 500_000, geometry: square };

describe('voronoiCommunities', () => {
  it('cuts a county into population / 50k cells that tile it, numbered and labelled synthetic', () => {
    const cells = voronoiCommunities([county]);
    expect(cells).toHaveLength(10);
    expect(cells.map((c) => c.properties.code)).toEqual(
      Array.from({ length: 10 }, (_, i) => `999901${String(i + 1).padStart(3, '0')}`),
    );
    expect(cells[0]?.properties).toMatchObject({ name: '测试区 社区 001 (synthetic)', county: '999901' });
    expect(cells.every((c) => c.properties.synthetic)).toBe(true);
    // Together the cells cover the county (0.03 square degrees) without overlap.
    const covered = cells.reduce((s, c) => s + c.geometry.coordinates.reduce((t, p) => t + area(p), 0), 0);
    expect(covered).toBeCloseTo(0.03, 5);
    const shares = cells.reduce((s, c) => s + c.properties.share, 0);
    expect(shares).toBeCloseTo(1, 5);
    const people = cells.reduce((s, c) => s + c.properties.population, 0);
    expect(Math.abs(people - county.population)).toBeLessThanOrEqual(cells.length);
    // Every vertex stays within the county's box: the cells were clipped. Clipping happens in the Albers
    // plane, where this 11 km straight edge bows ~1 m (1e-5 degrees) off the parallel; real edges are short.
    const coords = cells.flatMap((c) => c.geometry.coordinates.flat(2));
    expect(Math.min(...coords.map((p) => p[0] ?? NaN))).toBeGreaterThanOrEqual(114 - 1e-4);
    expect(Math.max(...coords.map((p) => p[1] ?? NaN))).toBeLessThanOrEqual(30.2 + 1e-4);
  });

  it('is deterministic for a seed, differs for another, and gives small counties the minimum', () => {
    const a = JSON.stringify(voronoiCommunities([county]));
    expect(JSON.stringify(voronoiCommunities([county]))).toBe(a);
    expect(JSON.stringify(voronoiCommunities([county], { ...DEFAULT_VORONOI, seed: 1 }))).not.toBe(a);
    expect(voronoiCommunities([{ ...county, population: 1000 }])).toHaveLength(DEFAULT_VORONOI.minPerCounty);
  });
});

describe('built-in communities of the focal city', () => {
  const divisions = loadDivisions();
  const index = loadCommunityIndex();

  it('covers every county of Wuhan with unique, synthetic communities whose shares sum to 1', () => {
    const counties = divisions.children(FOCAL_CITY).map((d) => d.code);
    const codes = index.list.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...new Set(index.list.map((c) => c.county))].sort()).toEqual(counties);
    for (const code of counties) {
      const mine = index.list.filter((c) => c.county === code);
      expect(
        mine.every((c) => c.code.startsWith(code) && c.synthetic && c.name.endsWith('(synthetic)')),
      ).toBe(true);
      expect(mine.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 4);
    }
  });

  it('puts random points of Wuhan in a community of the county regions.ts locates them in', () => {
    const regions = loadRegionIndex();
    const rng = new Random(3);
    let checked = 0;
    const wrong: string[] = [];
    while (checked < 300) {
      const [lon, lat] = [rng.range(113.7, 115.1), rng.range(29.97, 31.37)];
      const region = regions.locate(lon, lat);
      const community = locateCommunity(lon, lat);
      if (region?.city !== FOCAL_CITY) {
        if (community) wrong.push(`${lon},${lat} outside Wuhan in ${community.code}`);
        continue;
      }
      checked++;
      if (community?.county !== region.county)
        wrong.push(`${lon},${lat}: ${region.county} vs ${community?.code}`);
    }
    expect(wrong).toEqual([]);
  });

  it('groups the communities into synthetic streets: 9-digit street codes, 12-digit community codes, unions', () => {
    const streets = builtinAreas(FOCAL_CITY, 'street');
    const communities = builtinAreas(FOCAL_CITY, 'community');
    expect(communities).toHaveLength(index.list.length);
    expect(streets.length).toBeGreaterThanOrEqual(divisions.children(FOCAL_CITY).length);
    const counties = new Set(divisions.children(FOCAL_CITY).map((d) => d.code));
    for (const s of streets) {
      expect(s.properties.code).toMatch(/^\d{9}$/);
      expect(counties.has(s.properties.parent) && s.properties.code.startsWith(s.properties.parent)).toBe(
        true,
      );
      expect(s.properties.name).toMatch(/合成街道 \d{3} \(synthetic\)$/);
      // A street's area is the sum of its communities' (mergeArcs drops shared edges only).
      const members = communities.filter((c) => c.properties.parent === s.properties.code);
      expect(members.length).toBeGreaterThanOrEqual(1);
      const sum = members.reduce((t, c) => t + geodesicArea(c.geometry), 0);
      expect(geodesicArea(s.geometry) / sum).toBeCloseTo(1, 6);
    }
    const streetCodes = new Set(streets.map((s) => s.properties.code));
    for (const c of index.list) {
      expect(c.code).toMatch(/^\d{12}$/);
      expect(c.street).toBe(c.code.slice(0, 9));
      expect(streetCodes.has(c.street)).toBe(true);
    }
  });

  it('refuses a city without built communities and bad coordinates', () => {
    expect(() => loadCommunityIndex('110100')).toThrow(/no community polygons/);
    expect(() => locateCommunity(NaN, 30)).toThrow(UserError);
  });
});
