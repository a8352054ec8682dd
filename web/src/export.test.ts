import { parse } from 'papaparse';
import { describe, expect, it } from 'vitest';
import { exportFileName, toCsv, withSyntheticColumn } from './export.tsx';
import type { ExportColumn } from './export.tsx';

type Row = { code: string; name: string; count: number | null; suppressed: boolean; note: string | null };

const columns: ExportColumn<Row>[] = [
  { key: 'code', header: '代码', value: (r) => r.code },
  { key: 'name', header: '名称', value: (r) => r.name },
  { key: 'count', header: '人数', value: (r) => r.count },
  { key: 'suppressed', header: '已抑制', value: (r) => r.suppressed },
  { key: 'note', header: '备注', value: (r) => r.note },
];

const rows: Row[] = [
  { code: '420100', name: '武汉市', count: 1330, suppressed: false, note: null },
  {
    code: '110000',
    name: 'Beijing, "the capital"',
    count: null,
    suppressed: true,
    note: 'line one\nline two',
  },
  { code: '341500', name: "Lu'an 六安市", count: 0, suppressed: false, note: '' },
  { code: '999999', name: '=HYPERLINK("x")', count: -3, suppressed: false, note: '+1' },
];

describe('toCsv', () => {
  const csv = toCsv(rows, columns);

  it('starts with a byte-order mark and heads the columns with their keys', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split('\r\n')[0]).toBe('code,name,count,suppressed,note');
  });

  it('round-trips through papaparse: Chinese, commas, quotes, new lines, null as empty, numbers unformatted', () => {
    const back = parse<string[]>(csv.slice(1), { header: false, skipEmptyLines: true });
    expect(back.errors).toEqual([]);
    expect(back.data).toEqual([
      ['code', 'name', 'count', 'suppressed', 'note'],
      ['420100', '武汉市', '1330', 'false', ''],
      ['110000', 'Beijing, "the capital"', '', 'true', 'line one\nline two'],
      ['341500', "Lu'an 六安市", '0', 'false', ''],
      // Text a spreadsheet would run as a formula gets a leading quote; the negative number stays a number.
      ['999999', `'=HYPERLINK("x")`, '-3', 'false', "'+1"],
    ]);
  });

  it('writes large counts without grouping', () => {
    const one = toCsv([{ ...rows[0]!, count: 1234567 }], columns);
    expect(one).toContain(',1234567,');
  });

  it('writes the header alone for no rows', () => {
    expect(toCsv([], columns)).toBe('\ufeffcode,name,count,suppressed,note\r\n');
  });
});

describe('synthetic exports', () => {
  it('prefix the file name with SYNTHETIC- only on synthetic data', () => {
    expect(exportFileName('flows-returnees-420900-420100-2020-01-14_2020-01-27', 'csv', true)).toBe(
      'SYNTHETIC-epitrace-flows-returnees-420900-420100-2020-01-14_2020-01-27.csv',
    );
    expect(exportFileName('accounts', 'xlsx', false)).toBe('epitrace-accounts.xlsx');
  });

  it('carry a synthetic column first, true or false on every row', () => {
    for (const synthetic of [true, false]) {
      const csv = toCsv(rows, withSyntheticColumn(columns, synthetic, 'Synthetic data'));
      const parsed = parse<Record<string, string>>(csv.slice(1), { header: true }).data;
      expect(parsed.map((r) => Object.keys(r)[0])).toEqual(rows.map(() => 'synthetic'));
      expect(parsed.map((r) => r['synthetic'])).toEqual(rows.map(() => String(synthetic)));
    }
  });
});
