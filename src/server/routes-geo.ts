import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../errors.ts';
import { AREA_LEVELS, areasOf } from '../geo/areas.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Accounts } from './accounts.ts';
import { requireAccount } from './session.ts';
import { parse } from './validate.ts';

const AreasQuery = z.object({
  city: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
  level: z.enum(AREA_LEVELS),
});

/**
 * GET /api/geo/areas?city=&level=street|community: the city's street or community boundaries as a GeoJSON
 * FeatureCollection, properties {code, name, parent, synthetic} (imported ones, else the built-in
 * synthetic ones, else none), with the workspace's `synthetic` flag and where the areas came from.
 */
export async function registerGeo(app: FastifyInstance, d: { accounts: Accounts }): Promise<void> {
  const div = loadDivisions();
  const cities = new Set(div.list('city').map((c) => c.code));
  app.get('/api/geo/areas', async (req) => {
    requireAccount(d.accounts, req);
    const q = parse(AreasQuery, req.query);
    if (!cities.has(q.city)) throw new HttpError(400, `city: ${q.city} is not a city code`, 'city');
    const { duck, info } = req.snapshot;
    const { source, features } = await req.cached(q, () => areasOf(duck, q.city, q.level));
    return {
      type: 'FeatureCollection',
      synthetic: info.synthetic,
      city: q.city,
      level: q.level,
      source,
      features,
    };
  });
}
