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

/** Logs one finished request (refused ones included): user, method, route, status, query and params; never bodies. */
export function logRequest(audit: AuditLog, req: FastifyRequest, reply: FastifyReply): void {
  if (req.auditSkip) return;
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
    ...req.auditDetail,
  });
}
