/**
 * Builds src/synth/data/baidu-wuhan-scale-2020.json, the daily Baidu migration-scale index of travel out of
 * Wuhan in 2020 (Jan 1 - Feb 5), from ../shared/data/epi/wuhan-baidu-2020/migration_scale_from_wuhan.csv
 * (Kraemer et al., Science 2020, github Emergent-Epidemics/covid19_npi_china, MIT). The simulator follows it
 * for the epicentre's daily outflow. Run: `npx tsx scripts/build-outflow-scale.ts [--data DIR]`.
 * Same input, same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';

const REPO = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data' } } });
const input = path.resolve(REPO, values.data!, 'epi/wuhan-baidu-2020/migration_scale_from_wuhan.csv');
const text = readFileSync(input);
const rows = parse(text, { columns: true, skip_empty_lines: true }) as { date: string; scale: string }[];
const scale: Record<string, number> = {};
for (const r of rows.filter((r) => r.date.startsWith('2020-')).sort((a, b) => a.date.localeCompare(b.date))) {
  scale[r.date] = Number(r.scale);
}
const out = {
  what: 'Baidu migration-scale index of travel out of Wuhan, by day, 2020 (a relative index, not people)',
  source:
    'Kraemer et al., Science 2020, "The effect of human mobility and control measures on the COVID-19 epidemic in China"; github Emergent-Epidemics/covid19_npi_china, migration_scale_from_wuhan.csv (MIT)',
  input: 'epi/wuhan-baidu-2020/migration_scale_from_wuhan.csv',
  sha256: createHash('sha256').update(text).digest('hex'),
  builtBy: 'npx tsx scripts/build-outflow-scale.ts',
  scale,
};
const file = path.join(REPO, 'src/synth/data/baidu-wuhan-scale-2020.json');
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.info(`${Object.keys(scale).length} days written to ${path.relative(REPO, file)}`);
