import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../privacy/audit.ts';
import { DEFAULT_ACCOUNT_DAYS, ROLES, randomPassword } from './accounts.ts';
import type { Accounts } from './accounts.ts';
import { requireAccount } from './session.ts';
import { parse } from './validate.ts';

const Days = z.number().int().min(1).max(366);
const CreateBody = z.object({
  username: z.string().min(1).max(64),
  role: z.enum(ROLES),
  regions: z.string().min(1).max(500).default('*'),
  days: Days.default(DEFAULT_ACCOUNT_DAYS),
  password: z.string().min(12).max(256).optional(),
});
const RenewBody = z.object({ days: Days.default(DEFAULT_ACCOUNT_DAYS) });
const PasswdBody = z.object({ password: z.string().min(12).max(256).optional() });
const Params = z.object({ username: z.string().min(1).max(64) });
const AuditQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Accounts and audit for administrators: /api/admin/accounts[...], /api/admin/audit. */
export async function registerAdmin(
  app: FastifyInstance,
  d: { accounts: Accounts; audit: AuditLog },
): Promise<void> {
  app.get('/api/admin/accounts', async () => d.accounts.list());

  app.post('/api/admin/accounts', async (req, reply) => {
    const admin = requireAccount(d.accounts, req);
    const b = parse(CreateBody, req.body ?? {});
    const password = b.password ?? randomPassword();
    const a = await d.accounts.create(b.username, password, b.role, { days: b.days, regions: b.regions });
    d.audit.record(admin.username, 'account.create', {
      username: a.username,
      role: a.role,
      regions: a.regions,
    });
    // The password is shown once, only when the server generated it.
    return reply.status(201).send({ account: a, ...(b.password ? {} : { password }) });
  });

  app.post('/api/admin/accounts/:username/renew', async (req) => {
    const admin = requireAccount(d.accounts, req);
    const { username } = parse(Params, req.params);
    const b = parse(RenewBody, req.body ?? {});
    const a = d.accounts.renew(username, b.days);
    d.audit.record(admin.username, 'account.renew', { username, days: b.days });
    return { account: a };
  });

  app.post('/api/admin/accounts/:username/disable', async (req) => {
    const admin = requireAccount(d.accounts, req);
    const { username } = parse(Params, req.params);
    const a = d.accounts.disable(username);
    d.audit.record(admin.username, 'account.disable', { username });
    return { account: a };
  });

  app.post('/api/admin/accounts/:username/passwd', async (req) => {
    const admin = requireAccount(d.accounts, req);
    const { username } = parse(Params, req.params);
    const b = parse(PasswdBody, req.body ?? {});
    const password = b.password ?? randomPassword();
    const a = await d.accounts.setPassword(username, password);
    d.audit.record(admin.username, 'account.passwd', { username });
    return { account: a, ...(b.password ? {} : { password }) };
  });

  app.get('/api/admin/audit', async (req) => {
    const q = parse(AuditQuery, req.query);
    const problem = d.audit.verify();
    return { count: d.audit.count(), verified: problem === null, problem, entries: d.audit.recent(q.limit) };
  });
}
