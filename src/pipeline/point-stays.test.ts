import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PointRecord } from './point-stays.ts';
import { detectPointStays, readGeolife, sortByUidTime, toColumns } from './point-stays.ts';

const GEOLIFE = new URL('../../../shared/data/trajectories/geolife_sample.txt.gz', import.meta.url);
const haveGeolife = existsSync(fileURLToPath(GEOLIFE));

/** km per degree of latitude on skmob's 6371 km sphere. */
const KM_PER_DEG = (6371 * Math.PI) / 180;
const T0 = Date.UTC(2020, 0, 6, 8);
const MIN = 60_000;

/** One fix a minute from `from` (minutes after T0), `northKm` north of a point in Beijing. */
function walk(uid: number, from: number, minutes: number, northKm: (m: number) => number): PointRecord[] {
  return Array.from({ length: minutes + 1 }, (_, m) => ({
    uid,
    lat: 39.98 + northKm(m) / KM_PER_DEG,
    lng: 116.32,
    t: T0 + (from + m) * MIN,
  }));
}

/** Stands still for `stay` minutes, walks 1.5 km north at 150 m a minute, stands again for 30. */
function stopThenLeave(uid: number, stay: number): PointRecord[] {
  return [
    ...walk(uid, 0, stay, () => 0),
    ...walk(uid, stay + 1, 9, (m) => (m + 1) * 0.15),
    ...walk(uid, stay + 11, 30, () => 1.5),
  ];
}

describe('detectPointStays: the rule', () => {
  it('finds a 25-minute stop, closed by the first fix beyond the radius', () => {
    const [first] = detectPointStays(stopThenLeave(1, 25));
    // The 0.15 km fix is still inside; the closing fix is the first beyond 0.2 km: 0.3 km at minute 27.
    expect(first).toMatchObject({ uid: 1, start: T0, end: T0 + 27 * MIN, n: 27 });
    expect(first!.lat).toBeCloseTo(39.98, 9);
  });

  it('ignores a 15-minute stop', () => {
    const stays = detectPointStays(stopThenLeave(1, 15));
    // Only the final stand, anchored at the walk's last fix (minute 25).
    expect(stays.map((s) => s.start)).toEqual([T0 + 25 * MIN]);
  });

  it('needs strictly more than minMinutes from anchor to closing fix, as skmob', () => {
    // Anchor at 0, closing fix at 20 min: exactly 20 is not a stay.
    const pts = [...walk(1, 0, 19, () => 0), ...walk(1, 20, 0, () => 1)];
    expect(detectPointStays(pts)).toEqual([]);
    expect(detectPointStays(pts, { minMinutes: 19.9 })).toHaveLength(1);
  });

  it('ends the stay when the user walks beyond the radius, even slowly', () => {
    // 7 m a minute: 196 m from the anchor at minute 28, 203 m at 29, which closes the stay.
    const stays = detectPointStays(walk(1, 0, 60, (m) => m * 0.007));
    expect(stays).toHaveLength(2);
    expect(stays[0]).toMatchObject({ start: T0, end: T0 + 29 * MIN, n: 29 });
    expect(stays[1]).toMatchObject({ start: T0 + 29 * MIN, end: T0 + 58 * MIN });
  });

  it("closes a user's open stay at their last fix", () => {
    const [only] = detectPointStays(walk(1, 0, 40, () => 0));
    // skmob leaves the closing (last) fix out of the stay and uses its time as the leaving time.
    expect(only).toMatchObject({ start: T0, end: T0 + 40 * MIN, n: 40 });
  });

  it('does not mix users, even when one ends where the next begins', () => {
    const a = walk(7, 0, 15, () => 0);
    const b = walk(9, 16, 15, () => 0);
    expect(detectPointStays([...a, ...b])).toEqual([]);
    const stays = detectPointStays([...b, ...walk(7, 0, 30, () => 5)]);
    expect(stays.map((s) => s.uid)).toEqual([7]);
  });

  it('drops the open stay at a gap longer than noDataMinutes', () => {
    const pts = [...walk(1, 0, 30, () => 0), ...walk(1, 90, 10, () => 0)];
    expect(detectPointStays(pts)).toHaveLength(1);
    expect(detectPointStays(pts, { noDataMinutes: 30 })).toEqual([]);
  });

  it('sorts unsorted input by uid and time', () => {
    const pts = [...walk(2, 0, 25, () => 0), ...walk(1, 0, 25, () => 0)].reverse();
    const sorted = sortByUidTime(toColumns(pts));
    expect(Array.from(sorted.uid.slice(0, 2))).toEqual([1, 1]);
    expect(sorted.t[1]! - sorted.t[0]!).toBe(MIN);
    expect(detectPointStays(pts).map((s) => s.uid)).toEqual([1, 2]);
  });

  it('reports the median position (np.median: mean of the middle two for an even count)', () => {
    const lats = [40, 40.001, 40.0003, 40.0002];
    const pts = lats.map((lat, i) => ({ uid: 1, lat, lng: 116, t: T0 + i * 10 * MIN }));
    const [s] = detectPointStays([...pts, { uid: 1, lat: 41, lng: 116, t: T0 + 40 * MIN }]);
    expect(s!.lat).toBeCloseTo((40.0002 + 40.0003) / 2, 12);
  });
});

describe('detectPointStays on GeoLife (scikit-mobility sample)', () => {
  it.skipIf(!haveGeolife)(
    `reads 217,653 fixes and finds 413 ± 2% stays like skmob 1.3.0${haveGeolife ? '' : ' (../shared absent)'}`,
    async () => {
      const cols = await readGeolife(GEOLIFE);
      expect(cols.t.length).toBe(217_653);
      expect(new Set(cols.uid)).toEqual(new Set([1, 5]));
      const found = detectPointStays(cols).length;
      // 413: scikit-mobility 1.3.0 stay_locations with its defaults on this file (stated in the issue).
      expect(Math.abs(found - 413), `found ${found} stays, skmob 1.3.0 finds 413`).toBeLessThanOrEqual(
        413 * 0.02,
      );

      // With the radius at 0.1 km (stop_radius_factor 0.5 applied to 0.2, as in older skmob) the
      // rule must give the stays printed in the skmob docstring: 391 of them, starting with these.
      const old = detectPointStays(cols, { radiusKm: 0.1 });
      expect(old).toHaveLength(391);
      const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
      expect(
        old.slice(0, 5).map((s) => `${s.lat.toFixed(6)} ${s.lng.toFixed(6)} ${iso(s.start)} ${iso(s.end)}`),
      ).toEqual([
        '39.978030 116.327481 2008-10-23 06:01:37 2008-10-23 10:32:53',
        '40.013820 116.306532 2008-10-23 11:10:19 2008-10-23 23:45:27',
        '39.978419 116.326870 2008-10-24 00:21:52 2008-10-24 01:47:30',
        '39.981166 116.308475 2008-10-24 02:02:31 2008-10-24 02:30:29',
        '39.981431 116.309902 2008-10-24 02:30:29 2008-10-24 03:16:35',
      ]);
    },
  );
});
