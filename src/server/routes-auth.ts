import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../errors.ts';
import type { Accounts } from './accounts.ts';
import { RetryLater } from './limits.ts';
import { SESSION_COOKIE, requireAccount, setSessionCookie } from './session.ts';
import type { LoginThrottle } from './throttle.ts';
import { parse } from './validate.ts';

const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** POST /api/login (throttled), POST /api/logout, GET /api/me. */
export async function registerAuth(
  app: FastifyInstance,
  d: { accounts: Accounts; throttle: LoginThrottle; secure: (proto: string) => boolean },
): Promise<void> {
  app.post('/api/login', async (req, reply) => {
    const body = parse(LoginBody, req.body ?? {});
    req.auditDetail = { attempted: body.username };
    const verdict = d.throttle.check(body.username, req.ip);
    if (!verdict.ok) {
      // Counted by the throttle and reported with the next logged attempt, so a flood adds no rows.
      req.auditSkip = true;
      throw new RetryLater(
        429,
        'too many failed logins: wait and try again',
        Math.ceil(verdict.retryAfterMs / 1000),
      );
    }
    const refused = d.throttle.takeRefused(body.username, req.ip);
    if (Object.keys(refused).length) req.auditDetail['refusedDuringLockout'] = refused;
    const account = await d.accounts.check(body.username, body.password);
    if (!account) {
      const locked = d.throttle.fail(body.username, req.ip);
      if (locked) req.auditDetail['lockedForMs'] = locked;
      // Thrown, so the error handler answers it in the request's language like every other error.
      throw new HttpError(401, 'wrong username or password, or the account has expired');
    }
    d.throttle.succeed(account.username);
    const s = d.accounts.openSession(account);
    req.account = account;
    setSessionCookie(reply, s.token, s.expiresAt, d.secure(req.protocol));
    return {
      username: account.username,
      role: account.role,
      regions: account.regions,
      expiresAt: account.expiresAt,
    };
  });

  app.post('/api/logout', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) d.accounts.closeSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/me', async (req) => {
    const a = requireAccount(d.accounts, req);
    return { username: a.username, role: a.role, regions: a.regions, expiresAt: a.expiresAt };
  });
}
