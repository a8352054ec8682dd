/**
 * Every default of the synthetic scenario in one place, with where its number
 * comes from. The scenario is SYNTHETIC: numbers are chosen to be plausible for
 * a January-2020-like week, not estimated from any person's data.
 */
import type { TravelParams } from './travel.ts';

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
  /** Share of simulated people living in the epicentre (a denser focal city); 0 = by census like the rest. */
  epicentreShare: number;
  /**
   * How an epicentre resident's daily probability of leaving is set: 'baidu-2020' follows Baidu's 2020
   * migration-scale index out of Wuhan day by day (src/synth/data/baidu-wuhan-scale-2020.json) times
   * `outflowPerScaleUnit`; 'linear' rises from `outflowFirstDay` on the first day to `outflowLastDay` on the last.
   */
  outflowProfile: 'baidu-2020' | 'linear';
  outflowPerScaleUnit: number;
  outflowFirstDay: number;
  outflowLastDay: number;
  /** Inter-city trips depart uniformly between these hours of the day (wall clock). */
  departFromHour: number;
  departToHour: number;
  /** The closure of cities (null = none): see Lockdown. */
  lockdown: Lockdown | null;
  /** Public holidays (YYYY-MM-DD): nobody goes to work on them. */
  holidays: string[];
  /** Daily probability that a resident elsewhere makes a trip to another city (returns after 1-3 days). */
  travelDaily: number;
  /** Operator market share ranges over provinces between these two (deterministic per province). */
  operatorShareMin: number;
  operatorShareMax: number;
  /** Mean gap between two events of one person, minutes (exponential, i.e. Poisson events). */
  gapMeanMinutes: number;
  /** Periodic location update after this many minutes without any event (0 = none). */
  periodicUpdateMinutes: number;
  /** Probability that a record inside a stay is served by a neighbouring cell instead (ping-pong). */
  pingPongRate: number;
  /** Handover records at passing cells per commute or journey (0..this many). */
  maxHandovers: number;
  /** Probability that a record is emitted twice, and that a malformed row is added after a record. */
  duplicateRate: number;
  malformedRate: number;
  /** Residents per cell when placing cells; every county gets at least `minCellsPerCounty`. */
  peoplePerCell: number;
  minCellsPerCounty: number;
  /** Share of people with a workplace they visit every day, and the share of those working in another county. */
  workerShare: number;
  crossCountyWorkShare: number;
  epidemic: EpidemicParams;
  /** Where trips between cities go (src/synth/travel.ts). */
  travel: TravelParams;
}

/**
 * A closure of cities from a moment on: nobody enters them, a resident (or a visitor) leaves only with
 * `leak` times the epicentre's departure probability of the day before the closure (the travel-day rate for
 * others), and the day's activity inside them (work trips, outings) falls by `localCut`.
 */
export interface Lockdown {
  /** 6-digit city codes. */
  cities: string[];
  /** YYYY-MM-DDTHH:MM, China Standard Time wall clock, like every simulated time. */
  at: string;
  leak: number;
  localCut: number;
}

/** The agent-level SEIRD epidemic; transmission only through shared presence at a cell. */
export interface EpidemicParams {
  /** Share of epicentre residents infectious at the start. */
  seedShare: number;
  /** Infection hazard per hour of co-presence with one infectious person at the same cell. */
  betaPerHour: number;
  /** Mean latent period (E), days: 3.69 in Li R. et al., Science 2020 (Z). */
  latentDays: number;
  /** Mean infectious period (I), days: 3.48 in Li R. et al., Science 2020 (D). */
  infectiousDays: number;
  /** Delay from becoming infectious to confirmation, days, uniform: onset-to-confirmation in Wuhan early 2020 was
   * about 5 days on average (Li Q. et al., NEJM 2020). */
  reportDelayMin: number;
  reportDelayMax: number;
  /** Share of infections that are ever confirmed: 14% were documented before Jan 23 (Li R. et al., Science 2020). */
  ascertainment: number;
  /** Infection fatality ratio 0.66% (Verity et al., Lancet Infect Dis 2020). */
  ifr: number;
}

export const defaultEpidemic: EpidemicParams = {
  seedShare: 0.004,
  // Chosen so that R0 is about 2.4 (Li R. et al.'s 2.38) for ~900 co-present person-hours a day at a cell.
  betaPerHour: 0.0008,
  latentDays: 3.69,
  infectiousDays: 3.48,
  reportDelayMin: 3,
  reportDelayMax: 7,
  ascertainment: 0.14,
  ifr: 0.0066,
};

// ---- travel between cities (fitted by scripts/fit-travel.ts; keep this block together) ----
/**
 * Destination choice for trips between cities (src/synth/travel.ts), fitted by `npx tsx scripts/fit-travel.ts`
 * by maximum likelihood to the mobility index between 375 cities, 2020-01-10..22 (Li R. et al., Science 2020,
 * github SenPei-CU/COVID-19, Apache-2.0; conditional on each origin-day's listed destinations) jointly with
 * Baidu's province shares of Wuhan's outflow (Kraemer et al., Science 2020, github
 * Emergent-Epidemics/covid19_npi_china, MIT). Scores as printed: Wuhan -> Hubei 67.6% (Baidu Jan 10-22 mean
 * 67.7%; old 1/d^2 rule 42.5%); Spearman of province shares vs Baidu 0.960 (old 0.933); Li pairs listed on
 * >= 10 of 13 days (6,358): Spearman of pop_i x P(j|i) vs mean index 0.617 (old 0.608); Wuhan outflow beyond
 * 500 km 19.0% (old 24.6%). minKm and farKm are the likeliest on the fit's grids.
 */
export const defaultTravel: TravelParams = {
  popExponent: 1.391,
  distanceExponent: 1.896,
  minKm: 50,
  farKm: 600,
  farDistanceExponent: 0.139,
  sameProvince: 1.696,
};
// ---- end of travel block ----

export const defaultParams: ScenarioParams = {
  seed: 20200123,
  people: 30000,
  // Two weeks around Wuhan's closure of 2020-01-23: the holiday travel peak before it, the Spring Festival
  // holiday after it. A 45-day scenario (2020-01-10 .. 2020-02-23) is --start 2020-01-10 --days 45.
  start: '2020-01-14',
  days: 14,
  epicentre: '420100',
  epicentreShare: 0.4,
  // Wuhan's daily outflow follows Baidu's migration-scale index (Kraemer et al., Science 2020; 5.46 on Jan 14,
  // 11.84 on Jan 22, the holiday peak). Scale: about 5 million people left Wuhan before the closure (Wuhan
  // municipal government, press conference of 2020-01-26); we take them as leaving Jan 1-23, when the index sums
  // to 158.53, out of Wuhan's 12,447,718 census residents: 5e6 / 158.53 / 12,447,718 = 0.002534 a day per index
  // unit, i.e. 1.4% of residents leaving on Jan 14 and 3.0% on Jan 22.
  outflowProfile: 'baidu-2020',
  outflowPerScaleUnit: 0.002534,
  // Used by outflowProfile 'linear' only.
  outflowFirstDay: 0.012,
  outflowLastDay: 0.05,
  // Trains and coaches run from early morning into the evening; a chosen window, not measured.
  departFromHour: 7,
  departToHour: 19,
  lockdown: {
    // Wuhan's city-wide closure of public transport and outbound routes from 2020-01-23 10:00 (Wuhan
    // Municipal Headquarters for the Prevention and Control of the Novel Coronavirus, Notice No. 1).
    cities: ['420100'],
    at: '2020-01-23T10:00',
    // Baidu's index out of Wuhan was 0.21-0.46 from Jan 27 to Feb 5 against 11-12 on Jan 21-23: about 2-4%.
    leak: 0.02,
    // Movement inside the closed city halves: a chosen value (no intra-city index is in ../shared/data).
    localCut: 0.5,
  },
  // The 2020 Spring Festival holiday, Jan 24-30 (State Council General Office, Nov 2019), extended to Feb 2
  // (State Council General Office notice of 2020-01-27).
  holidays: [
    '2020-01-24',
    '2020-01-25',
    '2020-01-26',
    '2020-01-27',
    '2020-01-28',
    '2020-01-29',
    '2020-01-30',
    '2020-01-31',
    '2020-02-01',
    '2020-02-02',
  ],
  travelDaily: 0.004,
  // China Mobile held about 60% of China's mobile subscribers in 2020 (MIIT / operators' annual reports),
  // with regional differences; synthetic shares spread around that.
  operatorShareMin: 0.45,
  operatorShareMax: 0.75,
  gapMeanMinutes: 30,
  // 3GPP T3212 periodic location updating is typically set to 1 hour or more by operators.
  periodicUpdateMinutes: 60,
  pingPongRate: 0.03,
  maxHandovers: 2,
  duplicateRate: 0.001,
  malformedRate: 0.0005,
  peoplePerCell: 40,
  minCellsPerCounty: 2,
  workerShare: 0.7,
  crossCountyWorkShare: 0.2,
  epidemic: defaultEpidemic,
  travel: defaultTravel,
};

/** The census total of ../shared/data/geo/county-population-census2020.csv (7th national census, 2020). */
export const CENSUS_TOTAL_2020 = 1_409_878_724;

/** People for a 1:scale sample of the country's 2020 census population. */
export function peopleAtScale(scale: number): number {
  return Math.round(CENSUS_TOTAL_2020 / scale);
}
