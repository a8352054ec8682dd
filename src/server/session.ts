import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';
import type { Account, Accounts } from './accounts.ts';

export const SESSION_COOKIE = 'epitrace_session';

/** The logged-in account of a request, or a 401. */
export function requireAccount(accounts: Accounts, req: FastifyRequest): Account {
  if (req.account) return req.account;
  const token = req.cookies[SESSION_COOKIE];
  const account = token ? accounts.session(token) : null;
  if (!account) throw new HttpError(401, 'not logged in');
  return account;
}

/** Sets the session cookie: httpOnly, SameSite=Strict, Secure behind HTTPS, expiring with the session. */
export function setSessionCookie(
  reply: FastifyReply,
  token: string,
  expiresAt: string,
  secure = false,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    expires: new Date(expiresAt),
  });
}
