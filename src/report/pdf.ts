/**
 * Prints a self-contained HTML document to PDF with the real browser (headless Chromium through playwright-core).
 * STUB until the report-render branch lands (issue 17).
 */
export async function printPdf(html: string): Promise<Buffer> {
  void html;
  throw new Error('printPdf: not built yet');
}
