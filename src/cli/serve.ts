import type { FastifyInstance } from 'fastify';
import { openAppDb } from '../db/sqlite.ts';
import { UserError } from '../errors.ts';
import { AuditLog, auditFiles, loadAuditKey } from '../privacy/audit.ts';
import { DEFAULT_K } from '../privacy/disclosure.ts';
import { buildServer } from '../server/app.ts';
import type { Limits } from '../server/limits.ts';
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
}

/** Opens a workspace's audit log with its key and checkpoint file. */
export function openAudit(ws: Workspace, db: ReturnType<typeof openAppDb>, auditDir?: string): AuditLog {
  const files = auditFiles(ws.root, auditDir);
  return new AuditLog(db, loadAuditKey(files.keyPath), files.checkpointPath);
}

/** Opens a workspace read-only and serves it; resolves once listening. */
export async function startServer(
  ws: Workspace,
  opts: ServeOptions,
): Promise<{ url: string; app: FastifyInstance; close: () => Promise<void> }> {
  ws.require();
  const duck = await ws.openDuck({ readOnly: true });
  const appDb = openAppDb(ws.sqlitePath);
  const audit = openAudit(ws, appDb, opts.auditDir);
  const closeDbs = (): void => {
    duck.close();
    appDb.close();
  };
  let app: FastifyInstance;
  try {
    app = await buildServer({
      duck,
      appDb,
      audit,
      info: ws.info(),
      k: opts.k ?? DEFAULT_K,
      limits: opts.limits,
      idleTimeoutMs: opts.idleTimeoutMs,
      secureCookies: opts.secureCookies,
      trustProxy: opts.trustProxy,
    });
  } catch (e) {
    // E.g. a workspace refused at start: release the databases so another process may open them.
    closeDbs();
    throw e;
  }
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (e) {
    closeDbs();
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
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      audit.checkpoint();
      closeDbs();
    },
  };
}
