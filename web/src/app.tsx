import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { getMe, getMeta, isUnauthorized, logout, setApiLanguage } from './api.ts';
import type { Meta, Session } from './api.ts';
import { initialLang, LangContext, saveLang, strings } from './i18n.ts';
import type { Lang, Strings } from './i18n.ts';
import { Login } from './login.tsx';
import { DataVersion, StatusBar, useStatus } from './status-bar.tsx';
import { useFlowsStrings } from './flows-i18n.ts';

// Charts (echarts) load after login, so the login page stays light.
const FlowsView = lazy(async () => ({ default: (await import('./flows-view.tsx')).FlowsView }));
const LayersView = lazy(async () => ({ default: (await import('./layers-view.tsx')).LayersView }));
const AccountsView = lazy(async () => ({ default: (await import('./accounts-view.tsx')).AccountsView }));
const AuditView = lazy(async () => ({ default: (await import('./audit-view.tsx')).AuditView }));
const TracingView = lazy(async () => ({ default: (await import('./tracing-view.tsx')).TracingView }));
const ForecastView = lazy(async () => ({ default: (await import('./forecast-view.tsx')).ForecastView }));
const JobsView = lazy(async () => ({ default: (await import('./jobs-view.tsx')).JobsView }));
const RiskView = lazy(async () => ({ default: (await import('./risk-view.tsx')).RiskView }));

type View = 'flows' | 'layers' | 'risk' | 'forecast' | 'tracing' | 'accounts' | 'audit' | 'jobs';

/** The views a role may open; the server enforces the same (src/server/policy.ts). */
function viewsOf(role: string): View[] {
  if (role === 'admin') return ['flows', 'layers', 'risk', 'forecast', 'accounts', 'audit', 'jobs'];
  if (role === 'analyst') return ['flows', 'layers', 'risk', 'forecast'];
  // Individual-level data: tracers only (not even admin), as the API's policy says.
  if (role === 'tracer') return ['flows', 'layers', 'risk', 'forecast', 'tracing'];
  return [];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The dashboard: session check, login, header, synthetic-data banner and the outflow and map-layer views. */
export function App() {
  const [lang, setLangState] = useState<Lang>(() => {
    const l = initialLang();
    setApiLanguage(l);
    return l;
  });
  // The API client learns the language before the views re-render and ask again (their messages come localised).
  const setLang = (l: Lang): void => {
    setApiLanguage(l);
    setLangState(l);
  };
  // undefined while the session check is running, null when logged out.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [meta, setMeta] = useState<Meta | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<View>('flows');
  const t = strings[lang];

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    saveLang(lang);
  }, [lang]);

  useEffect(() => {
    getMe().then(setSession, (err: unknown) => setError(message(err)));
  }, []);

  const signedOut = useCallback(() => {
    setSession(null);
    setMeta(null);
  }, []);

  const username = session?.username;
  // The status bar's poll; a new snapshot (new days published) makes the views and the metadata load again.
  const { status, reloads } = useStatus(username, signedOut);
  useEffect(() => {
    if (!username) return;
    const ctl = new AbortController();
    getMeta(ctl.signal).then(setMeta, (err: unknown) => {
      if (ctl.signal.aborted) return;
      if (isUnauthorized(err)) signedOut();
      else setError(message(err));
    });
    return () => ctl.abort();
  }, [username, signedOut, reloads]);

  async function onLogout() {
    // Forget the session here even if the server cannot be reached; its cookie expires on its own.
    await logout().catch(() => undefined);
    signedOut();
  }

  return (
    <LangContext.Provider value={lang}>
      <header className="app-header">
        <h1>{t.appName}</h1>
        <span className="tagline">{t.tagline}</span>
        <span className="spacer" />
        {session && (
          <>
            <span className="user" data-testid="current-user">
              {session.username} <span className="role">{session.role}</span>
            </span>
            <button type="button" data-testid="logout" onClick={() => void onLogout()}>
              {t.logout}
            </button>
          </>
        )}
        <button type="button" data-testid="lang-toggle" onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}>
          {t.langToggle}
        </button>
      </header>
      {meta?.scenario.synthetic && <SyntheticBanner meta={meta} t={t} />}
      {session && status && <StatusBar status={status} />}
      <main>
        {error && (
          <p className="error" role="alert" data-testid="app-error">
            {t.error}: {error}
          </p>
        )}
        {session === undefined && !error && <p className="muted">{t.loading}</p>}
        {session === null && <Login onLogin={setSession} />}
        {session && !meta && !error && <p className="muted">{t.loading}</p>}
        {session && meta && viewsOf(session.role).length === 0 && (
          <p className="muted" data-testid="public-only">
            {t.publicOnly}
          </p>
        )}
        {session && meta && viewsOf(session.role).length > 0 && (
          <>
            <ViewNav views={viewsOf(session.role)} view={view} onChange={setView} t={t} />
            <DataVersion.Provider value={reloads}>
              <Suspense fallback={<p className="muted">{t.loading}</p>}>
                {view === 'flows' && (
                  <FlowsView key={session.username} meta={meta} onUnauthorized={signedOut} />
                )}
                {view === 'layers' && <LayersView />}
                {view === 'risk' && (
                  <RiskView key={session.username} meta={meta} onUnauthorized={signedOut} />
                )}
                {view === 'forecast' && <ForecastView key={session.username} onUnauthorized={signedOut} />}
                {view === 'tracing' && session.role === 'tracer' && (
                  <TracingView key={session.username} onUnauthorized={signedOut} />
                )}
                {view === 'accounts' && session.role === 'admin' && <AccountsView />}
                {view === 'audit' && session.role === 'admin' && <AuditView />}
                {view === 'jobs' && session.role === 'admin' && <JobsView />}
              </Suspense>
            </DataVersion.Provider>
          </>
        )}
      </main>
    </LangContext.Provider>
  );
}

function ViewNav({
  views,
  view,
  onChange,
  t,
}: {
  views: View[];
  view: View;
  onChange: (v: View) => void;
  t: Strings;
}) {
  const f = useFlowsStrings();
  const labels: Record<View, string> = {
    flows: f.nav,
    layers: t.navLayers,
    risk: t.navRisk,
    forecast: t.navForecast,
    tracing: t.navTracing,
    accounts: t.navAccounts,
    audit: t.navAudit,
    jobs: t.navJobs,
  };
  const tabs = views.map((v) => [v, labels[v]] as const);
  return (
    <nav className="view-nav" aria-label={t.views}>
      {tabs.map(([v, label]) => (
        <button
          key={v}
          type="button"
          data-testid={`nav-${v}`}
          aria-current={view === v ? 'page' : undefined}
          onClick={() => onChange(v)}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}

function SyntheticBanner({ meta, t }: { meta: Meta; t: Strings }) {
  return (
    <div className="synthetic-banner" role="note" data-testid="synthetic-banner">
      <strong>{t.syntheticTitle}</strong> — {t.syntheticNote}{' '}
      <span className="scenario">
        {meta.scenario.name}: {meta.scenario.description}
      </span>
    </div>
  );
}
