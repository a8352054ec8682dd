import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { tempDir } from '../testing/fixture.ts';
import { builtinGeo } from './cities.ts';
import { generate } from './generate.ts';
import { defaultParams } from './params.ts';
import type { ScenarioParams } from './params.ts';
import { settingOf } from './epidemic.ts';
import type { Population } from './epidemic.ts';
import { phoneOf } from './time.ts';

// A small version of the demo: the same epicentre share and window (2020-01-14 .. 01-27, the switch of
// ascertainment on 01-24 inside it), a third of the people.
const params: ScenarioParams = {
  ...defaultParams,
  people: 10_000,
  epicentreShare: 0.4,
  start: '2020-01-14',
  days: 14,
  seed: 4242,
};
const END = '2020-01-28 00:00:00';

let dir = '';
let db: Duck;
const f = (p: string): string => quotedString(join(dir, p));
const one = async <T>(sql: string): Promise<T> => (await db.one<T>(sql))!;

describe('synthetic epidemic', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    dir = tempDir('epidemic');
    await generate(builtinGeo(), params, dir);
    db = await Duck.open({ path: ':memory:' });
    await db.run(`CREATE VIEW inf AS SELECT * FROM read_parquet(${f('truth/infections.parquet')})`);
    await db.run(`CREATE VIEW persons AS SELECT * FROM read_parquet(${f('truth/persons.parquet')})`);
    await db.run(
      `CREATE VIEW stays AS SELECT * FROM read_parquet(${f('truth/stays.parquet')}) WHERE NOT transit`,
    );
    await db.run(`CREATE VIEW list AS SELECT * FROM read_parquet(${f('truth/case_list.parquet')})`);
    await db.run(`CREATE VIEW cases AS SELECT * FROM read_csv(${f('cases.csv')}, all_varchar = true)`);
    await db.run(`CREATE VIEW contacts AS SELECT * FROM read_parquet(${f('truth/contacts.parquet')})`);
    return () => db.close();
  });

  // Guards: an infector missing from the table, infected outside its infectious period, or an exposure at a
  // cell where infector and infected were not both present at the infection time.
  it('has a complete transmission chain: every infection has a seed or an infectious, co-present infector', async () => {
    const r = await one<{
      n: number;
      seeds: number;
      bad_seed: number;
      orphan: number;
      not_infectious: number;
    }>(
      `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE i.setting = 'seed')::INTEGER AS seeds,
              count(*) FILTER (WHERE i.setting = 'seed' AND (i.infector IS NOT NULL OR i.infected_ts >= TIMESTAMP '2020-01-14'))::INTEGER AS bad_seed,
              count(*) FILTER (WHERE i.setting NOT IN ('seed', 'import') AND s.person IS NULL)::INTEGER AS orphan,
              count(*) FILTER (WHERE i.setting NOT IN ('seed', 'import')
                AND NOT (s.infectious_ts <= i.infected_ts AND i.infected_ts < s.removed_ts))::INTEGER AS not_infectious
       FROM inf i LEFT JOIN inf s ON s.person = i.infector`,
    );
    const absent = await one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM inf i
       WHERE i.setting NOT IN ('seed', 'import') AND NOT (
         EXISTS (SELECT 1 FROM stays s WHERE s.person = i.person AND s.cell_id = i.cell_id
                 AND s.start_ts <= i.infected_ts AND i.infected_ts < s.end_ts)
         AND EXISTS (SELECT 1 FROM stays s WHERE s.person = i.infector AND s.cell_id = i.cell_id
                 AND s.start_ts <= i.infected_ts AND i.infected_ts < s.end_ts))`,
    );
    console.info(`chain: ${r.n} infections, ${r.seeds} seeds`);
    expect(r.n).toBeGreaterThan(200);
    expect(r.seeds).toBeGreaterThan(0);
    expect(r.bad_seed).toBe(0);
    expect(r.orphan).toBe(0);
    expect(r.not_infectious).toBe(0);
    expect(absent.n).toBe(0);
  });

  // Guards the setting rule: household = a household member at the shared home cell, workplace = a co-worker of
  // the same workplace at its work cell; and that all three settings occur.
  it('infects in households at home, at workplaces among co-workers, and at shared places', async () => {
    const rows = await db.all<{ setting: string; n: number; wrong: number }>(
      `SELECT i.setting, count(*)::INTEGER AS n,
              count(*) FILTER (WHERE CASE i.setting
                WHEN 'household' THEN NOT (a.household = b.household AND i.cell_id = a.home_cell AND i.cell_id = b.home_cell)
                WHEN 'workplace' THEN NOT (a.workplace = b.workplace AND i.cell_id = a.work_cell AND i.cell_id = b.work_cell)
                ELSE (a.household = b.household AND i.cell_id = a.home_cell)
                  OR coalesce(a.workplace = b.workplace AND i.cell_id = a.work_cell, false) END)::INTEGER AS wrong
       FROM inf i JOIN persons a ON a.person = i.person JOIN persons b ON b.person = i.infector
       GROUP BY ALL ORDER BY ALL`,
    );
    console.info(`settings: ${rows.map((r) => `${r.setting} ${r.n}`).join(', ')}`);
    expect(rows.map((r) => r.setting)).toEqual(['household', 'place', 'workplace']);
    for (const r of rows) {
      expect(r.n).toBeGreaterThan(10);
      expect(r.wrong).toBe(0);
    }
  });

  // Guards the household grouping (census mean 2.62, one home cell per household) and the workplaces (one work cell).
  it('groups people into households sharing a home cell and workers into workplaces sharing a work cell', async () => {
    // Mean size over the epicentre's 4,000 people: elsewhere most counties have a handful of sampled residents,
    // so their last household, cut to what is left, makes the mean meaningless there.
    const h = await one<{ mean: number; split: number }>(
      `SELECT avg(n) FILTER (WHERE epi) AS mean, count(*) FILTER (WHERE cells > 1)::INTEGER AS split
       FROM (SELECT household, count(*) AS n, count(DISTINCT home_cell) AS cells, bool_and(home_city = '420100') AS epi
             FROM persons GROUP BY 1)`,
    );
    const w = await one<{ mean: number; split: number; workers: number; with_cell: number }>(
      `SELECT avg(n) AS mean, count(*) FILTER (WHERE cells > 1)::INTEGER AS split, sum(n)::INTEGER AS workers,
              (SELECT count(*) FROM persons WHERE work_cell IS NOT NULL)::INTEGER AS with_cell
       FROM (SELECT workplace, count(*) AS n, count(DISTINCT work_cell) AS cells FROM persons
             WHERE workplace IS NOT NULL GROUP BY 1)`,
    );
    console.info(`households: mean size ${h.mean.toFixed(3)}; workplaces: mean size ${w.mean.toFixed(2)}`);
    expect(h.split).toBe(0);
    expect(w.split).toBe(0);
    expect(h.mean).toBeGreaterThan(2.5);
    expect(h.mean).toBeLessThan(2.75);
    expect(w.workers).toBe(w.with_cell);
  });

  // Guards onset and confirmation order and the ascertainment switch (14% before 2020-01-24, 65% from it).
  it('confirms after onset, at 14% before the switch date and 65% from it', async () => {
    const r = await one<{ bad: number; n0: number; c0: number; n1: number; c1: number }>(
      `SELECT count(*) FILTER (WHERE confirmed_ts < onset_ts OR onset_ts <= infected_ts
                               OR (confirmed_ts IS NOT NULL AND confirmed_ts <> report_ts))::INTEGER AS bad,
              count(*) FILTER (WHERE report_ts < TIMESTAMP '2020-01-24')::INTEGER AS n0,
              count(confirmed_ts) FILTER (WHERE report_ts < TIMESTAMP '2020-01-24')::INTEGER AS c0,
              count(*) FILTER (WHERE report_ts >= TIMESTAMP '2020-01-24')::INTEGER AS n1,
              count(confirmed_ts) FILTER (WHERE report_ts >= TIMESTAMP '2020-01-24')::INTEGER AS c1
       FROM inf`,
    );
    // Incubation: log-normal with mean 5.2 days (Li Q. et al., NEJM 2020); its SD is ~3.9 days, so 3 SE of the mean.
    const inc = await one<{ n: number; mean: number }>(
      `SELECT count(*)::INTEGER AS n, avg(epoch(onset_ts) - epoch(infected_ts)) / 86400 AS mean FROM inf`,
    );
    console.info(`incubation: mean ${inc.mean.toFixed(2)} days over ${inc.n} infections`);
    expect(Math.abs(inc.mean - 5.2)).toBeLessThan((3 * 3.9) / Math.sqrt(inc.n));
    // The day before and the day of the switch: a switch a day off moves one of them by ~0.5.
    const edge = await one<{ n0: number; c0: number; n1: number; c1: number }>(
      `SELECT count(*) FILTER (WHERE report_ts::DATE = DATE '2020-01-23')::INTEGER AS n0,
              count(confirmed_ts) FILTER (WHERE report_ts::DATE = DATE '2020-01-23')::INTEGER AS c0,
              count(*) FILTER (WHERE report_ts::DATE = DATE '2020-01-24')::INTEGER AS n1,
              count(confirmed_ts) FILTER (WHERE report_ts::DATE = DATE '2020-01-24')::INTEGER AS c1
       FROM inf`,
    );
    const e0 = edge.c0 / edge.n0;
    const e1 = edge.c1 / edge.n1;
    console.info(
      `ascertainment on 01-23: ${edge.c0}/${edge.n0} = ${e0.toFixed(3)}, on 01-24: ${edge.c1}/${edge.n1} = ${e1.toFixed(3)}`,
    );
    expect(Math.abs(e0 - 0.14)).toBeLessThan(3 * Math.sqrt((0.14 * 0.86) / edge.n0));
    expect(Math.abs(e1 - 0.65)).toBeLessThan(3 * Math.sqrt((0.65 * 0.35) / edge.n1));
    const p0 = r.c0 / r.n0;
    const p1 = r.c1 / r.n1;
    console.info(
      `ascertainment: ${r.c0}/${r.n0} = ${p0.toFixed(3)} before, ${r.c1}/${r.n1} = ${p1.toFixed(3)} after`,
    );
    expect(r.bad).toBe(0);
    // 2.5 binomial standard errors, sqrt(0.14 x 0.86 / n0) and sqrt(0.65 x 0.35 / n1): measured 16/147 = 0.109
    // (-1.1 SE) and 441/682 = 0.647 (-0.2 SE) for this seed; on the edge days 3/24 and 20/30 (-0.2 and +0.2 SE).
    expect(Math.abs(p0 - 0.14)).toBeLessThan(2.5 * Math.sqrt((0.14 * 0.86) / r.n0));
    expect(Math.abs(p1 - 0.65)).toBeLessThan(2.5 * Math.sqrt((0.65 * 0.35) / r.n1));
  });

  // Guards the health authority's list: test-range phones, each confirmed case once, suspects flagged and known
  // in the truth, and the number registry holding the operator's subscribers only.
  it("lists every confirmed case once by a 100-range phone, with suspects, and a registry of the operator's numbers", async () => {
    const c = await one<{
      n: number;
      outside: number;
      phones: number;
      confirmed: number;
      suspected: number;
      bad: number;
    }>(
      `SELECT count(*)::INTEGER AS n,
              count(*) FILTER (WHERE NOT regexp_full_match(phone, '100[0-9]{8}'))::INTEGER AS outside,
              count(DISTINCT phone)::INTEGER AS phones,
              count(*) FILTER (WHERE status = 'confirmed')::INTEGER AS confirmed,
              count(*) FILTER (WHERE status = 'suspected')::INTEGER AS suspected,
              count(*) FILTER (WHERE status NOT IN ('confirmed', 'suspected') OR onset_date IS NULL
                OR (status = 'confirmed') <> (confirmed_date IS NOT NULL) OR onset_date > confirmed_date)::INTEGER AS bad
       FROM cases`,
    );
    const t = await one<{
      truth: number;
      matched: number;
      suspects: number;
      infected: number;
      wrong: number;
    }>(
      `SELECT (SELECT count(*) FROM inf WHERE confirmed_ts < TIMESTAMP '${END}')::INTEGER AS truth,
              (SELECT count(*) FROM inf i JOIN list l ON l.person = i.person
                 JOIN cases c ON c.phone::BIGINT = l.phone AND c.case_ref = l.case_ref
               WHERE i.confirmed_ts < TIMESTAMP '${END}' AND c.status = 'confirmed'
                 AND c.confirmed_date::DATE = i.confirmed_ts::DATE)::INTEGER AS matched,
              (SELECT count(*) FROM list WHERE status = 'suspected')::INTEGER AS suspects,
              (SELECT count(*) FROM list WHERE status = 'suspected' AND infected)::INTEGER AS infected,
              (SELECT count(*) FROM list l LEFT JOIN inf i USING (person) WHERE l.status = 'suspected' AND
                 (l.infected <> (i.person IS NOT NULL) OR (l.infected AND NOT (i.onset_ts < TIMESTAMP '${END}'
                  AND i.confirmed_ts >= TIMESTAMP '${END}'))))::INTEGER AS wrong`,
    );
    // Where a case is reported: the county of the stay at confirmation (or the next stay, when travelling).
    const where = await one<{ wrong: number }>(
      `SELECT count(*)::INTEGER AS wrong FROM list l WHERE l.status = 'confirmed' AND l.county_code <> (
         SELECT arg_min(s.county_code, s.start_ts) FROM stays s WHERE s.person = l.person AND s.end_ts > l.confirmed_ts)`,
    );
    expect(where.wrong).toBe(0);
    const numbers = await one<{
      n: number;
      subs: number;
      wrong: number;
      nonsub_cases: number;
      nonsub_listed: number;
    }>(
      `WITH nb AS (SELECT * FROM read_csv(${f('numbers.csv')}))
       SELECT (SELECT count(*) FROM nb)::INTEGER AS n,
              (SELECT count(*) FROM persons WHERE subscriber)::INTEGER AS subs,
              (SELECT count(*) FROM nb LEFT JOIN persons p ON p.raw_id = nb.imsi
               WHERE p.person IS NULL OR NOT p.subscriber)::INTEGER AS wrong,
              (SELECT count(*) FROM list l JOIN persons p USING (person) WHERE NOT p.subscriber)::INTEGER AS nonsub_cases,
              (SELECT count(*) FROM list l JOIN persons p USING (person) JOIN nb ON nb.msisdn = l.phone
               WHERE NOT p.subscriber)::INTEGER AS nonsub_listed`,
    );
    console.info(
      `cases.csv: ${c.confirmed} confirmed, ${c.suspected} suspected (${t.infected} infected); ` +
        `numbers.csv: ${numbers.n} subscribers; ${numbers.nonsub_cases} listed people of other operators`,
    );
    expect(c.outside).toBe(0);
    expect(c.phones).toBe(c.n);
    expect(c.bad).toBe(0);
    expect(c.confirmed).toBe(t.truth);
    expect(t.matched).toBe(t.truth);
    expect(c.suspected).toBe(t.suspects);
    expect(t.infected).toBeGreaterThan(0);
    expect(t.suspects).toBeGreaterThan(t.infected);
    expect(t.wrong).toBe(0);
    expect(numbers.n).toBe(numbers.subs);
    expect(numbers.wrong).toBe(0);
    expect(numbers.nonsub_cases).toBeGreaterThan(0);
    expect(numbers.nonsub_listed).toBe(0);
    // The TypeScript helper and the SQL one agree, and stay in the 100 range.
    const p = await one<{ person: number; phone: bigint }>(
      `SELECT person, phone FROM list ORDER BY case_ref LIMIT 1`,
    );
    expect(phoneOf(p.person)).toBe(Number(p.phone));
    expect(phoneOf(10 ** 8 - 1)).toBeLessThan(10_100_000_000);
  });

  // Guards contactsOf: minutes, first and last contact and relation, recomputed from the true stays in SQL.
  it("gives each confirmed case's contacts with shared minutes recomputed from the true stays", async () => {
    const picked = await db.all<{ person: number }>(
      `SELECT person FROM list WHERE status = 'confirmed' ORDER BY hash(person) LIMIT 5`,
    );
    const listed = await one<{ cases: number; missing: number }>(
      `SELECT count(DISTINCT case_person)::INTEGER AS cases,
              (SELECT count(*) FROM list WHERE status = 'confirmed'
               AND person NOT IN (SELECT case_person FROM contacts))::INTEGER AS missing FROM contacts`,
    );
    expect(listed.missing).toBe(0);
    let compared = 0;
    for (const { person } of picked) {
      const diff = await one<{ n: number; only_truth: number; only_ours: number; off: number }>(
        `WITH mine AS (
           SELECT b.person, sum(epoch(least(a.end_ts, b.end_ts)) - epoch(greatest(a.start_ts, b.start_ts))) / 60 AS minutes,
                  min(greatest(a.start_ts, b.start_ts)) AS first_ts, max(least(a.end_ts, b.end_ts)) AS last_ts,
                  CASE WHEN any_value(pa.household = pb.household) THEN 'household'
                       WHEN any_value(coalesce(pa.workplace = pb.workplace, false)) THEN 'workplace' ELSE 'other' END AS relation
           FROM stays a JOIN stays b ON a.cell_id = b.cell_id AND b.person <> a.person
             AND b.start_ts < a.end_ts AND a.start_ts < b.end_ts
           JOIN persons pa ON pa.person = a.person JOIN persons pb ON pb.person = b.person
           WHERE a.person = ${person} GROUP BY b.person),
         theirs AS (SELECT * FROM contacts WHERE case_person = ${person})
         SELECT count(*)::INTEGER AS n,
                count(*) FILTER (WHERE t.person IS NULL)::INTEGER AS only_truth,
                count(*) FILTER (WHERE m.person IS NULL)::INTEGER AS only_ours,
                count(*) FILTER (WHERE abs(m.minutes - t.minutes) > 1e-6 OR m.first_ts <> t.first_ts
                                 OR m.last_ts <> t.last_ts OR m.relation <> t.relation)::INTEGER AS off
         FROM mine m FULL JOIN theirs t USING (person)`,
      );
      expect(diff).toEqual({ n: diff.n, only_truth: 0, only_ours: 0, off: 0 });
      compared += diff.n;
    }
    console.info(
      `contacts: ${listed.cases} cases; ${compared} contacts of ${picked.length} cases recomputed`,
    );
    expect(compared).toBeGreaterThan(20);
  });

  // Guards the export of cases by travellers: infected in the epicentre, listed elsewhere after a journey.
  it('has cases exported beyond the epicentre by travellers', async () => {
    const r = await one<{ exported: number; no_journey: number; outside: number }>(
      `SELECT count(*)::INTEGER AS exported,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM read_parquet(${f('truth/journeys.parquet')}) j
                WHERE j.person = i.person AND j.origin = '420100'))::INTEGER AS no_journey,
              count(*) FILTER (WHERE i.infected_city <> '420100' OR i.reported_city = '420100')::INTEGER AS outside
       FROM inf i WHERE exported`,
    );
    console.info(`exported: ${r.exported}`);
    expect(r.exported).toBeGreaterThan(0);
    expect(r.no_journey).toBe(0);
    expect(r.outside).toBe(0);
  });
});

// Guards test/mutants/household-anywhere.patch: in a simulated run household members are seldom together
// away from home, so the run alone cannot tell a household contact at home from one elsewhere.
describe('the setting of a co-presence', () => {
  // Persons 0 and 1 share household 5 (home cell 10) and workplace 7 (work cell 20); person 2 lives alone.
  const pop: Population = {
    household: Int32Array.from([5, 5, 6]),
    homeCell: Int32Array.from([10, 10, 11]),
    workplace: Int32Array.from([7, 7, -1]),
    workCell: Int32Array.from([20, 20, -1]),
    isEpicentre: () => true,
  };
  it('is household only at the home cell, workplace only at the work cell, place otherwise', () => {
    expect(settingOf(pop, 0, 1, 10)).toBe('household');
    expect(settingOf(pop, 0, 1, 20)).toBe('workplace');
    expect(settingOf(pop, 0, 1, 30)).toBe('place');
    expect(settingOf(pop, 0, 2, 10)).toBe('place');
    expect(settingOf(pop, 2, 0, 11)).toBe('place');
  });
});
