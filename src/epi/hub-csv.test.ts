import { describe, expect, it } from 'vitest';
import { hubCsv, readHubCsv } from './hub-csv.ts';
import type { ForecastRow } from './types.ts';

describe('Forecast-Hub CSV', () => {
  it('round-trips rows, the point forecast as an empty quantile, names quoted when needed', () => {
    const rows: ForecastRow[] = [
      {
        scenario: 'baseline',
        origin: '2020-02-01',
        target: '2020-02-02',
        horizon: 1,
        region: '420000',
        quantity: 'confirmed',
        quantile: null,
        value: 1234.5,
      },
      {
        scenario: 'baseline',
        origin: '2020-02-01',
        target: '2020-02-02',
        horizon: 1,
        region: '420000',
        quantity: 'confirmed',
        quantile: 0.025,
        value: 999.123456,
      },
      {
        scenario: 'cut, 50%',
        origin: '2020-02-01',
        target: '2020-02-15',
        horizon: 14,
        region: 'X1',
        quantity: 'deaths',
        quantile: 0.975,
        value: 3,
      },
    ];
    const names = new Map([
      ['420000', '湖北省'],
      ['X1', 'country, without "Hubei"'],
    ]);
    const text = hubCsv(rows, names);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(
      'origin_date,target_date,horizon,scenario,region,region_name,quantity,quantile,value',
    );
    expect(lines[1]).toBe('2020-02-01,2020-02-02,1,baseline,420000,湖北省,confirmed,,1234.5');
    expect(lines[3]).toBe(
      '2020-02-01,2020-02-15,14,"cut, 50%",X1,"country, without ""Hubei""",deaths,0.975,3',
    );
    const back = readHubCsv(text);
    expect(back.rows).toEqual([rows[0], { ...rows[1], value: 999.1235 }, rows[2]]);
    expect(back.names).toEqual(names);
    expect(() => readHubCsv('origin_date,value\n2020-01-01,3\n')).toThrow(/lacks target_date/);
  });
});
