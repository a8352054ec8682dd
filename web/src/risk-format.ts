// How the risk view writes its numbers; the browser test formats the API's numbers with the same functions.

/** A fit statistic: four significant digits (slope, intercept, residual SE). */
export function statText(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** A correlation or R²: three decimals. */
export function rText(v: number): string {
  return v.toFixed(3);
}

/** A predicted count or bound: whole people above 10, two significant digits below. */
export function boundText(v: number): string {
  return v >= 10 ? String(Math.round(v)) : v.toPrecision(2);
}

/** A count published under disclosure control: the number, or "< k" when suppressed. */
export function guardedText(count: number | null, k: number): string {
  return count === null ? `< ${k}` : String(count);
}
