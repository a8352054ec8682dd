import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import type { InputFile } from './inputs.ts';

/**
 * Reads a text file (CSV or NDJSON, gzip or not) into the temp table `ingest_text` (row_no,
 * line, rejected): one row per non-blank line, row_no its line number in the file. Every line
 * reaches the table, so a malformed one can be quarantined as it was written: the file is read
 * with a delimiter no record uses (unit separator, U+001F) and no quoting, and lines DuckDB
 * cannot read even so (bad UTF-8, a stray U+001F) come from its rejects table with
 * `rejected` set. Blank lines are not records and are skipped. Returns the number of rows.
 */
export async function loadLines(db: Duck, file: InputFile): Promise<number> {
  await db.run(`DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_reject_scans`);
  // The window sits directly on the scan: DuckDB numbers the lines in file order there. (trim and
  // rtrim cost more than the read itself, hence the guards.)
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ingest_text AS
     SELECT row_no, line, false AS rejected FROM (
       SELECT row_number() OVER () AS row_no, CASE WHEN ends_with(line, '\r') THEN line[:-2] ELSE line END AS line
       FROM read_csv(${quotedString(file.path)}, columns = {'line': 'VARCHAR'}, delim = '\x1f', quote = '',
                     escape = '', header = false, auto_detect = false, strict_mode = true,
                     compression = '${file.gzip ? 'gzip' : 'none'}', store_rejects = true,
                     rejects_table = 'ingest_rejects', rejects_scan = 'ingest_reject_scans'))
     WHERE line IS NOT NULL AND (NOT starts_with(line, ' ') OR trim(line) <> '')`,
  );
  const rejected = await db.one<{ n: number }>(
    `SELECT count(DISTINCT line)::INTEGER AS n FROM ingest_rejects`,
  );
  if (rejected?.n) {
    // Rejected lines are missing from the numbering: good row k is line k + (rejected lines before it).
    await db.run(
      `CREATE OR REPLACE TEMP TABLE ingest_rej AS
       SELECT line AS row_no, trim(any_value(csv_line), chr(10) || chr(13)) AS line,
              line - row_number() OVER (ORDER BY line) AS good_before
       FROM ingest_rejects GROUP BY line;
       UPDATE ingest_text t SET row_no = t.row_no + (SELECT count(*) FROM ingest_rej r WHERE r.good_before < t.row_no);
       INSERT INTO ingest_text SELECT row_no, line, true FROM ingest_rej;
       DROP TABLE ingest_rej`,
    );
  }
  await db.run(`DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_reject_scans`);
  return (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ingest_text`))?.n ?? 0;
}
