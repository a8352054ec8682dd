import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { HttpError } from '../errors.ts';
import type { AuditLog } from '../privacy/audit.ts';
import { publicCities, publicForecast, publicForecastRegions, publicLevels } from '../public/data.ts';
import type { PublicLevels } from '../public/data.ts';
import { encodeAll, pick } from '../public/encode.ts';
import type { Encoded } from '../public/encode.ts';
import { renderPublicPage } from '../public/page.ts';
import { PublicTally } from '../public/tally.ts';
import { onlyKeys as onlyKeysOf, parse } from './validate.ts';

const city = z.string().regex(/^\d{6}$/, 'expected a 6-digit city code');
const region = z.string().regex(/^(\d{6}|CN|CN-X\d{6})$/, 'expected a 6-digit code, CN or CN-X<province>');
const PageQuery = z.object({
  lang: z.enum(['zh', 'en']).default('zh'),
  city: city.optional(),
  region: region.optional(),
});
const LevelsQuery = z.object({ city: city.optional() });
const ForecastQuery = z.object({ region: region.default('CN') });

/** Refuses a parameter the public routes do not take: their answers are the latest data day only. */
const onlyKeys = (query: unknown, keys: readonly string[]): void =>
  onlyKeysOf(query, keys, 'the public page shows the latest data day only');

/** Rendered pages kept (all snapshots together; an old snapshot's pages age out). */
const PAGE_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * GET /public (the page) and GET /api/public/regions, /levels, /forecast (its data as JSON), issue 17: no
 * login. Answers are computed once per snapshot and parameter set (the parameters are checked against the
 * lists first, so the keys are bounded) and kept compressed; anonymous answers are counted, not logged one by
 * one (src/public/tally.ts).
 */
export async function registerPublic(
  app: FastifyInstance,
  d: { k: number; audit: AuditLog; now: () => Date },
): Promise<void> {
  const tally = new PublicTally(d.audit, () => d.now().getTime());
  const pages = new LRUCache<string, Encoded>({
    maxSize: PAGE_CACHE_BYTES,
    sizeCalculation: (e) => e.text.length + e.br.length + e.gzip.length,
  });
  app.addHook('onClose', async () => tally.flush());

  const cities = (req: FastifyRequest) => {
    const duck = req.snapshot.duck;
    return req.cached('public.cities', () => publicCities(duck, d.k));
  };
  const checkCity = async (req: FastifyRequest, code: string | undefined): Promise<string | null> => {
    if (code === undefined) return null;
    if (!(await cities(req)).cities.some((c) => c.code === code))
      throw new HttpError(400, `city: ${code} is not a city of this workspace`, 'city');
    return code;
  };
  const levels = (req: FastifyRequest, code: string | null): Promise<PublicLevels> => {
    const { duck, info } = req.snapshot;
    return req.cached(['public.levels', code], () =>
      publicLevels(duck, { k: d.k, synthetic: info.synthetic, city: code }),
    );
  };
  const regions = (req: FastifyRequest) => {
    const duck = req.snapshot.duck;
    return req.cached('public.regions', () => publicForecastRegions(duck, d.k));
  };
  const forecast = async (req: FastifyRequest, code: string) => {
    const r = await regions(req);
    if (!r) throw new HttpError(409, "the workspace has no forecast yet: run 'epitrace forecast build'");
    const chosen = r.regions.find((g) => g.code === code);
    if (!chosen)
      throw new HttpError(
        400,
        `region: ${code} has no public forecast (no case, or fewer than k = ${d.k} confirmed)`,
        'region',
      );
    const { duck, info } = req.snapshot;
    return req.cached(['public.forecast', code], () =>
      publicForecast(duck, { k: d.k, synthetic: info.synthetic, run: r.run, region: chosen }),
    );
  };

  /** Sends a cached encoded answer; an anonymous one is counted instead of logged. */
  const send = (req: FastifyRequest, reply: FastifyReply, e: Encoded, type: string) => {
    const { body, encoding } = pick(e, req.headers['accept-encoding']);
    if (!req.account) {
      req.auditSkip = true;
      tally.hit(req.routeOptions.url ?? '');
    }
    reply.header('content-type', type).header('vary', 'accept-encoding');
    if (encoding) reply.header('content-encoding', encoding);
    return reply.send(body);
  };
  // The encoded answer is kept in the snapshot's cache but not computed through the gate: its data parts are
  // (req.cached), and a gated computation waiting for another gated one could hold every slot while it waits.
  const json = (req: FastifyRequest, reply: FastifyReply, key: unknown, value: () => Promise<unknown>) =>
    req.snapshot.cache
      .get(JSON.stringify(['GET /api/public', key]), async () => encodeAll(JSON.stringify(await value())))
      .then((e) => send(req, reply, e, 'application/json; charset=utf-8'));

  app.get('/api/public/regions', async (req, reply) => {
    onlyKeys(req.query, []);
    return json(req, reply, 'regions', async () => {
      const c = await cities(req);
      const r = await regions(req);
      return {
        synthetic: req.snapshot.info.synthetic,
        k: d.k,
        day: c.day,
        cities: c.cities,
        forecast: r ? { run: r.run.run, origin: r.run.origin, regions: r.regions } : null,
      };
    });
  });

  app.get('/api/public/levels', async (req, reply) => {
    onlyKeys(req.query, ['city']);
    const q = parse(LevelsQuery, req.query);
    const code = await checkCity(req, q.city);
    return json(req, reply, ['levels', code], () => levels(req, code));
  });

  app.get('/api/public/forecast', async (req, reply) => {
    onlyKeys(req.query, ['region']);
    const q = parse(ForecastQuery, req.query);
    // Checked before the cache, so an unknown region never makes a cache entry.
    await forecast(req, q.region);
    return json(req, reply, ['forecast', q.region], () => forecast(req, q.region));
  });

  app.get('/public', async (req, reply) => {
    onlyKeys(req.query, ['lang', 'city', 'region']);
    const q = parse(PageQuery, req.query);
    // A workspace without risk tables or forecast still gets a page saying so.
    const optional = async <T>(p: () => Promise<T>): Promise<T | null> => {
      try {
        return await p();
      } catch (e) {
        if (e instanceof HttpError && e.status === 409) return null;
        throw e;
      }
    };
    const code = await optional(() => checkCity(req, q.city));
    const r = await regions(req);
    const regionCode = q.region ?? 'CN';
    if (q.region !== undefined && !r?.regions.some((g) => g.code === q.region)) await forecast(req, q.region);
    // Pages are kept in a cache of their own: the choices multiply (languages x cities x regions), and a
    // visitor walking through them must not push the analysts' answers out of the snapshot's cache. Only the
    // data parts (bounded: one per city, one per region) are computed through the gate, once per snapshot.
    const key = JSON.stringify([req.snapshot.manifest.id, q.lang, code, regionCode]);
    let e = pages.get(key);
    if (!e) {
      const all = await optional(() => levels(req, null));
      const chosen = code ?? all?.cities[0]?.code ?? null;
      const l = chosen ? await optional(() => levels(req, chosen)) : all;
      const c = await optional(() => cities(req));
      const f = r?.regions.some((g) => g.code === regionCode) ? await forecast(req, regionCode) : null;
      e = encodeAll(
        renderPublicPage({
          lang: q.lang,
          synthetic: req.snapshot.info.synthetic,
          k: d.k,
          levels: l,
          cities: c?.cities ?? [],
          regions: r?.regions ?? [],
          forecast: f,
        }),
      );
      pages.set(key, e);
    }
    // Public data, the same for everyone until the next snapshot: a browser may keep it a minute.
    reply.header('cache-control', 'public, max-age=60');
    return send(req, reply, e, 'text/html; charset=utf-8');
  });
}
