/**
 * Every default of the synthetic scenario in one place, with where its number
 * comes from. The scenario is SYNTHETIC: numbers are chosen to be plausible for
 * a January-2020-like week, not estimated from any person's data.
 */
export interface ScenarioParams {
  /** Random seed: same seed, same bytes. */
  seed: number;
  /** Simulated people in the whole country (all operators). */
  people: number;
  /** First simulated day, YYYY-MM-DD; times are China Standard Time wall clock. */
  start: string;
  days: number;
  /** 6-digit code of the epicentre city. */
  epicentre: string;
  /** Share of simulated people living in the epicentre (a denser focal city). */
  epicentreShare: number;
  /** Daily probability that an epicentre resident leaves, on the first and on the last day (linear rise). */
  outflowFirstDay: number;
  outflowLastDay: number;
  /** Daily probability that a resident elsewhere makes a trip to another city (returns after 1-3 days). */
  travelDaily: number;
  /** Share of people who are subscribers of the operator whose records we see. */
  operatorShare: number;
  /** Mean gap between two records of one person inside a stay, minutes (exponential). */
  gapMeanMinutes: number;
  /** Residents per cell when placing cells; every city gets at least `minCellsPerCity`. */
  peoplePerCell: number;
  minCellsPerCity: number;
  /** Share of people with a workplace they visit every day. */
  workerShare: number;
}

export const defaultParams: ScenarioParams = {
  seed: 20200123,
  people: 30000,
  // The week before Wuhan's travel restrictions of 2020-01-23 (State Council notice of that day).
  start: '2020-01-16',
  days: 7,
  epicentre: '420100',
  epicentreShare: 0.35,
  // Baidu's migration-scale index out of Wuhan roughly tripled from Jan 10 to Jan 22, 2020
  // (../shared/data/epi/wuhan-baidu-2020, Kraemer et al., Science 2020); we use a 4x linear rise.
  outflowFirstDay: 0.012,
  outflowLastDay: 0.05,
  travelDaily: 0.004,
  // China Mobile held about 60% of China's mobile subscribers in 2020 (MIIT / operators' annual reports).
  operatorShare: 0.6,
  gapMeanMinutes: 30,
  peoplePerCell: 40,
  minCellsPerCity: 3,
  workerShare: 0.7,
};
