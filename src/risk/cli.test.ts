import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { importDemoRegistry } from '../cli/demo.ts';
import { pipelineFixture, tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

describe('epitrace risk', () => {
  let ws: Workspace;
  const epitrace = (args: string[], root = ws.root) => {
    const r = spawnSync(process.execPath, [BIN, 'risk', ...args, '-w', root], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, TZ: 'UTC' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(async () => {
    const f = await pipelineFixture('risk-cli', { people: 3000 });
    ws = f.ws;
    await importDemoRegistry(ws, f.synthDir, f.key);
  }, 120_000);

  it('says to build first, then builds and answers each subcommand with tables and CSV files', () => {
    const before = epitrace(['levels', '--city', '420100', '--day', '2020-01-20']);
    expect(before.code).toBe(2);
    expect(before.err).toBe("epitrace: the workspace has no risk tables yet: run 'epitrace risk build'\n");
    const b = epitrace(['build', '--set', 'companion,suspected,confirmed', '--weights', 'density=0']);
    // The build ends by publishing a snapshot for the server, said on stderr.
    expect(b.err).toMatch(/^published snapshot \d+: [^\n]*\n$/);
    expect(b.code).toBe(0);
    expect(b.out).toMatch(
      /high-risk people: \d+ companion\(s\) of confirmed cases, \d+ suspected, \d+ confirmed/,
    );
    expect(b.out).toMatch(/heatmap set companion,suspected,confirmed/);
    const dir = tempDir('risk-cli-out');
    const h = epitrace([
      'heatmap',
      '--city',
      '420100',
      '--hour',
      '2020-01-20T10',
      '--csv',
      join(dir, 'h.csv'),
    ]);
    expect(h.code).toBe(0);
    expect(h.out.split('\n')[0]).toBe('SYNTHETIC workspace: simulated people, no real person');
    expect(h.out).toMatch(
      /city 420100, 2020-01-20T10:00, grid, set companion,suspected,confirmed: \d+ area\(s\)/,
    );
    const csv = readFileSync(join(dir, 'h.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('area,name,lon,lat,count');
    // Published areas only, every count >= k (15); suppressed ones are not listed.
    expect(csv.length).toBeGreaterThan(1);
    for (const line of csv.slice(1)) expect(Number(line.split(',')[4])).toBeGreaterThanOrEqual(15);
    const lv = epitrace(['levels', '--city', '420100', '--day', '2020-01-22']);
    expect(lv.code).toBe(0);
    expect(lv.out).toMatch(/^code\tname\trisk\tcumulative\tnew14\tcluster$/m);
    expect(lv.out).toMatch(/^420111\t洪山区\t(high|medium|low)\t/m);
    const ix = epitrace(['index', '--city', '420100', '--day', '2020-01-22', '--level', 'city']);
    expect(ix.code).toBe(0);
    expect(ix.out).toMatch(/weights cases=0.4, companions=0.3, inflow=0.2, density=0;/);
    expect(ix.out).toMatch(/^420100\t武汉市\t\d+\.\d\d\t(red|orange|yellow|blue|none)\t/m);
    const al = epitrace(['alerts', '--city', '420100', '--day', '2020-01-22']);
    expect(al.code).toBe(0);
    expect(al.out).toMatch(/\d+ change\(s\) on 2020-01-22 since the day before/);
  }, 300_000);

  it.each([
    [['build', '--set', 'companion,friends'], /--set.*'friends'/],
    [['build', '--weights', 'cases=-2'], /weight of cases must be a number >= 0/],
    [['heatmap', '--city', '420101', '--hour', '2020-01-20T10'], /'420101' is not a city code/],
    [['heatmap', '--city', '420100', '--hour', '2020-01-20 10'], /expected an hour YYYY-MM-DDTHH/],
    [['heatmap', '--city', '420100', '--hour', '2020-01-20T10', '--kind', 'street'], /--kind/],
    [
      ['levels', '--city', '420100', '--day', '2020-03-01'],
      /--day 2020-03-01 is outside the data days 2020-01-16 to 2020-01-22/,
    ],
    [['levels', '--city', '420100', '--day', '2020-01-20', '--level', 'province'], /--level/],
  ])('refuses %j in one line with a non-zero exit', (args, message) => {
    const r = epitrace(args);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  it('refuses to build a workspace with no stays yet', () => {
    const empty = new Workspace(join(tempDir('risk-cli-empty'), 'ws'));
    empty.create({ synthetic: true, description: 'SYNTHETIC empty' });
    const r = epitrace(['build'], empty.root);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^epitrace: the workspace has no cells yet: run 'epitrace ingest' and 'epitrace run' first\n$/,
    );
  });
});
