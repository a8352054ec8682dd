/**
 * Differencing attacks on published flows, for the attack test suite
 * (src/server/disclosure-attacks.test.ts). Each attack reads only published
 * answers and returns estimates of hidden quantities; the test compares them
 * with the truth. Test-only code: it needs the true counts to score itself.
 */

/** A published figure as the API gives it. */
export interface Fig {
  count: number | null;
  suppressed: boolean;
}

/** One answer for one inclusive range of days [a, b] (indices into the scenario days). */
export interface RangeAnswer {
  a: number;
  b: number;
  total: Fig;
  /** Rows in the published order, by key (destination code, origin code or date). */
  rows: (Fig & { key: string })[];
  /** Groups of rows with their own published figure (provinces), by group key. */
  groups: (Fig & { key: string; members: string[] })[];
}

/** An attacker's estimate of a hidden quantity: `row` summed over days [a, b]. */
export interface Estimate {
  attack: string;
  row: string;
  a: number;
  b: number;
  value: number;
}

const value = (f: Fig | undefined): number => f?.count ?? 0;

/** Overlapping ranges: [a, b] minus [a, c-1] estimates [c, b]; [a, b] minus [c+1, b] estimates [a, c]. */
export function overlappingRanges(answers: RangeAnswer[]): Estimate[] {
  const at = new Map(answers.map((x) => [`${x.a}|${x.b}`, x]));
  const out: Estimate[] = [];
  for (const x of answers)
    for (let c = x.a + 1; c <= x.b; c++) {
      const left = at.get(`${x.a}|${c - 1}`);
      const right = at.get(`${c}|${x.b}`);
      for (const r of x.rows) {
        const row = (y: RangeAnswer | undefined) => y?.rows.find((z) => z.key === r.key);
        if (left)
          out.push({ attack: 'overlap', row: r.key, a: c, b: x.b, value: value(r) - value(row(left)) });
        if (right)
          out.push({ attack: 'overlap', row: r.key, a: x.a, b: c - 1, value: value(r) - value(row(right)) });
      }
    }
  return out;
}

/** A total minus its published rows, when exactly one row is suppressed. */
export function totalMinusRows(answers: RangeAnswer[]): Estimate[] {
  const out: Estimate[] = [];
  for (const x of answers) {
    const hidden = x.rows.filter((r) => r.suppressed);
    if (hidden.length !== 1) continue;
    const rest = value(x.total) - x.rows.reduce((s, r) => s + value(r), 0);
    out.push({ attack: 'total-minus-rows', row: hidden[0]!.key, a: x.a, b: x.b, value: rest });
  }
  return out;
}

/** A group (province) sum minus its published members, when exactly one member is suppressed. */
export function groupMinusMembers(answers: RangeAnswer[]): Estimate[] {
  const out: Estimate[] = [];
  for (const x of answers)
    for (const g of x.groups) {
      const members = x.rows.filter((r) => g.members.includes(r.key));
      const hidden = members.filter((r) => r.suppressed);
      if (hidden.length !== 1) continue;
      const rest = value(g) - members.reduce((s, r) => s + value(r), 0);
      out.push({ attack: 'group-minus-members', row: hidden[0]!.key, a: x.a, b: x.b, value: rest });
    }
  return out;
}

/**
 * Ranking: if suppressed rows are listed by their hidden values, the attacker
 * learns their order (and with a known sum, often the values). Returns the
 * answers whose suppressed rows are not in code order (those leak the order).
 */
export function rankingLeaks(answers: RangeAnswer[]): RangeAnswer[] {
  return answers.filter((x) => {
    const keys = x.rows.filter((r) => r.suppressed).map((r) => r.key);
    return keys.some((k, i) => i > 0 && keys[i - 1]! > k);
  });
}

/** Estimates that equal the hidden value exactly: `hidden(row, a, b)` is 0 when nothing is hidden there. */
export function recovered(
  estimates: Estimate[],
  hidden: (row: string, a: number, b: number) => number,
): Estimate[] {
  return estimates.filter((e) => {
    const h = hidden(e.row, e.a, e.b);
    return h > 0 && e.value === h;
  });
}

/** One whole (a province's figure) with the figures of its parts (its cities'), as published for one range. */
export interface WholeAndParts {
  a: number;
  b: number;
  whole: Fig;
  parts: (Fig & { key: string })[];
}

/**
 * A whole minus its published parts, when exactly one part is suppressed: the estimate of that part (province
 * outflow to D minus its cities' published outflows to D; a city cell minus the county cells under it).
 */
export function wholeMinusParts(answers: WholeAndParts[], attack = 'whole-minus-parts'): Estimate[] {
  const out: Estimate[] = [];
  for (const x of answers) {
    const hidden = x.parts.filter((p) => p.suppressed);
    if (hidden.length !== 1 || x.whole.suppressed) continue;
    const rest = value(x.whole) - x.parts.reduce((s, p) => s + value(p), 0);
    out.push({ attack, row: hidden[0]!.key, a: x.a, b: x.b, value: rest });
  }
  return out;
}

/** A scale-index answer as the API gives it. */
export interface ScaleAnswer {
  base: { mean: number | null; days: number; totalDays: number };
  daily: (Fig & { date: string; index: number | null })[];
}

/** What a scale index gives back: index x mean / 100 for each day, rounded (null where the index is). */
export function scaleBack(s: ScaleAnswer): { date: string; value: number | null }[] {
  return s.daily.map((d) => ({
    date: d.date,
    value: d.index === null || s.base.mean === null ? null : Math.round((d.index * s.base.mean) / 100),
  }));
}
