import { chartSvg } from './charts.ts';
import type { Basis, Cell, Column, FiguresSection, Lang, Section, TableSection, Text } from './model.ts';
import { BASIS, WORDS, esc, formatCell, t } from './render-format.ts';

/** "unit · basis: sample" under a label, or nothing. */
function unitBasis(lang: Lang, unit?: Text, basis?: Basis): string {
  const parts: string[] = [];
  if (unit) parts.push(esc(t(unit, lang)));
  if (basis) parts.push(`${esc(t(WORDS.basis, lang))}: ${esc(t(BASIS[basis], lang))}`);
  return parts.length ? `<span class="unit">${parts.join(' · ')}</span>` : '';
}

const numeric = (c: Cell | undefined): boolean =>
  typeof c === 'number' || (c !== null && typeof c === 'object');

function th(col: Column, lang: Lang, right: boolean): string {
  return `<th${right ? ' class="num"' : ''}>${esc(t(col.label, lang))}${unitBasis(lang, col.unit, col.basis)}</th>`;
}

function table(s: TableSection, lang: Lang): string {
  // A column is right-aligned when its cells are numbers (or suppressed counts).
  const right = s.columns.map((c) => s.rows.some((r) => numeric(r[c.key])));
  const head = s.columns.map((c, i) => th(c, lang, right[i]!)).join('');
  const body = s.rows.length
    ? s.rows
        .map(
          (r) =>
            `<tr>${s.columns
              .map((c, i) => {
                const cell = r[c.key] ?? null;
                const cls = [right[i] ? 'num' : '', cell !== null && typeof cell === 'object' ? 'lt' : '']
                  .filter(Boolean)
                  .join(' ');
                return `<td${cls ? ` class="${cls}"` : ''}>${esc(formatCell(cell, lang, c.digits))}</td>`;
              })
              .join('')}</tr>`,
        )
        .join('\n')
    : `<tr><td colspan="${s.columns.length}" class="empty">${esc(t(WORDS.none, lang))}</td></tr>`;
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function figures(s: FiguresSection, lang: Lang): string {
  return `<div class="figures">${s.items
    .map(
      (it) =>
        `<div class="figure"><div class="flabel">${esc(t(it.label, lang))}</div>` +
        `<div class="fvalue">${esc(formatCell(it.value, lang, it.digits))}</div>` +
        `${unitBasis(lang, it.unit, it.basis)}</div>`,
    )
    .join('')}</div>`;
}

/** A text as paragraphs (blank lines separate them). */
export function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${esc(p)}</p>`)
    .join('');
}

/** One report section as HTML: its heading, body and note. */
export function renderSection(s: Section, lang: Lang): string {
  const title = s.title ? `<h2>${esc(t(s.title, lang))}</h2>` : '';
  let body: string;
  switch (s.kind) {
    case 'table':
      body = table(s, lang);
      break;
    case 'figures':
      body = figures(s, lang);
      break;
    case 'chart':
      body = `<div class="chart">${chartSvg(s, lang)}</div>`;
      break;
    case 'text':
      body = paragraphs(t(s.text, lang));
      break;
  }
  const note = 'note' in s && s.note ? `<p class="note">${esc(t(s.note, lang))}</p>` : '';
  return `<section class="sec-${s.kind}" id="${esc(s.id)}">${title}${body}${note}</section>`;
}
