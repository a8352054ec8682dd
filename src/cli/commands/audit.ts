import type { Command } from 'commander';
import { openAppDb } from '../../db/sqlite.ts';
import { UserError } from '../../errors.ts';
import { AUDIT_DIR_ENV, AuditLog, auditFiles, loadAuditKey } from '../../privacy/audit.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE } from '../options.ts';

/** `epitrace audit verify`. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log of a workspace');
  audit
    .command('verify')
    .description(
      'check the keyed chain and the checkpoints; names the first bad entry, exit code 3 on failure',
    )
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option(
      '--audit-dir <dir>',
      `folder of audit.key and audit.checkpoints (default $${AUDIT_DIR_ENV}, else <workspace>/keys)`,
    )
    .action((o: { workspace: string; auditDir?: string }) => {
      const ws = new Workspace(o.workspace).require();
      const files = auditFiles(ws.root, o.auditDir);
      const db = openAppDb(ws.sqlitePath);
      try {
        const log = new AuditLog(db, loadAuditKey(files.keyPath, false), files.checkpointPath);
        const problem = log.verify();
        if (problem)
          throw new UserError(
            `audit FAILED at ${problem.id === null ? 'the checkpoints' : `entry ${problem.id}`}: ${problem.reason}`,
            3,
          );
        process.stdout.write(`audit OK: ${log.count()} entries, chain and checkpoints agree\n`);
      } finally {
        db.close();
      }
    });
}
