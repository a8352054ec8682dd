import { renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UserError } from '../../errors.ts';
import { runBacktest, backtestTable } from '../../epi/backtest.ts';
import type { BacktestSource } from '../../epi/backtest.ts';
import { readCasesFile } from '../../epi/cases-file.ts';
import type { CasesFile, CountKind } from '../../epi/cases-file.ts';
import { daysBetween, reasonCounts } from '../../epi/csv-text.ts';
import type { Quarantined } from '../../epi/csv-text.ts';
import { fitEnsemble } from '../../epi/fit.ts';
import { forecastEnsemble } from '../../epi/forecast.ts';
import { hubCsv } from '../../epi/hub-csv.ts';
import { readMobilityFile } from '../../epi/mobility-file.ts';
import type { RegionLevel } from '../../epi/region-names.ts';
import { DEFAULT_DATA_DIR } from '../../epi/shared-data.ts';
import type { DerivedRatios, EpiData } from '../../epi/types.ts';
import { groupArg, groupsOf, list, nonNegative, scenarioArg, scenariosOf } from './forecast-args.ts';
import { date, int } from '../options.ts';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** Writes `file` whole or not at all: a kill mid-write leaves the previous file (or none), never half a CSV. */
function writeWhole(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function quarantineLine(what: string, rows: number, accepted: number, q: readonly Quarantined[]): string {
  const kinds = Object.entries(reasonCounts(q))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, n]) => `${n} ${k}`)
    .join('; ');
  return `${what}: ${rows} rows = ${accepted} accepted + ${q.length} quarantined${kinds ? ` (${kinds})` : ''}`;
}

function writeQuarantine(file: string, parts: [string, readonly Quarantined[]][]): void {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [
    'file,line,reason',
    ...parts.flatMap(([f, q]) => q.map((x) => `${esc(f)},${x.line},${esc(x.reason)}`)),
  ];
  writeWhole(file, lines.join('\n') + '\n');
}

interface ForecastFlags {
  cases?: string;
  origin?: string;
  horizon?: number;
  mobility?: string;
  regions?: RegionLevel;
  counts: CountKind | 'auto';
  members: number;
  seed: number;
  scenario: string[];
  group: string[];
  contactsPerCase?: number;
  suspectedPerConfirmed?: number;
  out?: string;
  quarantine?: string;
  backtest: boolean;
  data: string;
  source: BacktestSource;
  origins: string;
  start: string;
  mobilityAfter: 'carry' | 'none';
}

function forecastRun(flags: ForecastFlags): void {
  const o = { ...flags, regions: flags.regions ?? 'city' };
  if (!o.cases) throw new UserError('--cases FILE is required (or --backtest)');
  if (!o.out) throw new UserError('--out FILE is required (the Forecast-Hub-style CSV to write)');
  const cases: CasesFile = readCasesFile(o.cases, { level: o.regions, counts: o.counts });
  const data: EpiData = { ...cases.data };
  out(
    `${quarantineLine(`cases ${o.cases}`, cases.rows, cases.accepted, cases.quarantined)}; ${cases.encoding}; ` +
      `confirmed read as ${cases.counts} (${cases.countsBecause})`,
  );
  out(
    `${data.regions.length} ${o.regions} region(s), ${cases.data.days} day(s) from ${data.start}` +
      (cases.interpolatedDays ? `; ${cases.interpolatedDays} skipped day(s) interpolated` : '') +
      (cases.revisions ? `; ${cases.revisions} downward revision(s) kept (day unknown)` : ''),
  );
  const origin =
    o.origin ??
    new Date(Date.parse(`${data.start}T00:00:00Z`) + (data.days - 1) * 86_400_000).toISOString().slice(0, 10);
  const at = daysBetween(data.start, origin);
  if (at < 0 || at >= data.days)
    throw new UserError(`--origin ${origin} is outside the cases' dates ${data.start} + ${data.days} day(s)`);
  if (o.mobility) {
    const m = readMobilityFile(o.mobility, data, { level: o.regions });
    data.flows = m.flows;
    out(
      `${quarantineLine(`mobility ${o.mobility}`, m.rows, m.accepted, m.quarantined)}; ${m.internal} trip row(s) inside one region dropped; ` +
        `${m.flows.length} day(s) of flows (${m.daysBeforeFirst} before the first mobility date use its flows, ${m.daysCarried} gap day(s) carried)`,
    );
    if (o.quarantine)
      writeQuarantine(o.quarantine, [
        [o.cases, cases.quarantined],
        [o.mobility, m.quarantined],
      ]);
  } else {
    out('no --mobility: regions are not coupled by travel');
    if (o.quarantine) writeQuarantine(o.quarantine, [[o.cases, cases.quarantined]]);
  }
  if ((o.contactsPerCase === undefined) !== (o.suspectedPerConfirmed === undefined))
    throw new UserError('give both --contacts-per-case and --suspected-per-confirmed, or neither');
  const ratios: DerivedRatios | undefined =
    o.contactsPerCase === undefined
      ? undefined
      : {
          contactsPerCase: o.contactsPerCase,
          suspectedPerConfirmed: o.suspectedPerConfirmed!,
          source: 'given',
        };
  const scenarios = scenariosOf(o.scenario, data, o.regions);
  const groups = groupsOf(o.group, data, o.regions);
  const t0 = Date.now();
  const fit = fitEnsemble(data, { members: o.members, seed: o.seed, originDay: at + 1 });
  const known = { ...data, days: at + 1 };
  const rows = forecastEnsemble(fit, known, {
    horizon: o.horizon ?? 30,
    seed: o.seed + 1,
    scenarios,
    groups,
    ratios,
  });
  const last = fit.trajectory.at(-1);
  const rt = last?.params.Rt;
  out(
    `fitted ${fit.days} day(s) (${data.start} to ${origin}) with ${fit.members} members in ${((Date.now() - t0) / 1000).toFixed(1)} s` +
      (rt
        ? `; Rt on ${origin}: ${rt.mean.toFixed(2)} (90% ${rt.lower.toFixed(2)}-${rt.upper.toFixed(2)})`
        : ''),
  );
  const names = new Map<string, string>([
    ...data.regions.map((r): [string, string] => [r.code, r.name]),
    ...groups.map((g): [string, string] => [g.code, g.name]),
  ]);
  writeWhole(o.out, hubCsv(rows, names));
  out(
    `wrote ${rows.length} row(s) to ${o.out}: ${1 + scenarios.length} scenario(s), ${data.regions.length + groups.length} region(s)/group(s), ` +
      `horizons 1-${o.horizon ?? 30}, ${ratios ? 'confirmed, deaths, contacts, suspected' : 'confirmed, deaths'}`,
  );
}

function backtestRun(flags: ForecastFlags): void {
  const o = { ...flags, regions: flags.regions ?? 'province' };
  const origins = list(o.origins).map((d) => {
    try {
      return date(d);
    } catch (e) {
      throw new UserError(`--origins: ${(e as Error).message}`);
    }
  });
  const r = runBacktest({
    dir: o.data,
    source: o.source,
    level: o.regions,
    origins,
    horizon: o.horizon ?? 28,
    members: o.members,
    seed: o.seed,
    start: o.start,
    mobilityAfter: o.mobilityAfter,
    now: () => Date.now(),
  });
  for (const l of backtestTable(r)) out(l);
}

/** `epitrace forecast` (from files) and `epitrace forecast --backtest`; returns the command so others can add subcommands. */
export function registerForecast(program: Command): Command {
  return program
    .command('forecast')
    .description(
      'fit the SEIR model to a cases file and forecast 30 days (Forecast-Hub CSV), or --backtest on real data',
    )
    .option(
      '--cases <file>',
      'cases CSV: date,region,confirmed[,deaths] (README "Forecast input and output formats")',
    )
    .option('--origin <date>', 'last day fitted (default: the last date of the cases)', date)
    .option('--horizon <days>', 'days ahead (default 30; 28 with --backtest)', int('--horizon', 1))
    .option('--mobility <file>', 'mobility CSV: date,origin,destination,value')
    .addOption(
      new Option(
        '--regions <level>',
        'model cities or provinces, rows summed up (default city; province with --backtest)',
      ).choices(['city', 'province']),
    )
    .addOption(
      new Option(
        '--counts <kind>',
        'confirmed and deaths are cumulative or daily (auto: cumulative when no series falls)',
      )
        .choices(['auto', 'cumulative', 'daily'])
        .default('auto'),
    )
    .option('--members <n>', 'ensemble members', int('--members', 2), 300)
    .option('--seed <n>', 'random seed (same seed, same numbers)', int('--seed'), 1)
    .option(
      '--scenario <spec>',
      'NAME:REGIONS:CUT:FROM, travel out of/into REGIONS scaled by 1-CUT from FROM (repeatable)',
      scenarioArg,
      [],
    )
    .option(
      '--group <spec>',
      "NAME:REGIONS also forecast their sum, e.g. 'outside-hubei:*-420000' (repeatable)",
      groupArg,
      [],
    )
    .option(
      '--contacts-per-case <x>',
      'close contacts per confirmed case (adds contacts)',
      nonNegative('--contacts-per-case'),
    )
    .option(
      '--suspected-per-confirmed <y>',
      'suspected per confirmed case (adds suspected)',
      nonNegative('--suspected-per-confirmed'),
    )
    .option('--out <file>', 'Forecast-Hub-style CSV to write')
    .option('--quarantine <file>', 'also write the quarantined input rows (file,line,reason) here')
    .option(
      '--backtest',
      'score forecasts against what was reported, next to naive baselines, on the shared real data',
      false,
    )
    .option('--data <dir>', 'folder of the shared epi data (--backtest)', DEFAULT_DATA_DIR)
    .addOption(
      new Option('--source <name>', 'backtest data (--backtest)')
        .choices(['china-cases', 'li2020'])
        .default('china-cases'),
    )
    .option(
      '--origins <dates>',
      'backtest forecast origins, comma list (--backtest)',
      '2020-01-28,2020-02-04,2020-02-11,2020-02-18',
    )
    .option('--start <date>', 'first day of china-cases data used (--backtest)', date, '2020-01-15')
    .addOption(
      new Option(
        '--mobility-after <how>',
        "travel after Li et al.'s last mobility day, 2020-01-23: that day's flows carried on, or none (--backtest)",
      )
        .choices(['carry', 'none'])
        .default('carry'),
    )
    .action((o: ForecastFlags) => (o.backtest ? backtestRun(o) : forecastRun(o)));
}
