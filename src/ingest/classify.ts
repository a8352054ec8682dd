import type { Field } from './mapping.ts';
import type { Source } from './readers.ts';
import { timeSql } from './time.ts';
import type { TimeFormat } from './time.ts';

/** Why a row was quarantined, in the order they are checked (a row gets the first that applies). */
export const REASONS = [
  'malformed line',
  'missing id',
  'unparsable time',
  'time outside plausible window',
  'time outside declared range',
  'unknown cell',
  'unparsable point',
  'no cell near point',
  'duplicate record',
  'duplicate of stored record',
] as const;
export type Reason = (typeof REASONS)[number];

/** What validation needs besides the source. */
export interface ClassifyOptions {
  timeFormat: TimeFormat;
  timezone: string;
  /** Declared range as half-open bounds ($from_ts, $to_ts) when set. */
  from: boolean;
  to: boolean;
  /** Keep GPS points with no cell near them (written to points/) instead of quarantining them. */
  keepPoints: boolean;
}

const isText = (type: string | undefined) => type === undefined || type === 'VARCHAR';

/**
 * Typed fields of a source: row_no, malformed, raw_id (as read; pseudonyms are made from it
 * trimmed), ts (wall clock in RECORD_ZONE, NULL when unreadable),
 * cell_given/cell_in, point_given/lon/lat, event.
 */
export function normalisedSql(src: Source, o: ClassifyOptions): string {
  const t = src.types;
  // Typed Parquet columns are tested as they are: casting every value to text costs more than the rest.
  const given = (c: Field) =>
    isText(t[c])
      ? `(${c} IS NOT NULL AND ${c} <> '' AND (NOT starts_with(${c}, ' ') OR trim(${c}) <> ''))`
      : `${c} IS NOT NULL`;
  const num = (c: Field, type: string) => (t[c] === type ? c : `TRY_CAST(${c} AS ${type})`); // casts from text allow surrounding spaces
  const hasPoints = src.map.lon !== undefined && src.map.lat !== undefined;
  return `(SELECT row_no, malformed, id AS raw_id,
    ${timeSql('time', t.time ?? 'VARCHAR', o.timeFormat, o.timezone)} AS ts,
    ${src.map.cell ? given('cell') : 'false'} AS cell_given,
    ${src.map.cell ? num('cell', 'INTEGER') : 'NULL::INTEGER'} AS cell_in,
    ${hasPoints ? `(${given('lon')} OR ${given('lat')})` : 'false'} AS point_given,
    ${hasPoints ? num('lon', 'DOUBLE') : 'NULL::DOUBLE'} AS lon,
    ${hasPoints ? num('lat', 'DOUBLE') : 'NULL::DOUBLE'} AS lat,
    event::VARCHAR AS event
    FROM ${src.fields})`;
}

/**
 * A row's final reason from its `reason` and `raw_id`: a blank (not NULL) identifier is found
 * once per distinct identifier rather than on every row (see ingest_ids), so it is folded in here.
 */
export const FINAL_REASON = `CASE WHEN reason = 'malformed line' THEN reason
  WHEN raw_id IS NULL OR trim(raw_id::VARCHAR) = '' THEN 'missing id' ELSE reason END`;

/**
 * Each row with its reason (NULL = accepted) and its cell (the plausible window is bound as
 * $earliest_ts and $latest_ts, see window.ts): the given one, or for a GPS point the
 * nearest registered cell from `ingest_pointmap` (see nearest.ts). Duplicates are found later,
 * once rows are sorted (partitions.ts).
 */
export function classifiedSql(norm: string, o: ClassifyOptions, hasPoints: boolean): string {
  const range = [o.from && 'n.ts < $from_ts::TIMESTAMP', o.to && 'n.ts >= $to_ts::TIMESTAMP'].filter(Boolean);
  const pointCell = hasPoints ? 'p.cell_id' : 'NULL::INTEGER';
  return `(SELECT n.row_no, n.raw_id, n.ts, n.event,
    CASE WHEN n.cell_given THEN n.cell_in ELSE ${pointCell} END AS cell_id,
    CASE WHEN NOT n.cell_given THEN n.lon END AS lon, CASE WHEN NOT n.cell_given THEN n.lat END AS lat,
    CASE
      WHEN n.malformed THEN 'malformed line'
      WHEN n.raw_id IS NULL THEN 'missing id'
      WHEN n.ts IS NULL THEN 'unparsable time'
      WHEN n.ts < $earliest_ts::TIMESTAMP OR n.ts > $latest_ts::TIMESTAMP THEN 'time outside plausible window'
      ${range.length ? `WHEN ${range.join(' OR ')} THEN 'time outside declared range'` : ''}
      WHEN n.cell_given THEN CASE WHEN n.cell_in IS NULL
        OR n.cell_in NOT IN (SELECT cell_id FROM cells WHERE cell_id IS NOT NULL) THEN 'unknown cell' END
      WHEN n.point_given THEN CASE
        WHEN NOT (n.lon BETWEEN -180 AND 180 AND n.lat BETWEEN -90 AND 90) OR n.lon IS NULL OR n.lat IS NULL
          THEN 'unparsable point'
        ${o.keepPoints ? '' : `WHEN ${pointCell} IS NULL THEN 'no cell near point'`} END
      ELSE 'unknown cell'
    END AS reason
    FROM ${norm} n
    ${hasPoints ? 'LEFT JOIN ingest_pointmap p ON NOT n.cell_given AND p.lon = n.lon AND p.lat = n.lat' : ''})`;
}
