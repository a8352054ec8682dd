/**
 * Builds web/public/geo/centroids.json: the (lon, lat) of every province and city of src/geo/data/provinces.csv
 * and cities.csv (their PROVENANCE.md names the source), so the dashboard's flow lines can start and end at a
 * region without loading the city boundaries. Run: npx tsx scripts/build-centroids.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const data = (name: string) => fileURLToPath(new URL(`../src/geo/data/${name}`, import.meta.url));
const out = fileURLToPath(new URL('../web/public/geo/centroids.json', import.meta.url));

function points(file: string): Record<string, [number, number]> {
  const rows = parse(readFileSync(data(file), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const m: Record<string, [number, number]> = {};
  for (const r of rows) {
    const lon = Number(r['lon']);
    const lat = Number(r['lat']);
    if (!r['code'] || !Number.isFinite(lon) || !Number.isFinite(lat))
      throw new Error(`${file}: bad row ${JSON.stringify(r)}`);
    m[r['code']] = [lon, lat];
  }
  return m;
}

const json = { provinces: points('provinces.csv'), cities: points('cities.csv') };
writeFileSync(out, `${JSON.stringify(json)}\n`);
console.log(
  `${out}: ${Object.keys(json.provinces).length} provinces, ${Object.keys(json.cities).length} cities`,
);
