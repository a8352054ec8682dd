import { useEffect, useState } from 'react';
import { getAudit } from './api.ts';
import type { AuditPage } from './api.ts';
import { useStrings } from './i18n.ts';

/** Administrators: whether the audit chain verifies, and the 50 most recent entries. */
export function AuditView() {
  const t = useStrings();
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
          <div className="table-wrap">
            <table className="destinations" data-testid="audit-table">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>{t.time}</th>
                  <th>{t.username}</th>
                  <th>{t.action}</th>
                  <th>{t.detail}</th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((e) => (
                  <tr key={e.id}>
                    <td className="num">{e.id}</td>
                    <td>{e.at}</td>
                    <td>{e.username ?? '—'}</td>
                    <td>{e.action}</td>
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
