/**
 * Disclosure control: every count that leaves the platform goes through here.
 * A count below k is suppressed and marked as such, never shown as 0.
 */
export interface Protected {
  count: number | null;
  suppressed: boolean;
}

/** Default minimum count k (design.md; the common small-cell threshold of statistical offices is 10-20). */
export const DEFAULT_K = 15;

/** A count as it may be published: itself if >= k, otherwise suppressed. */
export function protect(n: number, k: number): Protected {
  return n >= k ? { count: n, suppressed: false } : { count: null, suppressed: true };
}
