import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { tempDir } from '../testing/fixture.ts';
import { fitSources } from './sources.ts';
import { FIXTURE } from './sources-fixture.ts';
import { parseSourcesTable, readSourcesTable } from './sources-table.ts';

/** The fixture as an analyst would write it: codes, Chinese names with and without suffix, pinyin. */
const LINES = [
  'destination,outflow,cases',
  '孝感,"412,000",3518',
  '黄冈市,389000,2907',
  'Jingzhou,205000,1580',
  '420600,171000,1175',
  '随州市,96000,1307',
  'jingmen,88000,928',
  '鄂州,120000,1394',
  '420500,150000,931',
  '恩施,41000,252',
  '神农架林区,2300,11',
];

/** GBK bytes: 目的地 (c4bf b5c4 b5d8), 确诊 (c8b7 d5ef), 孝感 (d0a2 b8d0), 黄冈 (bbc6 b8d4). */
function gbkTable(): Buffer {
  const gbk = (hex: string) => Buffer.from(hex, 'hex');
  const ascii = (s: string) => Buffer.from(s, 'latin1');
  return Buffer.concat([
    gbk('c4bfb5c4b5d8'),
    ascii(',outflow,'),
    gbk('c8b7d5ef'),
    ascii('\r\n'),
    gbk('d0a2b8d0'),
    ascii(',412000,3518\r\n'),
    gbk('bbc6b8d4'),
    ascii(',389000,2907\r\n'),
    // The other rows by code: ASCII is the same in GBK.
    ascii(
      FIXTURE.slice(2)
        .map((p) => `${p.code},${p.outflow},${p.cases}`)
        .join('\r\n'),
    ),
  ]);
}

const dir = tempDir('risk-table');
function file(name: string, bytes: Buffer | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('risk sources table', () => {
  it('resolves codes, Chinese and English names to the fixture and fits it alike', () => {
    const t = readSourcesTable(file('plain.csv', LINES.join('\n')));
    expect(t.quarantined).toEqual([]);
    expect(t.input).toBe(10);
    expect(t.accepted).toEqual(FIXTURE);
    expect(fitSources(t.accepted, 'loglog')).toEqual(fitSources(FIXTURE, 'loglog'));
  });

  it('reads a UTF-8 file with a byte-order mark and CRLF, and a GBK file, to the same rows', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(LINES.join('\r\n') + '\r\n')]);
    expect(readSourcesTable(file('bom.csv', bom)).accepted).toEqual(FIXTURE);
    expect(readSourcesTable(file('gbk.csv', gbkTable())).accepted).toEqual(FIXTURE);
  });

  it('quarantines unknown names and bad numbers with reasons: input = accepted + quarantined', () => {
    const text = [
      ...LINES,
      'Atlantis,100,5',
      '湖北省,100,5',
      '江岸区,100,5',
      '十堰,many,5',
      '十堰,100,-3',
      '孝感市,1,1',
    ].join('\n');
    const t = parseSourcesTable(text, 't.csv');
    expect(t.input).toBe(16);
    expect(t.accepted.length + t.quarantined.length).toBe(t.input);
    expect(t.accepted).toEqual(FIXTURE);
    expect(t.quarantined.map((q) => [q.line, q.destination])).toEqual([
      [12, 'Atlantis'],
      [13, '湖北省'],
      [14, '江岸区'],
      [15, '十堰'],
      [16, '十堰'],
      [17, '孝感市'],
    ]);
    const [atlantis, hubei, jiangan, many, negative, twice] = t.quarantined.map((q) => q.reason);
    expect(atlantis).toMatch(/^Unknown city name 'Atlantis'/);
    expect(hubei).toBe('420000 湖北省 is a province; the table is by destination city');
    expect(jiangan).toBe('420102 江岸区 is a county (of 420100 武汉市); the table is by destination city');
    expect(many).toBe("bad outflow 'many' (a number >= 0)");
    expect(negative).toBe("bad cases '-3' (a number >= 0)");
    expect(twice).toBe('duplicate destination 420900 孝感市 (line 2)');
  });

  it('turns garbage into one line naming the file and the missing columns', () => {
    const bin = file('garbage.csv', Buffer.from([0x00, 0x9f, 0x92, 0x96, 0x0a, 0xff, 0x00, 0x01, 0x0a]));
    expect(() => readSourcesTable(bin)).toThrow(UserError);
    try {
      readSourcesTable(bin);
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
      expect((e as Error).message).toMatch(
        /^table .*garbage\.csv needs the columns destination,outflow,cases/,
      );
    }
    expect(() => parseSourcesTable('"unclosed,quote\n1,2', 'q.csv')).toThrow(
      /^table q\.csv is not a readable CSV: /,
    );
    expect(() => readSourcesTable(join(dir, 'missing.csv'))).toThrow(UserError);
  });
});
