import { useCallback, useContext, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { accountAction, createAccount, getAccounts } from './api.ts';
import type { AccountRow } from './api.ts';
import { ExportButtons } from './export.tsx';
import { dateTimeText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import { useViewsStrings } from './views-i18n.ts';
import './views.css';

const ROLES = ['analyst', 'tracer', 'public', 'admin'];

/** Administrators: the accounts table, a form to create one, renew/disable/new-password per row. */
export function AccountsView() {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const roleName = (r: string) => t.roleNames[r as keyof typeof t.roleNames] ?? r;
  const [rows, setRows] = useState<AccountRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const [form, setForm] = useState({ username: '', role: 'analyst', regions: '*', days: 3 });

  const reload = useCallback(() => {
    getAccounts().then(setRows, (e: unknown) => setError(String(e instanceof Error ? e.message : e)));
  }, []);
  useEffect(reload, [reload]);

  async function run(f: () => Promise<{ account: AccountRow; password?: string }>) {
    setError(null);
    try {
      const r = await f();
      setSecret(r.password ? { username: r.account.username, password: r.password } : null);
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    void run(() => createAccount(form));
  }

  return (
    <section data-testid="accounts-view">
      <h2>{t.accountsTitle}</h2>
      <form className="toolbar" onSubmit={submit}>
        <label>
          {t.username}
          <input
            name="new-username"
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
          />
        </label>
        <label>
          {t.role}
          <select
            name="new-role"
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.regionsLabel}
          <input
            name="new-regions"
            value={form.regions}
            onChange={(e) => setForm({ ...form, regions: e.target.value })}
          />
        </label>
        <label>
          {t.days}
          <input
            name="new-days"
            type="number"
            min={1}
            max={366}
            value={form.days}
            onChange={(e) => setForm({ ...form, days: Number(e.target.value) })}
          />
        </label>
        <button type="submit" data-testid="account-create">
          {t.createAccount}
        </button>
      </form>
      {secret && (
        <p className="summary" data-testid="new-password">
          {t.passwordOnce(secret.username)} <code>{secret.password}</code>
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="accounts-error">
          {error}
        </p>
      )}
      {rows && (
        <ExportButtons
          name="accounts"
          synthetic={false}
          rows={rows}
          columns={[
            { key: 'username', header: t.username, value: (a) => a.username },
            { key: 'role', header: t.role, value: (a) => a.role },
            { key: 'regions', header: t.regionsLabel, value: (a) => a.regions },
            { key: 'expiresAt', header: t.expires, value: (a) => a.expiresAt },
            { key: 'createdAt', header: v.createdAt, value: (a) => a.createdAt },
            { key: 'disabled', header: t.disabled, value: (a) => a.disabled },
          ]}
          testId="accounts-export"
        />
      )}
      {rows && (
        <div className="table-wrap">
          <table className="destinations" data-testid="accounts-table">
            <thead>
              <tr>
                <th>{t.username}</th>
                <th>{t.role}</th>
                <th>{t.regionsLabel}</th>
                <th>
                  {t.expires} ({t.tz})
                </th>
                <th>{t.state}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.username} data-testid="account-row">
                  <td>{a.username}</td>
                  <td data-role={a.role}>{roleName(a.role)}</td>
                  <td>{a.regions === '*' ? v.allRegions : a.regions}</td>
                  <td data-at={a.expiresAt}>{dateTimeText(a.expiresAt, lang)}</td>
                  <td>{a.disabled ? t.disabled : t.active}</td>
                  <td>
                    <button type="button" onClick={() => void run(() => accountAction(a.username, 'renew'))}>
                      {t.renew}
                    </button>{' '}
                    <button
                      type="button"
                      onClick={() => void run(() => accountAction(a.username, 'disable'))}
                    >
                      {t.disable}
                    </button>{' '}
                    <button type="button" onClick={() => void run(() => accountAction(a.username, 'passwd'))}>
                      {t.newPassword}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
