import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Duck } from '../db/duck.ts';
import { uid, uidHex } from '../db/uid.ts';
import { UserError } from '../errors.ts';
import { checkKey } from '../ingest/keys.ts';
import { pseudonym } from '../ingest/pseudonymise.ts';
import { requireReadable } from '../ingest/registry.ts';
import type { CaseRecord } from './types.ts';

/**
 * The case registry: the health authority's cases, each identifier pseudonymised with the workspace key on
 * the way in (raw phones and IMSIs are never stored), and the operator's number registry mapping
 * pseudonym(msisdn) to pseudonym(imsi), so a case listed by phone finds the IMSI its records carry.
 * Pseudonyms here stay 32-hex text while the pipeline's tables hold UUID (src/db/uid.ts): these tables are
 * small (one row per case or number), their pseudonyms are what the API shows, and keeping the type keeps
 * registries made before format 2 readable; a join with the pipeline's tables casts this side with uid().
 */
export const REGISTRY_TABLES = `
CREATE TABLE IF NOT EXISTS trace_numbers (msisdn_id VARCHAR PRIMARY KEY, user_id VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS trace_cases (ref VARCHAR PRIMARY KEY, status VARCHAR NOT NULL, onset DATE,
  confirmed DATE, user_id VARCHAR, id_kind VARCHAR NOT NULL, county VARCHAR, city VARCHAR)`;

/** A row refused by an import, with its reason. */
export interface BadRow {
  line: number;
  ref: string | null;
  reason: string;
}

/** What an import did: input = accepted + quarantined; accepted rows that matched no subscriber are listed. */
export interface ImportSummary {
  input: number;
  accepted: number;
  quarantined: BadRow[];
  unmatched: string[];
}

/** One case as entered (raw identifier: it is pseudonymised before it is stored). */
export interface CaseInput {
  ref: string;
  /** A phone number (MSISDN) or an IMSI. */
  identifier: string;
  idKind: 'phone' | 'imsi';
  status: 'confirmed' | 'suspected';
  onset?: string | null;
  confirmed?: string | null;
  county?: string | null;
  city?: string | null;
}

async function ensureTables(db: Duck): Promise<void> {
  await db.run(REGISTRY_TABLES);
}

/** Digits only: phones may carry +86, spaces or dashes; an IMSI is 6-15 digits (ITU-T E.212: at most 15). */
export function normaliseIdentifier(raw: string, kind: 'phone' | 'imsi'): string | null {
  let s = raw.trim().replace(/[\s-]/g, '');
  if (kind === 'phone') s = s.replace(/^(\+|00)86(?=\d{11}$)/, '');
  if (!/^\d+$/.test(s)) return null;
  if (kind === 'phone' ? !/^\d{11}$/.test(s) : s.length < 6 || s.length > 15) return null;
  return s;
}

function validDate(v: string | null | undefined): boolean {
  if (!v) return true;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
}

/** Why a case input is bad, or null. */
function problem(c: CaseInput): string | null {
  if (!c.ref.trim()) return 'missing case reference';
  if (c.status !== 'confirmed' && c.status !== 'suspected')
    return `bad status '${String(c.status)}' (confirmed or suspected)`;
  if (!validDate(c.onset)) return `bad onset date '${c.onset}' (YYYY-MM-DD)`;
  if (!validDate(c.confirmed)) return `bad confirmation date '${c.confirmed}' (YYYY-MM-DD)`;
  if (normaliseIdentifier(c.identifier, c.idKind) === null)
    return `bad ${c.idKind === 'phone' ? 'phone number (11 digits)' : 'IMSI (6-15 digits)'}`;
  return null;
}

/** The subscriber pseudonym a case identifier maps to, or null: an IMSI directly, a phone through trace_numbers. */
async function resolveUser(db: Duck, key: Buffer, c: CaseInput): Promise<string | null> {
  const id = normaliseIdentifier(c.identifier, c.idKind)!;
  const p = pseudonym(key, id);
  if (c.idKind === 'phone') {
    const r = await db.one<{ u: string }>(`SELECT user_id AS u FROM trace_numbers WHERE msisdn_id = $1`, [p]);
    return r?.u ?? null;
  }
  // An IMSI is a subscriber's only when the operator's records carry it (the stays of the pipeline).
  const seen = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM (SELECT 1 FROM trace_numbers WHERE user_id = $1 LIMIT 1)`,
    [p],
  );
  if (seen?.n) return p;
  return (await hasSubscriberRecords(db, p)) ? p : null;
}

async function hasSubscriberRecords(db: Duck, userId: string): Promise<boolean> {
  const t = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'stays'`,
  );
  if (!t?.n) return false;
  const r = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM (SELECT 1 FROM stays WHERE user_id = ${uid('$1')} LIMIT 1)`,
    [userId],
  );
  return (r?.n ?? 0) > 0;
}

async function insertCase(db: Duck, c: CaseInput, userId: string | null): Promise<void> {
  await db.run(`INSERT INTO trace_cases VALUES ($1, $2, $3::DATE, $4::DATE, $5, $6, $7, $8)`, [
    c.ref.trim(),
    c.status,
    c.onset || null,
    c.confirmed || null,
    userId,
    c.idKind,
    c.county || null,
    c.city || null,
  ]);
}

function readCsv(file: string, what: string): Record<string, string>[] {
  requireReadable(file, what);
  try {
    return parse(readFileSync(file, 'utf8'), {
      columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as Record<string, string>[];
  } catch (e) {
    throw new UserError(`${what} ${file} is not a readable CSV: ${(e as Error).message.split('\n')[0]}`);
  }
}

/**
 * Imports the operator's number registry (CSV imsi,msisdn), replacing the previous one; both pseudonymised
 * with the workspace key (refused when it is not the key of the records). Returns rows stored and rows refused.
 */
export async function importNumbers(
  db: Duck,
  file: string,
  key: Buffer,
): Promise<{ input: number; accepted: number; quarantined: BadRow[] }> {
  const rows = readCsv(file, 'number registry');
  if (rows.length && (!('imsi' in rows[0]!) || !('msisdn' in rows[0]!)))
    throw new UserError(`number registry ${file} needs the columns imsi,msisdn`);
  await checkKey(db, key);
  await ensureTables(db);
  const bad: BadRow[] = [];
  const seen = new Set<string>();
  const keep: [string, string][] = [];
  rows.forEach((r, i) => {
    const imsi = normaliseIdentifier(r['imsi'] ?? '', 'imsi');
    const msisdn = normaliseIdentifier(r['msisdn'] ?? '', 'phone');
    const line = i + 2;
    if (!imsi) bad.push({ line, ref: null, reason: 'bad IMSI (6-15 digits)' });
    else if (!msisdn) bad.push({ line, ref: null, reason: 'bad phone number (11 digits)' });
    else if (seen.has(msisdn)) bad.push({ line, ref: null, reason: 'duplicate phone number' });
    else {
      seen.add(msisdn);
      keep.push([pseudonym(key, msisdn), pseudonym(key, imsi)]);
    }
  });
  await db.run('BEGIN TRANSACTION');
  try {
    await db.run('DELETE FROM trace_numbers');
    const app = await db.conn.createAppender('trace_numbers');
    for (const [m, u] of keep) {
      app.appendVarchar(m);
      app.appendVarchar(u);
      app.endRow();
    }
    app.closeSync();
    await db.run('COMMIT');
  } catch (e) {
    await db.run('ROLLBACK');
    throw e;
  }
  return { input: rows.length, accepted: keep.length, quarantined: bad };
}

/** The identifier column of a case list and its kind: phone / msisdn, imsi, or identifier + id_kind. */
function identifierOf(r: Record<string, string>): { identifier: string; idKind: 'phone' | 'imsi' } {
  if (r['phone'] !== undefined || r['msisdn'] !== undefined)
    return { identifier: r['phone'] ?? r['msisdn'] ?? '', idKind: 'phone' };
  if (r['imsi'] !== undefined) return { identifier: r['imsi'], idKind: 'imsi' };
  const id = r['identifier'] ?? '';
  const kind = (r['id_kind'] ?? '').toLowerCase();
  return { identifier: id, idKind: kind === 'imsi' || (!kind && id.trim().length !== 11) ? 'imsi' : 'phone' };
}

/**
 * Imports a health authority's case list (CSV case_ref, phone|msisdn|imsi|identifier[,id_kind], status,
 * onset_date, confirmed_date[, county_code, city_code]). Bad rows are quarantined with their reason; accepted
 * rows whose identifier matches no subscriber are stored with userId null and listed in `unmatched`.
 * A ref already in the registry is a duplicate.
 */
export async function importCases(db: Duck, file: string, key: Buffer): Promise<ImportSummary> {
  const rows = readCsv(file, 'case list');
  await checkKey(db, key);
  await ensureTables(db);
  const existing = new Set((await db.all<{ ref: string }>(`SELECT ref FROM trace_cases`)).map((r) => r.ref));
  const summary: ImportSummary = { input: rows.length, accepted: 0, quarantined: [], unmatched: [] };
  await db.run('BEGIN TRANSACTION');
  try {
    for (const [i, r] of rows.entries()) {
      const c: CaseInput = {
        ref: r['case_ref'] ?? r['ref'] ?? '',
        ...identifierOf(r),
        status: (r['status'] ?? '').toLowerCase() as CaseInput['status'],
        onset: r['onset_date'] || r['onset'] || null,
        confirmed: r['confirmed_date'] || r['confirmed'] || null,
        county: r['county_code'] || null,
        city: r['city_code'] || null,
      };
      const ref = c.ref.trim() || null;
      const why = problem(c) ?? (existing.has(c.ref.trim()) ? `duplicate case reference` : null);
      if (why) {
        summary.quarantined.push({ line: i + 2, ref, reason: why });
        continue;
      }
      existing.add(c.ref.trim());
      const u = await resolveUser(db, key, c);
      await insertCase(db, c, u);
      summary.accepted++;
      if (u === null) summary.unmatched.push(c.ref.trim());
    }
    await db.run('COMMIT');
  } catch (e) {
    await db.run('ROLLBACK');
    throw e;
  }
  return summary;
}

/** Adds one case; a bad field or a ref already in the registry is a UserError. Returns the stored record. */
export async function addCase(db: Duck, rec: CaseInput, key: Buffer): Promise<CaseRecord> {
  const why = problem(rec);
  if (why) throw new UserError(`case ${rec.ref || '(no ref)'}: ${why}`);
  await checkKey(db, key);
  await ensureTables(db);
  if (await getCase(db, rec.ref.trim()))
    throw new UserError(`case ${rec.ref.trim()} is already in the registry`);
  await insertCase(db, rec, await resolveUser(db, key, rec));
  return (await getCase(db, rec.ref.trim()))!;
}

const CASE_COLUMNS = `ref, status, strftime(onset, '%Y-%m-%d') AS onset, strftime(confirmed, '%Y-%m-%d') AS confirmed,
  ${uidHex('user_id')} AS "userId", id_kind AS "idKind", county, city`;

async function hasRegistry(db: Duck): Promise<boolean> {
  const r = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'trace_cases'`,
  );
  return (r?.n ?? 0) > 0;
}

/** Every case of the registry, by ref. */
export async function listCases(db: Duck): Promise<CaseRecord[]> {
  if (!(await hasRegistry(db))) return [];
  return db.all<CaseRecord>(`SELECT ${CASE_COLUMNS} FROM trace_cases ORDER BY ref`);
}

/** One case, or null. */
export async function getCase(db: Duck, ref: string): Promise<CaseRecord | null> {
  if (!(await hasRegistry(db))) return null;
  return (await db.one<CaseRecord>(`SELECT ${CASE_COLUMNS} FROM trace_cases WHERE ref = $1`, [ref])) ?? null;
}

/** The case, or a UserError naming the ref (unknown) or saying it matched no subscriber. */
export async function requireTraceable(db: Duck, ref: string): Promise<CaseRecord & { userId: string }> {
  const c = await getCase(db, ref);
  if (!c) throw new UserError(`no case '${ref}' in the registry: 'epitrace cases list' shows the refs`);
  if (c.userId === null)
    throw new UserError(
      `case '${ref}' matched no subscriber of the operator: its ${c.idKind} is in no record or number registry`,
    );
  return c as CaseRecord & { userId: string };
}
