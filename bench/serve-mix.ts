/**
 * The dashboard's request mix for bench/serve.ts: what each view of web/src asks the API for when it opens
 * and when the user changes its city, dates or region, as one virtual user (closed loop, one request at a
 * time) would send it. Read from web/src/app.tsx (/me, /meta on load), flows-view.tsx and flows-panel.tsx, risk-view.tsx and its
 * panels (risk-sources, risk-heatmap, risk-levels, risk-alerts, risk-index), forecast-view.tsx, and the status
 * bar (status-bar.tsx, /api/status every STATUS_POLL_MS). The map-layers view fetches only static topojson files
 * (web/public/geo), no API route, so it is not part of the mix.
 */
import type { Random } from '../src/synth/random.ts';

/** What the mix needs to know about the served workspace (read once before the run). */
export interface MixContext {
  epicentre: string;
  from: string;
  to: string;
  /** The data's days, from..to. */
  days: string[];
  /** Other cities users look at: the 20 most populous besides the epicentre. */
  cities: string[];
  forecast: { run: number; regions: string[]; defaultRegion: string; scenarios: string[] } | null;
  /** The server answers /api/status (the dashboard's status bar polls it). */
  status: boolean;
}

/** Shares of the mix; policy of this bench, not measured usage. */
export const WEIGHTS = {
  /** Views opened: flows (outflow), risk, forecast. */
  views: [0.45, 0.35, 0.2],
  /** Most users stay on the epicentre and the default range (the views' defaults). */
  epicentre: 0.7,
  defaultRange: 0.7,
  /** An episode starts with a page load (/me, /meta) this often. */
  pageLoad: 0.25,
  /** Changes of city/date/region after opening a view: 0, 1 or 2, uniform. */
  maxChanges: 2,
};

/** How often the status bar asks /api/status (web/src/status-bar.tsx). */
export const STATUS_POLL_MS = 12_000;

/** One request: its path (with query) and the route it is counted under. */
export interface Req {
  path: string;
  route: string;
}

/** A step sends one request; `next` may read its JSON answer to make the following requests (as the views do). */
export interface Step {
  req: Req;
  next?: (body: unknown) => Step[];
}

function req(route: string, q?: Record<string, string>): Step {
  return { req: { route, path: q ? `${route}?${new URLSearchParams(q)}` : route } };
}

const cumulative = (w: number[]): number[] => w.map((_, i) => w.slice(0, i + 1).reduce((a, b) => a + b, 0));

function pick<T>(rng: Random, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function city(rng: Random, c: MixContext): string {
  return rng.chance(WEIGHTS.epicentre) || c.cities.length === 0 ? c.epicentre : pick(rng, c.cities);
}

/** The default range, or 3 to 14 days somewhere inside the data. */
function range(rng: Random, c: MixContext): { from: string; to: string } {
  if (rng.chance(WEIGHTS.defaultRange)) return { from: c.from, to: c.to };
  const len = Math.min(c.days.length, 3 + rng.int(12));
  const start = rng.int(c.days.length - len + 1);
  return { from: c.days[start]!, to: c.days[start + len - 1]! };
}

function day(rng: Random, c: MixContext): string {
  return rng.chance(WEIGHTS.defaultRange) ? c.to : pick(rng, c.days);
}

/** risk-heatmap.tsx: the hours, then the last day at 10:00 clamped into them, grid kind. */
function heatmap(cityCode: string): Step {
  return {
    ...req('/api/risk/hours', { city: cityCode }),
    next: (body) => {
      const h = body as { first: string | null; last: string | null };
      if (!h.first || !h.last) return [];
      const wanted = `${h.last.slice(0, 10)}T10`;
      const hour = wanted < h.first ? h.first : wanted > h.last ? h.last : wanted;
      return [req('/api/risk/heatmap', { city: cityCode, hour, kind: 'grid' })];
    },
  };
}

function riskPanels(cityCode: string, d: string): Step[] {
  return [
    heatmap(cityCode),
    req('/api/risk/levels', { city: cityCode, day: d, level: 'county' }),
    req('/api/risk/alerts', { city: cityCode, day: d }),
    req('/api/risk/index', { city: cityCode, day: d, level: 'county' }),
  ];
}

/** forecast-view.tsx: the four fans of one region and scenario, then confirmed under every scenario. */
function forecastPanels(f: NonNullable<MixContext['forecast']>, region: string): Step[] {
  const run = String(f.run);
  const fans = ['confirmed', 'deaths', 'contacts', 'suspected'].map((quantity) =>
    req('/api/forecast', { run, region, quantity, scenario: 'baseline' }),
  );
  const scenarios = f.scenarios.map((scenario) =>
    req('/api/forecast', { run, region, quantity: 'confirmed', scenario }),
  );
  return [...fans, ...scenarios];
}

/** flows-panel.tsx for one origin and range: the selection, every data day, and the scale index (base: first 7 days). */
function flowsPanel(origin: string, r: { from: string; to: string }, c: MixContext): Step[] {
  const whole = { from: c.from, to: c.to };
  const base = c.days.slice(0, 7);
  const steps = [req('/api/flows/outflow', { origin, ...r })];
  if (r.from !== c.from || r.to !== c.to) steps.push(req('/api/flows/outflow', { origin, ...whole }));
  steps.push(
    req('/api/flows/scale', {
      region: origin,
      direction: 'out',
      ...whole,
      baseFrom: base[0] ?? c.from,
      baseTo: base.at(-1) ?? c.to,
    }),
  );
  return steps;
}

/** One episode of a user: maybe a page load, open a view, then a few changes within it. */
export function episode(rng: Random, c: MixContext): Step[] {
  const steps: Step[] = [];
  if (rng.chance(WEIGHTS.pageLoad)) steps.push(req('/api/me'), req('/api/meta'));
  const changes = rng.int(WEIGHTS.maxChanges + 1);
  const view = rng.pick(cumulative(WEIGHTS.views));
  if (view === 0 || (view === 2 && !c.forecast)) {
    // flows-view.tsx lists cities and provinces; flows-panel.tsx asks for the selection, for every data day (its
    // daily chart's slider spans them; the same request when the selection is the whole window) and the scale index.
    steps.push(req('/api/divisions', { level: 'city' }), req('/api/divisions', { level: 'province' }));
    steps.push(...flowsPanel(c.epicentre, { from: c.from, to: c.to }, c));
    for (let i = 0; i < changes; i++) steps.push(...flowsPanel(city(rng, c), range(rng, c), c));
  } else if (view === 1) {
    steps.push(req('/api/divisions', { level: 'city' }));
    steps.push(req('/api/risk/sources', { origin: c.epicentre, from: c.from, to: c.to, model: 'loglog' }));
    steps.push(...riskPanels(c.epicentre, c.to));
    for (let i = 0; i < changes; i++) steps.push(...riskPanels(city(rng, c), day(rng, c)));
  } else {
    const f = c.forecast!;
    steps.push(req('/api/forecast/runs'), req('/api/divisions', { level: 'city' }));
    steps.push(...forecastPanels(f, f.defaultRegion));
    steps.push(req('/api/forecast/params', { run: String(f.run) }));
    for (let i = 0; i < changes; i++)
      steps.push(
        ...forecastPanels(f, rng.chance(WEIGHTS.epicentre) ? f.defaultRegion : pick(rng, f.regions)),
      );
  }
  return steps;
}

/** The status bar's poll. */
export const STATUS: Step = req('/api/status');
