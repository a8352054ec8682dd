import { existsSync } from 'node:fs';
import { openAppDb } from '../db/sqlite.ts';
import { AuditLog, auditFiles, loadAuditKey } from '../privacy/audit.ts';
import type { Workspace } from '../workspace.ts';

/**
 * Audits a backup or a restore in the workspace's own log (user null: the command line has no
 * login), with a checkpoint, as `epitrace user` does. Skipped when the workspace has no accounts
 * database or no audit key yet: a key is never created here, which would fork the chain.
 */
export function auditWorkspace(
  ws: Workspace,
  action: 'workspace.backup' | 'workspace.restore',
  detail: Record<string, unknown>,
  auditDir?: string,
): boolean {
  const files = auditFiles(ws.root, auditDir);
  if (!existsSync(ws.sqlitePath) || !existsSync(files.keyPath)) return false;
  const db = openAppDb(ws.sqlitePath);
  try {
    const log = new AuditLog(db, loadAuditKey(files.keyPath, false), files.checkpointPath);
    log.record(null, action, { via: 'cli', ...detail });
    log.checkpoint();
    return true;
  } finally {
    db.close();
  }
}
