/**
 * Browser-test helpers for issue 16's language rule: no English left in the Chinese page, no Chinese-only labels
 * in the English page (place names excepted). They read the text a person sees in the DOM (text nodes of
 * rendered elements, the options of selects, ECharts' HTML tooltip when open); text drawn on a canvas is not in
 * the DOM, so chart labels are not checked.
 */
import type { Page } from 'playwright-core';

/**
 * Words that stay as they are in Chinese text: the product's name, file formats, model and statistics symbols,
 * and the synthetic marker's English word the Chinese banner keeps in brackets on purpose.
 */
export const ALLOWED_WORDS: readonly string[] = [
  'EpiTrace',
  'CSV',
  'PDF',
  'HTML',
  'Excel',
  'JSON',
  'SEIR',
  'SYNTHETIC',
  'SIR',
  'Jia',
  'epitrace',
  'forecast',
  'build',
  'log',
];

/** Runs in the page: the visible text under `selector`, one string per text node or select option. */
function visibleTexts(root: Element): string[] {
  const out: string[] = [];
  const shown = (el: Element | null): boolean => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || e.hasAttribute('hidden')) return false;
    }
    return true;
  };
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent?.trim();
    const parent = n.parentElement;
    if (!text || !parent) continue;
    if (parent.closest('script, style')) continue;
    // An option's text is seen when the list opens, even though the closed select hides it.
    if (parent.closest('option') ? shown(parent.closest('select')) : shown(parent)) out.push(text);
  }
  for (const el of root.querySelectorAll('[title], [placeholder], [aria-label]'))
    for (const a of ['title', 'placeholder', 'aria-label']) {
      const v = el.getAttribute(a);
      if (v && shown(el)) out.push(v);
    }
  return out;
}

/** The visible texts of the first element matching `selector` (empty when there is none). */
export async function textsOf(page: Page, selector: string): Promise<string[]> {
  const el = page.locator(selector).first();
  if ((await el.count()) === 0) return [];
  return el.evaluate(visibleTexts);
}

/**
 * English words (3+ Latin letters) in the visible text under `selector` that are not in ALLOWED_WORDS or
 * `allow`. Tokens with a digit (codes, pseudonyms, 'R0', '420100') are not words. Returns each with its text.
 */
export async function untranslatedWords(
  page: Page,
  selector: string,
  allow: readonly string[] = [],
): Promise<string[]> {
  return englishIn(await textsOf(page, selector), allow);
}

/** The check of `untranslatedWords` on given texts (exported for its unit test). */
export function englishIn(texts: readonly string[], allow: readonly string[] = []): string[] {
  const ok = new Set([...ALLOWED_WORDS, ...allow]);
  const found: string[] = [];
  for (const text of texts)
    for (const token of text.split(/[^A-Za-z0-9_]+/)) {
      if (/\d/.test(token)) continue;
      for (const word of token.match(/[A-Za-z]{3,}/g) ?? [])
        if (!ok.has(word)) found.push(`${word} in "${text}"`);
    }
  return found;
}

/**
 * Chinese runs in the visible text under `selector` once every place name in `places` (the API's Chinese names
 * of the regions on screen) is taken out: labels the English page forgot to translate.
 */
export async function untranslatedChinese(
  page: Page,
  selector: string,
  places: readonly string[],
): Promise<string[]> {
  return chineseIn(await textsOf(page, selector), places);
}

/** The check of `untranslatedChinese` on given texts (exported for its unit test). */
export function chineseIn(texts: readonly string[], places: readonly string[]): string[] {
  // Longest first, so 湖北省 is removed whole before 湖北 could be.
  const names = [...new Set(places)].filter((p) => p.length > 0).sort((a, b) => b.length - a.length);
  const found: string[] = [];
  for (const text of texts) {
    let rest = text;
    for (const name of names) rest = rest.split(name).join(' ');
    for (const run of rest.match(/[\u3400-\u9fff]+/g) ?? []) found.push(`${run} in "${text}"`);
  }
  return found;
}
