import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Naming } from '../pipeline/flows.ts';
import { daysBetween, inflowAnswer, outflow } from '../pipeline/flows.ts';
import { returnees } from '../pipeline/returnees.ts';
import { firstDays, scale } from '../pipeline/scale.ts';
import type { AuditLog } from '../privacy/audit.ts';
import { dataWindow } from '../snapshot/source.ts';
import type { Accounts } from './accounts.ts';
import { requireAccount } from './session.ts';
import { isoDate, parse } from './validate.ts';

const REGION_CODE = /^\d{6}$/;
const regionCode = z.string().regex(REGION_CODE, 'expected a 6-digit city or province code');

const OutflowQuery = z.object({ origin: regionCode, from: isoDate, to: isoDate });

const InflowQuery = z.object({ dest: regionCode, from: isoDate, to: isoDate });

const ScaleQuery = z.object({
  region: regionCode,
  direction: z.enum(['out', 'in']).default('out'),
  from: isoDate,
  to: isoDate,
  baseFrom: isoDate.optional(),
  baseTo: isoDate.optional(),
});

const ReturneesQuery = z.object({
  city: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
  source: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
  from: isoDate,
  to: isoDate,
});

const DivisionsQuery = z.object({ level: z.enum(['province', 'city', 'county']).default('city') });

/** Names and census populations from the built-in geography. */
export function divisionNaming(): Naming {
  const div = loadDivisions();
  return {
    name: (code) => div.byCode(code).name,
    nameEn: (code) => div.byCode(code).nameEn,
    province: (code) => {
      const p = div.byCode(div.byCode(code).province);
      return { code: p.code, name: p.name, nameEn: p.nameEn };
    },
    region: (code) => {
      const d = div.byCode(code);
      if (d.level === 'county') throw new Error(`${code} is a county: refuse it before asking for flows`);
      return { code: d.code, name: d.name, nameEn: d.nameEn, level: d.level };
    },
    cityOf: (county) => {
      try {
        return div.parentAt(county, 'city').code;
      } catch {
        return null;
      }
    },
    population: (city) => div.byCode(city, 'city').population,
  };
}

/** GET /api/meta, /api/divisions, /api/flows/{outflow,inflow,returnees,scale}. */
export async function registerFlows(
  app: FastifyInstance,
  d: { k: number; accounts: Accounts; audit: AuditLog; maxSpanDays: number },
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
      pinyin: x.pinyin,
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
  /** A city or province code; a county is refused: its cells would nest in the city's and differences reveal them. */
  const checkRegion = (code: string, field: string): void => {
    let level: string;
    try {
      level = div.byCode(code).level;
    } catch {
      throw new HttpError(400, `${field}: ${code} is not a city or province code`, field);
    }
    // One literal, so the message catalogue's test (src/server/messages.test.ts) finds it whole.
    if (level === 'county')
      throw new HttpError(
        400,
        `${field}: ${code} is a county: county level is not published (county figures beside city figures would let their differences reveal suppressed counts); choose its city or province`,
        field,
      );
  };

  app.get('/api/flows/outflow', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(OutflowQuery, req.query);
    checkRegion(q.origin, 'origin');
    checkRange(q);
    d.audit.record(account.username, 'flows.outflow', q);
    const { duck, info } = req.snapshot;
    const r = await req.cached(q, () => outflow(duck, { ...q, k: d.k }, naming));
    return { ...r, synthetic: info.synthetic };
  });

  app.get('/api/flows/inflow', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(InflowQuery, req.query);
    checkRegion(q.dest, 'dest');
    checkRange(q);
    d.audit.record(account.username, 'flows.inflow', q);
    const { duck, info } = req.snapshot;
    const r = await req.cached(q, () =>
      outflow(duck, { origin: q.dest, direction: 'in', from: q.from, to: q.to, k: d.k }, naming),
    );
    return { ...inflowAnswer(r), synthetic: info.synthetic };
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
      returnees(
        duck,
        { level: 'city', home: q.city, source: q.source, from: q.from, to: q.to, k: d.k },
        naming,
      ),
    );
    return { ...r, synthetic: info.synthetic };
  });

  app.get('/api/flows/scale', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(ScaleQuery, req.query);
    checkRegion(q.region, 'region');
    checkRange(q);
    const window = dataWindow(req.snapshot);
    const dflt = firstDays(window ?? q, 7);
    const base = { baseFrom: q.baseFrom ?? dflt.from, baseTo: q.baseTo ?? dflt.to };
    // The base dates pass the same checks as from/to (the route wrapper checks those against the data window).
    if (window?.from && base.baseFrom < window.from)
      throw new HttpError(
        400,
        `baseFrom: ${base.baseFrom} is before the first data day ${window.from}`,
        'baseFrom',
      );
    if (window?.to && base.baseTo > window.to)
      throw new HttpError(400, `baseTo: ${base.baseTo} is after the last data day ${window.to}`, 'baseTo');
    if (base.baseFrom > base.baseTo)
      throw new HttpError(400, `baseFrom: ${base.baseFrom} is after baseTo ${base.baseTo}`, 'baseFrom');
    const span = daysBetween(base.baseFrom, base.baseTo).length;
    // The server's configured span limit (--max-span-days / limits), as for from/to.
    if (span > d.maxSpanDays)
      throw new HttpError(
        400,
        `baseTo: ${span} days from ${base.baseFrom}, more than the ${d.maxSpanDays} allowed`,
        'baseTo',
      );
    const key = { ...q, ...base };
    d.audit.record(account.username, 'flows.scale', key);
    const { duck, info } = req.snapshot;
    const r = await req.cached(key, () => scale(duck, { ...key, k: d.k }, naming));
    return { ...r, synthetic: info.synthetic };
  });
}
