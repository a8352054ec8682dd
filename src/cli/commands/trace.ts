import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UserError } from '../../errors.ts';
import { loadKey } from '../../ingest/pseudonymise.ts';
import {
  addCase,
  companions,
  companionsCsv,
  DEFAULT_COMPANION_OPTIONS,
  importCases,
  importNumbers,
  listCases,
  trajectory,
} from '../../tracing/index.ts';
import type { CaseInput, ImportSummary } from '../../tracing/index.ts';
import type { CompanionResult, Trajectory, Window } from '../../tracing/types.ts';
import { auditCli } from '../serve.ts';
import { withReadDuck, withWriter } from '../with-duck.ts';
import { DEFAULT_WORKSPACE, date, divisionCode, int } from '../options.ts';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** The import summary: input = accepted + quarantined; unmatched refs named (first 20). */
export function importLines(s: ImportSummary): string[] {
  const lines = [
    `${s.input} rows: ${s.accepted} accepted, ${s.quarantined.length} quarantined; ` +
      `${s.accepted - s.unmatched.length} matched a subscriber, ${s.unmatched.length} matched none`,
  ];
  if (s.unmatched.length)
    lines.push(
      `  no subscriber: ${s.unmatched.slice(0, 20).join(', ')}${s.unmatched.length > 20 ? `, ... (${s.unmatched.length - 20} more)` : ''}`,
    );
  for (const b of s.quarantined) lines.push(`  line ${b.line}${b.ref ? ` (${b.ref})` : ''}: ${b.reason}`);
  return lines;
}

function windowOf(o: { from?: string; to?: string }): Window | undefined {
  if (!o.from && !o.to) return undefined;
  if (!o.from || !o.to)
    throw new UserError('pass both --from and --to (YYYY-MM-DD), or neither for the default');
  return { from: `${o.from} 00:00:00`, to: `${o.to} 00:00:00` };
}

const fmt = (m: number): string => `${Math.round(m)} min`;

function trajectoryLines(t: Trajectory): string[] {
  const lines = [
    `case ${t.case.ref} (${t.case.status}), ${t.window.from} to ${t.window.to}: ${t.dwells.length} dwells`,
  ];
  for (const d of t.dwells)
    lines.push(
      `  ${d.start} .. ${d.end}  ${fmt(d.minutes).padStart(9)}  cell ${d.cellId}  county ${d.county ?? '-'}` +
        `  street ${d.street ?? '-'}  community ${d.community ?? '-'}${d.transmissionPoint ? '  * possible transmission point' : ''}`,
    );
  lines.push('places by time spent:');
  for (const p of t.places)
    lines.push(
      `  cell ${p.cellId}  ${fmt(p.minutes).padStart(9)}  ${p.visits} visit(s)  county ${p.county ?? '-'}`,
    );
  return lines;
}

function companionLines(r: CompanionResult): string[] {
  const o = r.options;
  const lines = [
    `case ${r.case.ref}, ${r.window.from} to ${r.window.to}, >= ${o.minMinutes} min at the same cell` +
      `${o.toleranceMeters ? ` or one within ${o.toleranceMeters} m` : ''}, degree ${o.degree}: ` +
      `${r.companions.length} companion(s)`,
  ];
  for (const c of r.companions)
    lines.push(
      `  ${c.userId}  d${c.degree}${c.via ? ` via ${c.via.slice(0, 8)}` : ''}  ${fmt(c.minutes)}  ` +
        `${c.firstContact} .. ${c.lastContact}  at cell ${c.places[0]?.cellId ?? '-'}  ` +
        `last seen ${c.lastSeen ? `${c.lastSeen.at} county ${c.lastSeen.county ?? '-'}` : '-'}  resident ${c.residentCounty ?? '-'}`,
    );
  lines.push('where they are now (last seen), by county / street / community / city:');
  for (const d of r.distribution) lines.push(`  ${d.level} ${d.code}: ${d.companions}`);
  return lines;
}

/** `epitrace numbers import`, `epitrace cases import|add|list`, `epitrace trajectory`, `epitrace companions`. */
export function registerTrace(program: Command): void {
  const ws = (c: Command): Command =>
    c.option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE);
  const key = (c: Command): Command =>
    c.option('--key-file <file>', 'file holding the HMAC pseudonymisation key (else EPITRACE_HMAC_KEY)');

  const numbers = program.command('numbers').description("the operator's number registry (phone -> IMSI)");
  key(
    ws(numbers.command('import <file>').description('import imsi,msisdn (pseudonymised; replaces the last)')),
  )
    .option(
      '--no-publish',
      'do not publish a snapshot for the server at the end (a job publishes once at its end)',
    )
    .action(async (file: string, o: { workspace: string; keyFile?: string; publish: boolean }) => {
      const k = loadKey(o.keyFile);
      const s = await withWriter(o.workspace, o, (db) => importNumbers(db, file, k));
      out(`${s.input} rows: ${s.accepted} numbers stored, ${s.quarantined.length} quarantined`);
      for (const b of s.quarantined.slice(0, 20)) out(`  line ${b.line}: ${b.reason}`);
    });

  const cases = program.command('cases').description("the health authority's case registry");
  key(ws(cases.command('import <file>').description('import a case list CSV (identifiers pseudonymised)')))
    .option(
      '--no-publish',
      'do not publish a snapshot for the server at the end (a job publishes once at its end)',
    )
    .action(async (file: string, o: { workspace: string; keyFile?: string; publish: boolean }) => {
      const k = loadKey(o.keyFile);
      const s = await withWriter(o.workspace, o, (db) => importCases(db, file, k));
      for (const l of importLines(s)) out(l);
    });
  key(ws(cases.command('add <ref>').description('add one case')))
    .option('--phone <number>', "the case's phone number (MSISDN)")
    .option('--imsi <imsi>', "the case's IMSI")
    .addOption(
      new Option('--status <status>', 'confirmed or suspected')
        .choices(['confirmed', 'suspected'])
        .default('confirmed'),
    )
    .option('--onset <date>', 'onset date YYYY-MM-DD', date)
    .option('--confirmed <date>', 'confirmation date YYYY-MM-DD', date)
    .option('--county <code>', 'county reported', divisionCode)
    .option('--city <code>', 'city reported', divisionCode)
    .option(
      '--no-publish',
      'do not publish a snapshot for the server at the end (a job publishes once at its end)',
    )
    .action(
      async (
        ref: string,
        o: {
          workspace: string;
          keyFile?: string;
          phone?: string;
          imsi?: string;
          status: CaseInput['status'];
          onset?: string;
          confirmed?: string;
          county?: string;
          city?: string;
          publish: boolean;
        },
      ) => {
        if (!o.phone === !o.imsi) throw new UserError('pass exactly one of --phone and --imsi');
        const k = loadKey(o.keyFile);
        const c = await withWriter(o.workspace, o, (db) =>
          addCase(
            db,
            {
              ref,
              identifier: (o.phone ?? o.imsi)!,
              idKind: o.phone ? 'phone' : 'imsi',
              status: o.status,
              onset: o.onset,
              confirmed: o.confirmed,
              county: o.county,
              city: o.city,
            },
            k,
          ),
        );
        out(`added ${c.ref} (${c.status}): ${c.userId ? 'matched a subscriber' : 'matched no subscriber'}`);
      },
    );
  ws(cases.command('list').description('list the registry')).action(async (o: { workspace: string }) => {
    const rows = await withReadDuck(o.workspace, (db) => listCases(db));
    out('ref\tstatus\tonset\tconfirmed\tid\tsubscriber\tcounty\tcity');
    for (const c of rows)
      out(
        [
          c.ref,
          c.status,
          c.onset ?? '-',
          c.confirmed ?? '-',
          c.idKind,
          c.userId ? 'yes' : 'no',
          c.county ?? '-',
          c.city ?? '-',
        ].join('\t'),
      );
    out(`${rows.length} case(s), ${rows.filter((c) => c.userId).length} matched a subscriber`);
  });

  ws(
    program
      .command('trajectory')
      .description("a case's dwells in its window (default the 15 days to confirmation)"),
  )
    .requiredOption('--case <ref>', 'case reference')
    .option('--from <date>', 'window start YYYY-MM-DD (inclusive)', date)
    .option('--to <date>', 'window end YYYY-MM-DD (exclusive)', date)
    .action(async (o: { workspace: string; case: string; from?: string; to?: string }) => {
      const t = await withReadDuck(o.workspace, async (db, w) => {
        const t = await trajectory(db, o.case, windowOf(o));
        auditCli(w, 'trace.trajectory', { case: o.case, people: 1, window: t.window });
        return t;
      });
      for (const l of trajectoryLines(t)) out(l);
    });

  ws(program.command('companions').description('people who shared a place with a case for long enough'))
    .requiredOption('--case <ref>', 'case reference')
    .option(
      '--min-minutes <n>',
      'total shared minutes',
      int('--min-minutes', 1),
      DEFAULT_COMPANION_OPTIONS.minMinutes,
    )
    .option('--from <date>', 'window start YYYY-MM-DD (inclusive)', date)
    .option('--to <date>', 'window end YYYY-MM-DD (exclusive)', date)
    .addOption(
      new Option('--degree <n>', '1, or 2 for companions of companions').choices(['1', '2']).default('1'),
    )
    .option(
      '--tolerance-m <m>',
      'cells within this many metres count as the same place',
      int('--tolerance-m'),
      0,
    )
    .option(
      '--extend',
      'extend each stay half way to the previous and next stay (at most 60 min each side)',
      false,
    )
    .option('--csv <file>', 'also write the companions to this CSV file')
    .action(
      async (o: {
        workspace: string;
        case: string;
        minMinutes: number;
        from?: string;
        to?: string;
        degree: string;
        toleranceM: number;
        extend: boolean;
        csv?: string;
      }) => {
        const r = await withReadDuck(o.workspace, async (db, w) => {
          const r = await companions(db, o.case, {
            minMinutes: o.minMinutes,
            degree: o.degree === '2' ? 2 : 1,
            toleranceMeters: o.toleranceM,
            extendStays: o.extend,
            window: windowOf(o),
          });
          auditCli(w, 'trace.companions', {
            case: o.case,
            people: r.companions.length,
            window: r.window,
            degree: r.options.degree,
            csv: o.csv ?? null,
          });
          return r;
        });
        for (const l of companionLines(r)) out(l);
        if (o.csv) {
          writeFileSync(o.csv, companionsCsv(r));
          out(`wrote ${r.companions.length} companion(s) to ${o.csv}`);
        }
      },
    );
}
