/**
 * The cell registry: one row per radio cell (id, position, optional sector azimuth and radius, technology),
 * read and validated once, then assigned to county / city / province by point in polygon.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse';
import { UserError } from '../errors.ts';
import type { Region, RegionIndex } from './regions.ts';

/** One cell. lon/lat in WGS84 degrees; azimuth in degrees clockwise from north; radiusM in metres. */
export interface Cell {
  cellId: number;
  lon: number;
  lat: number;
  azimuth?: number;
  radiusM?: number;
  tech?: string;
}

/** A rejected row: its line in the file and why. */
export interface BadCellRow {
  line: number;
  reason: string;
}

/** The valid cells, the first `MAX_BAD_KEPT` bad rows and how many bad rows there were in all. */
export interface CellRegistry {
  cells: Cell[];
  bad: BadCellRow[];
  badCount: number;
}

/** Required header columns; others (e.g. city_code from the simulator) are ignored. */
export const CELL_COLUMNS = ['cell_id', 'lon', 'lat'] as const;
/** Optional header columns. */
export const OPTIONAL_CELL_COLUMNS = ['azimuth', 'radius_m', 'tech'] as const;
/** Bad rows kept with their reason; the rest are only counted, so a wrong file cannot exhaust memory. */
export const MAX_BAD_KEPT = 1000;
/** Cell ids are stored as 32-bit INTEGER by ingest (src/ingest/registry.ts). */
const MAX_CELL_ID = 2_147_483_647;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite decimal number, or a reason it is not one. */
function decimal(name: string, value: string): number | string {
  if (value === '') return `${name} is empty`;
  const n = DECIMAL.test(value) ? Number(value) : NaN;
  return Number.isFinite(n) ? n : `${name} '${value}' is not a number`;
}

/** Validates one data row against the header positions; returns the cell or a reason. */
function toCell(fields: string[], at: Map<string, number>): Cell | string {
  const get = (k: string) => {
    const i = at.get(k);
    return i === undefined ? undefined : (fields[i] ?? '');
  };
  const id = get('cell_id') ?? '';
  if (!/^\d+$/.test(id) || Number(id) > MAX_CELL_ID) {
    return `cell_id '${id}' is not a whole number in 0..${MAX_CELL_ID}`;
  }
  const lon = decimal('lon', get('lon') ?? '');
  if (typeof lon === 'string') return lon;
  if (lon < -180 || lon > 180) return `lon ${lon} is outside [-180, 180]`;
  const lat = decimal('lat', get('lat') ?? '');
  if (typeof lat === 'string') return lat;
  if (lat < -90 || lat > 90) return `lat ${lat} is outside [-90, 90]`;
  const cell: Cell = { cellId: Number(id), lon, lat };
  const az = get('azimuth');
  if (az) {
    const v = decimal('azimuth', az);
    if (typeof v === 'string') return v;
    if (v < 0 || v >= 360) return `azimuth ${v} is outside [0, 360) degrees`;
    cell.azimuth = v;
  }
  const radius = get('radius_m');
  if (radius) {
    const v = decimal('radius_m', radius);
    if (typeof v === 'string') return v;
    if (v <= 0) return `radius_m ${v} must be positive (metres)`;
    cell.radiusM = v;
  }
  const tech = get('tech');
  if (tech) cell.tech = tech;
  return cell;
}

/**
 * Reads a registry CSV (header with cell_id, lon, lat; optional azimuth, radius_m, tech). Bad rows are
 * collected with their line and reason; a missing file, a header without the required columns or broken
 * CSV quoting throw a `UserError`.
 */
export async function readCellRegistry(csvPath: string): Promise<CellRegistry> {
  try {
    await access(csvPath);
  } catch (e) {
    throw new UserError(`cannot read cell registry ${csvPath}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const out: CellRegistry = { cells: [], bad: [], badCount: 0 };
  const firstLine = new Map<number, number>();
  let at: Map<string, number> | undefined;
  let width = 0;
  const reject = (line: number, reason: string) => {
    out.badCount++;
    if (out.bad.length < MAX_BAD_KEPT) out.bad.push({ line, reason });
  };
  const parser = createReadStream(csvPath).pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!at) {
        const header = record.map((h) => h.toLowerCase());
        const missing = CELL_COLUMNS.filter((c) => !header.includes(c));
        if (missing.length) {
          throw new UserError(
            `cell registry ${csvPath}: header lacks ${missing.join(', ')}; it needs ` +
              `${CELL_COLUMNS.join(', ')} (optional ${OPTIONAL_CELL_COLUMNS.join(', ')}), got '${record.join(',')}'`,
          );
        }
        at = new Map(header.map((h, i) => [h, i]));
        width = header.length;
        continue;
      }
      if (record.length !== width) {
        reject(info.lines, `expected ${width} fields, got ${record.length}`);
        continue;
      }
      const cell = toCell(record, at);
      if (typeof cell === 'string') reject(info.lines, cell);
      else if (firstLine.has(cell.cellId)) {
        reject(info.lines, `duplicate cell_id ${cell.cellId} (first on line ${firstLine.get(cell.cellId)})`);
      } else {
        firstLine.set(cell.cellId, info.lines);
        out.cells.push(cell);
      }
    }
  } catch (e) {
    if (e instanceof CsvError) throw new UserError(`cell registry ${csvPath}: ${e.message}`);
    throw e;
  }
  if (!at)
    throw new UserError(`cell registry ${csvPath} is empty; it needs a header ${CELL_COLUMNS.join(',')}`);
  return out;
}

/** A cell with its regions; all three are null when the cell lies in no county (outside China). */
export type AssignedCell = Cell & { [K in keyof Region]: Region[K] | null };

/** Assigns every cell to county / city / province once; `outside` counts cells in no county. */
export function assignCells(
  cells: readonly Cell[],
  index: RegionIndex,
): { cells: AssignedCell[]; outside: number } {
  let outside = 0;
  const assigned = cells.map((cell) => {
    const region = index.locate(cell.lon, cell.lat);
    if (!region) outside++;
    return {
      ...cell,
      county: region?.county ?? null,
      city: region?.city ?? null,
      province: region?.province ?? null,
    };
  });
  return { cells: assigned, outside };
}
