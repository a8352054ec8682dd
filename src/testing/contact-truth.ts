import { join } from 'node:path';
import { Duck, quotedString } from '../db/duck.ts';
import { pseudonym } from '../ingest/pseudonymise.ts';
import { lastDay } from '../cli/demo.ts';
import type { ScenarioParams } from '../synth/params.ts';
import { companions, DEFAULT_COMPANION_OPTIONS, importCases, importNumbers } from '../tracing/index.ts';
import type { Workspace } from '../workspace.ts';

/** How companions found compare with the simulator's true contacts. */
export interface ContactScore {
  cases: number;
  truth: number;
  found: number;
  hits: number;
  recall: number;
  precision: number;
  /** Mean of found - true shared minutes over the hits (negative: under-estimated). */
  minutesBias: number;
}

/**
 * Scores companions against truth/contacts.parquet: for every confirmed case the operator sees, its true
 * contacts of >= minMinutes at the same cell who are subscribers, over the whole scenario (the window is
 * the scenario, since the true minutes are totals over it), versus the companions found with `extend`.
 */
export async function scoreContacts(
  f: { ws: Workspace; synthDir: string; params: ScenarioParams; key: Buffer },
  extend: boolean,
  minMinutes = 60,
): Promise<ContactScore> {
  const db = await f.ws.openDuck();
  const t = await Duck.open({ path: ':memory:' });
  try {
    await importNumbers(db, join(f.synthDir, 'numbers.csv'), f.key);
    await importCases(db, join(f.synthDir, 'cases.csv'), f.key).catch(() => undefined);
    const pq = (x: string): string => `read_parquet(${quotedString(join(f.synthDir, 'truth', x))})`;
    const rows = await t.all<{ ref: string; raw_id: string; minutes: number }>(
      `SELECT i.case_ref AS ref, p.raw_id::VARCHAR AS raw_id, c.minutes
       FROM ${pq('contacts.parquet')} c JOIN ${pq('infections.parquet')} i ON i.person = c.case_person
         JOIN ${pq('persons.parquet')} cp ON cp.person = c.case_person
         JOIN ${pq('persons.parquet')} p ON p.person = c.person
       WHERE cp.subscriber AND p.subscriber AND i.case_ref IS NOT NULL AND c.minutes >= $1`,
      [minMinutes],
    );
    const refs = (
      await t.all<{ ref: string }>(
        `SELECT i.case_ref AS ref FROM ${pq('infections.parquet')} i JOIN ${pq('persons.parquet')} p USING (person)
         WHERE p.subscriber AND i.case_ref IS NOT NULL AND i.listed = 'confirmed' ORDER BY ref`,
      )
    ).map((r) => r.ref);
    const truth = new Map<string, number>();
    for (const r of rows) truth.set(`${r.ref}/${pseudonym(f.key, r.raw_id)}`, r.minutes);
    const window = { from: `${f.params.start} 00:00:00`, to: `${lastDay(f.params)} 23:59:59` };
    let found = 0;
    let hits = 0;
    let bias = 0;
    let truthN = 0;
    for (const ref of refs) {
      truthN += rows.filter((r) => r.ref === ref).length;
      const r = await companions(db, ref, {
        ...DEFAULT_COMPANION_OPTIONS,
        minMinutes,
        window,
        extendStays: extend,
      });
      for (const c of r.companions) {
        found++;
        const m = truth.get(`${ref}/${c.userId}`);
        if (m !== undefined) {
          hits++;
          bias += c.minutes - m;
        }
      }
    }
    return {
      cases: refs.length,
      truth: truthN,
      found,
      hits,
      recall: hits / truthN,
      precision: hits / found,
      minutesBias: bias / hits,
    };
  } finally {
    db.close();
    t.close();
  }
}
