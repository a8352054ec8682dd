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

// ---- Epidemic parameters (households, workplaces, transmission, ascertainment, case list) ----

/**
 * The agent-level SEIRD epidemic; transmission only through shared presence at a
 * cell, with a hazard that depends on the setting. The demo's outbreak is
 * SYNTHETIC and about 30x denser than Wuhan's real one (README, "The
 * epidemic"): a 30,000-person sample must have cases to trace.
 */
export interface EpidemicParams {
  /** Share of epicentre residents already infected (and infectious within 4 days) at the start. */
  seedShare: number;
  /** Infection hazard per hour of co-presence at the home cell with an infectious member of one's household. */
  householdPerHour: number;
  /** The same at the shared work cell with an infectious co-worker of the same workplace. */
  workplacePerHour: number;
  /** The same with anyone else at the same cell at the same time (a cell stands for a neighbourhood). */
  placePerHour: number;
  /** Mean latent period (E), days: 3.69 in Li R. et al., Science 2020 (Z). */
  latentDays: number;
  /** Mean infectious period (I), days: 3.48 in Li R. et al., Science 2020 (D). */
  infectiousDays: number;
  /** Incubation (infection to symptom onset), log-normal: mean 5.2 days, 95th percentile 12.5 (Li Q. et al., NEJM 2020). */
  incubationMeanDays: number;
  incubation95Days: number;
  /** Delay from onset to confirmation, days, uniform 3-8 (mean 5.5): onset to first medical visit was 4.6-5.8 days
   * on average in Wuhan's first 425 cases (Li Q. et al., NEJM 2020), and confirmation came at or after the visit. */
  reportDelayMin: number;
  reportDelayMax: number;
  /** Share of infections ever confirmed, by when they would be confirmed: 14% before and 65% after the travel
   * restrictions of 2020-01-23 (Li R. et al., Science 2020, reporting rates for Jan 10-23 and Jan 24-Feb 8). */
  ascertainmentBefore: number;
  ascertainmentAfter: number;
  /** First day (YYYY-MM-DD, local) of the higher ascertainment. */
  ascertainmentSwitch: string;
  /** Infection fatality ratio 0.66% (Verity et al., Lancet Infect Dis 2020). */
  ifr: number;
  /** Uninfected suspects (another flu-like illness: January is influenza season) per confirmed case in the list,
   * beside the infected ones with onset who will be confirmed later. SYNTHETIC choice: with the infected suspects
   * it gives about 1.5-2 suspects per confirmed case, as the National Health Commission's bulletin of 2020-01-28
   * did for China (4,515 confirmed, 6,973 suspected). */
  uninfectedSuspectsPerConfirmed: number;
  /** Flu-like illnesses of the uninfected suspects start within this many days before the end. */
  suspectOnsetDays: number;
  /** Household sizes 1..6 (6 = six or more, drawn as 6-8), shares. The 7th census (2020) counted 2.62 people per
   * family household (National Bureau of Statistics, 7th census bulletin No. 2) and about a quarter of one-person
   * households; these shares give a mean of 2.62. */
  householdSizeShares: number[];
  /** Mean size of a workplace (the group that shares an office, workshop or shift), exponential, capped at
   * `workplaceMax`: SYNTHETIC; what matters for transmission is who shares a room, not the size of the firm. */
  workplaceMean: number;
  workplaceMax: number;
}

// Hazards: Bi et al. (Lancet Infect Dis 2020, Shenzhen, 1,286 close contacts) measured a household secondary
// attack rate of 11.2%. Household members are both at home ~13-16 h a day (evening and night), ~50 h over
// an infectious period of 3.48 days, so 1 - exp(-50 h x beta) = 0.112 gives beta = 0.0024/h. The demo uses
// ~4x that (0.01/h: a household attack rate of ~40%) and 0.004/h among co-workers at their work cell (less
// close contact; ~9 h a workday). A cell holds ~40 sampled residents standing for a whole neighbourhood, so the
// hazard with anyone else there is far lower per hour. Seeds: 2.5% of Wuhan's sample, against ~0.2% real
// prevalence on 2020-01-14 (Wu, Leung & Leung, Lancet 2020: 75,815 infections in Wuhan by 2020-01-25,
// 0.7% of its 11 million people, doubling every 6.4 days). The result is ~30x denser than the real outbreak
// (20% of sampled Wuhan residents infected by 2020-01-25 against 0.7%), so a 30,000-person demo has hundreds
// of cases; measured in README, "The epidemic".
export const defaultEpidemic: EpidemicParams = {
  seedShare: 0.025,
  householdPerHour: 0.01,
  workplacePerHour: 0.004,
  placePerHour: 0.0005,
  latentDays: 3.69,
  infectiousDays: 3.48,
  incubationMeanDays: 5.2,
  incubation95Days: 12.5,
  reportDelayMin: 3,
  reportDelayMax: 8,
  ascertainmentBefore: 0.14,
  ascertainmentAfter: 0.65,
  ascertainmentSwitch: '2020-01-24',
  ifr: 0.0066,
  uninfectedSuspectsPerConfirmed: 0.5,
  suspectOnsetDays: 3,
  householdSizeShares: [0.255, 0.298, 0.21, 0.132, 0.061, 0.044],
  workplaceMean: 10,
  workplaceMax: 60,
};
// ---- end of the epidemic parameters ----

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
