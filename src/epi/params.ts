/**
 * Parameters of the forecast model and their defaults, in one place with the
 * source of every number (issue 13). Li et al. = R. Li, S. Pei, B. Chen et al.,
 * "Substantial undocumented infection facilitates the rapid dissemination of
 * novel coronavirus (SARS-CoV-2)", Science 368, 489-493 (2020); their
 * reference code is SenPei-CU/COVID-19 on GitHub (read, not copied).
 */

/** Transmission and reporting parameters of the Li et al. model (rates per day). */
export interface EpiParams {
  /** beta: transmission rate of reported infections, per day. */
  beta: number;
  /** mu: relative transmissibility of unreported infections (0..1). */
  mu: number;
  /** theta: multiplicative factor on the OD flows (reconciles under-counted trips). */
  theta: number;
  /** Z: mean latent period, days. */
  latentDays: number;
  /** D: mean infectious period, days. */
  infectiousDays: number;
  /** alpha: fraction of new infections that become reported (documented). */
  alpha: number;
}

/** A delay in days, gamma distributed, discretised to whole days. */
export interface GammaDelay {
  meanDays: number;
  shape: number;
}

/** Observation layer: reported infections -> confirmed cases -> deaths. */
export interface ObservationParams {
  /** Delay from becoming a reported infection to confirmation. */
  confirmDelay: GammaDelay;
  /** Fraction of confirmed cases that die. */
  fatalityRatio: number;
  /** Delay from confirmation to death. */
  deathDelay: GammaDelay;
}

/**
 * Li et al., Table 1: posterior estimates for 10-23 January 2020 (before the
 * travel restrictions): beta 1.12, mu 0.55, theta 1.36, Z 3.69, alpha 0.14,
 * D 3.47. These are starting values, not truths: the filter is to fit them.
 * mu, alpha, Z and D are in the paper's text (p. 490); beta follows from its
 * median Re 2.38 = beta D (alpha + (1 - alpha) mu); theta is not yet checked.
 */
export const LI2020_PARAMS: Readonly<EpiParams> = {
  beta: 1.12,
  mu: 0.55,
  theta: 1.36,
  latentDays: 3.69,
  infectiousDays: 3.47,
  alpha: 0.14,
};

/**
 * Prior ranges of Li et al.'s ensemble filter (their code, initialize.m):
 * beta 0.8-1.5, mu 0.2-1, theta 1-1.75, Z 2-5, alpha 0.02-1, D 2-5.
 */
export const LI2020_PRIOR_RANGE: Readonly<Record<keyof EpiParams, readonly [number, number]>> = {
  beta: [0.8, 1.5],
  mu: [0.2, 1],
  theta: [1, 1.75],
  latentDays: [2, 5],
  infectiousDays: [2, 5],
  alpha: [0.02, 1],
};

/**
 * Bounds the filter keeps the parameters in (its checkbound), wider than Li
 * et al.'s prior ranges, which are for 10-23 January 2020 only and are still
 * where the members start (LI2020_PRIOR_RANGE). Only beta's lower bound
 * differs: 0.1 instead of 0.8, so that Rt = beta D (alpha + (1 - alpha) mu)
 * can fall below 1 after control measures. At Li et al.'s Table 1 values of
 * the others (D 3.47, alpha 0.14, mu 0.55; LI2020_PARAMS) beta 0.8 means
 * Rt = 1.70 at least, beta 0.1 Rt = 0.21; at the low ends of the other ranges
 * Rt = 0.04. Hao et al. (medRxiv 2020.04.27.20078436, 2020; Wuhan, 32,583
 * laboratory-confirmed cases) estimate Rt fell from 3.89 before the
 * interventions to 0.14 (95% CrI 0.11-0.28) after them, which these bounds
 * admit and Li et al.'s did not.
 */
export const FIT_BOUNDS: Readonly<Record<keyof EpiParams, readonly [number, number]>> = {
  ...LI2020_PRIOR_RANGE,
  beta: [0.1, 1.5],
};

/**
 * Observation defaults.
 * - confirmDelay: Li et al.'s code (inference.m) draws the reporting delay
 *   from a gamma distribution with mean Td = 9 days and shape a = 1.85 for
 *   10-23 January 2020, rounding up to whole days. Later periods had shorter
 *   delays; the filter is to fit it.
 * - fatalityRatio: 3.67%, the crude case fatality ratio among laboratory-
 *   confirmed cases in mainland China (Verity et al., Lancet Infect Dis 20,
 *   669-677, 2020). Deaths here are among confirmed cases, so the crude ratio,
 *   not their adjusted infection fatality ratio, is the matching quantity.
 * - deathDelay: PLACEHOLDER to be fitted. Mean 8.8 days = Verity et al.'s mean
 *   onset-to-death 17.8 days minus Li et al.'s mean reporting delay 9 days
 *   (treating onset and becoming a reported infection as the same day); the
 *   shape 2 has no source.
 */
export const DEFAULT_OBSERVATION: Readonly<ObservationParams> = {
  confirmDelay: { meanDays: 9, shape: 1.85 },
  fatalityRatio: 0.0367,
  deathDelay: { meanDays: 17.8 - 9, shape: 2 },
};

/**
 * Integration step: 4 steps a day (6 h). RK4's error at this step is far below
 * the data's noise: the closed-form tests (model.test.ts) pass to 1e-6 with it,
 * and daily new infections differ from a 64-steps-a-day run by < 1e-6
 * relative (integrate.test.ts). Li et al. used one (stochastic) RK4 step a day.
 */
export const DEFAULT_STEPS_PER_DAY = 4;

/**
 * Stochastic runs take 4 steps a day as well: with midpoint tau-leaping
 * (integrate.ts) the mean of 1,000 runs of the test scenario is within its
 * sampling error (0.4-0.5%) of the deterministic run at that step, whereas
 * plain tau-leaping was 7% low at 4 steps a day and still 2.6-3.4% low at 24
 * (integrate.test.ts).
 */
export const DEFAULT_STOCHASTIC_STEPS_PER_DAY = 4;
