import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';

/**
 * Content-Security-Policy for the built dashboard: scripts, data and workers
 * from this origin only; inline styles allowed because ECharts and React set
 * style attributes; no framing.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers on every response; API answers are never cached. */
export function securityHeaders(req: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  reply.header('content-security-policy', CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  if (secure) reply.header('strict-transport-security', 'max-age=31536000');
  if (req.url.startsWith('/api')) reply.header('cache-control', 'no-store');
}

const UNSAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request from another site: a foreign Origin, or
 * Sec-Fetch-Site cross-site. Clients that send neither (curl, scripts) pass;
 * browsers always send Origin on POST, and the session cookie is SameSite=Strict.
 */
export function checkOrigin(req: FastifyRequest): void {
  if (UNSAFE.has(req.method)) return;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') throw new HttpError(403, 'cross-site request refused');
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const own = `${req.protocol}://${req.host}`;
  if (origin !== own) throw new HttpError(403, `origin ${origin.slice(0, 100)} refused: not ${own}`);
}
