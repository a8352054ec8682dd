// A searchable region picker (WAI-ARIA combobox with a listbox popup): type a Chinese name, pinyin, English name
// or code; arrow keys move, Enter picks, Escape closes.
import { useId, useMemo, useRef, useState } from 'react';
import type { JSX, KeyboardEvent } from 'react';
import { useStrings } from './i18n.ts';
import { matchRegions, MAX_MATCHES, regionLabel } from './region-match.ts';
import type { PickerRegion } from './region-match.ts';

export type { PickerRegion };

/**
 * The picker: input[data-testid=testId] shows the chosen region ('武汉市 Wuhan 420100'); typing lists up to 50
 * matches (options data-testid `${testId}-option-<code>`); choosing one calls onChange(code).
 */
export function RegionPicker(p: {
  regions: PickerRegion[];
  value: string;
  onChange: (code: string) => void;
  label: string;
  testId: string;
}): JSX.Element {
  const t = useStrings();
  const listId = useId();
  const inputId = useId();
  const chosen = useMemo(() => p.regions.find((r) => r.code === p.value), [p.regions, p.value]);
  // null while not editing: the input then shows the chosen region.
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const matches = useMemo(
    () => (open ? matchRegions(p.regions, query ?? '', MAX_MATCHES) : []),
    [open, p.regions, query],
  );

  function pick(r: PickerRegion): void {
    setQuery(null);
    setOpen(false);
    if (r.code !== p.value) p.onChange(r.code);
  }

  function move(to: number): void {
    const i = Math.max(0, Math.min(matches.length - 1, to));
    setActive(i);
    listRef.current?.children[i]?.scrollIntoView({ block: 'nearest' });
  }

  function onKey(e: KeyboardEvent<HTMLInputElement>): void {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) setOpen(true);
      else move(active + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      move(active - 1);
    } else if (e.key === 'Enter') {
      const r = matches[active];
      if (open && r) {
        e.preventDefault();
        pick(r);
      }
    } else if (e.key === 'Escape') {
      setQuery(null);
      setOpen(false);
    }
  }

  const activeId = open && matches[active] ? `${listId}-${matches[active].code}` : undefined;
  return (
    <div className="region-picker">
      <label htmlFor={inputId}>{p.label}</label>
      <input
        id={inputId}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeId}
        autoComplete="off"
        spellCheck={false}
        data-testid={p.testId}
        placeholder={t.regionSearch}
        value={query ?? (chosen ? regionLabel(chosen) : p.value)}
        onFocus={(e) => e.currentTarget.select()}
        // A click (after the focus, whose mouseup undoes select()) selects the shown region's text again, so typing
        // replaces it, and opens the list to browse.
        onClick={(e) => {
          if (query === null) e.currentTarget.select();
          setOpen(true);
        }}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKey}
        // Closed after a click on an option has landed (mousedown on the option keeps the focus here).
        onBlur={() => {
          setQuery(null);
          setOpen(false);
        }}
      />
      {open && (
        <ul
          className="region-options"
          role="listbox"
          id={listId}
          ref={listRef}
          data-testid={`${p.testId}-options`}
        >
          {matches.length === 0 && <li className="muted">{t.regionNoMatch}</li>}
          {matches.map((r, i) => (
            <li
              key={r.code}
              id={`${listId}-${r.code}`}
              role="option"
              aria-selected={i === active}
              data-testid={`${p.testId}-option-${r.code}`}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => pick(r)}
            >
              <span>{r.name}</span> <span className="muted">{r.nameEn}</span>{' '}
              <span className="mono muted">{r.code}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
