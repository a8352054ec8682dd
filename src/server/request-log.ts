import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../privacy/audit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Extra detail a handler adds to the request's audit entry. */
    auditDetail?: Record<string, unknown>;
    /** Set by a handler whose request is counted elsewhere instead of logged (refused logins during a lockout). */
    auditSkip?: boolean;
  }
}

const SECRET = /pass|token|secret|key/i;
const MAX_VALUE = 200;
const MAX_KEYS = 20;

/** A copy of query or params fit for the log: no secret-looking keys, values and key count bounded. */
export function loggable(input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!input || typeof input !== 'object') return out;
  for (const [k, v] of Object.entries(input).slice(0, MAX_KEYS)) {
    const key = k.slice(0, 50);
    out[key] = SECRET.test(k) ? '[redacted]' : String(Array.isArray(v) ? v.join(',') : v).slice(0, MAX_VALUE);
  }
  return out;
}

/** Refused anonymous requests logged per address per minute; more are counted into the next logged one. */
export const ANONYMOUS_REFUSED_PER_MINUTE = 60;

/**
 * Coalesces floods of refused requests without a session (scanners, guessed
 * URLs): the first N per address per minute are logged one row each, the rest
 * only counted and reported with the next logged request from that address.
 */
export class RefusedFlood {
  private readonly windows = new Map<string, { minute: number; logged: number; dropped: number }>();

  constructor(
    private readonly now: () => number,
    private readonly perMinute = ANONYMOUS_REFUSED_PER_MINUTE,
  ) {}

  /** Whether to log this refused request; when not, it is counted. */
  admit(ip: string): boolean {
    const minute = Math.floor(this.now() / 60_000);
    let w = this.windows.get(ip);
    if (!w || w.minute !== minute) {
      if (this.windows.size > 10_000) this.windows.clear();
      w = { minute, logged: 0, dropped: w?.dropped ?? 0 };
      this.windows.set(ip, w);
    }
    if (w.logged >= this.perMinute) {
      w.dropped++;
      return false;
    }
    w.logged++;
    return true;
  }

  /** Refused requests from this address not logged since the last call. */
  takeDropped(ip: string): number {
    const w = this.windows.get(ip);
    const n = w?.dropped ?? 0;
    if (w) w.dropped = 0;
    return n;
  }
}

/** Logs one finished request (refused ones included): user, method, route, status, query and params; never bodies. */
export function logRequest(
  audit: AuditLog,
  req: FastifyRequest,
  reply: FastifyReply,
  flood?: RefusedFlood,
): void {
  if (req.auditSkip) return;
  if (flood && !req.account && reply.statusCode >= 400 && !flood.admit(req.ip)) return;
  const dropped = flood?.takeDropped(req.ip) ?? 0;
  const route = req.routeOptions.url;
  audit.record(req.account?.username ?? null, 'http', {
    method: req.method,
    route: route ?? null,
    ...(route ? {} : { path: req.url.split('?')[0]!.slice(0, MAX_VALUE) }),
    status: reply.statusCode,
    query: loggable(req.query),
    params: loggable(req.params),
    ip: req.ip,
    ms: Math.round(reply.elapsedTime),
    ...(dropped ? { refusedNotLogged: dropped } : {}),
    ...req.auditDetail,
  });
}
