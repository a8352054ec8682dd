import { UserError } from '../errors.ts';

/** How record times are written: epoch seconds, epoch milliseconds, ISO-8601, or decided per value. */
export const TIME_FORMATS = ['auto', 'epoch-s', 'epoch-ms', 'iso'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

/**
 * The wall clock that stored times (`ts`, a naive TIMESTAMP) are in: China Standard Time,
 * the time the operators' records and the epidemic reports of the platform use.
 */
export const RECORD_ZONE = 'Asia/Shanghai';

/**
 * Epoch values at or above this magnitude are read as milliseconds by `auto`: 1e11 s is the
 * year 5138, 1e11 ms is March 1973, so no plausible record time is ambiguous.
 */
const EPOCH_MS_THRESHOLD = 1e11;

/** A time of day followed by a zone: Z, UTC/GMT, an offset (+08, +0800, +08:00) or an IANA name. */
const ZONE_RE = String.raw`:\d\d(\.\d+)?\s*((?i:z|utc|gmt)|[+-]\d\d(:?\d\d)?|[A-Za-z_]+(/[A-Za-z0-9_+-]+)+)\s*$`;
const NUMBER_RE = String.raw`\s*[+-]?\d+(\.\d+)?\s*`;

/** Checks a time zone name (IANA, e.g. Asia/Shanghai, UTC) and returns it. */
export function checkTimezone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new UserError(`unknown time zone '${tz}': use an IANA name such as Asia/Shanghai or UTC`);
  }
  return tz;
}

/** Checks a --time-format value. */
export function checkTimeFormat(v: string): TimeFormat {
  if (!(TIME_FORMATS as readonly string[]).includes(v)) {
    throw new UserError(`unknown time format '${v}': use one of ${TIME_FORMATS.join(', ')}`);
  }
  return v as TimeFormat;
}

/** Wall clock in RECORD_ZONE of a naive timestamp read in `tz` (bound as $tz when it differs). */
function fromZone(ts: string, tz: string): string {
  return tz === RECORD_ZONE ? ts : `timezone('${RECORD_ZONE}', timezone($tz, ${ts}))`;
}

function fromEpoch(d: string, fmt: TimeFormat): string {
  const s = `try(timezone('${RECORD_ZONE}', to_timestamp(${d})))`;
  const ms = `try(timezone('${RECORD_ZONE}', to_timestamp(${d} / 1000)))`;
  if (fmt === 'epoch-s') return s;
  if (fmt === 'epoch-ms') return ms;
  return `CASE WHEN abs(${d}) >= ${EPOCH_MS_THRESHOLD} THEN ${ms} ELSE ${s} END`;
}

function fromText(x: string, fmt: TimeFormat, tz: string): string {
  // No trim: it costs more than the parse, and casts from text allow surrounding spaces.
  const s = x;
  const epoch = fromEpoch(`TRY_CAST(${s} AS DOUBLE)`, fmt);
  const iso =
    `CASE WHEN regexp_matches(${s}, '${ZONE_RE}') ` +
    `THEN timezone('${RECORD_ZONE}', TRY_CAST(${s} AS TIMESTAMPTZ)) ` +
    `ELSE ${fromZone(`TRY_CAST(${s} AS TIMESTAMP)`, tz)} END`;
  if (fmt === 'epoch-s' || fmt === 'epoch-ms') {
    return `CASE WHEN regexp_full_match(${s}, '${NUMBER_RE}') THEN ${epoch} END`;
  }
  if (fmt === 'iso') return iso;
  return `CASE WHEN regexp_full_match(${s}, '${NUMBER_RE}') THEN ${epoch} ELSE ${iso} END`;
}

/**
 * SQL turning column `x` of DuckDB type `type` into a naive TIMESTAMP on the RECORD_ZONE wall
 * clock, NULL when it cannot be read. Zone-less values are read in `tz`; values with a zone or
 * an offset keep their instant. Uses $tz when `tz` is not RECORD_ZONE.
 */
export function timeSql(x: string, type: string, fmt: TimeFormat, tz: string): string {
  const t = type.toUpperCase();
  if (t === 'TIMESTAMP WITH TIME ZONE') return `timezone('${RECORD_ZONE}', ${x})`;
  if (/^(TIMESTAMP|DATE)/.test(t) && fmt !== 'epoch-s' && fmt !== 'epoch-ms') {
    return fromZone(`${x}::TIMESTAMP`, tz);
  }
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|DECIMAL.*)$/.test(t) && fmt !== 'iso') {
    return fromEpoch(`${x}::DOUBLE`, fmt);
  }
  return fromText(`${x}::VARCHAR`, fmt, tz);
}
