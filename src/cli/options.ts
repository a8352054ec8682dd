import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { AUDIT_DIR_ENV } from '../privacy/audit.ts';
import { DEFAULT_K } from '../privacy/disclosure.ts';
import { DEFAULT_LIMITS } from '../server/limits.ts';
import { DEFAULT_CACHE_MB } from '../snapshot/source.ts';
import type { ServeOptions } from './serve.ts';
import { defaultParams, peopleAtScale } from '../synth/params.ts';
import type { ScenarioParams } from '../synth/params.ts';

/** Where workspaces go unless --workspace says otherwise. */
export const DEFAULT_WORKSPACE = './epitrace-data';

/** Option parser for a whole number >= min, with a message naming the option. */
export function int(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got '${v}'`);
    }
    return n;
  };
}

/** Option parser for a calendar date YYYY-MM-DD. */
export function date(v: string): string {
  // Date.parse gives NaN for 2020-01-32 and rolls 2020-02-30 over to March: both are refused.
  const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) {
    throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got '${v}'`);
  }
  return v;
}

/** Option parser for a 6-digit division code. */
export function divisionCode(v: string): string {
  if (!/^\d{6}$/.test(v)) throw new InvalidArgumentError(`expected a 6-digit division code, got '${v}'`);
  return v;
}

/** Option parser for a probability in [0, 1]. */
export function rate(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n >= 0 && n <= 1))
      throw new InvalidArgumentError(`${name} must be a number from 0 to 1, got '${v}'`);
    return n;
  };
}

/** Option parser for a closure: CODE[,CODE...]@YYYY-MM-DDTHH:MM (China Standard Time). */
export function lockdownSpec(v: string): { cities: string[]; at: string } {
  const m = /^(\d{6}(?:,\d{6})*)@(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(v);
  const ok = m && date(m[2]!) && Number(m[3]) < 24 && Number(m[4]) < 60;
  if (!m || !ok) {
    throw new InvalidArgumentError(
      `expected CODE[,CODE...]@YYYY-MM-DDTHH:MM (e.g. 420100@2020-01-23T10:00), got '${v}'`,
    );
  }
  return { cities: m[1]!.split(','), at: `${m[2]}T${m[3]}:${m[4]}` };
}

export interface ScenarioFlags {
  scale?: number;
  epicentreShare: number;
  gapMeanMinutes: number;
  pingPongRate: number;
  duplicateRate: number;
  malformedRate: number;
  people: number;
  days: number;
  start: string;
  seed: number;
  epicentre: string;
  /** false with --no-lockdown, a spec with --lockdown, undefined for the default. */
  lockdown?: false | { cities: string[]; at: string };
  lockdownLeak: number;
  lockdownCut: number;
  outflowProfile: ScenarioParams['outflowProfile'];
}

/** The scenario options shared by `synth` and `demo`. */
export function scenarioOptions(cmd: Command): Command {
  return cmd
    .option('--people <n>', 'simulated people (all operators)', int('--people', 1), defaultParams.people)
    .option('--days <n>', 'simulated days', int('--days', 1), defaultParams.days)
    .option('--start <date>', 'first simulated day (YYYY-MM-DD)', date, defaultParams.start)
    .option('--seed <n>', 'random seed (same seed, same bytes)', int('--seed'), defaultParams.seed)
    .option('--epicentre <code>', 'epicentre city code', divisionCode, defaultParams.epicentre)
    .option(
      '--scale <n>',
      'people = 2020 census population / n (e.g. 10000); overrides --people',
      int('--scale', 1),
    )
    .option(
      '--epicentre-share <p>',
      'share of people living in the epicentre (0 = by census like the rest)',
      rate('--epicentre-share'),
      defaultParams.epicentreShare,
    )
    .option(
      '--lockdown <spec>',
      `CODE[,CODE...]@YYYY-MM-DDTHH:MM closes cities from then: nobody in, departures at the leak rate, less activity inside (default ${defaultLockdown()})`,
      lockdownSpec,
    )
    .option('--no-lockdown', 'no closure at all')
    .option(
      '--lockdown-leak <p>',
      "departures after the closure, as a share of the day before's",
      rate('--lockdown-leak'),
      defaultParams.lockdown?.leak ?? 0,
    )
    .option(
      '--lockdown-cut <p>',
      'share of the activity inside a closed city that stops',
      rate('--lockdown-cut'),
      defaultParams.lockdown?.localCut ?? 0,
    )
    .addOption(
      new Option(
        '--outflow-profile <profile>',
        "the epicentre's daily outflow: Baidu's 2020 index, or a linear rise",
      )
        .choices(['baidu-2020', 'linear'])
        .default(defaultParams.outflowProfile),
    )
    .option(
      '--gap-mean-minutes <n>',
      "mean gap between a person's events (exponential)",
      int('--gap-mean-minutes', 1),
      defaultParams.gapMeanMinutes,
    )
    .option(
      '--ping-pong-rate <p>',
      'share of records served by a neighbouring cell',
      rate('--ping-pong-rate'),
      defaultParams.pingPongRate,
    )
    .option(
      '--duplicate-rate <p>',
      'share of records emitted twice',
      rate('--duplicate-rate'),
      defaultParams.duplicateRate,
    )
    .option(
      '--malformed-rate <p>',
      'share of records followed by a malformed row',
      rate('--malformed-rate'),
      defaultParams.malformedRate,
    );
}

/** Scenario parameters from the flags, defaults for the rest. */
export function scenarioParams(f: ScenarioFlags): ScenarioParams {
  return {
    ...defaultParams,
    people: f.scale ? peopleAtScale(f.scale) : f.people,
    days: f.days,
    start: f.start,
    seed: f.seed,
    epicentre: f.epicentre,
    epicentreShare: f.epicentreShare,
    gapMeanMinutes: f.gapMeanMinutes,
    pingPongRate: f.pingPongRate,
    duplicateRate: f.duplicateRate,
    malformedRate: f.malformedRate,
    outflowProfile: f.outflowProfile,
    lockdown:
      f.lockdown === false
        ? null
        : {
            ...(f.lockdown ?? defaultParams.lockdown ?? { cities: [], at: '' }),
            leak: f.lockdownLeak,
            localCut: f.lockdownCut,
          },
  };
}

/** The default closure as --lockdown spells it. */
function defaultLockdown(): string {
  const l = defaultParams.lockdown;
  return l ? `${l.cities.join(',')}@${l.at}` : 'none';
}

export interface ServeFlags {
  workspace: string;
  host: string;
  port: number;
  k: number;
  maxSpanDays: number;
  maxConcurrent: number;
  maxQueue: number;
  secureCookies: boolean;
  trustProxy: boolean;
  auditDir?: string;
  cacheMb: number;
}

/** The server options shared by `serve` and `demo`. */
export function serveOptions(cmd: Command): Command {
  return cmd
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', int('--port'), 8080)
    .option('--k <n>', 'disclosure control: minimum published count', int('--k', 1), DEFAULT_K)
    .option(
      '--max-span-days <n>',
      'longest date range of one query',
      int('--max-span-days', 1),
      DEFAULT_LIMITS.maxSpanDays,
    )
    .option(
      '--max-concurrent <n>',
      'analytics queries computed at once (more wait, then 503)',
      int('--max-concurrent', 1),
      DEFAULT_LIMITS.maxConcurrent,
    )
    .option(
      '--max-queue <n>',
      'analytics queries allowed to wait for a turn (more get 503)',
      int('--max-queue', 0),
      DEFAULT_LIMITS.maxQueue,
    )
    .option('--secure-cookies', 'mark the session cookie Secure (serving behind HTTPS)', false)
    .option(
      '--trust-proxy',
      'trust X-Forwarded-* from a reverse proxy (Secure cookie when it says https)',
      false,
    )
    .option(
      '--audit-dir <dir>',
      `folder of audit.key and audit.checkpoints (default $${AUDIT_DIR_ENV}, else <workspace>/keys)`,
    )
    .option(
      '--cache-mb <n>',
      'answers of aggregate queries kept per published snapshot, in MB of JSON (0 = off)',
      int('--cache-mb', 0),
      DEFAULT_CACHE_MB,
    );
}

/** The server options from the flags. */
export function serveSettings(o: ServeFlags): ServeOptions {
  return {
    host: o.host,
    port: o.port,
    k: o.k,
    limits: { maxSpanDays: o.maxSpanDays, maxConcurrent: o.maxConcurrent, maxQueue: o.maxQueue },
    secureCookies: o.secureCookies,
    trustProxy: o.trustProxy,
    auditDir: o.auditDir,
    cacheMb: o.cacheMb,
  };
}
