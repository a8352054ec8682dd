import type { FastifyInstance } from 'fastify';
import { openAppDb } from '../db/sqlite.ts';
import { UserError } from '../errors.ts';
import { DEFAULT_K } from '../privacy/disclosure.ts';
import { buildServer } from '../server/app.ts';
import type { Workspace } from '../workspace.ts';

export interface ServeOptions {
  host: string;
  port: number;
  k?: number;
}

/** Opens a workspace read-only and serves it; resolves once listening. */
export async function startServer(
  ws: Workspace,
  opts: ServeOptions,
): Promise<{ url: string; app: FastifyInstance; close: () => Promise<void> }> {
  ws.require();
  const duck = await ws.openDuck({ readOnly: true });
  const appDb = openAppDb(ws.sqlitePath);
  const app = await buildServer({ duck, appDb, info: ws.info(), k: opts.k ?? DEFAULT_K });
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (e) {
    duck.close();
    appDb.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(`port ${opts.port} is in use: pass --port with another one`);
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host === '0.0.0.0' || opts.host === '127.0.0.1' ? 'localhost' : opts.host;
  return {
    url: `http://${host}:${port}/`,
    app,
    close: async () => {
      await app.close();
      duck.close();
      appDb.close();
    },
  };
}
