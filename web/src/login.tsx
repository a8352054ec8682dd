import { useState } from 'react';
import type { FormEvent } from 'react';
import { errorText, login } from './api.ts';
import type { Session } from './api.ts';
import { useStrings } from './i18n.ts';

type Props = { onLogin: (session: Session) => void };

/** Username and password form; the server answers with a session cookie. */
export function Login({ onLogin }: Props) {
  const t = useStrings();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  // The error itself, so switching the language re-words the page's own message (the server's stays as sent).
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(username, password));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <form className="login" onSubmit={(e) => void submit(e)}>
      <h2>{t.login}</h2>
      <label>
        {t.username}
        <input
          name="username"
          autoComplete="username"
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label>
        {t.password}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" data-testid="login-submit" disabled={busy}>
        {busy ? t.loggingIn : t.login}
      </button>
      {error !== null && (
        <p className="error" role="alert" data-testid="login-error">
          {errorText(error, t)}
        </p>
      )}
    </form>
  );
}
