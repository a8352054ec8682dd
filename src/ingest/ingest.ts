import { rmSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type { Workspace } from '../workspace.ts';
import { ensureTables, recover } from './commit.ts';
import { ingestFile } from './file.ts';
import type { FileSummary } from './file.ts';
import { expandInputs } from './inputs.ts';
import type { InputFile } from './inputs.ts';
import type { ColumnMap, Format } from './mapping.ts';
import type { ProgressEvent } from './progress.ts';
import { applyCells } from './cells-versions.ts';
import { checkKey } from './keys.ts';
import { hasCells } from './registry.ts';
import { checkTimezone, RECORD_ZONE } from './time.ts';
import type { TimeFormat } from './time.ts';
import { plausibleWindow } from './window.ts';

export type { FileSummary } from './file.ts';

/** What to ingest and how to read it. */
export interface IngestOptions {
  /** Files, folders, globs, or '-' for standard input. */
  inputs: string[];
  /** Cell registry CSV; required on the first ingest into a workspace. */
  cells?: string;
  key: Buffer;
  /** Declared time range (inclusive dates); rows outside it are quarantined. */
  from?: string;
  to?: string;
  /** Input format for every file (default: from the file name; standard input: NDJSON). */
  format?: Format;
  /** Which input columns hold our fields (default: raw_id, ts, cell_id, lon, lat, event). */
  columns?: ColumnMap;
  /** CSV delimiter (default: sniffed from the header line). */
  delimiter?: string;
  timeFormat?: TimeFormat;
  /** Zone of times written without one (default RECORD_ZONE). */
  timezone?: string;
  /** GPS points farther than this from every cell are quarantined (or kept, see keepPoints). */
  maxCellDistanceM?: number;
  keepPoints?: boolean;
  /** First plausible day (default DEFAULT_EARLIEST); earlier rows are quarantined. */
  earliest?: string;
  /** Rows later than now plus this many hours are quarantined (default DEFAULT_MAX_FUTURE_HOURS). */
  maxFutureHours?: number;
  /** Re-ingest inputs already ingested, replacing their earlier contribution atomically. */
  replace?: boolean;
  /** Accept a `cells` file that differs from the workspace's registry as its next version. */
  cellsUpdate?: boolean;
}

/** Effects passed in: log lines, progress, standard input, clock, a crash hook for tests. */
export interface IngestEffects {
  log?: (line: string) => void;
  progress?: (e: ProgressEvent) => void;
  /** Read for the input '-'. */
  stdin?: NodeJS.ReadableStream;
  /** Monotonic milliseconds for progress (default performance.now). */
  now?: () => number;
  /** Wall clock that bounds the plausible window (default: the system clock). */
  clock?: () => Date;
  /** Called once an input's rows are read and staged, before it is checked unchanged and committed. */
  afterRead?: (file: string) => void;
  /** Called after each input's commit, before its partitions are moved (tests simulate crashes here). */
  afterCommit?: (file: string) => void;
}

/**
 * Ingests record files: validates every row, quarantines bad ones with a reason, pseudonymises
 * identifiers with a keyed HMAC and writes day partitions raw/date=YYYY-MM-DD/part-<hash>.parquet
 * sorted by user and time. Each input is committed whole or not at all (commit.ts).
 */
export async function ingest(
  ws: Workspace,
  opts: IngestOptions,
  effects: IngestEffects = {},
): Promise<FileSummary[]> {
  const timezone = checkTimezone(opts.timezone ?? RECORD_ZONE);
  if (opts.from && opts.to && opts.from > opts.to) {
    throw new UserError(`the declared range is empty: --from ${opts.from} is after --to ${opts.to}`);
  }
  const window = plausibleWindow(effects.clock?.() ?? new Date(), opts.earliest, opts.maxFutureHours);
  const db = await ws.openDuck();
  let inputs: InputFile[] = [];
  try {
    await ensureTables(db);
    await checkKey(db, opts.key);
    for (const line of await recover(db, ws)) effects.log?.(line);
    inputs = await expandInputs(opts.inputs, {
      format: opts.format,
      spoolDir: ws.tmpDir,
      stdin: effects.stdin,
    });
    if (opts.cells) {
      const c = await applyCells(db, opts.cells, opts.cellsUpdate ?? false);
      if (c.loaded) effects.log?.(`cell registry version ${c.version}: ${c.cells} cells`);
    } else if (opts.cellsUpdate) {
      throw new UserError('--cells-update needs --cells FILE (the new registry)');
    } else if (!(await hasCells(db))) {
      throw new UserError(
        'this workspace has no cell registry yet: pass --cells FILE (cell_id, lon, lat[, azimuth, radius_m, tech])',
      );
    }
    await db.run(`SET enable_progress_bar = true; SET enable_progress_bar_print = false`);
    const out: FileSummary[] = [];
    for (const file of inputs)
      out.push(await ingestFile(db, ws, file, { ...opts, timezone, window }, effects));
    return out;
  } finally {
    for (const f of inputs) if (f.spooled) rmSync(f.path, { force: true });
    db.close();
  }
}
