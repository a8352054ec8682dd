import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import type { Workspace } from '../workspace.ts';
import { pseudonym } from './pseudonymise.ts';
import { hasCells, loadCellRegistry, requireReadable } from './registry.ts';

export interface IngestOptions {
  /** Parquet files of records: raw_id, ts, cell_id[, event]. */
  inputs: string[];
  /** Cell registry CSV; required on the first ingest into a workspace. */
  cells?: string;
  key: Buffer;
  /** Declared time range (inclusive dates); rows outside it are quarantined. */
  from?: string;
  to?: string;
}

/** Counts for one input file; read = accepted + quarantined always. */
export interface FileSummary {
  file: string;
  contentHash: string;
  skipped: boolean;
  read: number;
  accepted: number;
  quarantined: number;
  reasons: Record<string, number>;
  days: string[];
}

export interface IngestEffects {
  log?: (line: string) => void;
}

const REQUIRED_COLUMNS = ['raw_id', 'ts', 'cell_id'];

/** SHA-256 of a file's bytes: the identity used to detect re-ingestion. */
export async function contentHash(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function ensureTables(db: Duck): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS ingest_log (
    content_hash VARCHAR PRIMARY KEY, file VARCHAR, read BIGINT, accepted BIGINT, quarantined BIGINT,
    ingested_at TIMESTAMP DEFAULT current_timestamp)`);
  await db.run(`CREATE TABLE IF NOT EXISTS quarantine (
    content_hash VARCHAR, file VARCHAR, row_no BIGINT, reason VARCHAR, original VARCHAR)`);
}

/**
 * Ingests record files: validates every row, quarantines bad ones with a
 * reason, pseudonymises identifiers with a keyed HMAC and writes day
 * partitions raw/date=YYYY-MM-DD/part-<hash>.parquet sorted by user and time.
 */
export async function ingest(
  ws: Workspace,
  opts: IngestOptions,
  effects: IngestEffects = {},
): Promise<FileSummary[]> {
  for (const f of opts.inputs) requireReadable(f, 'input file');
  const db = await ws.openDuck();
  try {
    await ensureTables(db);
    if (opts.cells) await loadCellRegistry(db, opts.cells);
    else if (!(await hasCells(db))) {
      throw new UserError(
        'this workspace has no cell registry yet: pass --cells FILE (cell_id, lon, lat, tech, city_code)',
      );
    }
    const out: FileSummary[] = [];
    for (const file of opts.inputs) out.push(await ingestFile(db, ws, file, opts, effects));
    return out;
  } finally {
    db.close();
  }
}

async function ingestFile(
  db: Duck,
  ws: Workspace,
  file: string,
  opts: IngestOptions,
  effects: IngestEffects,
): Promise<FileSummary> {
  const hash = await contentHash(file);
  const seen = await db.one<{ read: number; accepted: number; quarantined: number }>(
    `SELECT read::INTEGER AS read, accepted::INTEGER AS accepted, quarantined::INTEGER AS quarantined
     FROM ingest_log WHERE content_hash = $1`,
    [hash],
  );
  if (seen) {
    effects.log?.(`${file}: already ingested (same content), nothing added`);
    return { file, contentHash: hash, skipped: true, ...seen, reasons: {}, days: [] };
  }
  const src = `read_parquet(${quotedString(file)})`;
  const columns = new Set(
    (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${src}`)).map((c) => c.column_name),
  );
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length) {
    throw new UserError(`${file} lacks column(s) ${missing.join(', ')}; found ${[...columns].join(', ')}`);
  }
  await db.run(
    `CREATE OR REPLACE TEMP TABLE staged AS
     SELECT row_number() OVER () AS row_no, r::VARCHAR AS original,
            nullif(trim(r.raw_id::VARCHAR), '') AS raw_id, TRY_CAST(r.ts AS TIMESTAMP) AS ts,
            TRY_CAST(r.cell_id AS INTEGER) AS cell_id,
            ${columns.has('event') ? 'r.event::VARCHAR' : 'NULL::VARCHAR'} AS event
     FROM ${src} r`,
  );
  await db.run(
    `CREATE OR REPLACE TEMP TABLE classified AS
     SELECT s.*, CASE
       WHEN s.raw_id IS NULL THEN 'missing id'
       WHEN s.ts IS NULL THEN 'unparsable time'
       WHEN ($1::DATE IS NOT NULL AND s.ts < $1::DATE) OR ($2::DATE IS NOT NULL AND s.ts >= $2::DATE + 1)
         THEN 'time outside declared range'
       WHEN c.cell_id IS NULL THEN 'unknown cell'
       WHEN row_number() OVER (PARTITION BY s.raw_id, s.ts, s.cell_id ORDER BY s.row_no) > 1 THEN 'duplicate record'
     END AS reason
     FROM staged s LEFT JOIN cells c ON c.cell_id = s.cell_id`,
    [opts.from ?? null, opts.to ?? null],
  );
  const reasons = await db.all<{ reason: string; n: number }>(
    `SELECT coalesce(reason, '') AS reason, count(*)::INTEGER AS n FROM classified GROUP BY ALL`,
  );
  const counts: Record<string, number> = {};
  let accepted = 0;
  let quarantined = 0;
  for (const r of reasons) {
    if (r.reason === '') accepted = r.n;
    else {
      counts[r.reason] = r.n;
      quarantined += r.n;
    }
  }
  const read = (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staged`))?.n ?? 0;
  if (read !== accepted + quarantined)
    throw new Error(`count identity broken: ${read} != ${accepted} + ${quarantined}`);

  // Pseudonymise the distinct identifiers in Node (DuckDB has no keyed HMAC); the raw id never leaves this step.
  const ids = await db.all<{ raw_id: string }>(`SELECT DISTINCT raw_id FROM classified WHERE reason IS NULL`);
  await db.run(`CREATE OR REPLACE TEMP TABLE idmap (raw_id VARCHAR, user_id VARCHAR)`);
  const app = await db.conn.createAppender('idmap', 'main', 'temp');
  for (const { raw_id } of ids) {
    app.appendVarchar(raw_id);
    app.appendVarchar(pseudonym(opts.key, raw_id));
    app.endRow();
  }
  app.closeSync();

  const days = (
    await db.all<{ d: string }>(
      `SELECT DISTINCT strftime(ts, '%Y-%m-%d') AS d FROM classified WHERE reason IS NULL ORDER BY d`,
    )
  ).map((r) => r.d);
  for (const day of days) {
    // Written under tmp/ and renamed: a partition file is either whole or absent. Its name comes
    // from the input's content hash, so a rerun after a crash replaces it instead of adding to it.
    const dir = join(ws.rawDir, `date=${day}`);
    mkdirSync(dir, { recursive: true });
    const tmp = join(ws.tmpDir, `part-${hash.slice(0, 16)}-${day}.parquet`);
    await db.run(
      `COPY (SELECT m.user_id, c.ts, c.cell_id, c.event FROM classified c JOIN idmap m USING (raw_id)
             WHERE c.reason IS NULL AND c.ts >= $1::DATE AND c.ts < $1::DATE + 1 ORDER BY m.user_id, c.ts)
       TO ${quotedString(tmp)} (FORMAT parquet)`,
      [day],
    );
    renameSync(tmp, join(dir, `part-${hash.slice(0, 16)}.parquet`));
  }
  await db.run(
    `INSERT INTO quarantine SELECT $1, $2, row_no, reason, original FROM classified WHERE reason IS NOT NULL`,
    [hash, basename(file)],
  );
  await db.run(
    `INSERT INTO ingest_log (content_hash, file, read, accepted, quarantined) VALUES ($1, $2, $3, $4, $5)`,
    [hash, basename(file), read, accepted, quarantined],
  );
  await db.run(`DROP TABLE staged; DROP TABLE classified; DROP TABLE idmap`);
  effects.log?.(`${basename(file)}: read ${read} = accepted ${accepted} + quarantined ${quarantined}`);
  return { file, contentHash: hash, skipped: false, read, accepted, quarantined, reasons: counts, days };
}
