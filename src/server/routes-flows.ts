import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Duck } from '../db/duck.ts';
import { HttpError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Naming } from '../pipeline/flows.ts';
import { outflow } from '../pipeline/flows.ts';
import type { AuditLog } from '../privacy/audit.ts';
import type { WorkspaceInfo } from '../workspace.ts';
import type { Accounts } from './accounts.ts';
import { requireAccount } from './session.ts';
import { parse } from './validate.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'not a calendar date',
    },
  );

const OutflowQuery = z.object({
  origin: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
  from: isoDate,
  to: isoDate,
});

const DivisionsQuery = z.object({ level: z.enum(['province', 'city', 'county']).default('city') });

/** Names from the built-in geography. */
export function divisionNaming(): Naming {
  const div = loadDivisions();
  return {
    name: (code) => div.byCode(code).name,
    province: (code) => {
      const p = div.byCode(div.byCode(code).province);
      return { code: p.code, name: p.name };
    },
  };
}

/** GET /api/meta, /api/divisions, /api/flows/outflow. */
export async function registerFlows(
  app: FastifyInstance,
  d: { duck: Duck; info: WorkspaceInfo; k: number; accounts: Accounts; audit: AuditLog },
): Promise<void> {
  const div = loadDivisions();
  const naming = divisionNaming();

  app.get('/api/meta', async (req) => {
    requireAccount(d.accounts, req);
    const s = d.info.scenario;
    return {
      scenario: {
        name: s?.name ?? 'workspace',
        synthetic: d.info.synthetic,
        description: d.info.description,
        from: s?.from ?? '',
        to: s?.to ?? '',
        epicentre: s ? { code: s.epicentre, name: naming.name(s.epicentre) } : { code: '', name: '' },
      },
      k: d.k,
    };
  });

  app.get('/api/divisions', async (req) => {
    requireAccount(d.accounts, req);
    const q = parse(DivisionsQuery, req.query);
    return div.list(q.level).map((x) => ({
      code: x.code,
      name: x.name,
      nameEn: x.nameEn,
      province: x.province,
      population: x.population,
    }));
  });

  app.get('/api/flows/outflow', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(OutflowQuery, req.query);
    const origin = div.list('city').find((c) => c.code === q.origin);
    if (!origin) throw new HttpError(400, `origin: ${q.origin} is not a city code`, 'origin');
    if (q.from > q.to) throw new HttpError(400, `from: ${q.from} is after to ${q.to}`, 'from');
    d.audit.record(account.username, 'flows.outflow', q);
    return { ...(await outflow(d.duck, { ...q, k: d.k }, naming)), synthetic: d.info.synthetic };
  });
}
