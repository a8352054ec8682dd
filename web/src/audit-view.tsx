import { useContext, useEffect, useState } from 'react';
import { getAudit } from './api.ts';
import type { AuditPage } from './api.ts';
import { ExportButtons } from './export.tsx';
import { dateTimeText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import { useViewsStrings } from './views-i18n.ts';
import './views.css';

/** Administrators: whether the audit chain verifies, and the 50 most recent entries. */
export function AuditView() {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const [page, setPage] = useState<AuditPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getAudit().then(setPage, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  return (
    <section data-testid="audit-view">
      <h2>{t.auditTitle}</h2>
      {error && <p className="error">{error}</p>}
      {page && (
        <>
          <p className={page.verified ? 'summary' : 'error'} data-testid="audit-status">
            {page.verified
              ? t.auditOk(page.count)
              : t.auditBad(page.problem?.id ?? null, page.problem?.reason ?? '')}
          </p>
          <ExportButtons
            name="audit"
            synthetic={false}
            rows={page.entries}
            columns={[
              { key: 'id', header: '#', value: (e) => e.id },
              { key: 'at', header: t.time, value: (e) => e.at },
              { key: 'username', header: t.username, value: (e) => e.username },
              { key: 'action', header: t.action, value: (e) => e.action },
              { key: 'detail', header: t.detail, value: (e) => e.detail },
            ]}
            testId="audit-export"
          />
          <p className="muted small">{v.auditDetailNote}</p>
          <div className="table-wrap">
            <table className="destinations" data-testid="audit-table">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>
                    {t.time} ({t.tz})
                  </th>
                  <th>{t.username}</th>
                  <th>{t.action}</th>
                  <th>{t.detail}</th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((e) => (
                  <tr key={e.id}>
                    <td className="num">{e.id}</td>
                    <td data-at={e.at}>{dateTimeText(e.at, lang, { seconds: true })}</td>
                    <td>{e.username ?? '—'}</td>
                    <td data-action={e.action}>{v.auditActions[e.action] ?? e.action}</td>
                    <td className="small">{e.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
