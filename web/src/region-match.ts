// The region picker's search (pure, unit-tested in region-match.test.ts).

/** A region the picker offers: Chinese name, English name, toneless pinyin and code (GB/T 2260). */
export type PickerRegion = { code: string; name: string; nameEn: string; pinyin: string; level?: string };

/** How many matches the list shows at most: enough to scroll, few enough to render at once. */
export const MAX_MATCHES = 50;

// Administrative suffixes a user may leave out: 武汉 for 武汉市, 恩施 for 恩施土家族苗族自治州. Longest first.
const SUFFIXES = [
  '维吾尔自治区',
  '壮族自治区',
  '回族自治区',
  '特别行政区',
  '自治区',
  '自治州',
  '自治县',
  '地区',
  '盟',
  '市',
  '省',
  '州',
  '县',
  '区',
];

/** Lower case, without spaces, apostrophes, hyphens or accents: 'Lu an', "Lu'an", 'LUAN' all become 'luan'. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s'’\-·.]/g, '');
}

/** A Chinese name without its administrative suffix ('武汉市' -> '武汉'). */
export function stripSuffix(name: string): string {
  for (const s of SUFFIXES)
    if (name.length > s.length + 1 && name.endsWith(s)) return name.slice(0, -s.length);
  return name;
}

/** How well a region matches a folded query: 0 exact, 1 prefix, 2 contained; null no match. */
function rank(r: PickerRegion, raw: string, q: string): number | null {
  if (/^\d+$/.test(q)) return r.code === q ? 0 : r.code.startsWith(q) ? 1 : null;
  let best: number | null = null;
  const consider = (text: string, query: string): void => {
    if (!text || !query) return;
    const s = text === query ? 0 : text.startsWith(query) ? 1 : text.includes(query) ? 2 : null;
    if (s !== null && (best === null || s < best)) best = s;
  };
  const zh = raw.replace(/\s/g, '');
  consider(r.name, zh);
  consider(stripSuffix(r.name), stripSuffix(zh));
  consider(fold(r.pinyin), q);
  consider(fold(r.nameEn), q);
  return best;
}

/**
 * The regions matching `query` by Chinese name (with or without its suffix), pinyin (any case, with or without
 * spaces), English name or code prefix; best matches first (exact, then prefix, then contained; then by code),
 * at most `limit`. An empty query lists the first `limit` by code.
 */
export function matchRegions(regions: PickerRegion[], query: string, limit = MAX_MATCHES): PickerRegion[] {
  const q = fold(query);
  const byCode = (a: PickerRegion, b: PickerRegion): number =>
    a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  if (!q) return [...regions].sort(byCode).slice(0, limit);
  const hits: { r: PickerRegion; s: number }[] = [];
  for (const r of regions) {
    const s = rank(r, query.trim(), q);
    if (s !== null) hits.push({ r, s });
  }
  hits.sort((a, b) => a.s - b.s || byCode(a.r, b.r));
  return hits.slice(0, limit).map((h) => h.r);
}

/** How a region is written in the picker: '武汉市 Wuhan 420100'. */
export function regionLabel(r: PickerRegion): string {
  return `${r.name} ${r.nameEn} ${r.code}`;
}
