// Client-side exports of the tables the dashboard shows (issue 16): CSV for machines, Excel for people.
import { unparse } from 'papaparse';
import { useState } from 'react';
import type { JSX } from 'react';
import { useStrings } from './i18n.ts';

/** One exported column: `key` heads the CSV column, `header` (page language) the Excel one. */
export type ExportColumn<R> = {
  key: string;
  header: string;
  value: (r: R) => string | number | boolean | null;
};

// U+FEFF first: Excel reads a CSV without it in the system code page, which garbles Chinese place names.
const BOM = '\ufeff';

/**
 * The rows as CSV: UTF-8 with a byte-order mark, header row = the column keys, numbers unformatted, null as an
 * empty field, CRLF line ends (RFC 4180). Text starting with = + - @ gets a leading ' so a spreadsheet does not run
 * it as a formula (CSV injection); numbers are never touched.
 */
export function toCsv<R>(rows: R[], columns: ExportColumn<R>[]): string {
  return (
    BOM +
    unparse(
      { fields: columns.map((c) => c.key), data: rows.map((r) => columns.map((c) => c.value(r))) },
      { escapeFormulae: true, newline: '\r\n' },
    )
  );
}

/** Offers a Blob as a file download under `fileName`. */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked on the next turn: Chromium starts the download asynchronously from the click.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The rows as an .xlsx workbook (one sheet, bold header row in the page language, values unformatted). */
export async function toXlsx<R>(rows: R[], columns: ExportColumn<R>[], sheet: string): Promise<Blob> {
  // exceljs is large (~1 MB): loaded on the first Excel export only, in its own chunk.
  const mod = await import('exceljs');
  const Workbook = mod.Workbook ?? (mod as unknown as { default: typeof mod }).default.Workbook;
  const wb = new Workbook();
  wb.creator = 'EpiTrace';
  // Excel refuses sheet names over 31 characters or with []:*?/\ in them.
  const ws = wb.addWorksheet(sheet.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'data');
  ws.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: Math.max(10, c.header.length + 4),
  }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(columns.map((c) => c.value(r)));
  const buf = await wb.xlsx.writeBuffer();
  return new Blob([buf], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
}

/** Rows and columns of one export, and whether they come from a synthetic workspace (the answer's flag). */
export type Exported<R> = { rows: R[]; columns: ExportColumn<R>[]; synthetic: boolean };

/**
 * The downloaded file's name: `epitrace-<name>.<ext>`, prefixed `SYNTHETIC-` when the data are synthetic (a file
 * cannot carry the page's banner; the report route names its PDFs the same way).
 */
export function exportFileName(name: string, ext: string, synthetic: boolean): string {
  return `${synthetic ? 'SYNTHETIC-' : ''}epitrace-${name}.${ext}`;
}

/**
 * The exported columns: `synthetic` (true/false) first, as the flows CLI's CSV has it, so a row copied out of the
 * file still says whether it is real; then the table's own.
 */
export function withSyntheticColumn<R>(
  columns: ExportColumn<R>[],
  synthetic: boolean,
  header: string,
): ExportColumn<R>[] {
  return [{ key: 'synthetic', header, value: () => synthetic }, ...columns];
}

/**
 * "CSV" and "Excel" buttons downloading `[SYNTHETIC-]epitrace-<name>.csv` / `.xlsx` from the rows the table shows.
 * `synthetic` is the answer's flag (required, so no table can forget it). Hidden when printing (style.css:
 * .export-buttons).
 */
export function ExportButtons<R>(p: {
  name: string;
  rows: R[];
  columns: ExportColumn<R>[];
  synthetic: boolean;
  testId?: string;
}): JSX.Element {
  const { rows, columns, synthetic } = p;
  return (
    <LoadedExport
      name={p.name}
      load={() => Promise.resolve({ rows, columns, synthetic })}
      testId={p.testId ?? p.name}
    />
  );
}

/**
 * The same buttons (data-testid `${testId}-csv` / `-xlsx`) with rows from `load`, called on each click: an export
 * of individual-level data asks the server again, so each download is audited (tracing-export.tsx). The loaded
 * answer says whether it is synthetic (file name prefix and `synthetic` column).
 */
export function LoadedExport<R>(p: {
  name: string;
  load: () => Promise<Exported<R>>;
  testId: string;
}): JSX.Element {
  const t = useStrings();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(kind: 'csv' | 'xlsx'): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const loaded = await p.load();
      const columns = withSyntheticColumn(loaded.columns, loaded.synthetic, t.exportSyntheticHeader);
      const blob =
        kind === 'csv'
          ? new Blob([toCsv(loaded.rows, columns)], { type: 'text/csv;charset=utf-8' })
          : await toXlsx(loaded.rows, columns, p.name);
      download(blob, exportFileName(p.name, kind, loaded.synthetic));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="export-buttons">
      <button
        type="button"
        data-testid={`${p.testId}-csv`}
        title={t.exportTitle('CSV')}
        disabled={busy}
        onClick={() => void run('csv')}
      >
        {t.exportCsvButton}
      </button>
      <button
        type="button"
        data-testid={`${p.testId}-xlsx`}
        title={t.exportTitle('Excel')}
        disabled={busy}
        onClick={() => void run('xlsx')}
      >
        {t.exportXlsxButton}
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
