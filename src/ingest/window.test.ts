import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import type { FileSummary } from './ingest.ts';
import { ingest } from './ingest.ts';
import { csvOf, freshWorkspace, quarantineRows, TEST_KEY, writeText } from './testing.ts';
import { plausibleWindow, recordClock } from './window.ts';

// A fixed clock: 2020-01-17 00:00 UTC is 08:00 on the record clock (Asia/Shanghai).
const NOW = new Date('2020-01-17T00:00:00Z');
const clock = () => NOW;

describe('the plausible time window', () => {
  it('runs from --earliest to now + --max-future-hours on the record clock', () => {
    expect(recordClock(NOW)).toBe('2020-01-17 08:00:00');
    expect(plausibleWindow(NOW)).toEqual({ earliest: '2000-01-01 00:00:00', latest: '2020-01-18 08:00:00' });
    expect(plausibleWindow(NOW, '2019-12-01', 2)).toEqual({
      earliest: '2019-12-01 00:00:00',
      latest: '2020-01-17 10:00:00',
    });
    expect(() => plausibleWindow(NOW, '2021-01-01')).toThrow(UserError);
  });

  it('quarantines the far past and the far future with their reason, keeps the rest', async () => {
    const { dir, ws, cells } = freshWorkspace('window');
    const file = writeText(
      join(dir, 'r.csv'),
      csvOf([
        ['u1', '2020-01-16 08:00:00', '1'],
        ['u1', '0001-01-01 00:00:00', '1'],
        ['u2', '9999-12-31 23:59:59', '2'],
        ['u2', '1999-12-31 23:59:59', '2'],
        ['u3', '2000-01-01 00:00:00', '1'],
        ['u3', '2020-01-18 08:00:00', '1'], // now + 24 h exactly: still plausible
        ['u3', '2020-01-18 08:00:01', '1'],
        ['u4', '0', '1'], // epoch 0, 1970
      ]),
    );
    const [s] = (await ingest(ws, { inputs: [file], cells, key: TEST_KEY }, { clock })) as [FileSummary];
    expect([s.read, s.accepted, s.quarantined]).toEqual([8, 3, 5]);
    expect(s.reasons).toEqual({ 'time outside plausible window': 5 });
    expect(s.days).toEqual(['2000-01-01', '2020-01-16', '2020-01-18']);
    expect((await quarantineRows(ws)).map((r) => r.row_no)).toEqual([3, 4, 5, 8, 9]);
  });

  it('takes a wider window when asked (--earliest, --max-future-hours)', async () => {
    const { dir, ws, cells } = freshWorkspace('window');
    const file = writeText(
      join(dir, 'r.csv'),
      csvOf([
        ['u1', '1990-05-01 00:00:00', '1'],
        ['u1', '2020-01-20 00:00:00', '1'],
      ]),
    );
    const [s] = (await ingest(
      ws,
      { inputs: [file], cells, key: TEST_KEY, earliest: '1990-01-01', maxFutureHours: 24 * 7 },
      { clock },
    )) as [FileSummary];
    expect([s.accepted, s.quarantined]).toEqual([2, 0]);
  });
});
