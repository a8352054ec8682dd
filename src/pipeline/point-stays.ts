/**
 * Point-based stay detection on raw GPS fixes, following the rule of
 * scikit-mobility 1.3.0 `skmob.preprocessing.detection.stay_locations` (BSD-3; rule re-derived,
 * not copied): per user, in time order, the first fix is an anchor; the stay grows while fixes stay
 * within `radiusKm` (haversine) of the anchor. The first fix beyond the radius, or the user's last fix,
 * closes it: it counts if more than `minMinutes` passed from the anchor to that closing fix, and
 * either way the closing fix becomes the next anchor. Columnar typed arrays in, no per-point
 * allocation in the loop.
 */
import { fileURLToPath } from 'node:url';
import { Duck, quotedString } from '../db/duck.ts';
import { UserError } from '../errors.ts';

/** Fixes as columns, sorted by (uid, t). */
export interface PointColumns {
  /** Integer user code per fix (dictionary-encode string ids upstream). */
  uid: Int32Array;
  lat: Float64Array;
  lng: Float64Array;
  /** Epoch milliseconds. */
  t: Float64Array;
}

/** One fix, for callers that hold objects rather than columns. */
export interface PointRecord {
  uid: number;
  lat: number;
  lng: number;
  /** Epoch milliseconds. */
  t: number;
}

/** A detected stay, reported as scikit-mobility reports one. */
export interface PointStay {
  uid: number;
  /** Median latitude of the stay's fixes (np.median, as skmob). */
  lat: number;
  /** Median longitude of the stay's fixes. */
  lng: number;
  /** Time of the anchor fix (skmob `datetime`), epoch ms. */
  start: number;
  /** Time of the fix that closed the stay (skmob `leaving_datetime`), epoch ms. */
  end: number;
  /** Fixes in the stay: the anchor up to, not including, the closing fix. */
  n: number;
}

/** Tuning of the rule; all optional. */
export interface PointStayOptions {
  radiusKm?: number;
  minMinutes?: number;
  /** A gap between consecutive fixes longer than this discards the open stay. */
  noDataMinutes?: number;
}

/**
 * Defaults of skmob 1.3.0 `stay_locations(stop_radius_factor=0.5, minutes_for_a_stop=20.0,
 * spatial_radius_km=0.2, no_data_for_minutes=1e12)`. The radius is 0.2 km, not 0.5 * 0.2: skmob applies
 * the factor only when `spatial_radius_km` is None (then to the compression radius).
 */
export const POINT_STAY_DEFAULTS: Required<PointStayOptions> = {
  radiusKm: 0.2,
  minMinutes: 20,
  noDataMinutes: 1e12,
};

/** skmob `gislib.earthradius` (mean Earth radius, km). */
const EARTH_RADIUS_KM = 6371.0;
const RAD = Math.PI / 180;

/** Stays of every user, in (uid, start) order. Sorts the input first if it is not sorted. */
export function detectPointStays(
  input: PointColumns | readonly PointRecord[],
  opts: PointStayOptions = {},
): PointStay[] {
  const { uid, lat, lng, t } = sortByUidTime(isColumns(input) ? input : toColumns(input));
  const o = { ...POINT_STAY_DEFAULTS, ...opts };
  // skmob's haversine d = 2R·atan2(√a, √(1−a)) = 2R·asin(√a) grows with a, so d > r exactly when
  // a > sin²(r / 2R): compare a and skip the square roots and atan2 per fix.
  const aMax = Math.sin(o.radiusKm / (2 * EARTH_RADIUS_KM)) ** 2;
  const minMs = o.minMinutes * 60_000;
  const gapMs = o.noDataMinutes * 60_000;
  const stays: PointStay[] = [];
  let scratch = new Float64Array(1024);
  const median = (col: Float64Array, from: number, to: number): number => {
    const k = to - from;
    if (k > scratch.length) scratch = new Float64Array(k * 2);
    const s = scratch.subarray(0, k);
    s.set(col.subarray(from, to));
    s.sort();
    const h = k >> 1;
    return k % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
  };

  const n = t.length;
  for (let first = 0; first < n;) {
    const u = uid[first]!;
    let last = first;
    while (last + 1 < n && uid[last + 1] === u) last++;
    // One user's fixes are [first, last]; the anchor starts at the first. Each fix is compared once,
    // with the current anchor, so its radians and cosine are computed inline: precomputed columns
    // would cost the same trigonometry plus three arrays of memory. Only the anchor's are kept.
    let a = first;
    let aLat = lat[a]! * RAD;
    let aLng = lng[a]! * RAD;
    let aCos = Math.cos(aLat);
    for (let j = first + 1; j <= last; j++) {
      const tj = t[j]!;
      if (tj - t[j - 1]! > gapMs) {
        // Missing data: drop the open stay and restart from this fix (skmob does the same).
        a = j;
        aLat = lat[j]! * RAD;
        aLng = lng[j]! * RAD;
        aCos = Math.cos(aLat);
        continue;
      }
      const pLat = lat[j]! * RAD;
      const pLng = lng[j]! * RAD;
      const sLat = Math.sin((pLat - aLat) / 2);
      const sLng = Math.sin((pLng - aLng) / 2);
      const hav = sLat * sLat + aCos * Math.cos(pLat) * sLng * sLng;
      if (hav <= aMax && j < last) continue;
      // Closing fix: beyond the radius, or the user's last fix (skmob closes the open stay there).
      if (tj - t[a]! > minMs) {
        stays.push({
          uid: u,
          lat: median(lat, a, j),
          lng: median(lng, a, j),
          start: t[a]!,
          end: tj,
          n: j - a,
        });
      }
      a = j;
      aLat = pLat;
      aLng = pLng;
      aCos = Math.cos(pLat);
    }
    first = last + 1;
  }
  return stays;
}

function isColumns(x: PointColumns | readonly PointRecord[]): x is PointColumns {
  return !Array.isArray(x);
}

/** Object fixes to columns (in the given order). */
export function toColumns(points: readonly PointRecord[]): PointColumns {
  const n = points.length;
  const c = {
    uid: new Int32Array(n),
    lat: new Float64Array(n),
    lng: new Float64Array(n),
    t: new Float64Array(n),
  };
  points.forEach((p, i) => {
    c.uid[i] = p.uid;
    c.lat[i] = p.lat;
    c.lng[i] = p.lng;
    c.t[i] = p.t;
  });
  return c;
}

/** The same columns sorted by (uid, t), stably like skmob's sort; returned as is when already sorted. */
export function sortByUidTime(c: PointColumns): PointColumns {
  const n = c.t.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    const du = c.uid[i]! - c.uid[i - 1]!;
    sorted = du > 0 || (du === 0 && c.t[i]! >= c.t[i - 1]!);
  }
  if (sorted) return c;
  const idx = Uint32Array.from({ length: n }, (_, i) => i);
  idx.sort((x, y) => c.uid[x]! - c.uid[y]! || c.t[x]! - c.t[y]! || x - y);
  const out = {
    uid: new Int32Array(n),
    lat: new Float64Array(n),
    lng: new Float64Array(n),
    t: new Float64Array(n),
  };
  idx.forEach((from, to) => {
    out.uid[to] = c.uid[from]!;
    out.lat[to] = c.lat[from]!;
    out.lng[to] = c.lng[from]!;
    out.t[to] = c.t[from]!;
  });
  return out;
}

/**
 * Reads a GeoLife-style gzip CSV (header lat,lng,datetime,uid) into sorted columns with DuckDB's
 * CSV reader. Datetimes are naive local times; they are read as UTC so differences are exact. Pass
 * an open `db` to reuse it (opening one costs about as much as reading the file); otherwise a
 * private in-memory one is opened and closed.
 */
export async function readGeolife(path: string | URL, db?: Duck): Promise<PointColumns> {
  const file = typeof path === 'string' ? path : fileURLToPath(path);
  const own = db ? undefined : await Duck.open({ path: ':memory:', memoryLimit: '1GB' });
  const duck = (db ?? own)!;
  try {
    const result = await duck.conn.run(
      `SELECT uid, lat, lng, epoch_ms(datetime)::DOUBLE AS t
       FROM read_csv(${quotedString(file)}, header = true, compression = 'gzip',
         columns = {'lat': 'DOUBLE', 'lng': 'DOUBLE', 'datetime': 'TIMESTAMP', 'uid': 'INTEGER'})`,
    );
    const chunks = await result.fetchAllChunks();
    const n = chunks.reduce((sum, c) => sum + c.rowCount, 0);
    const out = {
      uid: new Int32Array(n),
      lat: new Float64Array(n),
      lng: new Float64Array(n),
      t: new Float64Array(n),
    };
    const targets = [out.uid, out.lat, out.lng, out.t];
    // Straight from DuckDB's vectors into typed arrays: a third faster than getColumnsJS() + copy.
    let at = 0;
    for (const chunk of chunks) {
      targets.forEach((target, c) => {
        const vector = chunk.getColumnVector(c);
        for (let i = 0; i < chunk.rowCount; i++) {
          const v = vector.getItem(i);
          if (typeof v !== 'number')
            throw new UserError(`${file}: empty ${COLUMNS[c]} on data row ${at + i + 1}`);
          target[at + i] = v;
        }
      });
      at += chunk.rowCount;
    }
    return sortByUidTime(out);
  } finally {
    own?.close();
  }
}

const COLUMNS = ['uid', 'lat', 'lng', 'datetime'];
