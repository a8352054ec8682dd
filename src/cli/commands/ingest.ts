import type { Command } from 'commander';
import { ingest } from '../../ingest/ingest.ts';
import { loadKey } from '../../ingest/pseudonymise.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE, date } from '../options.ts';

interface IngestFlags {
  workspace: string;
  cells?: string;
  keyFile?: string;
  from?: string;
  to?: string;
  json: boolean;
}

/** `epitrace ingest`. */
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('validate, pseudonymise and store record files (Parquet) as day partitions')
    .argument('<files...>', 'record files: Parquet with raw_id, ts, cell_id[, event]')
    .option('-w, --workspace <dir>', 'workspace folder (created if missing)', DEFAULT_WORKSPACE)
    .option(
      '--cells <file>',
      'cell registry CSV (cell_id, lon, lat, tech, city_code); required the first time',
    )
    .option('--key-file <file>', 'file holding the HMAC pseudonymisation key (else EPITRACE_HMAC_KEY)')
    .option('--from <date>', 'declared first day; earlier rows are quarantined', date)
    .option('--to <date>', 'declared last day; later rows are quarantined', date)
    .option('--json', 'print the summary as JSON', false)
    .action(async (files: string[], o: IngestFlags) => {
      const key = loadKey(o.keyFile);
      const ws = new Workspace(o.workspace);
      ws.create({ synthetic: false, description: 'records ingested by epitrace ingest' });
      const log = o.json ? undefined : (l: string) => process.stdout.write(l + '\n');
      const summary = await ingest(
        ws,
        { inputs: files, cells: o.cells, key, from: o.from, to: o.to },
        { log },
      );
      if (o.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    });
}
