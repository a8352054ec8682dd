import type { Lang } from './i18n.ts';

/** Minutes as the tracing views and the companion CSV show them: one decimal. */
export function minutesText(minutes: number): string {
  return minutes.toFixed(1);
}

/**
 * The zone instants are shown in: China Standard Time (UTC+8, no daylight saving), the data's own clock, so a
 * dashboard opened abroad shows the same times as one in Wuhan (the status bar says so next to the time).
 */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// English parts come from en-US, arranged day-month-year by hand: en-GB would write "Sept" since ICU 72.
function partsOf(d: Date, opts: Intl.DateTimeFormatOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-US', opts).formatToParts(d)) out[p.type] = p.value;
  return out;
}

/** A data day ('2020-01-23') as the page language writes it: '2020年1月23日' or '23 Jan 2020'; else unchanged. */
export function dayText(isoDay: string, lang: Lang): string {
  const m = ISO_DAY.exec(isoDay);
  if (!m) return isoDay;
  // A calendar day, not an instant: formatted in UTC so the browser's zone cannot move it to the day before.
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const opts = {
    year: 'numeric',
    month: lang === 'zh' ? 'long' : 'short',
    day: 'numeric',
    timeZone: 'UTC',
  } as const;
  if (lang === 'zh') return new Intl.DateTimeFormat('zh-CN', opts).format(d);
  const p = partsOf(d, opts);
  return `${p.day} ${p.month} ${p.year}`;
}

/**
 * An instant (ISO 8601) in China Standard Time, to the minute (with seconds when asked):
 * '2026年12月2日 07:40' or '2 Dec 2026, 07:40'. Unparseable text is returned unchanged.
 */
export function dateTimeText(
  iso: string,
  lang: Lang,
  o: { seconds?: boolean; timeZone?: string } = {},
): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t);
  const opts: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: lang === 'zh' ? 'long' : 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(o.seconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
    timeZone: o.timeZone ?? DISPLAY_TIME_ZONE,
  };
  if (lang === 'zh') return new Intl.DateTimeFormat('zh-CN', opts).format(d);
  const p = partsOf(d, opts);
  return `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}${o.seconds ? `:${p.second}` : ''}`;
}

/** A clock time 'HH:MM:SS' of an instant in China Standard Time (the big screen's "updated at"). */
export function clockText(d: Date, timeZone = DISPLAY_TIME_ZONE): string {
  const p = partsOf(d, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone });
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** A number with the language's grouping (12,345); `digits` fixes the decimals, else up to three are shown. */
export function numberText(n: number, lang: Lang, digits?: number): string {
  const opts = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en', opts).format(n);
}

/** Every ISO day from `first` to `last` inclusive (empty when first > last or either is not a day). */
export function daysBetween(first: string, last: string): string[] {
  if (!ISO_DAY.test(first) || !ISO_DAY.test(last)) return [];
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
