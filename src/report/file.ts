import { extname } from 'node:path';
import { UserError } from '../errors.ts';
import type { Lang, Report } from './model.ts';
import { pdfPageCount, printPdf } from './pdf.ts';
import { renderReportHtml, reportPrintOptions } from './render.ts';

export type ReportFormat = 'pdf' | 'html' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['pdf', 'html', 'json'];

/** The format a file name asks for (.pdf, .html or .json), else a UserError naming `option` and the choices. */
export function formatOfFile(path: string, option = '--out'): ReportFormat {
  const ext = extname(path).toLowerCase().slice(1);
  const f = ext === 'htm' ? 'html' : ext;
  if ((REPORT_FORMATS as readonly string[]).includes(f)) return f as ReportFormat;
  throw new UserError(
    `${option}: ${path}: unknown extension '${ext ? `.${ext}` : ''}': name the file .pdf, .html or .json`,
  );
}

/** A report as the bytes of a file: JSON (the Report object), HTML (renderReportHtml) or PDF (printed). */
export async function reportBytes(
  report: Report,
  format: ReportFormat,
  lang: Lang,
): Promise<{ data: Buffer; pages: number | null }> {
  if (format === 'json') return { data: Buffer.from(JSON.stringify(report, null, 2) + '\n'), pages: null };
  const html = renderReportHtml(report, lang);
  if (format === 'html') return { data: Buffer.from(html), pages: null };
  const pdf = await printPdf(html, reportPrintOptions(report, lang));
  return { data: pdf, pages: pdfPageCount(pdf) };
}
