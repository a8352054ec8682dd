// The dashboard's report control (issue 17): the panel's report as PDF (download) or HTML (new tab).
import './report-button.css';
import { useContext, useEffect, useState } from 'react';
import type { JSX } from 'react';
import { acceptLanguage, apiError, errorText, isUnauthorized } from './api.ts';
import { download } from './export.tsx';
import { LangContext, useStrings } from './i18n.ts';
import { useReportStrings } from './report-i18n.ts';
import { attachmentName, reportUrl } from './report-url.ts';
import type { ReportKind } from './report-url.ts';

type Props = {
  kind: ReportKind;
  /** The request parameters of the panel the control sits in (origin, city, day, region ...). */
  params: Record<string, string>;
  onUnauthorized: () => void;
  testId: string;
};

/**
 * "报告 / Report: PDF · HTML". PDF is fetched rather than linked so the page can say it is being made (printing
 * takes seconds) and show the server's message in the page's language when it is refused; the download keeps
 * the server's file name (SYNTHETIC- first on synthetic data). HTML opens in a new tab as a plain link. Hidden
 * when printing and on the big screen (report-button.css).
 */
export function ReportButton({ kind, params, onUnauthorized, testId }: Props): JSX.Element {
  const lang = useContext(LangContext);
  const t = useStrings();
  const r = useReportStrings();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(params);
  // Another selection is another report: the last one's error no longer applies.
  useEffect(() => setError(null), [key, lang]);

  async function pdf(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(reportUrl(kind, 'pdf', lang, params), {
        credentials: 'same-origin',
        headers: { 'accept-language': acceptLanguage(lang) },
      });
      if (!res.ok) throw await apiError(res);
      const blob = await res.blob();
      download(blob, attachmentName(res.headers.get('content-disposition')) ?? `epitrace-${kind}.pdf`);
    } catch (err) {
      if (isUnauthorized(err)) onUnauthorized();
      else setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  const what = r.kinds[kind];
  return (
    <span className="report-button" data-testid={testId} data-kind={kind}>
      <span className="report-label">{r.report}</span>
      <button
        type="button"
        data-testid={`${testId}-pdf`}
        title={r.pdfTitle(what)}
        disabled={busy}
        aria-busy={busy}
        onClick={() => void pdf()}
      >
        {r.pdf}
      </button>
      <a
        href={reportUrl(kind, 'html', lang, params)}
        target="_blank"
        rel="noopener"
        data-testid={`${testId}-html`}
        title={r.htmlTitle(what)}
      >
        {r.html}
      </a>
      {busy && (
        <span className="muted small" role="status" data-testid={`${testId}-busy`}>
          {r.busy}
        </span>
      )}
      {error && (
        <span className="error small" role="alert" data-testid={`${testId}-error`}>
          {r.failed}: {error}
        </span>
      )}
    </span>
  );
}
