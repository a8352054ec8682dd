import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { openAppDb } from '../../db/sqlite.ts';
import { UserError } from '../../errors.ts';
import { loadDivisions } from '../../geo/divisions.ts';
import { DEFAULT_K } from '../../privacy/disclosure.ts';
import { fitSources } from '../../risk/sources.ts';
import type { SourcesModel, SourcesResult } from '../../risk/sources.ts';
import { platformFit } from '../../risk/sources-platform.ts';
import { readSourcesTable } from '../../risk/sources-table.ts';
import type { QuarantinedRow } from '../../risk/sources-table.ts';
import { divisionNaming } from '../../server/routes-flows.ts';
import { Workspace } from '../../workspace.ts';
import { openAudit } from '../serve.ts';
import { DEFAULT_WORKSPACE, date, divisionCode, int } from '../options.ts';
import { withReadDuck } from '../with-duck.ts';

export interface RiskSourcesOptions {
  workspace: string;
  table?: string;
  origin?: string;
  from?: string;
  to?: string;
  casesTo?: string;
  model: SourcesModel;
  k: number;
  csv?: string;
}

/** What `epitrace risk sources` computed, with where the figures came from. */
export interface RiskSourcesReport extends SourcesResult {
  source: 'table' | 'workspace';
  synthetic: boolean;
  origin: { code: string; name: string } | null;
  from: string | null;
  to: string | null;
  casesTo: string | null;
  /** Table input: rows read = accepted + quarantined. */
  input?: number;
  quarantined?: QuarantinedRow[];
  epicentreCases?: number;
  unplacedCases?: number;
}

const num = (v: number, digits = 4): string => (Number.isInteger(v) ? String(v) : v.toPrecision(digits));

/** The fit from an analyst's table (no workspace needed) or from the workspace's own outflow and cases. */
export async function riskSources(o: RiskSourcesOptions): Promise<RiskSourcesReport> {
  const div = loadDivisions();
  const originDiv = o.origin ? div.byCode(o.origin, 'city') : null;
  if (o.table) {
    if (o.from || o.to || o.casesTo)
      throw new UserError(
        '--from, --to and --cases-to are for workspace data; a --table brings its own figures',
      );
    const t = readSourcesTable(o.table);
    // The epicentre, if named, is not a destination: its cases are its own epidemic, not imported ones.
    const rows = t.accepted.filter((p) => p.code !== originDiv?.code);
    const r = fitSources(rows, o.model);
    const epicentre = t.accepted.filter((p) => p.code === originDiv?.code);
    return {
      ...r,
      excluded: [
        ...epicentre.map((p) => ({ ...p, why: 'epicentre' as const, reason: 'the epicentre (--origin)' })),
        ...r.excluded,
      ],
      source: 'table',
      synthetic: false,
      origin: originDiv && { code: originDiv.code, name: originDiv.name },
      from: null,
      to: null,
      casesTo: null,
      input: t.input,
      quarantined: t.quarantined,
    };
  }
  const ws = new Workspace(o.workspace).require();
  const info = ws.info();
  const origin = originDiv?.code ?? info.scenario?.epicentre;
  const from = o.from ?? info.scenario?.from;
  const to = o.to ?? info.scenario?.to;
  if (!origin || !from || !to)
    throw new UserError('pass --origin, --from and --to (this workspace has no scenario to take them from)');
  if (from > to) throw new UserError(`--from ${from} is after --to ${to}`);
  const r = await withReadDuck(ws.root, (db) =>
    platformFit(db, { origin, from, to, casesTo: o.casesTo, k: o.k }, o.model, divisionNaming()),
  );
  const app = openAppDb(ws.sqlitePath);
  try {
    const log = openAudit(ws, app);
    log.record(null, 'risk.sources', { via: 'cli', origin, from, to, casesTo: o.casesTo, model: o.model });
    log.checkpoint();
  } finally {
    app.close();
  }
  return {
    ...r,
    source: 'workspace',
    synthetic: info.synthetic,
    origin: { code: origin, name: div.byCode(origin).name },
    from,
    to,
    casesTo: o.casesTo ?? null,
  };
}

/** The report as text lines: the fit, flagged destinations, every point, exclusions and quarantined rows. */
export function riskSourcesLines(r: RiskSourcesReport): string[] {
  const f = r.fit;
  const lines: string[] = [];
  if (r.synthetic) lines.push('SYNTHETIC DATA: simulated records, not real people or real movements.');
  const where =
    r.source === 'table'
      ? `table, ${r.input} rows: ${r.input! - r.quarantined!.length} accepted, ${r.quarantined!.length} quarantined`
      : `workspace: outflow from ${r.origin!.code} ${r.origin!.name} ${r.from}..${r.to} (published, disclosure-controlled), ` +
        `confirmed cases by city${r.casesTo ? ` to ${r.casesTo}` : ''}`;
  lines.push(`risk sources (Jia et al. 2020), ${r.model === 'loglog' ? 'log-log' : 'linear'}; ${where}`);
  const scale = r.model === 'loglog' ? 'ln(cases) = a + b ln(outflow)' : 'cases = a + b outflow';
  lines.push(
    `${scale}: n = ${r.n}, slope b = ${num(f.slope, 6)}, intercept a = ${num(f.intercept, 6)}, ` +
      `r = ${f.r.toFixed(4)}, R^2 = ${f.r2.toFixed(4)}, residual SE = ${num(f.residualSe, 4)}, ` +
      `${f.level * 100}% prediction interval, t(${1 - (1 - f.level) / 2}, ${r.n - 2}) = ${f.t.toFixed(4)}`,
  );
  const flagged = r.points.filter((p) => p.flagged);
  lines.push(
    `above the upper ${f.level * 100}% bound (likely local transmission): ` +
      (flagged.length
        ? flagged.map((p) => `${p.code} ${p.name} (${p.cases} > ${num(p.upper)})`).join(', ')
        : 'none'),
  );
  lines.push('  code    outflow     cases   predicted      lower      upper  destination');
  for (const p of [...r.points].sort((a, b) => b.outflow - a.outflow))
    lines.push(
      `  ${p.code} ${String(p.outflow).padStart(9)} ${String(p.cases).padStart(9)} ${num(p.predicted).padStart(11)} ` +
        `${num(p.lower).padStart(10)} ${num(p.upper).padStart(10)}  ${p.name}${p.flagged ? '  * above' : ''}`,
    );
  // Suppressed destinations can run into the hundreds on a small workspace: one line, the first ten named.
  const suppressed = r.excluded.filter((e) => e.outflow === null);
  if (suppressed.length)
    lines.push(
      `  excluded ${suppressed.length} destination(s) with outflow below k (suppressed): ` +
        suppressed
          .slice(0, 10)
          .map((e) => `${e.code} ${e.name}`)
          .join(', ') +
        (suppressed.length > 10 ? `, ... (${suppressed.length - 10} more; the API lists them all)` : ''),
    );
  for (const e of r.excluded.filter((x) => x.outflow !== null))
    lines.push(`  excluded ${e.code} ${e.name}: ${e.reason}`);
  if (r.epicentreCases !== undefined)
    lines.push(`  not a destination: ${r.epicentreCases} confirmed case(s) in the epicentre itself`);
  if (r.unplacedCases)
    lines.push(`  ${r.unplacedCases} confirmed case(s) with no city or county: not counted`);
  for (const q of r.quarantined ?? [])
    lines.push(`  quarantined line ${q.line} (${q.destination}): ${q.reason}`);
  return lines;
}

const csvCell = (v: string | number | boolean): string =>
  /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);

/** The points as CSV: one row per fitted destination, bounds in cases, and whether the data are synthetic. */
export function riskSourcesCsv(r: RiskSourcesReport): string {
  const head = 'code,name,outflow,cases,predicted,lower,upper,flagged,model,synthetic';
  const rows = r.points.map((p) =>
    [p.code, p.name, p.outflow, p.cases, p.predicted, p.lower, p.upper, p.flagged, r.model, r.synthetic]
      .map(csvCell)
      .join(','),
  );
  return [head, ...rows].join('\n') + '\n';
}

/** Adds `sources` to the `epitrace risk` command (risk-core's src/cli/commands/risk.ts creates it). */
export function addRiskSources(
  risk: Command,
  out: (line: string) => void = (s) => void process.stdout.write(`${s}\n`),
): Command {
  return risk
    .command('sources')
    .description(
      'cases per destination city regressed on outflow from the epicentre (Jia et al. 2020); ' +
        'destinations above the 90% prediction interval flagged as likely local transmission',
    )
    .option(
      '-w, --workspace <dir>',
      'workspace folder (its own outflow and case registry)',
      DEFAULT_WORKSPACE,
    )
    .option('--table <file>', 'an analyst table instead: CSV destination,outflow,cases (code or name)')
    .option(
      '--origin <code>',
      'epicentre city (default: the scenario epicentre); excluded from the fit',
      divisionCode,
    )
    .option('--from <date>', 'outflow window start YYYY-MM-DD (default: scenario start)', date)
    .option('--to <date>', 'outflow window end YYYY-MM-DD, inclusive (default: scenario end)', date)
    .option('--cases-to <date>', 'count cases confirmed up to this day (default: all confirmed)', date)
    .addOption(
      new Option('--model <model>', 'regression form').choices(['loglog', 'linear']).default('loglog'),
    )
    .option(
      '--k <n>',
      'disclosure control: minimum published count of the outflow cells',
      int('--k', 1),
      DEFAULT_K,
    )
    .option('--csv <file>', 'also write the fitted destinations to this CSV file')
    .action(async (o: RiskSourcesOptions) => {
      const r = await riskSources(o);
      for (const l of riskSourcesLines(r)) out(l);
      if (o.csv) {
        writeFileSync(o.csv, riskSourcesCsv(r));
        out(`wrote ${r.points.length} destinations to ${o.csv}`);
      }
    });
}
