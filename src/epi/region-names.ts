/**
 * Region names in case and mobility files -> modelled regions, at city or
 * province level: a 6-digit code, a Chinese name (武汉市, 武汉) or an English
 * one (Wuhan, "Jinzhou (Liaoning)", Li et al.'s spellings such as Xintai).
 * Built on the built-in divisions (src/geo/divisions.ts); English names that
 * their pinyin does not match come from a table derived from Li et al.'s
 * city_coordinates.csv (src/epi/data/li2020-city-names.csv, built by
 * scripts/build-li-names.ts; source in that file's header).
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Division, Divisions, Level } from '../geo/divisions.ts';

/** The level forecasts are made at (`--regions`). */
export type RegionLevel = 'city' | 'province';

/** A name resolved to a modelled region, with the level the name itself was at. */
export interface Resolved {
  region: Division;
  /** The division the name itself stands for (a county row counts toward its city). */
  named: Division;
  /** Its level. */
  from: Level;
}

/** Resolution of one name: the region, or why it cannot be one. */
export type Resolution = Resolved | { error: string };

const RANK: Record<Level, number> = { province: 0, city: 1, county: 2 };

/** Latin names compared without case, tone marks, spaces or apostrophes (as divisions.ts does). */
export const normLatin = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

let aliases: Map<string, string> | undefined;

/** Li et al.'s English city names -> our city codes (committed derived table). */
export function liAliases(): Map<string, string> {
  if (!aliases) {
    const text = readFileSync(new URL('./data/li2020-city-names.csv', import.meta.url), 'utf8');
    aliases = new Map();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#') || line.startsWith('name_en,')) continue;
      const comma = line.lastIndexOf(',');
      aliases.set(normLatin(line.slice(0, comma).replace(/^"|"$/g, '')), line.slice(comma + 1).trim());
    }
  }
  return aliases;
}

/** The named division, before any change of level. */
function lookup(div: Divisions, text: string): Division {
  if (/^\d{6}$/.test(text)) return div.byCode(text);
  // "Jinzhou (Liaoning)": Li et al.'s way of telling same-named cities apart.
  const qualified = /^(.+?)\s*\((.+)\)$/.exec(text);
  if (qualified && /^[\x20-\x7e]+$/.test(text)) {
    const province = div.byName(qualified[2]!, 'province');
    const key = normLatin(qualified[1]!);
    const hit = div.list('city').find((c) => c.province === province.code && normLatin(c.nameEn) === key);
    if (hit) return hit;
  }
  // The table holds only the names whose pinyin lookup fails or finds another place.
  const alias = /[a-z]/i.test(text) ? liAliases().get(normLatin(text)) : undefined;
  return alias ? div.byCode(alias, 'city') : div.byName(text);
}

/** A division moved to `level`: counties and cities up to their parent, a municipality down to its one city. */
function atLevel(div: Divisions, d: Division, level: RegionLevel): Division | string {
  if (RANK[d.level] >= RANK[level]) return d.level === level ? d : div.parentAt(d.code, level);
  const kids = div.children(d.code);
  if (kids.length === 1) return kids[0]!;
  return `${d.code} ${d.name} is a province; city-level regions need city rows (or use --regions province)`;
}

/** A cached resolver from names to regions at `level`; unresolvable names give an error text, never a throw. */
export function regionResolver(
  level: RegionLevel,
  div: Divisions = loadDivisions(),
): (name: string) => Resolution {
  const cache = new Map<string, Resolution>();
  return (name) => {
    const text = name.trim();
    let r = cache.get(text);
    if (!r) {
      try {
        if (!text) throw new UserError('empty region');
        const d = lookup(div, text);
        const region = atLevel(div, d, level);
        r = typeof region === 'string' ? { error: region } : { region, named: d, from: d.level };
        if (!('error' in r) && r.region.population <= 0)
          r = { error: `${r.region.code} ${r.region.name} has no census population (the model needs one)` };
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        r = { error: e.message.startsWith('Unknown') ? `unknown region '${text}'` : e.message };
      }
      cache.set(text, r);
    }
    return r;
  };
}
