/**
 * The tracer's module (issue 11): the contract between the engine (src/tracing/*.ts: registry, trajectory,
 * companions) and its users (CLI, API, dashboard). Times are ISO strings 'YYYY-MM-DD HH:MM:SS' in the records'
 * wall clock (China Standard Time, stored naive), as everywhere else in EpiTrace. Identifiers are pseudonyms only.
 */

/** A case of the registry, as the health authority listed it (identifier pseudonymised on the way in). */
export interface CaseRecord {
  /** The health authority's case reference, e.g. 'C0001': unique in a workspace. */
  ref: string;
  status: 'confirmed' | 'suspected';
  /** YYYY-MM-DD or null. */
  onset: string | null;
  confirmed: string | null;
  /** The subscriber's pseudonym, or null when the identifier matched no subscriber of the operator. */
  userId: string | null;
  /** How the authority identified the person. */
  idKind: 'phone' | 'imsi';
  /** County / city where the authority reported the case (6-digit codes), if given. */
  county: string | null;
  city: string | null;
}

/** Where a place is: a cell and the regions it lies in (street and community only inside a city's boundaries). */
export interface Place {
  cellId: number;
  lon: number;
  lat: number;
  community: string | null;
  street: string | null;
  county: string | null;
  city: string | null;
  province: string | null;
}

/** One dwell of a trajectory: a stay at one cell. */
export interface TrajectoryDwell extends Place {
  start: string;
  end: string;
  minutes: number;
  /** Long enough to matter for transmission (>= the companion threshold's minutes). */
  transmissionPoint: boolean;
}

export interface Window {
  /** Inclusive start and exclusive end, 'YYYY-MM-DD HH:MM:SS'. */
  from: string;
  to: string;
}

export interface Trajectory {
  case: CaseRecord;
  window: Window;
  dwells: TrajectoryDwell[];
  /** Places ranked by total minutes spent, most first. */
  places: (Place & { minutes: number; visits: number })[];
}

export interface CompanionOptions {
  /** Total shared minutes at or above which someone is a companion (default 60). */
  minMinutes: number;
  /** Window; default the 15 days before the case's confirmation date (or before the data's last day). */
  window?: Window;
  /** 1 = companions of the case; 2 = also the companions of those companions (second degree). */
  degree: 1 | 2;
  /** Neighbouring cells within this many metres also count as the same place (0 = same cell only). */
  toleranceMeters: number;
  /**
   * Extend each stay half way to the person's previous and next stay (at most 60 minutes each side), since
   * a stay's records under-state it by up to a gap; false counts only the span between a stay's first and
   * last records. Default false (README "Trace a case's companions" has the measurements).
   */
  extendStays?: boolean;
}

export interface Companion {
  userId: string;
  /** 1 or 2. */
  degree: number;
  /** For degree 2: the first-degree companion they shared a place with. */
  via: string | null;
  minutes: number;
  firstContact: string;
  lastContact: string;
  /** Shared places, most minutes first. */
  places: (Place & { minutes: number })[];
  /** Last stay seen in the data, and the county where they live (the pipeline's resident county), if known. */
  lastSeen: (Place & { at: string }) | null;
  residentCounty: string | null;
}

export interface CompanionResult {
  case: CaseRecord;
  window: Window;
  options: CompanionOptions;
  companions: Companion[];
  /** Companions counted by where they were last seen, per level (community only where known). */
  distribution: { level: 'county' | 'street' | 'community' | 'city'; code: string; companions: number }[];
}
