// Exports of tracer-only tables (issue 16). Individual-level data: every export asks the server again, so each
// download is written to the audit log like the companion CSV route always was, rather than being made
// silently from rows already in the page.
import { parse } from 'papaparse';
import { useState } from 'react';
import type { JSX } from 'react';
import { download, toCsv, toXlsx } from './export.tsx';
import type { ExportColumn } from './export.tsx';
import { useStrings } from './i18n.ts';

/** Rows and columns of one export, fetched (and audited) by the server on each click. */
export type Exported<R> = { rows: R[]; columns: ExportColumn<R>[] };

/** "CSV" and "Excel" buttons (data-testid `${testId}-csv` / `-xlsx`) whose rows come from an audited request. */
export function AuditedExport<R>(p: {
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
      const { rows, columns } = await p.load();
      const blob =
        kind === 'csv'
          ? new Blob([toCsv(rows, columns)], { type: 'text/csv;charset=utf-8' })
          : await toXlsx(rows, columns, p.name);
      download(blob, `epitrace-${p.name}.${kind}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="export-buttons">
      <button type="button" data-testid={`${p.testId}-csv`} disabled={busy} onClick={() => void run('csv')}>
        {t.exportCsvButton}
      </button>
      <button type="button" data-testid={`${p.testId}-xlsx`} disabled={busy} onClick={() => void run('xlsx')}>
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

/** The companion CSV route's file as rows: the same columns (its header), the same values, re-fetched and audited. */
export async function companionsExport(url: string): Promise<Exported<Record<string, string>>> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  const text = (await res.text()).replace(/^\ufeff/, '');
  const parsed = parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  const fields = parsed.meta.fields ?? [];
  return {
    rows: parsed.data,
    columns: fields.map((f) => ({ key: f, header: f, value: (r) => r[f] ?? null })),
  };
}
