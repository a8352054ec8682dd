import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readHubCsv } from '../epi/hub-csv.ts';
import { HUB_QUANTILES } from '../epi/types.ts';
import { tempDir } from '../testing/fixture.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));
const dir = tempDir('cli-forecast');

function epitrace(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, TZ: 'UTC' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Two cities of Hubei, cumulative, growing ~25% a day, plus one row naming no place (quarantined).
const cases = ['date,region,confirmed,deaths'];
for (let d = 0; d < 10; d++) {
  const day = `2020-01-${String(15 + d).padStart(2, '0')}`;
  cases.push(
    `${day},武汉市,${Math.round(40 * 1.25 ** d)},${d}`,
    `${day},Xiaogan,${Math.round(4 * 1.25 ** d)},0`,
  );
}
cases.push('2020-01-20,Atlantis,3,0');
const casesFile = join(dir, 'cases.csv');
writeFileSync(casesFile, cases.join('\n') + '\n');
const mobilityFile = join(dir, 'mobility.csv');
writeFileSync(
  mobilityFile,
  'date,origin,destination,value\n2020-01-15,420100,孝感市,20000\n2020-01-15,420900,Wuhan,20000\n',
);

describe('epitrace forecast', () => {
  it('reads the files, says what it quarantined, and writes a complete Forecast-Hub CSV', () => {
    const outFile = join(dir, 'forecast.csv');
    const r = epitrace([
      'forecast',
      '--cases',
      casesFile,
      '--mobility',
      mobilityFile,
      '--origin',
      '2020-01-22',
      '--horizon',
      '5',
      '--members',
      '40',
      '--seed',
      '3',
      '--scenario',
      'closed:Wuhan:0.9:2020-01-23',
      '--group',
      'both:*',
      '--out',
      outFile,
      '--quarantine',
      join(dir, 'rejected.csv'),
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'cases ' +
        casesFile +
        ': 21 rows = 20 accepted + 1 quarantined (1 unknown region); utf-8; confirmed read as cumulative',
    );
    expect(r.out).toContain('2 city region(s), 10 day(s) from 2020-01-15');
    expect(r.out).toContain('mobility ' + mobilityFile + ': 2 rows = 2 accepted + 0 quarantined');
    expect(r.out).toMatch(/fitted 8 day\(s\) \(2020-01-15 to 2020-01-22\) with 40 members/);
    expect(readFileSync(join(dir, 'rejected.csv'), 'utf8')).toBe(
      `file,line,reason\n${casesFile},22,unknown region 'Atlantis'\n`,
    );
    const { rows, names } = readHubCsv(readFileSync(outFile, 'utf8'));
    // 2 scenarios x (2 regions + 1 group) x 5 horizons x 2 quantities (no ratios given) x (23 quantiles + point).
    expect(rows.length).toBe(2 * 3 * 5 * 2 * 24);
    expect(r.out).toContain(`wrote ${rows.length} row(s)`);
    expect(names).toEqual(
      new Map([
        ['420100', '武汉市'],
        ['420900', '孝感市'],
        ['both', 'both'],
      ]),
    );
    expect(new Set(rows.map((x) => x.origin))).toEqual(new Set(['2020-01-22']));
    expect(rows.find((x) => x.horizon === 5)!.target).toBe('2020-01-27');
    const one = rows.filter(
      (x) =>
        x.scenario === 'closed' && x.region === '420100' && x.horizon === 3 && x.quantity === 'confirmed',
    );
    expect(one.map((x) => x.quantile)).toEqual(expect.arrayContaining([null, ...HUB_QUANTILES]));
    const qs = one.filter((x) => x.quantile !== null).sort((a, b) => a.quantile! - b.quantile!);
    for (let k = 1; k < qs.length; k++) expect(qs[k]!.value).toBeGreaterThanOrEqual(qs[k - 1]!.value);
    // The group is the sum of its members, per member draw: its median is at least either region's.
    const med = (region: string) =>
      rows.find(
        (x) =>
          x.scenario === 'baseline' &&
          x.region === region &&
          x.horizon === 1 &&
          x.quantity === 'confirmed' &&
          x.quantile === 0.5,
      )!.value;
    expect(med('both')).toBeGreaterThanOrEqual(Math.max(med('420100'), med('420900')));
  });

  it('adds contacts and suspected only with both ratios', () => {
    const outFile = join(dir, 'ratios.csv');
    const r = epitrace([
      'forecast',
      '--cases',
      casesFile,
      '--horizon',
      '2',
      '--members',
      '10',
      '--contacts-per-case',
      '6',
      '--suspected-per-confirmed',
      '0.4',
      '--out',
      outFile,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('no --mobility: regions are not coupled by travel');
    const { rows } = readHubCsv(readFileSync(outFile, 'utf8'));
    expect(new Set(rows.map((x) => x.quantity))).toEqual(
      new Set(['confirmed', 'deaths', 'contacts', 'suspected']),
    );
    const half = epitrace(['forecast', '--cases', casesFile, '--contacts-per-case', '6', '--out', outFile]);
    expect([half.code, half.err]).toEqual([
      2,
      'epitrace: give both --contacts-per-case and --suspected-per-confirmed, or neither\n',
    ]);
  });

  it('fails with exit code 2 and one line for unusable input', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'when,where,how many\n2020-01-01,420100,3\n');
    const cases2 = [
      [
        ['forecast', '--cases', bad, '--out', join(dir, 'x.csv')],
        /^epitrace: cases file .*bad\.csv lacks column\(s\) date, region, confirmed/,
      ],
      [
        ['forecast', '--cases', join(dir, 'none.csv'), '--out', join(dir, 'x.csv')],
        /^epitrace: cannot read cases file .*none\.csv: ENOENT/,
      ],
      [['forecast', '--out', join(dir, 'x.csv')], /^epitrace: --cases FILE is required \(or --backtest\)/],
      [['forecast', '--cases', casesFile], /^epitrace: --out FILE is required/],
      [
        ['forecast', '--cases', casesFile, '--origin', '2021-01-01', '--out', join(dir, 'x.csv')],
        /^epitrace: --origin 2021-01-01 is outside the cases' dates/,
      ],
      [
        [
          'forecast',
          '--cases',
          casesFile,
          '--scenario',
          'x:Atlantis:0.5:2020-01-23',
          '--out',
          join(dir, 'x.csv'),
        ],
        /^epitrace: --scenario x: unknown region 'Atlantis'/,
      ],
      [
        ['forecast', '--cases', casesFile, '--members', '4', '--out', join(dir, 'no-such-dir', 'x.csv')],
        /^epitrace: cannot write .*no-such-dir\/x\.csv: ENOENT/,
      ],
      [
        ['forecast', '--backtest', '--data', join(dir, 'nowhere')],
        /^epitrace: no li2020-375-cities in .*nowhere/,
      ],
    ] as const;
    for (const [args, message] of cases2) {
      const r = epitrace([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n').length).toBe(1);
    }
  });
});
