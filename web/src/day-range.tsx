// Choosing a range of data days: two selects over the days the data has, written in the page language
// (never <input type=date>, whose format follows the operating system's locale, not the page).
import type { JSX } from 'react';
import { dayText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import { useContext } from 'react';

/**
 * From and to among `days` (ISO, ascending); selects data-testid `${testId}-from` / `${testId}-to`.
 * Choosing a from after to (or a to before from) moves the other end along, so the range is never empty.
 */
export function DayRange(p: {
  days: string[];
  from: string;
  to: string;
  onChange: (from: string, to: string) => void;
  testId: string;
}): JSX.Element {
  const t = useStrings();
  const lang = useContext(LangContext);
  const options = (list: string[]) =>
    list.map((d) => (
      <option key={d} value={d}>
        {dayText(d, lang)}
      </option>
    ));
  return (
    <span className="day-range" data-testid={p.testId}>
      <label>
        {t.from}
        <select
          data-testid={`${p.testId}-from`}
          value={p.from}
          onChange={(e) => {
            const from = e.target.value;
            p.onChange(from, p.to < from ? from : p.to);
          }}
        >
          {options(p.days)}
        </select>
      </label>
      <label>
        {t.to}
        <select
          data-testid={`${p.testId}-to`}
          value={p.to}
          onChange={(e) => {
            const to = e.target.value;
            p.onChange(p.from > to ? to : p.from, to);
          }}
        >
          {options(p.days)}
        </select>
      </label>
    </span>
  );
}
