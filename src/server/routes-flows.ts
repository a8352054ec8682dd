import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Duck } from '../db/duck.ts';
import { HttpError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Naming } from '../pipeline/flows.ts';
import { outflow } from '../pipeline/flows.ts';
import { returnees } from '../pipeline/returnees.ts';
import type { AuditLog } from '../privacy/audit.ts';
import { requireCellKeys } from '../privacy/disclosure.ts';
import type { WorkspaceInfo } from '../workspace.ts';
import type { Accounts } from './accounts.ts';
import { requireAccount } from './session.ts';
import { isoDate, parse } from './validate.ts';

const OutflowQuery = z.object({
  origin: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
  from: isoDate,
  to: isoDate,
});

const InflowQuery = z.object({
  dest: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
  from: isoDate,
  to: isoDate,
});

const ReturneesQuery = z.object({
  city: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
  source: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
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
  // Flows are published from cells with keys only: an older workspace is refused at start, with the fix.
  await requireCellKeys(d.duck);

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

  const cities = new Set(div.list('city').map((c) => c.code));
  const checkCity = (code: string, field: string): void => {
    if (!cities.has(code)) throw new HttpError(400, `${field}: ${code} is not a city code`, field);
  };
  const checkRange = (q: { from: string; to: string }): void => {
    if (q.from > q.to) throw new HttpError(400, `from: ${q.from} is after to ${q.to}`, 'from');
  };

  app.get('/api/flows/outflow', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(OutflowQuery, req.query);
    checkCity(q.origin, 'origin');
    checkRange(q);
    d.audit.record(account.username, 'flows.outflow', q);
    return { ...(await outflow(d.duck, { ...q, k: d.k }, naming)), synthetic: d.info.synthetic };
  });

  app.get('/api/flows/inflow', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(InflowQuery, req.query);
    checkCity(q.dest, 'dest');
    checkRange(q);
    d.audit.record(account.username, 'flows.inflow', q);
    const r = await outflow(
      d.duck,
      { origin: q.dest, direction: 'in', from: q.from, to: q.to, k: d.k },
      naming,
    );
    const { origin, destinations, ...rest } = r;
    return { ...rest, dest: origin, origins: destinations, synthetic: d.info.synthetic };
  });

  app.get('/api/flows/returnees', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(ReturneesQuery, req.query);
    checkCity(q.city, 'city');
    checkCity(q.source, 'source');
    checkRange(q);
    d.audit.record(account.username, 'flows.returnees', q);
    const r = await returnees(d.duck, {
      level: 'city',
      home: q.city,
      source: q.source,
      from: q.from,
      to: q.to,
      k: d.k,
    });
    return { ...r, synthetic: d.info.synthetic };
  });
}
