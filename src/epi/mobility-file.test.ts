import { describe, expect, it } from 'vitest';
import { readCasesText } from './cases-file.ts';
import { readMobilityText } from './mobility-file.ts';

const cases = readCasesText(
  [
    'date,region,confirmed',
    '2020-01-20,420100,1',
    '2020-01-20,421000,1',
    '2020-01-20,440100,1',
    '2020-01-23,440100,1',
  ].join('\n'),
  { level: 'city', counts: 'daily' },
).data; // regions 420100 武汉, 421000 荆州, 440100 广州; days 01-20..01-23

const pairs = (f: { origin: Int32Array; dest: Int32Array; people: Float64Array }) =>
  [...f.people].map((p, k) => `${f.origin[k]}>${f.dest[k]}:${p}`);

describe('mobility CSV reader', () => {
  it('builds daily sparse flows over the cases regions, quarantining what it cannot place', () => {
    const text = [
      'date,origin,destination,value',
      '2020-01-21,武汉市,Guangzhou,100',
      '2020-01-21,420100,荆州,50',
      '2020-01-21,420102,420100,70', // a district of Wuhan to Wuhan: inside one region
      '2020-01-21,420100,110100,9', // Beijing is not in the cases data
      '2020-01-21,Atlantis,420100,9',
      '2020-01-21,420100,440100,-3',
      '2020-01-21,420100,440100,100', // duplicate of line 2 (same places, same day)
      '2020-13-01,420100,440100,1',
      '2020-01-23,440100,420100,30',
    ].join('\n');
    const m = readMobilityText(text, cases, { level: 'city' });
    expect(m.rows).toBe(9);
    expect(m.accepted + m.quarantined.length).toBe(m.rows);
    expect(m.accepted).toBe(4);
    expect(m.internal).toBe(1);
    expect(m.quarantined.map((q) => q.reason)).toEqual([
      'region 110100 北京市 is not in the cases data',
      "unknown region 'Atlantis'",
      "value '-3' is not a count",
      'duplicate of line 2',
      "bad date '2020-13-01'",
    ]);
    // Day 0 (01-20) takes the first mobility day's flows, day 2 (01-22) carries day 1's.
    expect(m.flows.length).toBe(4);
    expect(m.daysBeforeFirst).toBe(1);
    expect(m.daysCarried).toBe(1);
    expect(pairs(m.flows[0]!)).toEqual(['0>1:50', '0>2:100']);
    expect(pairs(m.flows[2]!)).toEqual(['0>1:50', '0>2:100']);
    expect(pairs(m.flows[3]!)).toEqual(['2>0:30']);
  });

  it('aggregates flows to provinces and drops trips inside one province', () => {
    const prov = readCasesText('date,region,confirmed\n2020-01-20,420000,1\n2020-01-20,440000,1\n', {
      level: 'province',
      counts: 'daily',
    }).data;
    const text = [
      'date,origin,destination,value',
      '2020-01-20,420100,421000,50',
      '2020-01-20,420100,440100,10',
      '2020-01-20,421000,440300,5',
    ].join('\n');
    const m = readMobilityText(text, prov, { level: 'province' });
    expect(m.internal).toBe(1);
    expect(pairs(m.flows[0]!)).toEqual(['0>1:15']);
  });

  it('refuses a file with no usable flow, naming why', () => {
    expect(() =>
      readMobilityText('date,origin,destination,value\n2020-01-20,420100,Atlantis,5\n', cases, {
        level: 'city',
      }),
    ).toThrow(/no usable flows .*unknown region 'Atlantis'/);
    expect(() => readMobilityText('date,from,to,n\n', cases, { level: 'city' })).toThrow(/lacks column/);
  });
});
