import { FONT_FAMILY } from './charts.ts';
import type { Lang, Report } from './model.ts';
import type { PrintOptions } from './pdf.ts';
import { WORDS, esc, formatDay, formatTime, t } from './render-format.ts';
import { paragraphs, renderSection } from './render-sections.ts';

// Print layout: A4, margins wide enough for the PDF's header and footer (pdf.ts prints the synthetic line and the
// page numbers there on every page: a position: fixed banner overlaps the text of continuation pages in
// Chromium). The banner below heads the document on screen (sticky) and on the first printed page.
const CSS = `
@page { size: A4; margin: 16mm 15mm 16mm 15mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: ${FONT_FAMILY}; font-size: 10pt; line-height: 1.45; color: #1a1a1a; margin: 0; }
.synthetic { padding: 2mm; margin-bottom: 4mm; text-align: center; font-weight: bold; font-size: 9pt;
  color: #8a1c00; background: #ffe9c7; border: 1px solid #e0a050; }
@media screen { body { max-width: 180mm; margin: 0 auto; padding: 6mm 4mm; } .synthetic { position: sticky; top: 0; } }
h1 { font-size: 17pt; margin: 0 0 3mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #bbb; padding-bottom: 1mm; break-after: avoid; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 4mm; margin: 0 0 3mm; font-size: 9pt; }
.meta dt { color: #555; } .meta dd { margin: 0; }
.params code { font-family: inherit; background: #f1f1f1; padding: 0 1mm; margin-right: 2mm; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border-bottom: 1px solid #ddd; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eef2f7; font-weight: bold; }
tr { break-inside: avoid; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.lt { color: #777; }
td.empty { color: #777; text-align: center; }
.unit { display: block; font-weight: normal; font-size: 7.5pt; color: #555; }
.figures { display: flex; flex-wrap: wrap; gap: 3mm; }
.figure { flex: 1 1 40mm; border: 1px solid #ccd; border-radius: 1.5mm; padding: 2mm 3mm; break-inside: avoid; }
.flabel { font-size: 8.5pt; color: #444; }
.fvalue { font-size: 15pt; font-weight: bold; font-variant-numeric: tabular-nums; }
.chart { break-inside: avoid; } .chart svg { width: 100%; height: auto; }
section.sec-chart { break-inside: avoid; }
.note { font-size: 8.5pt; color: #444; margin: 1.5mm 0 0; }
dl.defs dt { font-weight: bold; margin-top: 1.5mm; } dl.defs dd { margin: 0 0 0 4mm; }
ol.sources { padding-left: 6mm; margin: 0; }
`;

/**
 * What pdf.ts prints on every page: the synthetic line at the head (when so), and at the foot the title and the
 * data day (left of the page numbers).
 */
export function reportPrintOptions(report: Report, lang: Lang): PrintOptions {
  const foot = [t(report.title, lang)];
  if (report.asOf.lastDay) foot.push(`${t(WORDS.asOf, lang)} ${formatDay(report.asOf.lastDay, lang)}`);
  return {
    ...(report.synthetic ? { header: t(WORDS.synthetic, lang) } : {}),
    footer: foot.join(' · '),
  };
}

function meta(report: Report, lang: Lang): string {
  const rows: [string, string][] = [
    [t(WORDS.generatedAt, lang), esc(formatTime(report.generatedAt, lang))],
    [t(WORDS.asOf, lang), esc(report.asOf.lastDay ? formatDay(report.asOf.lastDay, lang) : '-')],
  ];
  if (report.asOf.snapshot !== null) rows.push([t(WORDS.snapshot, lang), esc(String(report.asOf.snapshot))]);
  const params = Object.entries(report.params)
    .map(([k, v]) => `<code>${esc(k)} = ${esc(v === null ? '-' : String(v))}</code>`)
    .join(' ');
  rows.push([t(WORDS.params, lang), `<span class="params">${params || '-'}</span>`]);
  return `<dl class="meta">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function closing(report: Report, lang: Lang): string {
  const defs = report.definitions.length
    ? `<section class="definitions"><h2>${esc(t(WORDS.definitions, lang))}</h2><dl class="defs">${report.definitions
        .map((d) => `<dt>${esc(t(d.term, lang))}</dt><dd>${paragraphs(t(d.text, lang))}</dd>`)
        .join('')}</dl></section>`
    : '';
  const sources = report.sources.length
    ? `<section class="sources"><h2>${esc(t(WORDS.sources, lang))}</h2><ol class="sources">${report.sources
        .map((s) => `<li>${esc(t(s, lang))}</li>`)
        .join('')}</ol></section>`
    : '';
  const p = report.privacy;
  const privacy =
    `<section class="privacy"><h2>${esc(t(WORDS.privacy, lang))}</h2>${paragraphs(t(p.note, lang))}` +
    `<p class="note">${esc(t(WORDS.privacyK, lang))} = ${esc(String(p.k))} · ${esc(p.method)}. ` +
    `${esc(t(WORDS.suppressedKey, lang))}</p></section>`;
  return defs + sources + privacy;
}

/**
 * A report as one self-contained A4 HTML document in one language: inline CSS and SVG charts, no script and
 * nothing fetched; every text escaped (names come from data); SYNTHETIC on every printed page when so.
 */
export function renderReportHtml(report: Report, lang: Lang): string {
  const title = t(report.title, lang);
  const banner = report.synthetic ? `<div class="synthetic">${esc(t(WORDS.synthetic, lang))}</div>` : '';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(report.synthetic ? `[${t(WORDS.synthetic, lang).split(/[:：]/)[0]}] ${title}` : title)}</title>
<style>${CSS}</style>
</head>
<body>
${banner}
<header><h1>${esc(title)}</h1>${meta(report, lang)}</header>
<main>
${report.sections.map((s) => renderSection(s, lang)).join('\n')}
</main>
<footer>${closing(report, lang)}</footer>
</body>
</html>
`;
}
