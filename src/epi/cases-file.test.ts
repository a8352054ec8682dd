import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { tempDir } from '../testing/fixture.ts';
import { readCasesFile, readCasesText } from './cases-file.ts';
import { reasonCounts } from './csv-text.ts';

const dir = tempDir('epi-cases');
const nanToNull = (a: Float64Array) => [...a].map((v) => (Number.isNaN(v) ? null : v));

describe('cases CSV reader', () => {
  it('resolves codes, Chinese and English names (and Li et al. spellings) to the same regions', () => {
    const text = [
      'date,region,confirmed',
      '2020-01-20,420100,10',
      '2020-01-21,武汉,15',
      '2020-01-22,Wuhan,22',
      '2020-01-20,Xintai,1', // Li et al.'s spelling of 邢台 Xingtai (130500)
      '2020-01-21,邢台市,2',
      '2020-01-22,Jinzhou (Liaoning),3', // 锦州 210700
    ].join('\n');
    const f = readCasesText(text, { level: 'city', counts: 'cumulative' });
    expect(f.data.regions.map((r) => `${r.code} ${r.name}`)).toEqual([
      '130500 邢台市',
      '210700 锦州市',
      '420100 武汉市',
    ]);
    expect(f.rows).toBe(6);
    expect(f.accepted).toBe(6);
    expect(f.quarantined).toEqual([]);
    // Wuhan cumulative 10, 15, 22 -> day 0 unknown (the file's first day), then 5, 7.
    const n = 3;
    expect(nanToNull(f.data.confirmed.filter((_, k) => k % n === 2))).toEqual([null, 5, 7]);
    // Jinzhou's first row is on the last day: nothing before it, so 0, 0, 3.
    expect(nanToNull(f.data.confirmed.filter((_, k) => k % n === 1))).toEqual([0, 0, 3]);
    expect(f.data.start).toBe('2020-01-20');
    expect(f.data.days).toBe(3);
    expect(f.data.deaths).toBeUndefined();
  });

  it('quarantines bad rows with a reason each, and rows in = accepted + quarantined', () => {
    const text = [
      'date,region,confirmed,deaths',
      '2020-01-20,420100,10,0',
      '2020-02-30,420100,11,0', // no such date
      'yesterday,420100,11,0',
      '2020-01-21,Atlantis,3,0',
      '2020-01-21,420100,-4,0',
      '2020-01-21,420100,many,0',
      '2020-01-21,420100,12',
      '2020-01-21,420100,12,0',
      '2020-01-21,武汉市,12,0', // same place and day again
      '2020-01-22,420100,9,1', // a dip: back up the next day
      '2020-01-23,420100,20,x',
      '2020-01-23,420100,20,1',
      '2020-01-20,710000,1,0', // a province in a city-level run
    ].join('\n');
    const f = readCasesText(text, { level: 'city', counts: 'cumulative' });
    expect(f.rows).toBe(13);
    expect(f.accepted + f.quarantined.length).toBe(f.rows);
    expect(f.accepted).toBe(3);
    expect(f.quarantined.map((q) => [q.line, q.reason])).toEqual([
      [3, "bad date '2020-02-30'"],
      [4, "bad date 'yesterday'"],
      [5, "unknown region 'Atlantis'"],
      [6, "negative confirmed '-4'"],
      [7, "confirmed 'many' is not a count"],
      [8, '3 fields, expected 4'],
      [10, 'duplicate of line 9'],
      [11, 'cumulative confirmed falls from 12 on 2020-01-21 to 9 and back'],
      [12, "deaths 'x' is not a count"],
      [14, '710000 台湾省 is a province; city-level regions need city rows (or use --regions province)'],
    ]);
    expect(reasonCounts(f.quarantined)).toMatchObject({
      'bad date': 2,
      'duplicate of line N': 1,
      'negative confirmed': 1,
      'unknown region': 1,
      'N is a province; city-level regions need city rows (or use --regions province)': 1,
    });
    // 10, 12, (dip dropped), 20 -> daily unknown, 2, then 8 spread over the skipped day: 4, 4.
    expect(nanToNull(f.data.confirmed)).toEqual([null, 2, 4, 4]);
    expect(f.interpolatedDays).toBe(1);
    expect(nanToNull(f.data.deaths!)).toEqual([null, 0, 0.5, 0.5]);
  });

  it('detects cumulative vs daily counts and says why; a given kind wins', () => {
    const cum = 'date,region,confirmed\n2020-01-20,420100,1\n2020-01-21,420100,3\n2020-01-22,420100,6\n';
    const daily = 'date,region,confirmed\n2020-01-20,420100,1\n2020-01-21,420100,3\n2020-01-22,420100,2\n';
    const a = readCasesText(cum, { level: 'city' });
    expect([a.counts, a.countsBecause]).toEqual(['cumulative', expect.stringContaining('ever falls')]);
    expect(nanToNull(a.data.confirmed)).toEqual([null, 2, 3]);
    const b = readCasesText(daily, { level: 'city' });
    expect(b.counts).toBe('daily');
    expect(nanToNull(b.data.confirmed)).toEqual([1, 3, 2]);
    const c = readCasesText(cum, { level: 'city', counts: 'daily' });
    expect([c.counts, c.countsBecause]).toEqual(['daily', 'given']);
    expect(nanToNull(c.data.confirmed)).toEqual([1, 3, 6]);
  });

  it('keeps a lasting downward revision of a cumulative series (that day unknown)', () => {
    const text =
      'date,region,confirmed\n2020-01-20,420100,10\n2020-01-21,420100,12\n2020-01-22,420100,8\n2020-01-23,420100,9\n';
    const f = readCasesText(text, { level: 'city', counts: 'cumulative' });
    expect(f.quarantined).toEqual([]);
    expect(f.revisions).toBe(1);
    expect(nanToNull(f.data.confirmed)).toEqual([null, 2, null, 1]);
  });

  it('aggregates cities and counties to provinces, never counting a province twice', () => {
    const text = [
      'date,region,confirmed',
      '2020-01-20,420100,5',
      '2020-01-20,荆州市,2',
      '2020-01-20,420102,1', // a district of Wuhan
      '2020-01-20,广东省,7',
      '2020-01-20,440100,3', // Guangzhou: Guangdong has its own rows
      '2020-01-20,北京,4', // a municipality named as the province
    ].join('\n');
    const f = readCasesText(text, { level: 'province', counts: 'daily' });
    expect(f.data.regions.map((r) => r.code)).toEqual(['110000', '420000', '440000']);
    expect([...f.data.confirmed]).toEqual([4, 8, 7]);
    expect(f.quarantined).toEqual([{ line: 6, reason: expect.stringContaining('would count twice') }]);
    // The built-in census has no count for Taiwan, Hong Kong and Macau; the model divides by population.
    expect(
      readCasesText(text + '\n2020-01-20,香港,1', { level: 'province', counts: 'daily' }).quarantined[1],
    ).toEqual({
      line: 8,
      reason: '810000 香港特别行政区 has no census population (the model needs one)',
    });
    // City level: the municipality becomes its one city; districts join their city.
    const g = readCasesText(text, { level: 'city', counts: 'daily' });
    expect(g.data.regions.map((r) => r.code)).toEqual(['110100', '420100', '421000', '440100']);
    expect([...g.data.confirmed]).toEqual([4, 5, 2, 3]);
    expect(g.quarantined).toEqual([
      { line: 4, reason: expect.stringContaining('420100 武汉市 has its own rows') },
      { line: 5, reason: expect.stringContaining('is a province') },
    ]);
  });

  it('reads UTF-8 with a BOM and GBK files the same; an unusable file is a UserError', () => {
    const text = 'date,region,confirmed\n2020-01-20,武汉市,10\n2020-01-21,武汉市,12\n';
    const bom = join(dir, 'bom.csv');
    writeFileSync(bom, '\ufeff' + text);
    const a = readCasesFile(bom, { level: 'city' });
    expect([a.encoding, a.accepted, a.data.regions[0]!.code]).toEqual(['utf-8', 2, '420100']);
    // 武汉市 in GBK: CE E4 BA BA CA D0.
    const gbk = join(dir, 'gbk.csv');
    const gb = Buffer.concat([
      Buffer.from('date,region,confirmed\n2020-01-20,'),
      Buffer.from([0xce, 0xe4, 0xba, 0xba, 0xca, 0xd0]),
      Buffer.from(',10\n'),
    ]);
    writeFileSync(gbk, gb);
    const b = readCasesFile(gbk, { level: 'city' });
    expect([b.encoding, b.data.regions[0]!.code]).toEqual(['gb18030', '420100']);
    expect(() => readCasesText('day,place,n\n1,2,3\n', { level: 'city' })).toThrow(
      /lacks column\(s\) date, region, confirmed/,
    );
    expect(() => readCasesText('', { level: 'city' })).toThrow(UserError);
    expect(() => readCasesText('date,region,confirmed\nx,y,z\n', { level: 'city' })).toThrow(
      /no usable rows \(1 quarantined; line 2: bad date 'x'\)/,
    );
    expect(() => readCasesFile(join(dir, 'absent.csv'), { level: 'city' })).toThrow(
      /cannot read cases file .*ENOENT/,
    );
  });
});
