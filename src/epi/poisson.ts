/**
 * Poisson random numbers from the project's seeded generator (src/synth/random.ts).
 * Small means by multiplying uniforms (Knuth, TAOCP vol. 2, 3.4.1); means >= 10
 * by transformed rejection with squeeze, PTRS (Hörmann, "The transformed
 * rejection method for generating Poisson random variables", Insurance:
 * Mathematics and Economics 12, 39-45, 1993), exact for every mean.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import type { Random } from '../synth/random.ts';

/** One Poisson(mean) draw; 0 for mean <= 0. */
export function poisson(rng: Random, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean < 10) {
    const limit = Math.exp(-mean);
    let k = 0;
    let product = rng.next();
    while (product > limit) {
      k++;
      product *= rng.next();
    }
    return k;
  }
  // PTRS constants, Hörmann (1993), table/algorithm PTRS.
  const sqrtMean = Math.sqrt(mean);
  const logMean = Math.log(mean);
  const b = 0.931 + 2.53 * sqrtMean;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
      -mean + k * logMean - gammaln(k + 1)
    ) {
      return k;
    }
  }
}
