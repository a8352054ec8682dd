/**
 * Serving under load: 50 concurrent virtual users (closed loop, one request at a time each, no think time) send
 * the dashboard's real request mix (bench/serve-mix.ts) to the real server (`epitrace serve`, a child process on
 * loopback) over the demo workspace, for a fixed time after a warm-up. Three phases in the same run, each on a
 * fresh server: the settings before issue 14 (`--cache-mb 0 --max-queue 4`: every request computes, four may
 * wait), the cache off alone (`--cache-mb 0`), and the defaults (response cache on, 64 may wait).
 * Prints p50/p95/p99/max, errors (non-2xx and network), requests/s, per-route figures and the ratios.
 * Figures only; not a test. The client shares the machine's cores with the server.
 *
 *   npx tsx bench/serve.ts [--users 50] [--seconds 20] [--warmup 5] [--seed 1] [--cache-mb 64]
 *                          [--workspace tmp/bench-serve/demo] [--max-concurrent N]
 * The demo workspace is built in --workspace when missing (`epitrace demo`, a minute or two) and kept.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Random } from '../src/synth/random.ts';
import { episode, STATUS, STATUS_POLL_MS } from './serve-mix.ts';
import type { MixContext, Step } from './serve-mix.ts';

process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    'cache-mb': { type: 'string', default: '64' },
    workspace: { type: 'string', default: 'tmp/bench-serve/demo' },
    'max-concurrent': { type: 'string' },
  },
});
const USERS = Number(values.users);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const SEED = Number(values.seed);
const WS = values.workspace;
const CLI = join(import.meta.dirname, '..', 'bin', 'epitrace.mjs');
/** Roles of the virtual users: most are analysts; tracers and admins see the same aggregate views. */
const ROLES = [
  ['bench-analyst', 'analyst', 0.6],
  ['bench-tracer', 'tracer', 0.3],
  ['bench-admin', 'admin', 0.1],
] as const;
const PASSWORD = 'bench-only-password-0001';

/** Starts the CLI with `args` and resolves with the URL once it prints "serving http://...". */
function startCli(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /serving (https?:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!.replace(/\/$/, '') });
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) =>
      reject(new Error(`epitrace ${args[0]} exited ${code}:\n${out.slice(-2000)}`)),
    );
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function cli(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Builds the demo workspace (`epitrace demo`, stopped once it serves) unless a finished one is there. */
async function ensureDemo(): Promise<void> {
  const info = join(WS, 'workspace.json');
  if (existsSync(info) && (JSON.parse(readFileSync(info, 'utf8')) as { scenario?: unknown }).scenario) return;
  process.stderr.write(`building the demo workspace in ${WS} (epitrace demo)...\n`);
  const { child } = await startCli(['demo', '--workspace', WS, '--port', '0']);
  await stop(child);
}

/** The bench accounts, created (or given the bench password) through `epitrace user`. */
function ensureAccounts(): void {
  const listed = cli(['user', 'list', '--workspace', WS]).stdout;
  for (const [name, role] of ROLES) {
    const exists = listed.split('\n').some((l) => l.split('\t')[0] === name);
    const args = exists
      ? ['user', 'passwd', name, '--workspace', WS, '--password-stdin']
      : ['user', 'add', name, '--role', role, '--workspace', WS, '--password-stdin'];
    const r = cli(args, `${PASSWORD}\n`);
    if (r.status !== 0) throw new Error(`epitrace ${args.join(' ')}: ${r.stderr}`);
  }
}

async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

async function getJson<T>(url: string, cookie: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { cookie } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** What the mix needs, read from the server as the dashboard would. */
async function context(url: string, cookie: string): Promise<MixContext> {
  const meta = await getJson<{ scenario: { from: string; to: string; epicentre: { code: string } } }>(
    url,
    cookie,
    '/api/meta',
  );
  const { from, to } = meta.scenario;
  const epicentre = meta.scenario.epicentre.code;
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  // Other cities users pick: the 20 most populous (the city list of the outflow and risk views).
  const divisions = await getJson<{ code: string; population: number }[]>(
    url,
    cookie,
    '/api/divisions?level=city',
  );
  const cities = divisions
    .filter((d) => d.code !== epicentre)
    .sort((a, b) => b.population - a.population)
    .slice(0, 20)
    .map((d) => d.code);
  const runs = await getJson<{
    runs: { run: number; regions: { code: string; kind: string }[]; scenarios: { name: string }[] }[];
  }>(url, cookie, '/api/forecast/runs');
  const run = runs.runs[0];
  const forecast = run
    ? {
        run: run.run,
        regions: run.regions.map((r) => r.code),
        // forecast-view.tsx: the epicentre's province (a group with a division code) when listed, else the first.
        defaultRegion:
          run.regions.find((g) => g.kind === 'group' && /^\d{6}$/.test(g.code))?.code ?? run.regions[0]!.code,
        scenarios: run.scenarios.map((s) => s.name),
      }
    : null;
  const status = (await fetch(`${url}/api/status`, { headers: { cookie } })).ok;
  return { epicentre, from, to, days, cities, forecast, status };
}

/** A virtual user's session and role. */
interface Who {
  role: string;
  cookie: string;
}

/** One answered (or failed) request: its route, when it started, how long it took, its status (0 = network). */
interface Sample {
  route: string;
  /** The role and the request (path and query): what a response cache can tell apart. */
  key: string;
  start: number;
  ms: number;
  status: number;
}

async function send(url: string, who: Who, step: Step, out: Sample[]): Promise<unknown> {
  const start = performance.now();
  let status = 0;
  let body: unknown = null;
  try {
    const res = await fetch(`${url}${step.req.path}`, { headers: { cookie: who.cookie } });
    status = res.status;
    const text = await res.text();
    if (res.ok && step.next) body = JSON.parse(text) as unknown;
  } catch {
    // A network error (refused, reset): counted with status 0.
  }
  out.push({
    route: step.req.route,
    key: `${who.role}|${step.req.path}`,
    start,
    ms: performance.now() - start,
    status,
  });
  return res2xx(status) ? body : null;
}

const res2xx = (s: number): boolean => s >= 200 && s < 300;

/** One virtual user: episodes until `end`, the status poll in between when its time has come. */
async function user(url: string, who: Who, c: MixContext, rng: Random, end: number, out: Sample[]) {
  let lastStatus = performance.now() - rng.range(0, STATUS_POLL_MS);
  while (performance.now() < end) {
    const queue = episode(rng, c);
    while (queue.length > 0 && performance.now() < end) {
      if (c.status && performance.now() - lastStatus >= STATUS_POLL_MS) {
        lastStatus = performance.now();
        await send(url, who, STATUS, out);
      }
      const step = queue.shift()!;
      const body = await send(url, who, step, out);
      if (body !== null && step.next) queue.unshift(...step.next(body));
    }
  }
}

const quantile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

interface Figures {
  n: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** p95 of the 2xx answers alone: a fast 503 would otherwise pull the percentiles down. */
  okP95: number;
  errors: number;
  byStatus: Map<number, number>;
}

function figures(samples: Sample[], seconds: number): Figures {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const byStatus = new Map<number, number>();
  for (const s of samples) if (!res2xx(s.status)) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
  return {
    n: samples.length,
    rps: samples.length / seconds,
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    p99: quantile(ms, 0.99),
    max: ms[ms.length - 1] ?? NaN,
    okP95: quantile(
      samples
        .filter((s) => res2xx(s.status))
        .map((s) => s.ms)
        .sort((a, b) => a - b),
      0.95,
    ),
    errors: [...byStatus.values()].reduce((a, b) => a + b, 0),
    byStatus,
  };
}

const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '-');

function report(name: string, samples: Sample[], seconds: number): Figures {
  const all = figures(samples, seconds);
  const errs = [...all.byStatus].map(([s, n]) => `${s === 0 ? 'network' : s}: ${n}`).join(', ');
  console.log(`\n${name}: ${all.n} requests in ${seconds} s, ${all.rps.toFixed(1)} requests/s`);
  console.log(
    `  all routes   p50 ${f0(all.p50)} ms  p95 ${f0(all.p95)} ms  p99 ${f0(all.p99)} ms  max ${f0(all.max)} ms  errors ${all.errors}${errs ? ` (${errs})` : ''}; 2xx only: p95 ${f0(all.okP95)} ms`,
  );
  const routes = [...new Set(samples.map((s) => s.route))].sort();
  for (const r of routes) {
    const f = figures(
      samples.filter((s) => s.route === r),
      seconds,
    );
    console.log(
      `  ${r.padEnd(24)} n ${String(f.n).padStart(6)}  p50 ${f0(f.p50).padStart(5)} ms  p95 ${f0(f.p95).padStart(5)} ms  max ${f0(f.max).padStart(5)} ms  errors ${String(f.errors).padStart(5)}  2xx p95 ${f0(f.okP95).padStart(5)} ms`,
    );
  }
  return all;
}

/** One phase: a fresh server with `serveArgs`, logins, warm-up, then the measured window. */
async function phase(name: string, cacheMb: string, maxQueue?: string): Promise<Figures> {
  const extra = values['max-concurrent'] ? ['--max-concurrent', values['max-concurrent']] : [];
  if (maxQueue !== undefined) extra.push('--max-queue', maxQueue);
  const { child, url } = await startCli([
    'serve',
    '--workspace',
    WS,
    '--port',
    '0',
    '--cache-mb',
    cacheMb,
    ...extra,
  ]);
  try {
    const rng = new Random(SEED);
    const cookies: Who[] = [];
    // Each virtual user has its own session, as 50 people at 50 browsers would.
    const weights = ROLES.map((r) => r[2]);
    for (let i = 0; i < USERS; i++) {
      let x = rng.next();
      let k = 0;
      while (k < weights.length - 1 && x >= weights[k]!) x -= weights[k++]!;
      cookies.push({ role: ROLES[k]![1], cookie: await login(url, ROLES[k]![0]) });
    }
    const c = await context(url, cookies[0]!.cookie);
    const t0 = performance.now();
    const measureFrom = t0 + WARMUP * 1000;
    const end = measureFrom + SECONDS * 1000;
    const samples: Sample[] = [];
    await Promise.all(cookies.map((who, i) => user(url, who, c, new Random(SEED, i + 1), end, samples)));
    const measured = samples.filter((s) => s.start >= measureFrom);
    // The share of measured requests asked before in the phase (warm-up included): the most an unbounded
    // per-snapshot cache could answer without computing.
    const seen = new Set(samples.filter((s) => s.start < measureFrom).map((s) => s.key));
    let repeats = 0;
    for (const s of measured) {
      if (seen.has(s.key)) repeats++;
      else seen.add(s.key);
    }
    console.log(
      `\n[${((100 * repeats) / measured.length).toFixed(1)}% of the measured requests repeat an earlier one (role and query)]`,
    );
    // Other work on the machine shares its cores with the server and these users: say how busy it was.
    console.log(
      `[load average ${loadavg()[0]!.toFixed(1)} over the last minute, ${cpus().length} cores, at the end of the phase]`,
    );
    return report(
      `${name} (${USERS} users, ${c.cities.length} other cities, status poll ${c.status})`,
      measured,
      SECONDS,
    );
  } finally {
    await stop(child);
  }
}

await ensureDemo();
ensureAccounts();
console.log(
  `bench/serve.ts: ${USERS} virtual users, ${WARMUP} s warm-up + ${SECONDS} s measured per phase, seed ${SEED}, workspace ${WS}`,
);
// The settings before issue 14 (every request computes; 4 may wait for the gate), then each change alone.
const before = await phase('before: cache off, 4 waiting (--cache-mb 0 --max-queue 4)', '0', '4');
const today = await phase('cache off, 64 waiting (--cache-mb 0)', '0');
const cached = await phase(
  `now: cache on, 64 waiting (--cache-mb ${values['cache-mb']})`,
  values['cache-mb'],
);
const ratio = (name: string, base: Figures): void =>
  console.log(
    `ratio now / ${name}: p95 ${(cached.p95 / base.p95).toFixed(3)}x, p99 ${(cached.p99 / base.p99).toFixed(3)}x, ` +
      `2xx p95 ${(cached.okP95 / base.okP95).toFixed(3)}x, requests/s ${(cached.rps / base.rps).toFixed(2)}x, ` +
      `errors ${base.errors} -> ${cached.errors}`,
  );
console.log('');
ratio('before', before);
ratio('cache off', today);
