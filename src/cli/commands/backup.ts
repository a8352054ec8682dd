import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { backupTempFile, backupWorkspace } from '../../backup/backup.ts';
import { restoreBackup } from '../../backup/restore.ts';
import { AUDIT_DIR_ENV } from '../../privacy/audit.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE, int } from '../options.ts';
import { makeProgress, phased } from '../progress.ts';

/** Below this, no progress lines: a small workspace is done before they would help. */
const PROGRESS_BYTES = 64 * 1024 * 1024;
const MB = 1024 * 1024;

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

/** Removes `path` if a signal stops the command half way, so an interrupted run leaves nothing behind. */
function cleanupOnSignal(paths: () => string[]): () => void {
  const handler = (sig: NodeJS.Signals): void => {
    for (const p of paths()) rmSync(p, { recursive: true, force: true });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** `epitrace backup` and `epitrace restore`. */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description(
      'back up a whole workspace into one tar (gzip for .tar.gz/.tgz), consistent while it is served; waits for a running job',
    )
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .requiredOption(
      '--out <file>',
      'archive to write (outside the workspace); written to <file>.tmp, then renamed',
    )
    .option('--wait <seconds>', 'how long to wait for a job holding the workspace', int('--wait'), 300)
    .option(
      '--audit-dir <dir>',
      `folder of audit.key and audit.checkpoints (default $${AUDIT_DIR_ENV}, else <workspace>/keys)`,
    )
    .option('--json', 'print the summary as JSON')
    .action(
      async (o: { workspace: string; out: string; wait: number; auditDir?: string; json?: boolean }) => {
        const ws = new Workspace(o.workspace).require();
        const progress = phased(makeProgress(), { hash: 'backup: checksums', write: 'backup: writing' });
        const stop = cleanupOnSignal(() => [backupTempFile(o.out)]);
        try {
          const r = await backupWorkspace(ws, o.out, {
            waitSeconds: o.wait,
            auditDir: o.auditDir,
            log: (line) => process.stderr.write(`${line}\n`),
            onProgress: (phase, done, total) => {
              if (total >= PROGRESS_BYTES) progress.update(phase, done, total);
            },
          });
          progress.stop();
          if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
          else
            process.stdout.write(
              `backup written: ${r.file}: ${r.files} files, ${mb(r.bytes)} (archive ${mb(r.archiveBytes)}), snapshot ${r.snapshotId ?? 'none'}, ${r.seconds.toFixed(1)} s\n`,
            );
        } finally {
          stop();
        }
      },
    );

  program
    .command('restore')
    .description('restore a backup into a new (or empty) workspace folder; every file is checked first')
    .argument('<file>', 'archive written by epitrace backup')
    .requiredOption('-w, --workspace <dir>', 'new workspace folder (must not exist, or be empty)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, o: { workspace: string; json?: boolean }) => {
      const progress = makeProgress();
      let started = false;
      let temp: string | null = null;
      const stop = cleanupOnSignal(() => (temp ? [temp] : []));
      try {
        const r = await restoreBackup(file, o.workspace, {
          onTemp: (dir) => (temp = dir),
          onProgress: (done, total) => {
            if (total < PROGRESS_BYTES) return;
            if (!started) progress.start('restore', total);
            started = true;
            progress.update(done);
          },
        });
        if (started) progress.stop();
        if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
        else
          process.stdout.write(
            `restored into ${r.target}: ${r.files} files, ${mb(r.bytes)}, snapshot ${r.snapshotId ?? 'none'} (backup of ${r.source} taken ${r.created}), ${r.seconds.toFixed(1)} s\n`,
          );
      } finally {
        stop();
      }
    });
}
