/**
 * SQL mutants: deliberate bugs in the pipeline's SQL strings, which Stryker
 * cannot mutate, each with the small hand-built scenario that must catch it.
 * src/pipeline/dwells.test.ts and residents-rule.test.ts run the scenarios
 * on the real SQL; src/pipeline/sql-mutants.test.ts runs them on each mutant
 * and asserts that they fail.
 */
import { expect } from 'vitest';
import { Duck } from '../db/duck.ts';
import { DWELLS_DAY_SQL, DWELL_TABLES, dwellsForDay } from '../pipeline/dwells.ts';
import { RESIDENTS_SQL } from '../pipeline/residents.ts';

/** One deliberate bug: exact text replacements on an exported SQL constant. */
export interface SqlMutant {
  name: string;
  target: 'DWELLS_DAY_SQL' | 'RESIDENTS_SQL';
  replace: [from: string, to: string][];
  /** The scenario check that must fail with the mutant in. */
  guard: 'carriedDwell' | 'nightResident';
}

export const SQL_MUTANTS: SqlMutant[] = [
  {
    name: 'dwell carry off (open dwells not continued into the next day)',
    target: 'DWELLS_DAY_SQL',
    replace: [['FROM open_dwells WHERE level = $1', 'FROM open_dwells WHERE level = $1 AND false']],
    guard: 'carriedDwell',
  },
  {
    name: 'dwell carry of every level (open dwells of other levels mixed in)',
    target: 'DWELLS_DAY_SQL',
    replace: [['FROM open_dwells WHERE level = $1', 'FROM open_dwells WHERE level = $1 OR true']],
    guard: 'carriedDwell',
  },
  {
    name: "dwell left open is the user's first, not the last",
    target: 'DWELLS_DAY_SQL',
    replace: [['ORDER BY start_ts DESC) = 1 AS is_open', 'ORDER BY start_ts) = 1 AS is_open']],
    guard: 'carriedDwell',
  },
  {
    name: 'residents by daytime hours (10:00-18:00)',
    target: 'RESIDENTS_SQL',
    replace: [
      ['to_hours(30)', 'to_hours(18)'],
      ['to_hours(22)', 'to_hours(10)'],
    ],
    guard: 'nightResident',
  },
  {
    name: 'residents by the fewest night hours',
    target: 'RESIDENTS_SQL',
    replace: [['ORDER BY hours DESC, county_code', 'ORDER BY hours, county_code']],
    guard: 'nightResident',
  },
  {
    name: 'night of the previous evening not counted (stays starting after midnight)',
    target: 'RESIDENTS_SQL',
    replace: [['s.start_ts::DATE - 1', 's.start_ts::DATE']],
    guard: 'nightResident',
  },
  {
    name: 'open stays left out of the resident rule',
    target: 'RESIDENTS_SQL',
    replace: [['UNION ALL SELECT user_id, cell_id, start_ts, end_ts FROM open_stays', '']],
    guard: 'nightResident',
  },
  {
    name: 'a night counted in the month of its morning',
    target: 'RESIDENTS_SQL',
    replace: [["strftime(night, '%Y-%m')", "strftime(night + 1, '%Y-%m')"]],
    guard: 'nightResident',
  },
];

/** Applies a mutant's replacements; each `from` must occur exactly once, so a stale mutant fails loudly. */
export function mutate(sql: string, m: SqlMutant): string {
  let out = sql;
  for (const [from, to] of m.replace) {
    const n = out.split(from).length - 1;
    if (n !== 1) throw new Error(`SQL mutant "${m.name}": "${from}" occurs ${n} times, not once`);
    out = out.replace(from, () => to);
  }
  return out;
}

const CELLS = `CREATE TABLE cells AS SELECT * FROM (VALUES
  (1, '420106', '420106001', '420100', '420000'),
  (2, '420106', '420106002', '420100', '420000'),
  (3, '420111', NULL, '420100', '420000'),
  (4, '110101', NULL, '110100', '110000'))
  v(cell_id, county_code, community_code, city_code, province_code)`;

type Stay = [user: string, cell: number, start: string, end: string];

function valuesSql(stays: Stay[]): string {
  return stays.map(([u, c, s, e]) => `('${u}', ${c}, TIMESTAMP '${s}', TIMESTAMP '${e}')`).join(', ');
}

/** The user of the dwell scenario: a pseudonym (32 hex characters), as the dwell tables hold UUIDs. */
const U1 = '00000000000000000000000000000001';

/**
 * Dwells across midnight: u1 stays at cell 1 from 20:00, moves to cell 2 (same county) at 23:10 and is
 * still there at midnight; the next day he leaves at 08:00 for Beijing. The county dwell must run from
 * 20:00 to 08:00 (the open dwell carried), and the Beijing one stays open. Each day runs at county and
 * province level, as the pipeline does, so open dwells of another level are there to be mixed in.
 */
export async function checkCarriedDwell(
  daySql: (regionColumn: string) => string = DWELLS_DAY_SQL,
): Promise<void> {
  const db = await Duck.open({ path: ':memory:' });
  try {
    await db.run(CELLS);
    await db.run(DWELL_TABLES);
    const days: [string, Stay[]][] = [
      [
        '2020-01-16',
        [
          [U1, 1, '2020-01-16 20:00', '2020-01-16 23:00'],
          [U1, 2, '2020-01-16 23:10', '2020-01-16 23:50'],
        ],
      ],
      [
        '2020-01-17',
        [
          [U1, 2, '2020-01-16 23:10', '2020-01-17 08:00'],
          [U1, 4, '2020-01-17 12:00', '2020-01-17 14:00'],
        ],
      ],
    ];
    for (const [day, stays] of days) {
      await db.run(
        `CREATE OR REPLACE TEMP TABLE day_stays AS SELECT * FROM (VALUES ${valuesSql(stays)}) v(user_id, cell_id, start_ts, end_ts)`,
      );
      for (const level of ['county', 'province'] as const) await dwellsForDay(db, level, day, daySql);
    }
    const rows = await db.all<{ row: string }>(
      `SELECT concat_ws(' ', level, region, strftime(start_ts, '%d %H:%M'), strftime(end_ts, '%d %H:%M'), minutes, day) AS row
       FROM dwells WHERE level = 'county' ORDER BY start_ts`,
    );
    const open = await db.all<{ row: string }>(
      `SELECT concat_ws(' ', level, region, strftime(start_ts, '%d %H:%M'), strftime(end_ts, '%d %H:%M')) AS row
       FROM open_dwells ORDER BY level`,
    );
    expect(rows.map((r) => r.row)).toEqual(['county 420106 16 20:00 17 08:00 720.0 2020-01-17']);
    expect(open.map((r) => r.row)).toEqual([
      'county 110101 17 12:00 17 14:00',
      'province 110000 17 12:00 17 14:00',
    ]);
  } finally {
    db.close();
  }
}

/**
 * The night-time resident rule on four users of January 2020 (county 420106 = cells 1, 2; 420111 = cell 3;
 * 110101 = cell 4):
 * - a commuter sleeps at cell 1 (21:00-07:30) and works at cell 3 (08:00-18:30) for two days: 420106, 16 h;
 * - a night-shift worker at cell 3 from 00:30 to 06:00 and home at cell 4 by day: 420111, 5.5 h;
 * - a user whose only night is still open (cell 4 from 22:00 to 05:00): 110101, 7 h;
 * - a user who spends the night of 31 January to 1 February at cell 1: that night is January's.
 */
export async function checkNightResident(residentsSql: string = RESIDENTS_SQL): Promise<void> {
  const db = await Duck.open({ path: ':memory:' });
  try {
    await db.run(CELLS);
    const closed: Stay[] = [
      ['commuter', 1, '2020-01-15 21:00', '2020-01-16 07:30'],
      ['commuter', 3, '2020-01-16 08:00', '2020-01-16 18:30'],
      ['commuter', 1, '2020-01-16 21:00', '2020-01-17 07:30'],
      ['commuter', 3, '2020-01-17 08:00', '2020-01-17 18:30'],
      ['nightshift', 4, '2020-01-16 09:00', '2020-01-16 23:50'],
      ['nightshift', 3, '2020-01-17 00:30', '2020-01-17 06:00'],
      ['nightshift', 4, '2020-01-17 06:30', '2020-01-17 20:00'],
      ['monthend', 4, '2020-01-31 08:00', '2020-01-31 20:00'],
      ['monthend', 1, '2020-01-31 22:00', '2020-02-01 06:00'],
      ['monthend', 4, '2020-02-01 09:00', '2020-02-01 17:00'],
      ['open', 3, '2020-01-16 09:00', '2020-01-16 18:00'],
    ];
    await db.run(
      `CREATE TABLE stays AS SELECT * FROM (VALUES ${valuesSql(closed)}) v(user_id, cell_id, start_ts, end_ts)`,
    );
    await db.run(
      `CREATE TABLE open_stays AS SELECT * FROM (VALUES ${valuesSql([['open', 4, '2020-01-16 22:00', '2020-01-17 05:00']])})
       v(user_id, cell_id, start_ts, end_ts)`,
    );
    await db.run(residentsSql);
    const rows = await db.all<{ row: string }>(
      `SELECT concat_ws(' ', month, user_id, county_code, round(night_hours, 2)) AS row FROM residents ORDER BY ALL`,
    );
    expect(rows.map((r) => r.row)).toEqual([
      '2020-01 commuter 420106 16.0',
      '2020-01 monthend 420106 8.0',
      '2020-01 nightshift 420111 5.5',
      '2020-01 open 110101 7.0',
    ]);
  } finally {
    db.close();
  }
}

/** The scenario check a mutant must make fail, run on the mutated SQL. */
export function runGuard(m: SqlMutant): Promise<void> {
  if (m.guard === 'carriedDwell') return checkCarriedDwell((col) => mutate(DWELLS_DAY_SQL(col), m));
  return checkNightResident(mutate(RESIDENTS_SQL, m));
}
