import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinAreas } from '../geo/areas.ts';
import { loadCellRegistry } from '../ingest/registry.ts';
import { Random } from '../synth/random.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));
const dir = tempDir('cli-geo');
const ws = new Workspace(join(dir, 'ws'));

function epitrace(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  ws.create({ synthetic: true, description: 'geo import CLI test (synthetic)' });
  const rng = new Random(5);
  const rows = ['cell_id,lon,lat'];
  for (let i = 1; i <= 300; i++)
    rows.push(`${i},${rng.range(114.1, 114.5).toFixed(5)},${rng.range(30.4, 30.7).toFixed(5)}`);
  writeFileSync(join(dir, 'cells.csv'), rows.join('\n') + '\n');
  const db = await ws.openDuck();
  try {
    await loadCellRegistry(db, join(dir, 'cells.csv'));
  } finally {
    db.close();
  }
});

describe('epitrace geo import', () => {
  it('lists its options with descriptions in --help', () => {
    const h = epitrace(['geo', 'import', '--help']);
    expect(h.code).toBe(0);
    for (const o of ['--level', '--workspace', '--city', '--json']) expect(h.out).toContain(o);
    expect(epitrace(['--help']).out).toMatch(/\n {2}geo +street and community boundaries/);
  });

  it('imports the synthetic streets back unchanged (0 cells changed) and reports the counts', () => {
    const features = builtinAreas('420100', 'street').map((f) => ({
      type: 'Feature',
      geometry: f.geometry,
      properties: { code: f.properties.code, name: f.properties.name },
    }));
    const file = join(dir, 'streets.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
    const r = epitrace(['geo', 'import', '--level', 'street', file, '--workspace', ws.root]);
    // The import ends by publishing a snapshot for the server, said on stderr.
    expect(r.err).toMatch(/^published snapshot \d+: [^\n]*\n$/);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      `${features.length} features = ${features.length} accepted + 0 quarantined (street, city 420100)`,
    );
    expect(r.out).toMatch(/cells: \d+ in city 420100; 0 changed street_code, 0 in no street/);
    const json = epitrace(['geo', 'import', '--level', 'street', file, '--workspace', ws.root, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      city: '420100',
      changed: 0,
      validation: { input: features.length, accepted: features.length, quarantined: [] },
    });
  });

  it('refuses garbage and a bad level with one line and a non-zero exit', () => {
    const file = join(dir, 'garbage.geojson');
    writeFileSync(file, 'PK\u0003\u0004 zip, not json');
    const r = epitrace(['geo', 'import', '--level', 'street', file, '--workspace', ws.root]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^epitrace: .*garbage\.geojson is not JSON/);
    const bad = epitrace(['geo', 'import', '--level', 'county', file, '--workspace', ws.root]);
    expect(bad.code).not.toBe(0);
    expect(bad.err.split('\n')[0]).toMatch(/'county' is invalid. Allowed choices are street, community/);
  });
});
