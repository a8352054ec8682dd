import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { HttpError, UserError } from '../../errors.ts';
import { DEFAULT_K } from '../../privacy/disclosure.ts';
import { buildReport } from '../../report/build.ts';
import type { ReportParams } from '../../report/build.ts';
import { readReportContext } from '../../report/context.ts';
import { formatOfFile, reportBytes } from '../../report/file.ts';
import type { Lang, ReportKind } from '../../report/model.ts';
import { closePdfBrowser } from '../../report/pdf.ts';
import { writeFileAtomic } from '../../report/write.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE, int } from '../options.ts';
import { auditCli } from '../serve.ts';
import { withReadDuck } from '../with-duck.ts';
import { addDaily } from './report-daily.ts';

/**
 * `epitrace report outflow|returnees|risk|forecast --out FILE.pdf|.html|.json`: the API's report (the same
 * buildReport, the same disclosure control) written to a file atomically; `report daily` writes a set each day.
 */

/** A report parameter as the API names it, and its option. */
interface Param {
  key: string;
  flags: string;
  help: string;
}

const P = {
  origin: {
    key: 'origin',
    flags: '--origin <code>',
    help: 'origin city or province (default: the epicentre)',
  },
  from: { key: 'from', flags: '--from <date>', help: 'first day YYYY-MM-DD (default: the first data day)' },
  to: {
    key: 'to',
    flags: '--to <date>',
    help: 'last day YYYY-MM-DD, inclusive (default: the last data day)',
  },
  casesTo: { key: 'casesTo', flags: '--cases-to <date>', help: 'count confirmed cases up to this day' },
  model: {
    key: 'model',
    flags: '--model <name>',
    help: 'risk-source fit model: loglog (default) or linear (cases on outflow)',
  },
  basis: { key: 'basis', flags: '--basis <basis>', help: 'ratio on expanded (default) or sample arrivals' },
  city: { key: 'city', flags: '--city <code>', help: 'city code' },
  source: { key: 'source', flags: '--source <code>', help: 'city they return from (default: the epicentre)' },
  day: { key: 'day', flags: '--day <date>', help: 'day YYYY-MM-DD (default: the last data day)' },
  region: { key: 'region', flags: '--region <code>', help: 'CN, a forecast group or a city (default: CN)' },
  run: { key: 'run', flags: '--run <id>', help: 'forecast run (default: the newest served)' },
} satisfies Record<string, Param>;

/** The parameters each kind takes (the route's query fields). */
export const KIND_PARAMS: Record<ReportKind, Param[]> = {
  outflow: [P.origin, P.from, P.to, P.casesTo, P.model, P.basis],
  returnees: [P.city, P.source, P.from, P.to],
  risk: [P.city, P.day],
  forecast: [P.region, P.run],
};

const TITLES: Record<ReportKind, string> = {
  outflow: 'epicentre outflow by province: arrivals, cases, cases per 10,000 arrivals, risk-source fit',
  returnees: 'returnees and high-risk people of a city',
  risk: "area risk levels of a city's counties on a day",
  forecast: 'forecast of a region: fan chart, 7/14/30-day figures, scenarios, Rt',
};

const optionName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** buildReport's 400 naming a query field, said with the option's name instead. */
export function asUserError(e: unknown): unknown {
  if (!(e instanceof HttpError)) return e;
  const field = e.field;
  const msg =
    field && e.message.startsWith(`${field}:`)
      ? optionName(field) + e.message.slice(field.length)
      : e.message;
  return new UserError(msg.split('\n')[0]!);
}

interface Common {
  workspace: string;
  out: string;
  lang: Lang;
  k: number;
}

/** `--out`'s folder must exist: a typo should not create folders. */
function checkOutDir(out: string): void {
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserError(`--out: folder ${dir} does not exist (create it first)`);
}

/** Builds, renders and writes one report; returns the line the command prints. */
export async function writeReport(
  kind: ReportKind,
  o: Common,
  params: ReportParams,
  warn?: (line: string) => void,
): Promise<string> {
  const format = formatOfFile(o.out);
  checkOutDir(o.out);
  const ws = new Workspace(o.workspace).require();
  let report;
  try {
    report = await withReadDuck(
      ws.root,
      async (db, w, m) => buildReport(await readReportContext(db, w, m, o.k), kind, params),
      warn,
    );
  } catch (e) {
    throw asUserError(e);
  }
  // The filled-in request (defaults included), as the server records it: what was actually reported on. k is
  // recorded too: a run with a small --k publishes figures near the true counts.
  auditCli(ws, `report.${kind}`, { ...report.params, format, lang: o.lang, k: o.k });
  const { data, pages } = await reportBytes(report, format, o.lang);
  writeFileAtomic(o.out, data);
  return (
    `${o.out}: ${pages === null ? '' : `${pages} page${pages === 1 ? '' : 's'}, `}${data.length} bytes` +
    `${report.synthetic ? ', SYNTHETIC' : ''}`
  );
}

/** Registers `epitrace report` with a subcommand per kind and `report daily`. */
export function registerReport(
  program: Command,
  out: (line: string) => void = (s) => void process.stdout.write(`${s}\n`),
): Command {
  const report = program
    .command('report')
    .description(
      'reports as PDF, HTML or JSON (the API\u2019s reports), and a daily set written to a folder',
    );
  for (const kind of Object.keys(KIND_PARAMS) as ReportKind[]) {
    const cmd = report
      .command(kind)
      .description(TITLES[kind])
      .requiredOption('--out <file>', 'FILE.pdf, FILE.html or FILE.json (written atomically)')
      .addOption(new Option('--lang <lang>', 'language').choices(['zh', 'en']).default('zh'))
      .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
      .option('--k <n>', 'disclosure control: minimum published cell count', int('--k', 1), DEFAULT_K);
    for (const p of KIND_PARAMS[kind]) cmd.option(p.flags, p.help);
    cmd.action(async (o: Common & Record<string, string | undefined>) => {
      const params: ReportParams = {};
      for (const p of KIND_PARAMS[kind]) if (o[p.key] !== undefined) params[p.key] = o[p.key];
      try {
        out(await writeReport(kind, o, params));
      } finally {
        await closePdfBrowser();
      }
    });
  }
  addDaily(report, out);
  return report;
}
