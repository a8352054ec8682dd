import type { Command } from 'commander';
import { Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { UserError } from '../../errors.ts';
import { loadDivisions } from '../../geo/divisions.ts';
import type { Figure } from '../../pipeline/flows.ts';
import { inflowAnswer, outflow } from '../../pipeline/flows.ts';
import { returnees } from '../../pipeline/returnees.ts';
import { firstDays, scale } from '../../pipeline/scale.ts';
import { DEFAULT_K } from '../../privacy/disclosure.ts';
import { divisionNaming } from '../../server/routes-flows.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE, int } from '../options.ts';
import { auditCli } from '../serve.ts';
import { withReadDuck } from '../with-duck.ts';

/**
 * `epitrace flows outflow|inflow|returnees|scale`: the published flows of the API (the same functions, the
 * same disclosure control), as a table, CSV or the API's JSON. Bad input is one line naming the option (exit 2).
 */

type Format = 'table' | 'csv' | 'json';

interface Common {
  workspace: string;
  from: string;
  to: string;
  k: number;
  format: Format;
}

/** What a subcommand computed: the API's answer and the rows a table or CSV shows. */
export interface FlowsReport {
  answer: Record<string, unknown> & { synthetic: boolean };
  title: string;
  rows: (Figure & { key: string; name?: string; nameEn?: string; index?: number | null })[];
}

const SYNTHETIC = 'SYNTHETIC DATA: simulated records, not real people or real movements.';

/** Checks a YYYY-MM-DD option value; a UserError naming the option otherwise. */
function day(option: string) {
  return (v: string): string => {
    const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v)
      throw new UserError(`${option}: expected a date YYYY-MM-DD, got '${v}'`);
    return v;
  };
}

/** A city or province code for `option`; a county is refused as the API refuses it. */
function region(option: string, cityOnly = false) {
  return (v: string): string => {
    const div = loadDivisions();
    let level: string;
    try {
      level = div.byCode(v).level;
    } catch {
      throw new UserError(`${option}: ${v} is not a ${cityOnly ? 'city' : 'city or province'} code`);
    }
    if (level === 'county')
      throw new UserError(
        `${option}: ${v} is a county: county level is not published (county figures beside city figures would let their differences reveal suppressed counts); choose its city or province`,
      );
    if (cityOnly && level !== 'city') throw new UserError(`${option}: ${v} is not a city code`);
    return v;
  };
}

/** from <= to, both within the workspace's data days when it knows them. */
function checkDays(ws: Workspace, pairs: [string, string, string, string][]): void {
  const s = ws.info().scenario;
  for (const [fromOpt, from, toOpt, to] of pairs) {
    if (from > to) throw new UserError(`${fromOpt}: ${from} is after ${toOpt} ${to}`);
    if (s?.from && from < s.from)
      throw new UserError(`${fromOpt}: ${from} is before the first data day ${s.from}`);
    if (s?.to && to > s.to) throw new UserError(`${toOpt}: ${to} is after the last data day ${s.to}`);
  }
}

/** Runs one flows query on the workspace (analytics.duckdb, or its snapshot while a job writes), audited. */
async function query<T>(
  o: Common,
  action: string,
  detail: Record<string, unknown>,
  f: (db: Parameters<Parameters<typeof withReadDuck>[1]>[0]) => Promise<T>,
): Promise<{ r: T; synthetic: boolean }> {
  const ws = new Workspace(o.workspace).require();
  const r = await withReadDuck(ws.root, (db) => f(db));
  // k is recorded too: a run with a small --k publishes figures near the true counts.
  auditCli(ws, action, { ...detail, k: o.k });
  return { r, synthetic: ws.info().synthetic };
}

const fmtExpanded = (f: Figure) =>
  f.expanded ? [f.expanded.value, f.expanded.lo, f.expanded.hi ?? ''] : ['', '', ''];

/** The report's rows as text lines: synthetic first, then a header and one line per row. */
export function flowsLines(rep: FlowsReport, k: number): string[] {
  const lines: string[] = [];
  if (rep.answer.synthetic) lines.push(SYNTHETIC);
  lines.push(rep.title);
  const withIndex = rep.rows.some((r) => r.index !== undefined);
  lines.push(
    `${'key'.padEnd(10)} ${'count'.padStart(8)} ${'expanded'.padStart(10)} ${'lo'.padStart(10)} ${'hi'.padStart(10)}` +
      `${withIndex ? ` ${'index'.padStart(7)}` : ''} ${'cells<k'.padStart(7)}  name`,
  );
  for (const r of rep.rows) {
    const [v, lo, hi] = fmtExpanded(r);
    const count = r.suppressed ? `< ${k}` : String(r.count);
    lines.push(
      `${r.key.padEnd(10)} ${count.padStart(8)} ${String(v).padStart(10)} ${String(lo).padStart(10)} ${String(hi).padStart(10)}` +
        `${withIndex ? ` ${String(r.index ?? '').padStart(7)}` : ''} ${String(r.suppressedCells).padStart(7)}  ` +
        `${r.name ?? ''}${r.nameEn ? ` ${r.nameEn}` : ''}`,
    );
  }
  return lines;
}

/** CSV with `synthetic` as the first column; suppressed rows have an empty count and `suppressed` true. */
export function flowsCsv(rep: FlowsReport): string {
  const withIndex = rep.rows.some((r) => r.index !== undefined);
  const columns = [
    'synthetic',
    'key',
    'name',
    'name_en',
    'count',
    'suppressed',
    'suppressed_cells',
    'expanded',
    'expanded_lo',
    'expanded_hi',
    ...(withIndex ? ['index'] : []),
  ];
  const rows = rep.rows.map((r) => [
    rep.answer.synthetic,
    r.key,
    r.name ?? '',
    r.nameEn ?? '',
    r.count ?? '',
    r.suppressed,
    r.suppressedCells,
    ...fmtExpanded(r),
    ...(withIndex ? [r.index ?? ''] : []),
  ]);
  return stringify(rows, { header: true, columns, cast: { boolean: (b) => String(b) } });
}

function print(rep: FlowsReport, o: Common, out: (s: string) => void): void {
  if (o.format === 'json') out(JSON.stringify(rep.answer, null, 2));
  else if (o.format === 'csv') out(flowsCsv(rep).trimEnd());
  else for (const l of flowsLines(rep, o.k)) out(l);
}

/** `epitrace flows outflow` / `inflow` as a report. */
export async function flowsDirection(
  o: Common & { region: string; by: 'city' | 'province' | 'day' },
  direction: 'out' | 'in',
): Promise<FlowsReport> {
  const ws = new Workspace(o.workspace).require();
  checkDays(ws, [['--from', o.from, '--to', o.to]]);
  const field = direction === 'out' ? 'origin' : 'dest';
  const { r, synthetic } = await query(
    o,
    `flows.${direction === 'out' ? 'outflow' : 'inflow'}`,
    {
      [field]: o.region,
      from: o.from,
      to: o.to,
    },
    (db) => outflow(db, { origin: o.region, direction, from: o.from, to: o.to, k: o.k }, divisionNaming()),
  );
  const answer = direction === 'out' ? { ...r, synthetic } : { ...inflowAnswer(r), synthetic };
  const rows =
    o.by === 'province'
      ? r.byProvince.map((p) => ({ ...p, key: p.code }))
      : o.by === 'day'
        ? r.daily.map((d) => ({ ...d, key: d.date }))
        : r.destinations.map((d) => ({ ...d, key: d.code }));
  const word = direction === 'out' ? 'outflow from' : 'inflow to';
  const total = r.total.suppressed ? `< ${o.k}` : String(r.total.count);
  return {
    answer,
    rows,
    title:
      `${word} ${r.origin.code} ${r.origin.name} ${r.origin.nameEn} (${r.origin.level}) ${o.from}..${o.to}, by ${o.by}: ` +
      `total ${total} people (sample; published city cells, k = ${o.k})` +
      (r.total.expanded
        ? `, expanded ${r.total.expanded.value} [${r.total.expanded.lo}, ${r.total.expanded.hi ?? '-'}]`
        : ''),
  };
}

/** `epitrace flows returnees` as a report. */
export async function flowsReturnees(o: Common & { city: string; source: string }): Promise<FlowsReport> {
  const ws = new Workspace(o.workspace).require();
  checkDays(ws, [['--from', o.from, '--to', o.to]]);
  const q = { level: 'city' as const, home: o.city, source: o.source, from: o.from, to: o.to, k: o.k };
  const { r, synthetic } = await query(
    o,
    'flows.returnees',
    { city: o.city, source: o.source, from: o.from, to: o.to },
    (db) => returnees(db, q, divisionNaming()),
  );
  return {
    answer: { ...r, synthetic },
    rows: r.daily.map((d) => ({ ...d, key: d.date })),
    title: `returnees to ${o.city} from ${o.source} by day of return ${o.from}..${o.to} (sample; k = ${o.k})`,
  };
}

/** `epitrace flows scale` as a report. */
export async function flowsScale(
  o: Common & { region: string; direction: 'out' | 'in'; baseFrom?: string; baseTo?: string },
): Promise<FlowsReport> {
  const ws = new Workspace(o.workspace).require();
  const s = ws.info().scenario;
  const dflt = firstDays(s?.from && s.to ? { from: s.from, to: s.to } : o, 7);
  const base = { baseFrom: o.baseFrom ?? dflt.from, baseTo: o.baseTo ?? dflt.to };
  checkDays(ws, [
    ['--from', o.from, '--to', o.to],
    ['--base-from', base.baseFrom, '--base-to', base.baseTo],
  ]);
  const q = { region: o.region, direction: o.direction, from: o.from, to: o.to, ...base };
  const { r, synthetic } = await query(o, 'flows.scale', q, (db) =>
    scale(db, { ...q, k: o.k }, divisionNaming()),
  );
  return {
    answer: { ...r, synthetic },
    rows: r.daily.map((d) => ({ ...d, key: d.date })),
    title:
      `migration scale index, ${o.direction === 'out' ? 'outflow from' : 'inflow to'} ${r.region.code} ${r.region.name} ` +
      `${r.region.nameEn}: 100 = mean published daily total over ${base.baseFrom}..${base.baseTo} ` +
      `(${r.base.mean === null ? 'none published' : `${Math.round(r.base.mean * 10) / 10} people, ${r.base.days} of ${r.base.totalDays} days`})`,
  };
}

function common(cmd: Command): Command {
  return cmd
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .requiredOption('--from <date>', 'first arrival day YYYY-MM-DD', day('--from'))
    .requiredOption('--to <date>', 'last arrival day YYYY-MM-DD, inclusive', day('--to'))
    .option('--k <n>', 'disclosure control: minimum published cell count', int('--k', 1), DEFAULT_K)
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv', 'json']).default('table'));
}

/** Registers `epitrace flows` and its four subcommands. */
export function registerFlows(
  program: Command,
  out: (line: string) => void = (s) => void process.stdout.write(`${s}\n`),
): Command {
  const flows = program
    .command('flows')
    .description('published flows (disclosure-controlled city cells), as the API gives them');
  const by = new Option('--by <level>', 'rows: the other ends by city or province, or the days')
    .choices(['city', 'province', 'day'])
    .default('city');
  common(flows.command('outflow').description('outflow from a city or province by destination'))
    .requiredOption('--origin <code>', 'city or province code', region('--origin'))
    .addOption(by)
    .action(async (o: Common & { origin: string; by: 'city' | 'province' | 'day' }) =>
      print(await flowsDirection({ ...o, region: o.origin }, 'out'), o, out),
    );
  common(flows.command('inflow').description('inflow to a city or province by origin'))
    .requiredOption('--dest <code>', 'city or province code', region('--dest'))
    .addOption(
      new Option('--by <level>', 'rows: the other ends by city or province, or the days')
        .choices(['city', 'province', 'day'])
        .default('city'),
    )
    .action(async (o: Common & { dest: string; by: 'city' | 'province' | 'day' }) =>
      print(await flowsDirection({ ...o, region: o.dest }, 'in'), o, out),
    );
  common(flows.command('returnees').description('returnees home -> source -> home, by day of return'))
    .requiredOption('--city <code>', 'home city code', region('--city', true))
    .requiredOption('--source <code>', 'city they return from', region('--source', true))
    .action(async (o: Common & { city: string; source: string }) => print(await flowsReturnees(o), o, out));
  common(
    flows.command('scale').description('migration scale index against a baseline period (100 = its mean)'),
  )
    .requiredOption('--region <code>', 'city or province code', region('--region'))
    .addOption(new Option('--direction <dir>', 'outflow or inflow').choices(['out', 'in']).default('out'))
    .option('--base-from <date>', 'baseline start (default: first data day)', day('--base-from'))
    .option('--base-to <date>', 'baseline end, inclusive (default: 7th data day)', day('--base-to'))
    .action(
      async (o: Common & { region: string; direction: 'out' | 'in'; baseFrom?: string; baseTo?: string }) =>
        print(await flowsScale(o), o, out),
    );
  return flows;
}
