// "Data as of" on every view: the last data day of the served snapshot, its id and when it was published.
import { useContext } from 'react';
import type { JSX } from 'react';
import type { Meta } from './api.ts';
import { dateTimeText, dayText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';

/** '数据截至 2020年1月23日（快照 3，发布于 2026年12月2日 07:40 北京时间）' from meta.snapshot. */
export function AsOf({ meta }: { meta: Meta }): JSX.Element {
  const t = useStrings();
  const lang = useContext(LangContext);
  const s = meta.snapshot;
  return (
    <p className="as-of muted" data-testid="as-of">
      {s.days
        ? t.asOf(dayText(s.days.last, lang), s.id, `${dateTimeText(s.publishedAt, lang)} ${t.tz}`)
        : t.asOfNone(s.id)}
    </p>
  );
}
