import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../privacy/audit.ts';
import type { Accounts } from './accounts.ts';
import { parse } from './validate.ts';
import { SESSION_COOKIE, requireAccount, setSessionCookie } from './session.ts';

const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** POST /api/login, POST /api/logout, GET /api/me. */
export async function registerAuth(
  app: FastifyInstance,
  d: { accounts: Accounts; audit: AuditLog },
): Promise<void> {
  app.post('/api/login', async (req, reply) => {
    const body = parse(LoginBody, req.body ?? {});
    const account = await d.accounts.check(body.username, body.password);
    if (!account) {
      d.audit.record(body.username, 'login.failed', { ip: req.ip });
      return reply.status(401).send({ error: 'wrong username or password, or the account has expired' });
    }
    const s = d.accounts.openSession(account);
    d.audit.record(account.username, 'login', { ip: req.ip });
    setSessionCookie(reply, s.token, s.expiresAt);
    return { username: account.username, role: account.role, expiresAt: account.expiresAt };
  });

  app.post('/api/logout', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) d.accounts.closeSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/me', async (req) => {
    const a = requireAccount(d.accounts, req);
    return { username: a.username, role: a.role, expiresAt: a.expiresAt };
  });
}
