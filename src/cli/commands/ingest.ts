import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../../errors.ts';
import { ingest } from '../../ingest/ingest.ts';
import { FORMATS, loadMapping, parseColumns } from '../../ingest/mapping.ts';
import type { Format } from '../../ingest/mapping.ts';
import { DEFAULT_MAX_CELL_DISTANCE_M } from '../../ingest/nearest.ts';
import { progressDisplay } from '../../ingest/progress.ts';
import { loadKey } from '../../ingest/pseudonymise.ts';
import { formatSummary } from '../../ingest/summary.ts';
import { checkTimeFormat, RECORD_ZONE, TIME_FORMATS } from '../../ingest/time.ts';
import { DEFAULT_EARLIEST, DEFAULT_MAX_FUTURE_HOURS } from '../../ingest/window.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE, date, int } from '../options.ts';

interface IngestFlags {
  workspace: string;
  cells?: string;
  keyFile?: string;
  format?: Format;
  columns?: string;
  mapping?: string;
  delimiter?: string;
  timeFormat?: string;
  timezone?: string;
  day?: string;
  from?: string;
  to?: string;
  maxCellDistanceM: number;
  keepPoints: boolean;
  earliest: string;
  maxFutureHours: number;
  replace: boolean;
  cellsUpdate: boolean;
  json: boolean;
}

function format(v: string): Format {
  if (!(FORMATS as readonly string[]).includes(v)) {
    throw new InvalidArgumentError(`expected one of ${FORMATS.join(', ')}, got '${v}'`);
  }
  return v as Format;
}

function delimiter(v: string): string {
  const d = v === '\\t' || v.toLowerCase() === 'tab' ? '\t' : v;
  if (d.length !== 1 || '"\r\n'.includes(d)) {
    throw new InvalidArgumentError(`expected one character (or 'tab'), not a quote or newline, got '${v}'`);
  }
  return d;
}

/** `epitrace ingest`. */
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('validate, pseudonymise and store location records (CSV, Parquet, NDJSON) as day partitions')
    .argument(
      '<files...>',
      "record files, folders or quoted globs ('feeds/*.csv.gz'); - reads NDJSON from stdin",
    )
    .option('-w, --workspace <dir>', 'workspace folder (created if missing)', DEFAULT_WORKSPACE)
    .option(
      '--cells <file>',
      'cell registry CSV (cell_id, lon, lat[, azimuth, radius_m, tech]); required the first time',
    )
    .option('--key-file <file>', 'file holding the HMAC pseudonymisation key (else EPITRACE_HMAC_KEY)')
    .option('--format <kind>', `input format: ${FORMATS.join(', ')} (default: from the file name)`, format)
    .option(
      '--columns <spec>',
      'input columns of our fields: id=...,time=...,cell=...[,lon=...,lat=...,event=...]',
    )
    .option('--mapping <file>', 'JSON feed description: columns, format, delimiter, timeFormat, timezone')
    .option('--delimiter <char>', 'CSV delimiter, or tab (default: guessed from the header line)', delimiter)
    .option('--time-format <kind>', `how times are written: ${TIME_FORMATS.join(', ')} (default auto)`)
    .option('--timezone <zone>', `zone of times written without one (default ${RECORD_ZONE})`)
    .option('--day <date>', 'declared day; rows outside it are quarantined', date)
    .option('--from <date>', 'declared first day; earlier rows are quarantined', date)
    .option('--to <date>', 'declared last day; later rows are quarantined', date)
    .option(
      '--max-cell-distance-m <metres>',
      'GPS rows take the nearest registered cell within this distance',
      int('--max-cell-distance-m', 1),
      DEFAULT_MAX_CELL_DISTANCE_M,
    )
    .option(
      '--keep-points',
      'keep GPS rows with no cell in reach as points (points/) instead of quarantining',
      false,
    )
    .option('--earliest <date>', 'first plausible day; earlier rows are quarantined', date, DEFAULT_EARLIEST)
    .option(
      '--max-future-hours <n>',
      'quarantine rows later than now + this many hours',
      int('--max-future-hours'),
      DEFAULT_MAX_FUTURE_HOURS,
    )
    .option('--replace', 'ingest already ingested files again, replacing their rows', false)
    .option('--cells-update', 'make a changed --cells file the next registry version', false)
    .option('--json', 'print only the summary, as JSON, on stdout', false)
    .action(async (files: string[], o: IngestFlags) => {
      const key = loadKey(o.keyFile);
      const feed = o.mapping ? loadMapping(o.mapping) : {};
      if (o.day && (o.from || o.to)) throw new UserError('--day cannot be combined with --from or --to');
      const ws = new Workspace(o.workspace);
      ws.create({ synthetic: false, description: 'records ingested by epitrace ingest' });
      const display = progressDisplay(process.stderr);
      const log = (l: string) => process.stderr.write(l + '\n');
      try {
        const summary = await ingest(
          ws,
          {
            inputs: files,
            cells: o.cells,
            key,
            from: o.day ?? o.from,
            to: o.day ?? o.to,
            format: o.format ?? feed.format,
            columns: { ...feed.columns, ...(o.columns ? parseColumns(o.columns) : {}) },
            delimiter: o.delimiter ?? feed.delimiter,
            timeFormat: checkTimeFormat(o.timeFormat ?? feed.timeFormat ?? 'auto'),
            timezone: o.timezone ?? feed.timezone,
            maxCellDistanceM: o.maxCellDistanceM,
            keepPoints: o.keepPoints,
            earliest: o.earliest,
            maxFutureHours: o.maxFutureHours,
            replace: o.replace,
            cellsUpdate: o.cellsUpdate,
          },
          { log, progress: display.update, stdin: process.stdin },
        );
        display.stop();
        process.stdout.write(o.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary));
      } finally {
        display.stop();
      }
    });
}
