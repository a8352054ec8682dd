import type { FastifyInstance } from 'fastify';

/** Starts an in-process server on a free loopback port; resolves with its base URL (ending in /). */
export async function listenLocal(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
}

/** A JSON answer: status, parsed body (or {}), headers. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A tiny HTTP client for tests: JSON in and out, one session cookie. */
export class Client {
  cookie = '';
  constructor(readonly base: string) {}

  /** Sends a request; a JSON body when `body` is given. */
  async send(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await fetch(new URL(path, this.base), {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Logs in and keeps the session cookie; returns the login answer. */
  async login(username: string, password: string): Promise<Answer> {
    const r = await this.send('POST', '/api/login', { username, password });
    const set = r.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    return r;
  }
}
