/**
 * Accuracy cost of disclosure control (README "Disclosure control"): how much
 * of the true city-level flow the published figures cover when every figure is
 * a sum of published region-day cells (what EpiTrace does), against perturbed
 * margins (each destination's range total perturbed as a cell of its own), and
 * how many suppressed day cells the overlapping-ranges attack recovers exactly
 * from perturbed margins. Figures only; not a test.
 *
 *   npx tsx bench/disclosure.ts [--people 30000] [--k 15]
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { daysBetween } from '../src/pipeline/flows.ts';
import { CELL_KEY_MODULUS, protect } from '../src/privacy/disclosure.ts';
import { pipelineFixture } from '../src/testing/fixture.ts';

process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: { people: { type: 'string', default: '30000' }, k: { type: 'string', default: '15' } },
});
const k = Number(values.k);
const f = await pipelineFixture('bench-disclosure', { people: Number(values.people) });
const db = await f.ws.openDuck({ readOnly: true });
const cells = await db.all<{ origin: string; dest: string; date: string; n: number; ckey: number }>(
  `SELECT origin, dest, strftime(date, '%Y-%m-%d') AS date, users AS n, ckey FROM od_daily WHERE level = 'city'`,
);
db.close();
const days = daysBetween(f.params.start, f.ws.info().scenario!.to);
const flow = cells.reduce((s, c) => s + c.n, 0);
const pub = cells.filter((c) => c.n >= k);
const pct = (x: number, y: number) => `${((100 * x) / Math.max(1, y)).toFixed(1)}%`;

// Per (origin, dest): day cells in day order.
const pairs = new Map<string, Map<string, { n: number; ckey: number }>>();
for (const c of cells) {
  const key = `${c.origin}|${c.dest}`;
  pairs.set(key, (pairs.get(key) ?? new Map()).set(c.date, c));
}
const range = (m: Map<string, { n: number; ckey: number }>, a: number, b: number) => {
  let n = 0;
  let ckey = 0;
  for (const d of days.slice(a, b + 1)) {
    n += m.get(d)?.n ?? 0;
    ckey = (ckey + (m.get(d)?.ckey ?? 0)) % CELL_KEY_MODULUS;
  }
  return { n, ckey };
};

// Whole-scenario destination totals: fixed cells vs perturbed margins.
let cellCovered = 0;
let marginCovered = 0;
let destsWithNumberCells = 0;
let destsWithNumberMargins = 0;
// Overlapping ranges against perturbed margins: [a, b] minus [a, b-1] estimates the day-b cell.
let hiddenCells = 0;
let recoveredCells = 0;
for (const m of pairs.values()) {
  const whole = range(m, 0, days.length - 1);
  const own = [...m.values()].filter((c) => c.n >= k);
  cellCovered += own.reduce((s, c) => s + c.n, 0);
  if (own.length > 0) destsWithNumberCells++;
  if (whole.n >= k) {
    marginCovered += whole.n;
    destsWithNumberMargins++;
  }
  for (let b = 1; b < days.length; b++) {
    const cell = m.get(days[b]!);
    if (!cell || cell.n >= k) continue;
    hiddenCells++;
    let hit = false;
    for (let a = 0; a < b && !hit; a++) {
      const [x, y] = [range(m, a, b), range(m, a, b - 1)].map((r) => protect(r.n, k, r.ckey));
      if (!x!.suppressed && !y!.suppressed && x!.count! - y!.count! === cell.n) hit = true;
    }
    if (hit) recoveredCells++;
  }
}
// Origin totals over the whole period (the "total outflow" figure): sum of published cells vs a perturbed margin.
const byOrigin = new Map<string, { n: number; published: number }>();
for (const c of cells) {
  const o = byOrigin.get(c.origin) ?? { n: 0, published: 0 };
  o.n += c.n;
  if (c.n >= k) o.published += c.n;
  byOrigin.set(c.origin, o);
}
const originCells = [...byOrigin.values()].reduce((s, o) => s + o.published, 0);
const originMargins = [...byOrigin.values()].filter((o) => o.n >= k).reduce((s, o) => s + o.n, 0);
const epi = byOrigin.get(f.params.epicentre) ?? { n: 0, published: 0 };
console.log(`people ${values.people}, k ${k}, ${days.length} days, city-level OD`);
console.log(`  cells ${cells.length}, true flow ${flow} person-trips`);
console.log(
  `  fixed cells (EpiTrace): ${pub.length} cells published (${pct(pub.length, cells.length)}), covering ${pct(cellCovered, flow)} of the flow; ${destsWithNumberCells}/${pairs.size} OD pairs have a number over the whole period`,
);
console.log(
  `  perturbed margins: whole-period OD totals cover ${pct(marginCovered, flow)} of the flow; ${destsWithNumberMargins}/${pairs.size} OD pairs have a number`,
);
console.log(
  `  origin totals: fixed cells cover ${pct(originCells, flow)}, perturbed margins ${pct(originMargins, flow)}; epicentre ${f.params.epicentre}: ${epi.published} of ${epi.n} true (${pct(epi.published, epi.n)}) from cells`,
);
console.log(
  `  overlapping ranges on perturbed margins recover ${recoveredCells} of ${hiddenCells} suppressed day cells exactly (${pct(recoveredCells, hiddenCells)}); on fixed cells: 0`,
);
rmSync(dirname(f.ws.root), { recursive: true, force: true });
