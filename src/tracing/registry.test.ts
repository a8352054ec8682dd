import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { ensureKeyTable, keyFingerprint, RECORD_KEY_SQL } from '../ingest/keys.ts';
import { pseudonym } from '../ingest/pseudonymise.ts';
import { STAY_TABLES } from '../pipeline/stays.ts';
import { tempDir } from '../testing/fixture.ts';
import {
  addCase,
  companions,
  DEFAULT_COMPANION_OPTIONS,
  getCase,
  importCases,
  importNumbers,
  listCases,
  trajectory,
} from './index.ts';
import { buildTraceLayout } from './layout.ts';

// Synthetic identifiers only: IMSIs in the E.212 test range (MCC 001), phones starting 100 (service codes).
const IMSI_A = '1010000000001';
const IMSI_B = '1010000000002';
const PHONE_A = '10000000001';
const PHONE_B = '10000000002';
const PHONE_OTHER = '10000000099';

describe('case registry', () => {
  const key = randomBytes(32);
  const dir = tempDir('registry');
  let db: Duck;

  beforeAll(async () => {
    db = await Duck.open({ path: ':memory:' });
    await ensureKeyTable(db);
    await db.run(RECORD_KEY_SQL, { fingerprint: keyFingerprint(key) });
    await db.run(STAY_TABLES);
    await db.run(`CREATE TABLE cells AS SELECT 1 AS cell_id, 114.3 AS lon, 30.6 AS lat, NULL AS tech, '420102' AS county_code,
      '420100' AS city_code, '420000' AS province_code, NULL AS community_code`);
    await db.run(
      `INSERT INTO stays VALUES ($1, 1, '2020-01-16 08:00:00', '2020-01-16 10:00:00', 3, '2020-01-16'),
                                           ($2, 1, '2020-01-16 09:00:00', '2020-01-16 12:00:00', 3, '2020-01-16')`,
      [pseudonym(key, IMSI_A), pseudonym(key, IMSI_B)],
    );
    await buildTraceLayout(db);
    writeFileSync(
      join(dir, 'numbers.csv'),
      `imsi,msisdn\n${IMSI_A},${PHONE_A}\n${IMSI_B},+86${PHONE_B}\nabc,10000000003\n${IMSI_A},${PHONE_A}\n`,
    );
    writeFileSync(
      join(dir, 'cases.csv'),
      [
        'case_ref,phone,status,onset_date,confirmed_date,county_code,city_code',
        `C1,${PHONE_A},confirmed,2020-01-10,2020-01-17,420102,420100`,
        `C2,${PHONE_OTHER},confirmed,,2020-01-17,420102,420100`,
        `,${PHONE_A},confirmed,,2020-01-17,,`,
        `C3,${PHONE_A},recovered,,2020-01-17,,`,
        `C4,${PHONE_A},confirmed,2020-02-30,2020-01-17,,`,
        `C1,${PHONE_B},suspected,,,,`,
        `C5,12345,confirmed,,2020-01-17,,`,
        `C6,${PHONE_B},Suspected,2020-01-15,,,`,
      ].join('\n') + '\n',
    );
  });
  afterAll(() => db.close());

  it('imports numbers pseudonymised, refusing bad and duplicate rows', async () => {
    const s = await importNumbers(db, join(dir, 'numbers.csv'), key);
    expect(s).toMatchObject({ input: 4, accepted: 2 });
    expect(s.quarantined.map((b) => b.reason)).toEqual(['bad IMSI (6-15 digits)', 'duplicate phone number']);
    const rows = await db.all<{ m: string; u: string }>(
      `SELECT msisdn_id AS m, user_id AS u FROM trace_numbers ORDER BY u`,
    );
    // Raw numbers are never stored: only their pseudonyms under the workspace key.
    expect(rows).toEqual(
      [
        { m: pseudonym(key, PHONE_A), u: pseudonym(key, IMSI_A) },
        { m: pseudonym(key, PHONE_B), u: pseudonym(key, IMSI_B) },
      ].sort((a, b) => (a.u < b.u ? -1 : 1)),
    );
  });

  it('imports cases: input = accepted + quarantined, unmatched stored with userId null and reported', async () => {
    const s = await importCases(db, join(dir, 'cases.csv'), key);
    expect(s.input).toBe(8);
    expect(s.accepted + s.quarantined.length).toBe(s.input);
    expect(s.quarantined.map((b) => [b.line, b.reason.split(' ').slice(0, 2).join(' ')])).toEqual([
      [4, 'missing case'],
      [5, 'bad status'],
      [6, 'bad onset'],
      [7, 'duplicate case'],
      [8, 'bad phone'],
    ]);
    expect(s.unmatched).toEqual(['C2']);
    const cases = await listCases(db);
    expect(cases.map((c) => [c.ref, c.status, c.userId, c.onset, c.confirmed])).toEqual([
      ['C1', 'confirmed', pseudonym(key, IMSI_A), '2020-01-10', '2020-01-17'],
      ['C2', 'confirmed', null, null, '2020-01-17'],
      ['C6', 'suspected', pseudonym(key, IMSI_B), '2020-01-15', null],
    ]);
  });

  it('adds a case by IMSI, and refuses a duplicate ref and a bad identifier', async () => {
    const c = await addCase(
      db,
      { ref: 'C7', identifier: IMSI_B, idKind: 'imsi', status: 'confirmed', confirmed: '2020-01-17' },
      key,
    );
    expect(c.userId).toBe(pseudonym(key, IMSI_B));
    const none = await addCase(
      db,
      { ref: 'C8', identifier: '1010000000077', idKind: 'imsi', status: 'suspected' },
      key,
    );
    expect(none.userId).toBeNull();
    await expect(
      addCase(db, { ref: 'C7', identifier: IMSI_A, idKind: 'imsi', status: 'confirmed' }, key),
    ).rejects.toThrow(/C7 is already in the registry/);
    await expect(
      addCase(db, { ref: 'C9', identifier: '12ab', idKind: 'phone', status: 'confirmed' }, key),
    ).rejects.toThrow(UserError);
    expect(await getCase(db, 'C9')).toBeNull();
  });

  it('refuses a key other than the workspace one', async () => {
    await expect(importCases(db, join(dir, 'cases.csv'), randomBytes(32))).rejects.toThrow(/another key/);
    await expect(importNumbers(db, join(dir, 'numbers.csv'), randomBytes(32))).rejects.toThrow(/another key/);
  });

  it('names an unknown ref, and says when a case matched no subscriber', async () => {
    await expect(companions(db, 'NOPE', DEFAULT_COMPANION_OPTIONS)).rejects.toThrow(/no case 'NOPE'/);
    await expect(companions(db, 'C2', DEFAULT_COMPANION_OPTIONS)).rejects.toThrow(
      /C2' matched no subscriber/,
    );
    const r = await companions(db, 'C1', DEFAULT_COMPANION_OPTIONS);
    // Default window: the 15 days ending with the confirmation day.
    expect(r.window).toEqual({ from: '2020-01-03 00:00:00', to: '2020-01-18 00:00:00' });
    expect(r.companions.map((c) => [c.userId, c.minutes])).toEqual([[pseudonym(key, IMSI_B), 60]]);
    // A suspect has no confirmation date: the window ends with the data's last day (2020-01-16).
    const t = await trajectory(db, 'C6');
    expect(t.window).toEqual({ from: '2020-01-02 00:00:00', to: '2020-01-17 00:00:00' });
    expect(t.dwells.map((d) => [d.start, d.end, d.minutes])).toEqual([
      ['2020-01-16 09:00:00', '2020-01-16 12:00:00', 180],
    ]);
  });
});
