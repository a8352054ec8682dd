import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { UserError } from '../../errors.ts';
import { loadDivisions } from '../../geo/divisions.ts';
import { DEFAULT_K } from '../../privacy/disclosure.ts';
import { areaLabels } from '../../risk/areas.ts';
import type { AreaLevel, IndexLevel } from '../../risk/areas.ts';
import { buildRisk } from '../../risk/build.ts';
import { heatmap } from '../../risk/heatmap.ts';
import { DEFAULT_RISK_SET, parseRiskSet } from '../../risk/people.ts';
import type { RiskKind } from '../../risk/people.ts';
import { alertsOf, indexOf, levelsOf, riskMeta } from '../../risk/query.ts';
import { COMPONENTS, DEFAULT_WEIGHTS, parseWeights } from '../../risk/risk-index.ts';
import type { Weights } from '../../risk/risk-index.ts';
import type { Workspace } from '../../workspace.ts';
import { withReadDuck, withWriter } from '../with-duck.ts';
import { DEFAULT_WORKSPACE, date, divisionCode, int } from '../options.ts';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** Option parser for a city code known to the built-in divisions. */
function cityCode(v: string): string {
  divisionCode(v);
  try {
    if (loadDivisions().byCode(v, 'city').level === 'city') return v;
  } catch {
    // fall through to the message below
  }
  throw new InvalidArgumentError(`'${v}' is not a city code (e.g. 420100)`);
}

/** Option parser for an hour YYYY-MM-DDTHH. */
function hourArg(v: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})$/.exec(v);
  if (!m || Number(m[2]) > 23) throw new InvalidArgumentError(`expected an hour YYYY-MM-DDTHH, got '${v}'`);
  date(m[1]!);
  return v;
}

function setArg(v: string): RiskKind[] {
  try {
    return parseRiskSet(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function weightsArg(v: string): Weights {
  const w = parseWeights(v);
  if (typeof w === 'string') throw new InvalidArgumentError(w);
  return w;
}

function csvField(v: string | number | boolean | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes a table as CSV (header first) when `file` is given. */
function writeCsv(
  file: string | undefined,
  header: string[],
  rows: (string | number | boolean | null)[][],
): void {
  if (!file) return;
  writeFileSync(file, [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n');
  out(`wrote ${rows.length} row(s) to ${file}`);
}

/** Prints a table: tab-separated, header first. */
function table(header: string[], rows: (string | number | boolean | null)[][]): void {
  out(header.join('\t'));
  for (const r of rows) out(r.map((v) => (v === null ? '-' : String(v))).join('\t'));
}

/** A day within the build's days, or a UserError naming it. */
function checkDay(m: { first: string | null; last: string | null }, day: string, what: string): void {
  if ((m.first && day < m.first) || (m.last && day > m.last))
    throw new UserError(`${what} ${day} is outside the data days ${m.first} to ${m.last}`);
}

function syntheticLine(ws: Workspace): void {
  if (ws.info().synthetic) out('SYNTHETIC workspace: simulated people, no real person');
}

const f2 = (n: number): string => n.toFixed(2);

/** `epitrace risk build|heatmap|levels|index|alerts`; returns the `risk` command so others can add subcommands. */
export function registerRisk(program: Command): Command {
  const ws = (c: Command): Command =>
    c.option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE);
  const kOpt = (c: Command): Command =>
    c.option('--k <n>', 'disclosure control: minimum published count', int('--k', 1), DEFAULT_K);
  const risk = program
    .command('risk')
    .description('high-risk people, heatmap, area risk levels, risk index and alerts');

  kOpt(
    ws(risk.command('build').description('(re)build the risk tables from the case registry and the stays')),
  )
    .option(
      '--set <kinds>',
      `who is high-risk in the heatmap: comma list of companion, suspected, confirmed`,
      setArg,
      [...DEFAULT_RISK_SET],
    )
    .option(
      '--weights <list>',
      `index weights, e.g. cases=0.4,density=0.1 (defaults ${COMPONENTS.map((c) => `${c}=${DEFAULT_WEIGHTS[c]}`).join(',')})`,
      weightsArg,
      DEFAULT_WEIGHTS,
    )
    .option(
      '--no-publish',
      'do not publish a snapshot for the server at the end (a job publishes once at its end)',
    )
    .action(
      async (o: { workspace: string; set: RiskKind[]; weights: Weights; k: number; publish: boolean }) => {
        const s = await withWriter(o.workspace, o, (db) =>
          buildRisk(db, { set: o.set, weights: o.weights, k: o.k }),
        );
        out(
          `high-risk people: ${s.people.companion} companion(s) of confirmed cases, ${s.people.suspected} suspected, ` +
            `${s.people.confirmed} confirmed (${s.people.batches} confirmation day(s) searched); heatmap set ${o.set.join(',')}`,
        );
        out(
          `days ${s.first ?? '-'} to ${s.last ?? '-'}: ${s.presenceRows} heatmap rows, ${s.cases} located cases, ` +
            `${s.links} case links, ${s.levelRows} level rows, ${s.indexRows} index rows, ${s.alerts} alerts; ` +
            `${(s.ms / 1000).toFixed(1)} s (${Object.entries(s.steps)
              .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`)
              .join(', ')})`,
        );
      },
    );

  kOpt(
    ws(
      risk.command('heatmap').description('high-risk people present per grid square or community in an hour'),
    ),
  )
    .requiredOption('--city <code>', 'city code, e.g. 420100', cityCode)
    .requiredOption('--hour <hour>', 'hour YYYY-MM-DDTHH', hourArg)
    .addOption(
      new Option('--kind <kind>', 'grid squares or communities')
        .choices(['grid', 'community'])
        .default('grid'),
    )
    .option('--csv <file>', 'also write the areas to this CSV file')
    .action(
      async (o: {
        workspace: string;
        city: string;
        hour: string;
        kind: 'grid' | 'community';
        k: number;
        csv?: string;
      }) => {
        await withReadDuck(o.workspace, async (db, w) => {
          const m = await riskMeta(db);
          checkDay(m, o.hour.slice(0, 10), '--hour');
          const h = await heatmap(
            db,
            { city: o.city, hour: `${o.hour.slice(0, 10)} ${o.hour.slice(11)}:00:00`, kind: o.kind, k: o.k },
            (codes) => areaLabels(db, 'community', codes),
          );
          syntheticLine(w);
          out(
            `city ${o.city}, ${o.hour}:00, ${o.kind}, set ${m.set.join(',')}: ${h.areas.length} area(s), ` +
              `total ${h.total ?? `< ${o.k}`}, ${h.suppressedAreas} more suppressed (< ${o.k}, not listed)`,
          );
          // Published areas only; grid centres to 3 decimals (the grid step is 0.01 degrees).
          const rows = h.areas.map((a) => [a.area, a.name, a.lon.toFixed(3), a.lat.toFixed(3), a.count]);
          table(['area', 'name', 'lon', 'lat', 'count'], rows);
          writeCsv(o.csv, ['area', 'name', 'lon', 'lat', 'count'], rows);
        });
      },
    );

  kOpt(ws(risk.command('levels').description('area risk levels of a city on a day (2020 national rule)')))
    .requiredOption('--city <code>', 'city code, e.g. 420100', cityCode)
    .requiredOption('--day <date>', 'day YYYY-MM-DD', date)
    .addOption(
      new Option('--level <level>', 'area level')
        .choices(['county', 'street', 'community'])
        .default('county'),
    )
    .option('--csv <file>', 'also write the areas to this CSV file')
    .action(
      async (o: {
        workspace: string;
        city: string;
        day: string;
        level: AreaLevel;
        k: number;
        csv?: string;
      }) => {
        await withReadDuck(o.workspace, async (db, w) => {
          checkDay(await riskMeta(db), o.day, '--day');
          const areas = await levelsOf(db, { city: o.city, day: o.day, level: o.level, k: o.k });
          syntheticLine(w);
          const rows = areas.map((a) => [a.code, a.name, a.risk, a.cumulative, a.new14, a.cluster]);
          table(['code', 'name', 'risk', 'cumulative', 'new14', 'cluster'], rows);
          out(`${areas.length} ${o.level}(s); counts below k = ${o.k} shown as -`);
          writeCsv(o.csv, ['code', 'name', 'risk', 'cumulative', 'new14', 'cluster'], rows);
        });
      },
    );

  ws(risk.command('index').description('risk index of the areas of a city on a day, with its components'))
    .requiredOption('--city <code>', 'city code, e.g. 420100', cityCode)
    .requiredOption('--day <date>', 'day YYYY-MM-DD', date)
    .addOption(
      new Option('--level <level>', 'area level')
        .choices(['city', 'county', 'street', 'community'])
        .default('county'),
    )
    .option('--csv <file>', 'also write the areas to this CSV file')
    .action(async (o: { workspace: string; city: string; day: string; level: IndexLevel; csv?: string }) => {
      await withReadDuck(o.workspace, async (db, w) => {
        const m = await riskMeta(db);
        checkDay(m, o.day, '--day');
        const areas = await indexOf(db, { city: o.city, day: o.day, level: o.level });
        syntheticLine(w);
        out(
          `weights ${COMPONENTS.map((c) => `${c}=${m.weights[c]}`).join(', ')}; components normalised (raw in brackets)`,
        );
        const header = ['code', 'name', 'index', 'warning', ...COMPONENTS];
        table(
          header,
          areas.map((a) => [
            a.code,
            a.name,
            f2(a.index),
            a.warning,
            ...COMPONENTS.map((c) => `${f2(a.components[c])} (${f2(a.raw[c])})`),
          ]),
        );
        writeCsv(
          o.csv,
          [...header, ...COMPONENTS.map((c) => `${c}_raw`)],
          areas.map((a) => [
            a.code,
            a.name,
            a.index,
            a.warning,
            ...COMPONENTS.map((c) => a.components[c]),
            ...COMPONENTS.map((c) => a.raw[c]),
          ]),
        );
      });
    });

  ws(
    risk.command('alerts').description('what changed in a city since the day before (risk levels, warnings)'),
  )
    .requiredOption('--city <code>', 'city code, e.g. 420100', cityCode)
    .requiredOption('--day <date>', 'day YYYY-MM-DD', date)
    .option('--csv <file>', 'also write the alerts to this CSV file')
    .action(async (o: { workspace: string; city: string; day: string; csv?: string }) => {
      await withReadDuck(o.workspace, async (db, w) => {
        checkDay(await riskMeta(db), o.day, '--day');
        const alerts = await alertsOf(db, { city: o.city, day: o.day });
        syntheticLine(w);
        const rows = alerts.map((a) => [a.level, a.code, a.name, a.what, a.from, a.to]);
        table(['level', 'code', 'name', 'what', 'from', 'to'], rows);
        out(`${alerts.length} change(s) on ${o.day} since the day before`);
        writeCsv(o.csv, ['level', 'code', 'name', 'what', 'from', 'to'], rows);
      });
    });
  return risk;
}
