import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { rows } from './sql.ts';
import { checkTimeFormat, checkTimezone, timeSql } from './time.ts';
import type { TimeFormat } from './time.ts';

let db: Duck;
beforeAll(async () => {
  db = await Duck.open({ path: ':memory:' });
});
afterAll(() => db.close());

/** Wall clock in Asia/Shanghai of `v` (a SQL literal of some type), as text. */
async function wall(
  v: string,
  type: string,
  fmt: TimeFormat = 'auto',
  tz = 'Asia/Shanghai',
): Promise<string | null> {
  const sql = `SELECT strftime(${timeSql('x', type, fmt, tz)}, '%Y-%m-%d %H:%M:%S') AS t FROM (SELECT ${v} AS x)`;
  const [r] = await rows<{ t: string | null }>(db, sql, { tz });
  return r!.t;
}

describe('record times', () => {
  it('keeps the instant of ISO times with a zone or offset and shows it on the China Standard Time clock', async () => {
    expect(await wall(`'2020-01-16T00:10:00Z'`, 'VARCHAR')).toBe('2020-01-16 08:10:00');
    expect(await wall(`'2020-01-16 08:10:00+08:00'`, 'VARCHAR')).toBe('2020-01-16 08:10:00');
    expect(await wall(`'2020-01-15T19:10:00-05:00'`, 'VARCHAR')).toBe('2020-01-16 08:10:00');
    expect(await wall(`'2020-01-16T08:10:00.250+0800'`, 'VARCHAR')).toBe('2020-01-16 08:10:00');
    expect(await wall(`'2020-01-16 01:10:00 Europe/Paris'`, 'VARCHAR')).toBe('2020-01-16 08:10:00');
  });

  it('reads zone-less times in the declared zone (default Asia/Shanghai)', async () => {
    expect(await wall(`'2020-01-16 08:10:00'`, 'VARCHAR')).toBe('2020-01-16 08:10:00');
    expect(await wall(`'2020-01-16T00:10:00'`, 'VARCHAR', 'auto', 'UTC')).toBe('2020-01-16 08:10:00');
    expect(await wall(`TIMESTAMP '2020-01-16 00:10:00'`, 'TIMESTAMP', 'auto', 'UTC')).toBe(
      '2020-01-16 08:10:00',
    );
    expect(await wall(`TIMESTAMP '2020-01-16 08:10:00'`, 'TIMESTAMP')).toBe('2020-01-16 08:10:00');
    // A date alone has no zone, even though it ends in '-16'.
    expect(await wall(`'2020-01-16'`, 'VARCHAR', 'auto', 'UTC')).toBe('2020-01-16 08:00:00');
  });

  it('reads epoch seconds and milliseconds, as text or numbers, and tells them apart in auto', async () => {
    const s = 1579133400; // 2020-01-16T00:10:00Z
    expect(await wall(`'${s}'`, 'VARCHAR')).toBe('2020-01-16 08:10:00');
    expect(await wall(`'${s}000'`, 'VARCHAR')).toBe('2020-01-16 08:10:00');
    expect(await wall(`${s}::BIGINT`, 'BIGINT')).toBe('2020-01-16 08:10:00');
    expect(await wall(`${s}000::BIGINT`, 'BIGINT', 'epoch-ms')).toBe('2020-01-16 08:10:00');
    expect(await wall(`${s}.5::DOUBLE`, 'DOUBLE', 'epoch-s')).toBe('2020-01-16 08:10:00');
    expect(await wall(`TIMESTAMPTZ '2020-01-16 00:10:00+00'`, 'TIMESTAMP WITH TIME ZONE')).toBe(
      '2020-01-16 08:10:00',
    );
  });

  it('gives NULL (unparsable) for what it cannot read or what the declared format excludes', async () => {
    expect(await wall(`'yesterday-ish'`, 'VARCHAR')).toBeNull();
    expect(await wall(`'2020-13-45 99:00:00'`, 'VARCHAR')).toBeNull();
    expect(await wall(`'1579133400'`, 'VARCHAR', 'iso')).toBeNull();
    expect(await wall(`'2020-01-16 08:10:00'`, 'VARCHAR', 'epoch-s')).toBeNull();
    expect(await wall(`'1e300'`, 'VARCHAR')).toBeNull();
  });

  it('rejects an unknown zone name or time format with one clear line', () => {
    expect(() => checkTimezone('Mars/Olympus')).toThrow(/unknown time zone 'Mars\/Olympus'/);
    expect(checkTimezone('UTC')).toBe('UTC');
    expect(() => checkTimeFormat('julian')).toThrow(UserError);
    expect(checkTimeFormat('epoch-ms')).toBe('epoch-ms');
  });
});
