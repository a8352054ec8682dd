// Exports of tracer-only tables (issue 16). Individual-level data: every export asks the server again, so each
// download is written to the audit log like the companion CSV route always was, rather than being made
// silently from rows already in the page.
import { parse } from 'papaparse';
import type { Exported } from './export.tsx';

/** The companion CSV route's file as rows: the same columns (its header), the same values, re-fetched and audited. */
export async function companionsExport(url: string): Promise<Exported<Record<string, string>>> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  const text = (await res.text()).replace(/^\ufeff/, '');
  const parsed = parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  const fields = parsed.meta.fields ?? [];
  return {
    // The route's header says whether the workspace is synthetic (its own file name says so too).
    synthetic: res.headers.get('x-epitrace-synthetic') === 'true',
    rows: parsed.data,
    columns: fields.map((f) => ({ key: f, header: f, value: (r) => r[f] ?? null })),
  };
}
