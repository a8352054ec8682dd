// The map-layers view's colour scale: population classes with rounded inner breaks and the data's real bounds.

/**
 * ColorBrewer "YlGnBu", 5 classes (Cynthia Brewer, colorbrewer2.org): sequential, light for few people, dark
 * for many, and readable by most colour-blind viewers.
 */
export const classColours = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'] as const;

/** Regions without a count (no census data): grey, distinct from every class. */
export const noDataColour = '#bdbdbd';

/** One legend class: regions with lo <= value < hi (the last class includes hi). */
export type PopulationClass = { lo: number; hi: number; colour: string; regions: number };

/** `v` rounded to two significant digits (12,345 -> 12,000), so the legend's inner breaks read easily. */
export function roundTwo(v: number): number {
  if (v <= 0) return 0;
  const step = 10 ** (Math.floor(Math.log10(v)) - 1);
  return Math.round(v / step) * step;
}

/**
 * Quantile classes of the positive values (up to `classColours.length`): inner breaks at the quintiles,
 * rounded to two significant digits and kept strictly between the real minimum and maximum, so equal or
 * out-of-range breaks collapse rather than making empty classes. Empty when no value is positive.
 */
export function populationClasses(values: readonly number[]): PopulationClass[] {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  const min = v[0];
  const max = v[v.length - 1];
  if (min === undefined || max === undefined) return [];
  const n = classColours.length;
  const inner: number[] = [];
  for (let i = 1; i < n; i++) {
    const b = roundTwo(v[Math.floor((i * v.length) / n)] ?? max);
    if (b > min && b < max && b > (inner[inner.length - 1] ?? min)) inner.push(b);
  }
  const edges = [min, ...inner, max];
  const classes = edges.slice(0, -1).map((lo, i) => ({
    lo,
    hi: edges[i + 1] ?? max,
    // Spread the colours over the whole ramp when there are fewer classes than colours.
    colour: classColours[edges.length === 2 ? n - 1 : Math.round((i * (n - 1)) / (edges.length - 2))] ?? '',
    regions: 0,
  }));
  for (const x of v) {
    const c = classIndex(classes, x);
    if (c >= 0) classes[c]!.regions += 1;
  }
  return classes;
}

/** The class of a value (-1 for no data: zero, null, or outside the classes). */
export function classIndex(classes: readonly PopulationClass[], value: number | null): number {
  if (value === null || value <= 0) return -1;
  const last = classes.length - 1;
  return classes.findIndex((c, i) => value >= c.lo && (value < c.hi || (i === last && value <= c.hi)));
}
