import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { MAX_BAD_KEPT, assignCells, readCellRegistry } from './cells.ts';
import type { Cell } from './cells.ts';
import { loadDivisions } from './divisions.ts';
import { loadRegionIndex } from './regions.ts';

const dir = mkdtempSync(join(tmpdir(), 'epitrace-cells-'));
let n = 0;
function file(text: string): string {
  const path = join(dir, `cells-${n++}.csv`);
  writeFileSync(path, text);
  return path;
}

describe('readCellRegistry', () => {
  it('keeps good rows and reports every bad one with its line and reason', async () => {
    const path = file(
      [
        '\uFEFFcell_id,lon,lat,azimuth,radius_m,tech,city_code',
        '1,114.3055,30.5928,120,800,LTE,420100',
        '2,116.3975,39.9087,,,NR,110100',
        '3,121.4737,31.2304,0,1500.5,"GSM, 900 MHz",310100',
        'abc,114,30,,,,',
        '-4,114,30,,,,',
        '5,east,30,,,,',
        '6,200,30,,,,',
        '7,114,,,,,',
        '8,114,30,360,,,',
        '9,114,30,,-5,,',
        '1,114,30,,,,',
        '10,114,30',
        '',
        '11,0x10,30,,,,',
        '12,114.1,30.1,359.9,,,',
      ].join('\n'),
    );
    const r = await readCellRegistry(path);
    expect(r.cells).toEqual([
      { cellId: 1, lon: 114.3055, lat: 30.5928, azimuth: 120, radiusM: 800, tech: 'LTE' },
      { cellId: 2, lon: 116.3975, lat: 39.9087, tech: 'NR' },
      { cellId: 3, lon: 121.4737, lat: 31.2304, azimuth: 0, radiusM: 1500.5, tech: 'GSM, 900 MHz' },
      { cellId: 12, lon: 114.1, lat: 30.1, azimuth: 359.9 },
    ]);
    expect(r.bad).toEqual([
      { line: 5, reason: "cell_id 'abc' is not a whole number in 0..2147483647" },
      { line: 6, reason: "cell_id '-4' is not a whole number in 0..2147483647" },
      { line: 7, reason: "lon 'east' is not a number" },
      { line: 8, reason: 'lon 200 is outside [-180, 180]' },
      { line: 9, reason: 'lat is empty' },
      { line: 10, reason: 'azimuth 360 is outside [0, 360) degrees' },
      { line: 11, reason: 'radius_m -5 must be positive (metres)' },
      { line: 12, reason: 'duplicate cell_id 1 (first on line 2)' },
      { line: 13, reason: 'expected 7 fields, got 3' },
      { line: 15, reason: "lon '0x10' is not a number" },
    ]);
    expect(r.badCount).toBe(10);
  });

  it('accepts the minimal header in any order and case', async () => {
    const r = await readCellRegistry(file('LAT,Cell_ID,lon\n30.5,7,114.2\n'));
    expect(r.cells).toEqual([{ cellId: 7, lon: 114.2, lat: 30.5 }]);
  });

  it('keeps the first bad rows only, but counts them all', async () => {
    const rows = Array.from({ length: MAX_BAD_KEPT + 500 }, (_, i) => `${i},999,0`);
    const r = await readCellRegistry(file(`cell_id,lon,lat\n${rows.join('\n')}\n`));
    expect(r.bad).toHaveLength(MAX_BAD_KEPT);
    expect(r.badCount).toBe(MAX_BAD_KEPT + 500);
  });

  it('refuses a missing file, an empty file, a header without the required columns and broken quoting', async () => {
    await expect(readCellRegistry(join(dir, 'nope.csv'))).rejects.toThrow(UserError);
    await expect(readCellRegistry(file(''))).rejects.toThrow(/empty/);
    await expect(readCellRegistry(file('id,lon,lat\n1,114,30\n'))).rejects.toThrow(/header lacks cell_id/);
    await expect(readCellRegistry(file('cell_id,lon,lat\n1,"114,30\n'))).rejects.toThrow(UserError);
  });
});

describe('assignCells', () => {
  it('puts cells at county centroids in those counties and counts cells outside China', () => {
    const divisions = loadDivisions();
    // Compact counties, whose area centroid lies inside them (not true of ring-shaped or island counties).
    const codes = ['420102', '420106', '110105', '310115', '440305', '510104', '650102', '540102', '150102'];
    const cells: Cell[] = codes.map((code, i) => {
      const d = divisions.byCode(code, 'county');
      return { cellId: i, lon: d.lon ?? NaN, lat: d.lat ?? NaN, tech: 'LTE' };
    });
    cells.push({ cellId: 100, lon: 140, lat: 36 }, { cellId: 101, lon: 0, lat: 0 });
    const { cells: out, outside } = assignCells(cells, loadRegionIndex());
    expect(out.slice(0, codes.length).map((c) => c.county)).toEqual(codes);
    expect(out[0]).toMatchObject({ cellId: 0, tech: 'LTE', city: '420100', province: '420000' });
    expect(out[3]).toMatchObject({ county: '310115', city: '310100', province: '310000' });
    expect(out.slice(codes.length)).toEqual([
      { cellId: 100, lon: 140, lat: 36, county: null, city: null, province: null },
      { cellId: 101, lon: 0, lat: 0, county: null, city: null, province: null },
    ]);
    expect(outside).toBe(2);
  });
});
