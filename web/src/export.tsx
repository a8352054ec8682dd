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

/**
 * "CSV" and "Excel" buttons downloading `epitrace-<name>.csv` / `.xlsx` from the rows the table shows.
 * Hidden when printing (style.css: .export-buttons).
 */
export function ExportButtons<R>(p: {
  name: string;
  rows: R[];
  columns: ExportColumn<R>[];
  testId?: string;
}): JSX.Element {
  const t = useStrings();
  const id = p.testId ?? p.name;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const file = `epitrace-${p.name}`;

  function csv(): void {
    download(new Blob([toCsv(p.rows, p.columns)], { type: 'text/csv;charset=utf-8' }), `${file}.csv`);
  }

  async function xlsx(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      download(await toXlsx(p.rows, p.columns, p.name), `${file}.xlsx`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="export-buttons">
      <button type="button" data-testid={`${id}-csv`} title={t.exportTitle('CSV')} onClick={csv}>
        {t.exportCsvButton}
      </button>
      <button
        type="button"
        data-testid={`${id}-xlsx`}
        title={t.exportTitle('Excel')}
        disabled={busy}
        onClick={() => void xlsx()}
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
