import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Database } from 'better-sqlite3';
import type { Duck } from '../db/duck.ts';
import { HttpError } from '../errors.ts';
import { AuditLog } from '../privacy/audit.ts';
import type { WorkspaceInfo } from '../workspace.ts';
import { Accounts } from './accounts.ts';
import { registerAuth } from './routes-auth.ts';
import { registerFlows } from './routes-flows.ts';

/** Everything the server needs, passed in (house style 10). */
export interface ServerDeps {
  duck: Duck;
  appDb: Database;
  info: WorkspaceInfo;
  k: number;
  now?: () => Date;
  logger?: boolean;
  /** Built dashboard; served at / when present. */
  webDist?: string;
}

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Builds the HTTP server: the API under /api, the dashboard at /. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: 64 * 1024 });
  const accounts = new Accounts(deps.appDb, now);
  const audit = new AuditLog(deps.appDb, now);

  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof HttpError) {
      return reply
        .status(err.status)
        .send({ error: err.message, ...(err.field ? { field: err.field } : {}) });
    }
    const e = err as { statusCode?: number; message?: string; validation?: unknown };
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send({ error: e.message ?? 'bad request' });
    }
    app.log.error(err);
    return reply.status(500).send({ error: 'internal error' });
  });

  await app.register(cookie);
  await registerAuth(app, { accounts, audit });
  await registerFlows(app, { duck: deps.duck, info: deps.info, k: deps.k, accounts, audit });

  const web = deps.webDist ?? DEFAULT_WEB_DIST;
  if (existsSync(web)) await app.register(fastifyStatic, { root: web });
  else app.get('/', async () => ({ error: 'dashboard not built: run npm run build:web' }));
  return app;
}
