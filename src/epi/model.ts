/**
 * The per-region model of Li et al. (Science 368, 489-493, 2020), see
 * README "Forecast model": S, E, I^r (reported), I^u (unreported), R per
 * region, coupled by daily origin-destination flows. Pure functions on flat
 * Float64Arrays so that 375 regions and hundreds of ensemble members stay fast.
 */
import type { EpiParams } from './params.ts';

/** Compartments in the order they are stored. */
export const COMPARTMENTS = ['S', 'E', 'Ir', 'Iu', 'R'] as const;
export type Compartment = (typeof COMPARTMENTS)[number];

/**
 * One day's flows as parallel lists (sparse OD): `people[k]` people travel from
 * region `origin[k]` to region `dest[k]` that day. Li et al.'s 375-city matrix
 * has about 6,600 non-zero pairs a day out of 140,625. Treat a day's lists as
 * read-only once passed to an integrator: their destination-grouped form is
 * cached per object.
 */
export interface DailyFlows {
  origin: Int32Array;
  dest: Int32Array;
  people: Float64Array;
}

/**
 * State layout for n regions: each compartment is a block of n numbers, then
 * two running totals used to read off daily flows: cumulative new infections
 * (S -> E) and cumulative new reported (E -> I^r).
 */
export const VALUES_PER_REGION = COMPARTMENTS.length + 2;

/** Offset of a compartment's (or running total's) block in the state vector. */
export function offsetOf(block: Compartment | 'cumInfections' | 'cumReported', regions: number): number {
  const index = block === 'cumInfections' ? 5 : block === 'cumReported' ? 6 : COMPARTMENTS.indexOf(block);
  return index * regions;
}

/** An empty state vector for `regions` regions. */
export function newState(regions: number): Float64Array {
  return new Float64Array(VALUES_PER_REGION * regions);
}

/** Fully susceptible populations with `exposed[i]` people seeded into E in region i. */
export function seededState(population: ArrayLike<number>, exposed: ArrayLike<number>): Float64Array {
  const n = population.length;
  const y = newState(n);
  for (let i = 0; i < n; i++) {
    const e = exposed[i] ?? 0;
    y[i] = (population[i] ?? 0) - e;
    y[n + i] = e;
  }
  return y;
}

/**
 * Right-hand side of the model, written into `dy` (same layout as `y`):
 *   infection  F_i = beta S_i (I^r_i + mu I^u_i) / N_i
 *   dS_i  = -F_i + travel(S)_i
 *   dE_i  =  F_i - E_i / Z + travel(E)_i
 *   dI^r_i = alpha E_i / Z - I^r_i / D            (reported infections do not travel)
 *   dI^u_i = (1 - alpha) E_i / Z - I^u_i / D + travel(I^u)_i
 *   dR_i  = (I^r_i + I^u_i) / D + travel(R)_i
 * with N_i = S_i + E_i + I^r_i + I^u_i + R_i and, for X in {S, E, I^u, R},
 *   travel(X)_i = theta sum_j M_ij X_j / (N_j - I^r_j) - theta X_i / (N_i - I^r_i) sum_j M_ji
 * (M_ij people from j to i a day). Li et al. keep R implicit and move the
 * population total instead; moving R explicitly is the same model and keeps
 * every region's N the sum of its compartments, so the total is conserved.
 * `flows` may be undefined (no travel).
 */
export function derivatives(
  y: Float64Array,
  dy: Float64Array,
  n: number,
  p: EpiParams,
  flows: DailyFlows | undefined,
  scratch: Float64Array,
): void {
  const sigma = 1 / p.latentDays;
  const gamma = 1 / p.infectiousDays;
  const { beta, mu, alpha } = p;
  for (let i = 0; i < n; i++) {
    const s = y[i]!;
    const e = y[n + i]!;
    const ir = y[2 * n + i]!;
    const iu = y[3 * n + i]!;
    const r = y[4 * n + i]!;
    const pop = s + e + ir + iu + r;
    const infection = pop > 0 ? (beta * s * (ir + mu * iu)) / pop : 0;
    const leaveE = sigma * e;
    dy[i] = -infection;
    dy[n + i] = infection - leaveE;
    dy[2 * n + i] = alpha * leaveE - gamma * ir;
    dy[3 * n + i] = (1 - alpha) * leaveE - gamma * iu;
    dy[4 * n + i] = gamma * (ir + iu);
    dy[5 * n + i] = infection;
    dy[6 * n + i] = alpha * leaveE;
    // theta / (N_i - I^r_i): the share of region i's travellers per person able to travel.
    const movers = pop - ir;
    scratch[i] = movers > 0 ? p.theta / movers : 0;
  }
  if (flows) addTravel(y, dy, n, flows, scratch);
}

/**
 * A day's flows prepared for the right-hand side: each origin's total outflow
 * (so departures cost one multiply per region) and arrivals grouped by
 * destination (compressed sparse rows), so each destination sums its inflow
 * in registers instead of scattering writes per pair.
 */
export interface PreparedFlows {
  outflow: Float64Array;
  rowStart: Int32Array;
  origin: Int32Array;
  people: Float64Array;
}

const prepared = new WeakMap<DailyFlows, PreparedFlows>();

/** A day's flows grouped by destination, with each origin's outflow (cached per flows object). */
export function prepare(flows: DailyFlows, n: number): PreparedFlows {
  const cached = prepared.get(flows);
  if (cached && cached.outflow.length === n) return cached;
  const outflow = new Float64Array(n);
  const rowStart = new Int32Array(n + 1);
  for (let k = 0; k < flows.people.length; k++) {
    outflow[flows.origin[k]!]! += flows.people[k]!;
    rowStart[flows.dest[k]! + 1]! += 1;
  }
  for (let d = 0; d < n; d++) rowStart[d + 1]! += rowStart[d]!;
  const fill = rowStart.slice(0, n);
  const origin = new Int32Array(flows.people.length);
  const people = new Float64Array(flows.people.length);
  for (let k = 0; k < flows.people.length; k++) {
    const d = flows.dest[k]!;
    const at = fill[d]!;
    fill[d] = at + 1;
    origin[at] = flows.origin[k]!;
    people[at] = flows.people[k]!;
  }
  const result = { outflow, rowStart, origin, people };
  prepared.set(flows, result);
  return result;
}

/** Adds the travel terms of S, E, I^u and R (see `derivatives`); `perMover[i]` = theta / (N_i - I^r_i). */
function addTravel(
  y: Float64Array,
  dy: Float64Array,
  n: number,
  flows: DailyFlows,
  perMover: Float64Array,
): void {
  const { outflow, rowStart, origin, people } = prepare(flows, n);
  const iuOffset = 3 * n;
  const rOffset = 4 * n;
  for (let i = 0; i < n; i++) {
    const leaving = outflow[i]! * perMover[i]!;
    dy[i] = dy[i]! - leaving * y[i]!;
    dy[n + i] = dy[n + i]! - leaving * y[n + i]!;
    dy[iuOffset + i] = dy[iuOffset + i]! - leaving * y[iuOffset + i]!;
    dy[rOffset + i] = dy[rOffset + i]! - leaving * y[rOffset + i]!;
  }
  for (let d = 0; d < n; d++) {
    let s = 0;
    let e = 0;
    let iu = 0;
    let r = 0;
    for (let k = rowStart[d]!; k < rowStart[d + 1]!; k++) {
      const o = origin[k]!;
      const rate = people[k]! * perMover[o]!;
      s += rate * y[o]!;
      e += rate * y[n + o]!;
      iu += rate * y[iuOffset + o]!;
      r += rate * y[rOffset + o]!;
    }
    dy[d] = dy[d]! + s;
    dy[n + d] = dy[n + d]! + e;
    dy[iuOffset + d] = dy[iuOffset + d]! + iu;
    dy[rOffset + d] = dy[rOffset + d]! + r;
  }
}

/** Sparse flows from a dense matrix `m[dest][origin]` (people from origin to dest), zeros and the diagonal dropped. */
export function flowsFromDense(m: readonly (readonly number[])[]): DailyFlows {
  const origin: number[] = [];
  const dest: number[] = [];
  const people: number[] = [];
  m.forEach((row, d) =>
    row.forEach((v, o) => {
      if (v !== 0 && o !== d) {
        origin.push(o);
        dest.push(d);
        people.push(v);
      }
    }),
  );
  return { origin: Int32Array.from(origin), dest: Int32Array.from(dest), people: Float64Array.from(people) };
}
