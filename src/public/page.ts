/**
 * The public risk page (issue 17) as one HTML document: inline style, server-drawn SVG, no script (the CSP
 * allows none inline, and a phone on a weak network should load one file). Forms are plain GET forms.
 * Every text from data is escaped.
 */
import { dayText, numberText } from '../../web/src/format.ts';
import { bandText } from '../../web/src/forecast-format.ts';
import type { RiskLevel } from '../risk/levels.ts';
import type { Named, PublicCounty, PublicForecast, PublicLevels, PublicRegion } from './data.ts';
import { fanChartSvg } from './page-chart.ts';
import { PAGE_CSS } from './page-css.ts';
import { strings } from './page-i18n.ts';
import type { PublicLang, Strings } from './page-i18n.ts';

/** The horizons the page lists: a week, two weeks, a month (as the dashboard's forecast view). */
export const PUBLIC_HORIZONS = [7, 14, 30] as const;

/** Everything the page shows, already checked and protected (src/public/data.ts). */
export interface PageInput {
  lang: PublicLang;
  synthetic: boolean;
  k: number;
  /** Null when the workspace has no risk levels yet. */
  levels: PublicLevels | null;
  cities: Named[];
  regions: PublicRegion[];
  forecast: PublicForecast | null;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML elements and quoted attributes. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

/** A place's name in the page language (English from the divisions, else the Chinese name). */
export function placeText(p: Named, lang: PublicLang): string {
  return lang === 'en' ? (p.nameEn ?? p.name) : p.name;
}

/** A published count, or "< k" where the rules withhold it. */
export function countText(n: number | null, k: number, lang: PublicLang): string {
  return n === null ? `< ${k}` : numberText(n, lang);
}

const levelTag = (r: RiskLevel, t: Strings): string => `<span class="lv lv-${r}">${esc(t.level[r])}</span>`;

function query(p: Record<string, string | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) q.set(k, v);
  return `/public?${q.toString()}`;
}

function countyLine(a: PublicCounty, k: number, lang: PublicLang, t: Strings): string {
  const counts =
    `${esc(t.cumulative)} <span data-testid="cum-${a.code}">${countText(a.cumulative, k, lang)}</span>, ` +
    `${esc(t.new14)} <span data-testid="new-${a.code}">${countText(a.new14, k, lang)}</span>`;
  return `<li data-testid="area-${a.code}" data-risk="${a.risk}">${esc(placeText(a, lang))} ${levelTag(a.risk, t)} <span class="note">${counts}</span></li>`;
}

function areasSection(l: PublicLevels, lang: PublicLang, t: Strings): string {
  const high = l.areas.filter((a) => a.risk === 'high').length;
  const medium = l.areas.filter((a) => a.risk === 'medium').length;
  const head = `<h2>${esc(t.areasTitle)}</h2><p data-testid="areas-count" data-high="${high}" data-medium="${medium}">${esc(t.areasCount(high, medium))}</p>`;
  if (!l.areas.length) return `<section>${head}<p>${esc(t.areasNone)}</p></section>`;
  const byCity = new Map(l.cities.map((c) => [c.code, c]));
  const provinces = new Map<string, { p: Named; cities: Map<string, typeof l.areas> }>();
  for (const a of l.areas) {
    const c = byCity.get(a.city);
    const p = c?.province ?? { code: '', name: '', nameEn: null };
    let e = provinces.get(p.code);
    if (!e) provinces.set(p.code, (e = { p, cities: new Map() }));
    const list = e.cities.get(a.city) ?? [];
    list.push(a);
    e.cities.set(a.city, list);
  }
  const body = [...provinces.values()]
    .map(
      ({ p, cities }) =>
        `<h3>${esc(placeText(p, lang))}</h3>` +
        [...cities]
          .map(([code, list]) => {
            const c = byCity.get(code);
            return `<p><b>${esc(c ? placeText(c, lang) : code)}</b></p><ul>${list.map((a) => countyLine(a, l.k, lang, t)).join('')}</ul>`;
          })
          .join(''),
    )
    .join('');
  return `<section>${head}${body}</section>`;
}

function cityRow(c: PublicLevels['cities'][number], lang: PublicLang, t: Strings): string {
  const n = c.counties;
  return (
    `<tr data-testid="city-${c.code}" data-level="${c.level}"><td>${esc(placeText(c, lang))}</td><td>${levelTag(c.level, t)}</td>` +
    `<td class="n" data-testid="city-${c.code}-counts">${n.high} / ${n.medium} / ${n.low}</td></tr>`
  );
}

function citiesSection(l: PublicLevels, lang: PublicLang, t: Strings): string {
  const table = (rows: typeof l.cities) =>
    `<table><thead><tr><th>${esc(t.city)}</th><th>${esc(t.cityLevel)}</th><th class="n">${esc(t.counties)}</th></tr></thead><tbody>${rows.map((c) => cityRow(c, lang, t)).join('')}</tbody></table>`;
  const raised = l.cities.filter((c) => c.level !== 'low');
  const low = l.cities.filter((c) => c.level === 'low');
  // The low cities are many and alike: folded (no script needed), so a phone draws little at first.
  return (
    `<section><h2>${esc(t.citiesTitle)}</h2><p class="note">${esc(t.cityLevelNote)}</p>${raised.length ? table(raised) : ''}` +
    (low.length ? `<details><summary>${esc(t.lowCities(low.length))}</summary>${table(low)}</details>` : '') +
    `</section>`
  );
}

function countySection(p: PageInput, t: Strings, regionCode: string | null): string {
  const l = p.levels!;
  const chosen = l.city;
  const options = p.cities
    .map(
      (c) =>
        `<option value="${c.code}"${chosen?.code === c.code ? ' selected' : ''}>${esc(placeText(c, p.lang))}</option>`,
    )
    .join('');
  const form =
    `<form method="get" action="/public"><input type="hidden" name="lang" value="${p.lang}">` +
    (regionCode ? `<input type="hidden" name="region" value="${esc(regionCode)}">` : '') +
    `<label>${esc(t.city)} <select name="city">${options}</select></label><button type="submit">${esc(t.show)}</button></form>`;
  const rows = (chosen?.counties ?? [])
    .map(
      (a) =>
        `<tr data-testid="county-${a.code}" data-risk="${a.risk}"><td>${esc(placeText(a, p.lang))}</td><td>${levelTag(a.risk, t)}</td>` +
        `<td class="n">${countText(a.cumulative, l.k, p.lang)}</td><td class="n">${countText(a.new14, l.k, p.lang)}</td></tr>`,
    )
    .join('');
  const table = chosen
    ? `<h3 data-testid="county-city">${esc(placeText(chosen, p.lang))}</h3><table><thead><tr><th>${esc(t.county)}</th><th>${esc(t.cityLevel)}</th><th class="n">${esc(t.cumulative)}</th><th class="n">${esc(t.new14)}</th></tr></thead><tbody>${rows}</tbody></table>`
    : '';
  return `<section id="counties"><h2>${esc(t.countyTitle)}</h2>${form}${table}</section>`;
}

function forecastSection(p: PageInput, t: Strings): string {
  const f = p.forecast;
  if (!f || !p.regions.length)
    return `<section id="forecast"><h2>${esc(t.forecastTitle)}</h2><p>${esc(t.forecastNone)}</p></section>`;
  const options = p.regions
    .map(
      (r) =>
        `<option value="${esc(r.code)}"${r.code === f.region.code ? ' selected' : ''}>${esc(placeText(r, p.lang))}</option>`,
    )
    .join('');
  const form =
    `<form method="get" action="/public#forecast"><input type="hidden" name="lang" value="${p.lang}">` +
    (p.levels?.city ? `<input type="hidden" name="city" value="${p.levels.city.code}">` : '') +
    `<label>${esc(t.region)} <select name="region">${options}</select></label><button type="submit">${esc(t.show)}</button></form>`;
  const name = placeText(f.region, p.lang);
  const rows = PUBLIC_HORIZONS.map((h) => f.forecast.find((x) => x.horizon === h))
    .filter((x) => x !== undefined)
    .map(
      (x) =>
        `<tr><td>${esc(t.days(x.horizon))}</td><td>${esc(dayText(x.target, p.lang))}</td>` +
        `<td class="n" data-testid="fc-h${x.horizon}">${esc(bandText(x.median, x.q05, x.q95, p.lang))}</td></tr>`,
    )
    .join('');
  const last = f.observed.at(-1);
  const observed = last
    ? `<p class="note" data-testid="fc-observed">${esc(t.observedLast)} ${esc(dayText(last.day, p.lang))}: ${last.count === null ? `&lt; ${f.k}` : numberText(last.count, p.lang)}</p>`
    : '';
  return (
    `<section id="forecast"><h2>${esc(t.forecastTitle)}</h2>${form}<h3 data-testid="fc-region">${esc(name)}</h3>` +
    `<figure style="margin:0">${fanChartSvg(f, `${t.forecastTitle}: ${name}`)}</figure><p class="note">${esc(t.chartNote)}</p>${observed}` +
    `<table><thead><tr><th>${esc(t.horizon)}</th><th>${esc(t.targetDay)}</th><th class="n">${esc(t.median)}</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

/** The whole page in `p.lang`. */
export function renderPublicPage(p: PageInput): string {
  const t = strings(p.lang);
  const other: PublicLang = p.lang === 'zh' ? 'en' : 'zh';
  const region = p.forecast?.region.code ?? null;
  const city = p.levels?.city?.code ?? null;
  const levels = p.levels
    ? areasSection(p.levels, p.lang, t) + citiesSection(p.levels, p.lang, t) + countySection(p, t, region)
    : `<section><p>${esc(t.noRisk)}</p></section>`;
  const day = p.levels?.day ?? p.forecast?.origin ?? null;
  return (
    `<!doctype html><html lang="${t.htmlLang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(t.title)}</title>` +
    `<link rel="icon" href="data:,"><style>${PAGE_CSS}</style></head><body><main>` +
    `<header><h1>${esc(t.title)}</h1><a data-testid="other-lang" hreflang="${other}" href="${esc(query({ lang: other, city, region }))}">${esc(t.other)}</a></header>` +
    (p.synthetic ? `<div class="synthetic" data-testid="synthetic">${esc(t.synthetic)}</div>` : '') +
    (day
      ? `<p class="asof" data-testid="as-of" data-day="${day}">${esc(t.asOf(dayText(day, p.lang)))}</p>`
      : '') +
    levels +
    forecastSection(p, t) +
    `<section><h2>${esc(t.definitionsTitle)}</h2><ul>${t.definitions.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>` +
    `<h3>${esc(t.privacyTitle)}</h3><p data-testid="privacy">${esc(t.privacy(p.k))}</p><p class="note">${esc(t.sources)}</p></section>` +
    `</main></body></html>`
  );
}
