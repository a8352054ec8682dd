import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Duck } from '../db/duck.ts';
import type { Workspace } from '../workspace.ts';
import { classifiedSql, FINAL_REASON, normalisedSql } from './classify.ts';
import type { ClassifyOptions } from './classify.ts';
import { commit, logged, startStaging } from './commit.ts';
import type { LogEntry } from './commit.ts';
import type { IngestEffects, IngestOptions } from './ingest.ts';
import { contentHash } from './inputs.ts';
import type { InputFile } from './inputs.ts';
import { requireUnchanged, stampOf } from './guard.ts';
import { keyFingerprint } from './keys.ts';
import { buildPointMap, DEFAULT_MAX_CELL_DISTANCE_M } from './nearest.ts';
import { listDuplicates, stagedName, storedParts, writeDay } from './partitions.ts';
import type { Kind } from './partitions.ts';
import { FileProgress } from './progress.ts';
import { hmacParams, pseudonymSql } from './pseudonymise.ts';
import { openSource, readable } from './readers.ts';
import type { Source } from './readers.ts';
import { uid } from '../db/uid.ts';
import { exec, rows } from './sql.ts';
import type { Named } from './sql.ts';
import type { TimeWindow } from './window.ts';

/** Counts for one input file; read = accepted + quarantined always. */
export interface FileSummary extends LogEntry {
  skipped: boolean;
  seconds: number;
}

/** Temp tables one input leaves behind; dropped before the next. */
const TEMP_TABLES = [
  'ingest_text',
  'ingest_norm',
  'ingest_cls',
  'ingest_pointmap',
  'ingest_ids',
  'ingest_raw_ids',
];

/** Past this many candidate days a Parquet input is copied once rather than scanned once per day. */
const MAX_DAY_SCANS = 1;

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * Ingests one input: hash, read, classify, pseudonymise, write sorted day partitions to the
 * staging folder, quarantine, commit. A clean file costs one scan for its identifiers, one for its
 * days and one per day; the scan that lists quarantined rows runs only when rows are missing.
 */
export async function ingestFile(
  db: Duck,
  ws: Workspace,
  file: InputFile,
  opts: IngestOptions & { timezone: string; window: TimeWindow },
  effects: IngestEffects,
): Promise<FileSummary> {
  const p = new FileProgress(db, file.name, effects.progress, effects.now ?? (() => performance.now()));
  // Stamped before hashing and checked again before the commit: hash, counts and commit must
  // describe the same bytes (guard.ts).
  const stamp = stampOf(file.path);
  const hash = await p.stage('hashing', 0, 0.05, () => contentHash(file.path));
  const seen = await logged(db, hash);
  if (seen && !opts.replace) {
    effects.log?.(`${file.name}: already ingested (same content as ${seen.file}), nothing added`);
    const entry: LogEntry = { ...seen };
    delete (entry as Partial<typeof seen>).attempt;
    return { ...entry, file: file.name, skipped: true, seconds: p.elapsedMs() / 1000 };
  }
  if (opts.replace) {
    effects.log?.(
      seen
        ? `${file.name}: replacing its earlier contribution (as ${seen.file}: ${seen.accepted} accepted, ${seen.quarantined} quarantined)`
        : `${file.name}: was not ingested before; --replace ingests it as new`,
    );
  }
  const text = file.format !== 'parquet';
  const src = await p.stage('reading', 0.05, text ? 0.25 : 0.05, () =>
    readable(file, () => openSource(db, file, { columns: opts.columns ?? {}, delimiter: opts.delimiter })),
  );
  p.rows = src.read;
  const co: ClassifyOptions = {
    timeFormat: opts.timeFormat ?? 'auto',
    timezone: opts.timezone,
    from: opts.from !== undefined,
    to: opts.to !== undefined,
    keepPoints: opts.keepPoints ?? false,
  };
  const values: Named = {
    ...hmacParams(opts.key),
    ...src.values,
    tz: opts.timezone,
    earliest_ts: opts.window.earliest,
    latest_ts: opts.window.latest,
  };
  if (opts.from) values['from_ts'] = opts.from;
  if (opts.to) values['to_ts'] = nextDay(opts.to);
  const hasPoints = src.map.lon !== undefined && src.map.lat !== undefined;
  const kinds: Kind[] = hasPoints && co.keepPoints ? ['records', 'points'] : ['records'];

  const { cls, days } = await p.stage('validating', text ? 0.25 : 0.05, 0.35, () =>
    readable(file, async () => {
      let norm = normalisedSql(src, co);
      // Text is parsed once into a table; GPS points need the parsed fields before the cell lookup.
      if (src.materialise && hasPoints) {
        await exec(db, `CREATE OR REPLACE TEMP TABLE ingest_norm AS SELECT * FROM ${norm}`, values);
        norm = 'ingest_norm';
      }
      if (hasPoints)
        await buildPointMap(db, norm, opts.maxCellDistanceM ?? DEFAULT_MAX_CELL_DISTANCE_M, values);
      let cls = classifiedSql(norm, co, hasPoints);
      if (src.materialise) {
        await exec(db, `CREATE OR REPLACE TEMP TABLE ingest_cls AS SELECT * FROM ${cls}`, values);
        await db.run(`DROP TABLE IF EXISTS ingest_norm`);
        cls = 'ingest_cls';
      }
      // One scan yields the distinct identifiers and the days: exact ones (accepted rows) when the
      // rows are materialised, else candidates from the time column alone (rows that fail another
      // check are simply not written, and are listed after the partitions).
      const rel = src.materialise ? cls : norm;
      const range = [
        'ts >= $earliest_ts::TIMESTAMP AND ts <= $latest_ts::TIMESTAMP',
        opts.from && 'ts >= $from_ts::TIMESTAMP',
        opts.to && 'ts < $to_ts::TIMESTAMP',
      ];
      const dayIf = [src.materialise ? 'reason IS NULL' : 'ts IS NOT NULL', ...range]
        .filter(Boolean)
        .join(' AND ');
      await exec(
        db,
        `CREATE OR REPLACE TEMP TABLE ingest_scan AS
       SELECT raw_id, day, count(*)::DOUBLE AS n, grouping(raw_id) = 0 AS is_id
       FROM (SELECT raw_id, CASE WHEN ${dayIf} THEN ts::DATE END AS day FROM ${rel})
       GROUP BY GROUPING SETS ((raw_id), (day))`,
        values,
      );
      await db.run(
        `CREATE OR REPLACE TEMP TABLE ingest_raw_ids AS
       SELECT raw_id, trim(raw_id::VARCHAR) = '' AS blank FROM ingest_scan WHERE is_id AND raw_id IS NOT NULL`,
      );
      // One pseudonym per distinct identifier, stored as UUID (the same 128 bits as the hex). urank
      // orders them as user_id does (identifiers equal once trimmed share it), so the big sort and
      // the duplicate check run on a 4-byte integer rather than a 16-byte one (measured faster).
      await exec(
        db,
        `CREATE OR REPLACE TEMP TABLE ingest_ids AS
       SELECT raw_id, user_id, dense_rank() OVER (ORDER BY user_id)::INTEGER AS urank
       FROM (SELECT raw_id, ${uid(pseudonymSql('trim(raw_id::VARCHAR)'))} AS user_id FROM ingest_raw_ids WHERE NOT blank)`,
        values,
      );
      await db.run(`DELETE FROM ingest_raw_ids WHERE NOT blank`);
      const dayList = (sql: string) => rows<{ day: string; n: number }>(db, sql);
      let days = await dayList(
        `SELECT strftime(day, '%Y-%m-%d') AS day, n FROM ingest_scan WHERE NOT is_id AND day IS NOT NULL ORDER BY 1`,
      );
      await db.run(`DROP TABLE ingest_scan`);
      if (!src.materialise && days.length > MAX_DAY_SCANS) {
        await exec(db, `CREATE OR REPLACE TEMP TABLE ingest_cls AS SELECT * FROM ${cls}`, values);
        cls = 'ingest_cls';
        days = await dayList(
          `SELECT strftime(ts::DATE, '%Y-%m-%d') AS day, count(*)::DOUBLE AS n FROM ingest_cls
         WHERE reason IS NULL GROUP BY 1 ORDER BY 1`,
        );
      }
      return { cls, days };
    }),
  );

  const attempt = randomUUID();
  const staging = startStaging(ws, hash, attempt);
  try {
    const e = await stageAndCount(db, ws, file, { src, cls, days, kinds, values, staging, hash, p });
    effects.afterRead?.(file.name);
    await requireUnchanged(file, stamp, hash);
    return await p.stage('committing', 0.97, 1, async () => {
      await commit(db, ws, e, {
        attempt,
        fingerprint: keyFingerprint(opts.key),
        replace: seen !== undefined,
        afterCommit: () => effects.afterCommit?.(file.name),
      });
      for (const t of [...TEMP_TABLES, 'ingest_q', 'ingest_qo']) await db.run(`DROP TABLE IF EXISTS ${t}`);
      effects.log?.(`${file.name}: read ${src.read} = accepted ${e.accepted} + quarantined ${e.quarantined}`);
      return { ...e, skipped: false, seconds: p.elapsedMs() / 1000 };
    });
  } catch (err) {
    // Nothing was committed (a failure after the commit point is a crash that `recover` finishes):
    // leave no staged partition behind.
    if (!(await committedBy(db, hash, attempt))) rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/** True when the log row of `hash` was committed by this attempt. */
async function committedBy(db: Duck, hash: string, attempt: string): Promise<boolean> {
  return (await logged(db, hash))?.attempt === attempt;
}

/** What staging one input needs. */
interface StageInput {
  src: Source;
  cls: string;
  days: { day: string; n: number }[];
  kinds: Kind[];
  values: Named;
  staging: string;
  hash: string;
  p: FileProgress;
}

/**
 * Writes the day partitions of one input to its staging folder (copies of records already in
 * the file or already stored for the day moved to the quarantine) and builds its quarantine
 * (temp table `ingest_qo`) and log entry; read = accepted + quarantined is checked here.
 */
async function stageAndCount(
  db: Duck,
  ws: Workspace,
  file: InputFile,
  { src, cls, days, kinds, values, staging, hash, p }: StageInput,
): Promise<LogEntry> {
  await db.run(`CREATE OR REPLACE TEMP TABLE ingest_q (row_no BIGINT, reason VARCHAR)`);
  const total = days.reduce((s, d) => s + d.n, 0);
  const at = (x: number) => 0.35 + (0.55 * x) / Math.max(1, total);
  let accepted = 0;
  let points = 0;
  let done = 0;
  const written = new Set<string>();
  const stored: Record<Kind, string[]> = { records: [], points: [] };
  for (const { day, n } of days) {
    for (const kind of kinds) {
      const path = join(staging, stagedName(kind, day));
      const parts = storedParts(ws, hash, kind, day);
      stored[kind].push(...parts);
      const w = await p.stage(`writing ${day}`, at(done), at(done + n), () =>
        readable(file, () => writeDay(db, { cls, kind, day, file: path, values, stored: parts })),
      );
      if (w === 0) rmSync(path, { force: true });
      else written.add(day);
      accepted += w;
      if (kind === 'points') points += w;
    }
    done += n;
  }
  return p.stage('counting', 0.9, 0.97, async () => {
    const quarantinedSoFar = async () =>
      (await rows<{ n: number }>(db, `SELECT count(*)::DOUBLE AS n FROM ingest_q`))[0]?.n ?? 0;
    // Rows missing from the partitions are listed only when some are: first those validation
    // refused, then (if rows are still missing) the copies the writer left out.
    if (accepted < src.read) {
      await exec(
        db,
        `INSERT INTO ingest_q SELECT row_no, r FROM (SELECT row_no, ${FINAL_REASON} AS r FROM ${cls}
         WHERE reason IS NOT NULL OR raw_id IN (SELECT raw_id FROM ingest_raw_ids)) WHERE r IS NOT NULL`,
        values,
      );
      if (accepted + (await quarantinedSoFar()) < src.read) {
        for (const kind of kinds) await listDuplicates(db, { cls, kind, values, stored: stored[kind] });
      }
    }
    const reasons: Record<string, number> = {};
    const byReason = `SELECT reason, count(*)::DOUBLE AS n FROM ingest_q GROUP BY reason ORDER BY reason`;
    for (const r of await rows<{ reason: string; n: number }>(db, byReason)) reasons[r.reason] = r.n;
    const quarantined = Object.values(reasons).reduce((s, n) => s + n, 0);
    if (src.read !== accepted + quarantined) {
      throw new Error(`${file.name}: count identity broken: ${src.read} != ${accepted} + ${quarantined}`);
    }
    await exec(
      db,
      `CREATE OR REPLACE TEMP TABLE ingest_qo AS
       SELECT q.row_no, q.reason, o.original
       FROM ingest_q q LEFT JOIN (${src.originals('ingest_q')}) o USING (row_no)`,
      values,
    );
    const e: LogEntry = {
      contentHash: hash,
      file: file.name,
      format: file.format,
      read: src.read,
      accepted,
      quarantined,
      points,
      days: [...written].sort(),
      reasons,
    };
    return e;
  });
}
