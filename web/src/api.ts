// Typed client for the EpiTrace HTTP API (same origin, session cookie).
import type { CaseRecord, CompanionResult, Trajectory } from '../../src/tracing/types.ts';
import { daysBetween } from './format.ts';
import type { Lang, Strings } from './i18n.ts';

export type Session = { username: string; role: string; regions?: string; expiresAt: string };

export type Meta = {
  scenario: {
    name: string;
    synthetic: boolean;
    description: string;
    from: string;
    to: string;
    epicentre: { code: string; name: string };
  };
  k: number;
  /**
   * The snapshot the answers come from: its id, when it was published and its complete pipeline days
   * (null when the pipeline never ran). The server's shape, src/snapshot/publish.ts SnapshotManifest.
   */
  snapshot: { id: number; publishedAt: string; days: { first: string; last: string; count: number } | null };
};

/** The snapshot's data days, first to last (the days a day range offers); empty before any day was run. */
export function publishedDays(meta: Meta): string[] {
  const d = meta.snapshot.days;
  return d ? daysBetween(d.first, d.last) : [];
}

export type Division = { code: string; name: string; nameEn: string; province: string; population: number };

/** A disclosure-controlled count: `count` is null exactly when fewer than k people were counted. */
export type Guarded = { count: number | null; suppressed: boolean };

/**
 * A flows figure: the sum of the published (cell-key perturbed) region-day cells it covers; `suppressedCells`
 * cells below k are left out of it. Suppressed (count null) when all its cells are below k.
 */
export type Published = Guarded & { suppressedCells: number };

/** How the flows figures were protected (the server's statement, shown on screen). */
export type DisclosureMethod = {
  name: 'cell-key';
  k: number;
  noiseBound: number;
  cellKeyModulus: number;
  cells: string;
};

export type Destination = Published & { code: string; name: string; province: string; provinceName: string };
export type ProvinceCount = Published & { code: string; name: string };
export type DailyCount = Published & { date: string };

export type Outflow = {
  origin: { code: string; name: string };
  from: string;
  to: string;
  level: 'city';
  k: number;
  synthetic: boolean;
  method: DisclosureMethod;
  total: Published;
  destinations: Destination[];
  byProvince: ProvinceCount[];
  daily: DailyCount[];
};

/** An error answered by the server (4xx/5xx), carrying its status and the offending field if named. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field?: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// The page language, sent as Accept-Language so the server words its error messages in it (zh-CN by default).
let apiLang: Lang = 'zh';

/** Sets the language every later API call asks its messages in (the app calls it when the language changes). */
export function setApiLanguage(lang: Lang): void {
  apiLang = lang;
}

/** The Accept-Language value of a page language. */
export function acceptLanguage(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}

/**
 * One call to the API: JSON in and out, the session cookie and the page language sent; a non-2xx answer throws an
 * ApiError with the server's (localised) message.
 */
export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  if (!headers.has('accept-language')) headers.set('accept-language', acceptLanguage(apiLang));
  const res = await fetch(`/api${path}`, { ...init, headers, credentials: 'same-origin' });
  if (!res.ok) throw await apiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A non-2xx answer as an ApiError: the server's (localised) `{ error, field, code }`, else the HTTP status. */
export async function apiError(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => null);
  const { error, field, code } = (body ?? {}) as { error?: unknown; field?: unknown; code?: unknown };
  const message = typeof error === 'string' ? error : `${res.status} ${res.statusText}`;
  return new ApiError(
    message,
    res.status,
    typeof field === 'string' ? field : undefined,
    typeof code === 'string' ? code : undefined,
  );
}

/**
 * An error as the page shows it: the server's message (already in the page language, Accept-Language), else the
 * page's own words for a server that could not be reached (fetch's TypeError is the browser's English).
 */
export function errorText(err: unknown, t: Pick<Strings, 'networkError'>): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return t.networkError;
  return err instanceof Error ? err.message : String(err);
}

/** True when the error means the session is missing or expired. */
export function isUnauthorized(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}

/** The current session, or null when not logged in. */
export async function getMe(): Promise<Session | null> {
  try {
    return await request<Session>('/me');
  } catch (err) {
    if (isUnauthorized(err)) return null;
    throw err;
  }
}

/** Logs in; the server sets an httpOnly session cookie. */
export function login(username: string, password: string): Promise<Session> {
  return request<Session>('/login', { method: 'POST', body: JSON.stringify({ username, password }) });
}

/** Ends the session. */
export function logout(): Promise<void> {
  return request<void>('/logout', { method: 'POST' });
}

/** Scenario metadata and the disclosure threshold k. */
export function getMeta(signal?: AbortSignal): Promise<Meta> {
  return request<Meta>('/meta', { signal });
}

/** All divisions of one level (cities by default). */
export function getDivisions(level = 'city', signal?: AbortSignal): Promise<Division[]> {
  return request<Division[]>(`/divisions?${new URLSearchParams({ level })}`, { signal });
}

/** Outflow from one origin city between two dates (inclusive). */
export function getOutflow(
  q: { origin: string; from: string; to: string },
  signal?: AbortSignal,
): Promise<Outflow> {
  return request<Outflow>(`/flows/outflow?${new URLSearchParams(q)}`, { signal });
}

export type AccountRow = {
  username: string;
  role: string;
  regions: string;
  expiresAt: string;
  createdAt: string;
  disabled: boolean;
};

/** Accounts, for administrators. */
export function getAccounts(signal?: AbortSignal): Promise<AccountRow[]> {
  return request<AccountRow[]>('/admin/accounts', { signal });
}

/** Creates an account; the answer carries the generated password once. */
export function createAccount(a: {
  username: string;
  role: string;
  regions: string;
  days: number;
}): Promise<{ account: AccountRow; password?: string }> {
  return request('/admin/accounts', { method: 'POST', body: JSON.stringify(a) });
}

/** Renews, disables or re-passwords an account (a new password is generated and returned once). */
export function accountAction(
  username: string,
  action: 'renew' | 'disable' | 'passwd',
): Promise<{ account: AccountRow; password?: string }> {
  return request(`/admin/accounts/${encodeURIComponent(username)}/${action}`, {
    method: 'POST',
    body: '{}',
  });
}

export type AuditEntry = { id: number; at: string; username: string | null; action: string; detail: string };
export type AuditPage = {
  count: number;
  verified: boolean;
  problem: { id: number | null; reason: string } | null;
  entries: AuditEntry[];
};

/** Recent audit entries and the result of verifying the whole chain. */
export function getAudit(signal?: AbortSignal): Promise<AuditPage> {
  return request<AuditPage>('/admin/audit?limit=50', { signal });
}

export type {
  CaseRecord,
  Companion,
  CompanionResult,
  Trajectory,
  TrajectoryDwell,
} from '../../src/tracing/types.ts';

/** A case as the list shows it: no pseudonym, only whether the operator's records matched one. */
export type ListedCase = Omit<CaseRecord, 'userId'> & { matched: boolean };

/** Tracers: the cases within the account's regions. */
export function getCases(signal?: AbortSignal): Promise<{ cases: ListedCase[]; synthetic: boolean }> {
  return request('/cases', { signal });
}

/** Tracers: one case's dwells in its window (default: the 15 days before confirmation). */
export function getTrajectory(
  ref: string,
  signal?: AbortSignal,
): Promise<Trajectory & { synthetic: boolean }> {
  return request(`/cases/${encodeURIComponent(ref)}/trajectory?${new URLSearchParams({ caseRef: ref })}`, {
    signal,
  });
}

/** The companion query's parameters, as the API takes them. */
export type CompanionQuery = { minMinutes: number; degree: 1 | 2; toleranceMeters: number };

/** The query string of a companion request (also the CSV link's). */
export function companionsQuery(ref: string, q: CompanionQuery): string {
  return new URLSearchParams({
    caseRef: ref,
    minMinutes: String(q.minMinutes),
    degree: String(q.degree),
    toleranceMeters: String(q.toleranceMeters),
  }).toString();
}

/** Tracers: the case's companions (pseudonyms only), first or also second degree. */
export function getCompanions(
  ref: string,
  q: CompanionQuery,
  signal?: AbortSignal,
): Promise<CompanionResult & { synthetic: boolean }> {
  return request(`/cases/${encodeURIComponent(ref)}/companions?${companionsQuery(ref, q)}`, { signal });
}

/** Where the CSV export of the same companion query downloads from. */
export function companionsCsvUrl(ref: string, q: CompanionQuery): string {
  return `/api/cases/${encodeURIComponent(ref)}/companions.csv?${companionsQuery(ref, q)}`;
}
