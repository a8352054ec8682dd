import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Naming } from '../pipeline/flows.ts';
import { outflow } from '../pipeline/flows.ts';
import { returnees } from '../pipeline/returnees.ts';
import type { AuditLog } from '../privacy/audit.ts';
import { dataWindow } from '../snapshot/source.ts';
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
  d: { k: number; accounts: Accounts; audit: AuditLog },
): Promise<void> {
  const div = loadDivisions();
  const naming = divisionNaming();
  // Cells without keys are refused before a snapshot is served (checkSnapshot in app.ts).

  app.get('/api/meta', async (req) => {
    requireAccount(d.accounts, req);
    const { info, manifest } = req.snapshot;
    const s = info.scenario;
    // The dashboard's date limits: new days published after the scenario was written widen it.
    const days = dataWindow(req.snapshot);
    return {
      scenario: {
        name: s?.name ?? 'workspace',
        synthetic: info.synthetic,
        description: info.description,
        from: days?.from ?? '',
        to: days?.to ?? '',
        epicentre: s ? { code: s.epicentre, name: naming.name(s.epicentre) } : { code: '', name: '' },
      },
      k: d.k,
      snapshot: { id: manifest.id, publishedAt: manifest.publishedAt, days: manifest.days },
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
    const { duck, info } = req.snapshot;
    const r = await req.cached(q, () => outflow(duck, { ...q, k: d.k }, naming));
    return { ...r, synthetic: info.synthetic };
  });

  app.get('/api/flows/inflow', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(InflowQuery, req.query);
    checkCity(q.dest, 'dest');
    checkRange(q);
    d.audit.record(account.username, 'flows.inflow', q);
    const { duck, info } = req.snapshot;
    const r = await req.cached(q, () =>
      outflow(duck, { origin: q.dest, direction: 'in', from: q.from, to: q.to, k: d.k }, naming),
    );
    const { origin, destinations, ...rest } = r;
    return { ...rest, dest: origin, origins: destinations, synthetic: info.synthetic };
  });

  app.get('/api/flows/returnees', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(ReturneesQuery, req.query);
    checkCity(q.city, 'city');
    checkCity(q.source, 'source');
    checkRange(q);
    d.audit.record(account.username, 'flows.returnees', q);
    const { duck, info } = req.snapshot;
    const r = await req.cached(q, () =>
      returnees(duck, { level: 'city', home: q.city, source: q.source, from: q.from, to: q.to, k: d.k }),
    );
    return { ...r, synthetic: info.synthetic };
  });
}
