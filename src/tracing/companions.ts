import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { hasTraceLayout } from './layout.ts';
import { lastSeenOf, placesOf, residentCountyOf } from './places.ts';
import { requireTraceable } from './registry.ts';
import { sharedTime } from './shared.ts';
import type { Companion, CompanionOptions, CompanionResult } from './types.ts';
import { resolveWindow } from './window.ts';

/**
 * Defaults: 60 minutes in total at the same cell (the "an hour or more beside them"), first degree,
 * same cell only, stays as their records span them (extending them half way to the neighbouring stays
 * over-counted shared time and lost precision against the simulator's truth: README has the figures).
 */
export const DEFAULT_COMPANION_OPTIONS: CompanionOptions = {
  minMinutes: 60,
  degree: 1,
  toleranceMeters: 0,
  extendStays: false,
};

/** Fails with one line when the layout the search reads is missing. */
export async function requireLayout(db: Duck): Promise<void> {
  if (!(await hasTraceLayout(db)))
    throw new UserError(
      `the workspace has no tracing layout yet: run 'epitrace run' (it builds it at its end)`,
    );
}

/** Checks options, naming the bad one. */
export function checkOptions(o: CompanionOptions): void {
  if (!(o.minMinutes > 0)) throw new UserError(`minimum minutes must be > 0, got ${o.minMinutes}`);
  if (o.degree !== 1 && o.degree !== 2) throw new UserError(`degree must be 1 or 2, got ${String(o.degree)}`);
  if (!(o.toleranceMeters >= 0))
    throw new UserError(`tolerance must be >= 0 metres, got ${o.toleranceMeters}`);
}

/**
 * A case's companions: people who shared a place (the same cell, or a cell within the tolerance) with the
 * case for at least minMinutes in total within the window; with degree 2, also the companions of those
 * (each via the first-degree companion they shared most time with). Each with where and when they met,
 * where they were last seen and their resident county; and their distribution by where they were last seen.
 */
export async function companions(db: Duck, ref: string, options: CompanionOptions): Promise<CompanionResult> {
  const o: CompanionOptions = { ...DEFAULT_COMPANION_OPTIONS, ...options };
  checkOptions(o);
  const c = await requireTraceable(db, ref);
  await requireLayout(db);
  const window = await resolveWindow(db, c, o.window);
  const q = {
    window,
    minSeconds: o.minMinutes * 60,
    toleranceMeters: o.toleranceMeters,
    extend: o.extendStays === true,
  };
  const first = await sharedTime(db, { ...q, seeds: [c.userId] });
  const found: {
    userId: string;
    degree: number;
    via: string | null;
    seconds: number;
    first: string;
    last: string;
    places: { cellId: number; seconds: number }[];
  }[] = first.pairs.map((p) => ({
    userId: p.userId,
    degree: 1,
    via: null,
    seconds: p.seconds,
    first: p.first,
    last: p.last,
    places: first.places.filter((x) => x.userId === p.userId),
  }));
  if (o.degree === 2 && found.length > 0) {
    const seeds = found.map((f) => f.userId);
    const second = await sharedTime(db, { ...q, seeds, exclude: [c.userId, ...seeds] });
    // Each second-degree person once, via the first-degree companion they shared the most time with.
    const best = new Map<string, (typeof second.pairs)[number]>();
    for (const p of second.pairs) {
      const b = best.get(p.userId);
      if (!b || p.seconds > b.seconds || (p.seconds === b.seconds && p.seed < b.seed)) best.set(p.userId, p);
    }
    for (const p of [...best.values()].sort(
      (a, b) => b.seconds - a.seconds || (a.userId < b.userId ? -1 : 1),
    ))
      found.push({
        userId: p.userId,
        degree: 2,
        via: p.seed,
        seconds: p.seconds,
        first: p.first,
        last: p.last,
        places: second.places.filter((x) => x.seed === p.seed && x.userId === p.userId),
      });
  }
  const users = found.map((f) => f.userId);
  const [last, resident] = await Promise.all([lastSeenOf(db, users), residentCountyOf(db, users)]);
  const places = await placesOf(db, [
    ...found.flatMap((f) => f.places.map((p) => p.cellId)),
    ...[...last.values()].map((l) => l.cellId),
  ]);
  const list: Companion[] = found.map((f) => {
    const l = last.get(f.userId);
    return {
      userId: f.userId,
      degree: f.degree,
      via: f.via,
      minutes: f.seconds / 60,
      firstContact: f.first,
      lastContact: f.last,
      places: f.places.map((p) => ({ ...places.get(p.cellId)!, minutes: p.seconds / 60 })),
      lastSeen: l ? { ...places.get(l.cellId)!, at: l.at } : null,
      residentCounty: resident.get(f.userId) ?? null,
    };
  });
  return { case: c, window, options: { ...o, window }, companions: list, distribution: distribution(list) };
}

/** Companions counted by the county, street, community and city where they were last seen. */
export function distribution(list: Companion[]): CompanionResult['distribution'] {
  const out: CompanionResult['distribution'] = [];
  for (const level of ['county', 'street', 'community', 'city'] as const) {
    const n = new Map<string, number>();
    for (const c of list) {
      const code = c.lastSeen?.[level];
      if (code) n.set(code, (n.get(code) ?? 0) + 1);
    }
    for (const [code, companions] of [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
      out.push({ level, code, companions });
  }
  return out;
}

const CSV_HEADER = [
  'case_ref',
  'user_id',
  'degree',
  'via',
  'shared_minutes',
  'first_contact',
  'last_contact',
  'top_cell',
  'top_county',
  'top_street',
  'top_community',
  'last_seen_at',
  'last_seen_cell',
  'last_seen_county',
  'last_seen_street',
  'last_seen_community',
  'resident_county',
];

function field(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The result as CSV, one companion a line, pseudonyms only (first line: the header). */
export function companionsCsv(result: CompanionResult): string {
  const lines = [CSV_HEADER.join(',')];
  for (const c of result.companions) {
    const top = c.places[0];
    lines.push(
      [
        result.case.ref,
        c.userId,
        c.degree,
        c.via,
        c.minutes.toFixed(1),
        c.firstContact,
        c.lastContact,
        top?.cellId,
        top?.county,
        top?.street,
        top?.community,
        c.lastSeen?.at,
        c.lastSeen?.cellId,
        c.lastSeen?.county,
        c.lastSeen?.street,
        c.lastSeen?.community,
        c.residentCounty,
      ]
        .map(field)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
