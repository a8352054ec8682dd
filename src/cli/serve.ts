import type { FastifyInstance } from 'fastify';
import { openAppDb } from '../db/sqlite.ts';
import { UserError } from '../errors.ts';
import { AuditLog, auditFiles, loadAuditKey } from '../privacy/audit.ts';
import { defaultLanding } from '../jobs/landing.ts';
import { DEFAULT_K } from '../privacy/disclosure.ts';
import { buildServer, checkSnapshot } from '../server/app.ts';
import type { Limits } from '../server/limits.ts';
import { publishWorkspace, readCurrent } from '../snapshot/publish.ts';
import { SnapshotSource } from '../snapshot/source.ts';
import type { Workspace } from '../workspace.ts';

export interface ServeOptions {
  host: string;
  port: number;
  k?: number;
  limits?: Partial<Limits>;
  secureCookies?: boolean;
  trustProxy?: boolean;
  /** Folder of audit.key and audit.checkpoints (default $EPITRACE_AUDIT_DIR, else <workspace>/keys). */
  auditDir?: string;
  /** Close connections idle this long (default IDLE_TIMEOUT_MS in src/server/app.ts). */
  idleTimeoutMs?: number;
  /** Response cache per snapshot in MB (default DEFAULT_CACHE_MB in src/snapshot/source.ts; 0: off). */
  cacheMb?: number;
  /** How often snapshots/current.json is read for a newer snapshot, in ms (default 1000). */
  pollMs?: number;
  /** Where snapshot switches are reported (default stderr). */
  log?: (line: string) => void;
  /** The landing folder whose waiting files /api/status counts (default <workspace>/landing). */
  landing?: string;
}

/** Opens a workspace's audit log with its key and checkpoint file. */
export function openAudit(ws: Workspace, db: ReturnType<typeof openAppDb>, auditDir?: string): AuditLog {
  const files = auditFiles(ws.root, auditDir);
  return new AuditLog(db, loadAuditKey(files.keyPath), files.checkpointPath);
}

/** Writes one audit entry for a CLI command: the CLI has no login, so the user is null and `via` says where. */
export function auditCli(ws: Workspace, action: string, detail: Record<string, unknown>): void {
  const app = openAppDb(ws.sqlitePath);
  try {
    const log = openAudit(ws, app);
    log.record(null, action, { via: 'cli', ...detail });
    log.checkpoint();
  } finally {
    app.close();
  }
}

/**
 * Serves a workspace's published snapshots (publishing one first when it never was); resolves once listening.
 * The server never opens analytics.duckdb: jobs write it and publish while it serves.
 */
export async function startServer(
  ws: Workspace,
  opts: ServeOptions,
): Promise<{ url: string; app: FastifyInstance; snapshots: SnapshotSource; close: () => Promise<void> }> {
  ws.require();
  // A workspace from before snapshots: publish it once (refused with the in-use line while a job holds it).
  if (!readCurrent(ws)) {
    const m = await publishWorkspace(ws);
    const days = m.days ? `days ${m.days.first} .. ${m.days.last}` : 'no days run yet';
    (opts.log ?? ((line: string) => process.stderr.write(line + '\n')))(
      `snapshot: the workspace had none: published snapshot ${m.id} (${days})`,
    );
  }
  const snapshots = await SnapshotSource.open(ws, {
    validate: checkSnapshot,
    cacheMb: opts.cacheMb,
    pollMs: opts.pollMs,
    log: opts.log,
  });
  const appDb = openAppDb(ws.sqlitePath);
  const audit = openAudit(ws, appDb, opts.auditDir);
  const closeDbs = async (): Promise<void> => {
    await snapshots.close();
    appDb.close();
  };
  let app: FastifyInstance;
  try {
    app = await buildServer({
      snapshots,
      appDb,
      audit,
      k: opts.k ?? DEFAULT_K,
      limits: opts.limits,
      idleTimeoutMs: opts.idleTimeoutMs,
      secureCookies: opts.secureCookies,
      trustProxy: opts.trustProxy,
      landing: { dir: opts.landing ?? defaultLanding(ws) },
    });
  } catch (e) {
    await closeDbs();
    throw e;
  }
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (e) {
    await closeDbs();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(`port ${opts.port} is in use: pass --port with another one`);
    throw e;
  }
  // A checkpoint at start and at close bounds what a crash can leave unchecked.
  audit.checkpoint();
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host === '0.0.0.0' || opts.host === '127.0.0.1' ? 'localhost' : opts.host;
  let closed = false;
  return {
    url: `http://${host}:${port}/`,
    app,
    snapshots,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      audit.checkpoint();
      await closeDbs();
    },
  };
}
