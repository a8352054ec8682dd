import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { errorText, getMe, getMeta, isUnauthorized, logout, setApiLanguage } from './api.ts';
import type { Meta, Session } from './api.ts';
import { AppHeader, SyntheticBanner } from './app-header.tsx';
import { initialLang, LangContext, saveLang, strings } from './i18n.ts';
import type { Lang, Strings } from './i18n.ts';
import { Login } from './login.tsx';
import {
  enterFullScreen,
  leaveFullScreen,
  ScreenContext,
  screenFromSearch,
  urlWithScreen,
  useAutoRefresh,
} from './screen.ts';
import type { Screen } from './screen.ts';
import { DataVersion, StatusBar, useStatus } from './status-bar.tsx';

// Charts (echarts) load after login, so the login page stays light.
const OutflowView = lazy(async () => ({ default: (await import('./outflow-view.tsx')).OutflowView }));
const LayersView = lazy(async () => ({ default: (await import('./layers-view.tsx')).LayersView }));
const AccountsView = lazy(async () => ({ default: (await import('./accounts-view.tsx')).AccountsView }));
const AuditView = lazy(async () => ({ default: (await import('./audit-view.tsx')).AuditView }));
const TracingView = lazy(async () => ({ default: (await import('./tracing-view.tsx')).TracingView }));
const ForecastView = lazy(async () => ({ default: (await import('./forecast-view.tsx')).ForecastView }));
const JobsView = lazy(async () => ({ default: (await import('./jobs-view.tsx')).JobsView }));
const RiskView = lazy(async () => ({ default: (await import('./risk-view.tsx')).RiskView }));

type View = 'outflow' | 'layers' | 'risk' | 'forecast' | 'tracing' | 'accounts' | 'audit' | 'jobs';

/** The views a role may open; the server enforces the same (src/server/policy.ts). */
function viewsOf(role: string): View[] {
  if (role === 'admin') return ['outflow', 'layers', 'risk', 'forecast', 'accounts', 'audit', 'jobs'];
  if (role === 'analyst') return ['outflow', 'layers', 'risk', 'forecast'];
  // Individual-level data: tracers only (not even admin), as the API's policy says.
  if (role === 'tracer') return ['outflow', 'layers', 'risk', 'forecast', 'tracing'];
  return [];
}

/**
 * The dashboard: session check, login, header, synthetic-data banner, status bar and the views; the desk or the
 * big-screen layout (`?screen=big` or the header's button) with its auto refresh.
 */
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
  // Kept as the error itself, so a switch of language words the page's own texts anew.
  const [error, setError] = useState<unknown>(null);
  const [view, setView] = useState<View>('outflow');
  const [screen, setScreen] = useState<Screen>(() => screenFromSearch(window.location.search));
  const t = strings[lang];

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = `${t.appName} · ${t.tagline}`;
    saveLang(lang);
  }, [lang, t]);

  useEffect(() => {
    document.body.classList.toggle('big-screen', screen.big);
  }, [screen.big]);

  useEffect(() => {
    getMe().then(setSession, setError);
  }, []);

  const signedOut = useCallback(() => {
    setSession(null);
    setMeta(null);
  }, []);

  const username = session?.username;
  // The status bar's poll; a new snapshot (new days published) makes the views and the metadata load again.
  const { status, reloads } = useStatus(username, signedOut);
  // The big screen reloads every view on its own clock too, new snapshot or not (a wall has nobody to click).
  const refresh = useAutoRefresh(screen, Boolean(username));
  const version = reloads + refresh.ticks;
  useEffect(() => {
    if (!username) return;
    const ctl = new AbortController();
    getMeta(ctl.signal).then(setMeta, (err: unknown) => {
      if (ctl.signal.aborted) return;
      if (isUnauthorized(err)) signedOut();
      else setError(err);
    });
    return () => ctl.abort();
  }, [username, signedOut, version]);

  async function onLogout() {
    // Forget the session here even if the server cannot be reached; its cookie expires on its own.
    await logout().catch(() => undefined);
    signedOut();
  }

  function onBig(big: boolean) {
    // Full screen only from this click (browsers refuse it otherwise); the layout does not depend on it.
    if (big) void enterFullScreen();
    else void leaveFullScreen();
    window.history.replaceState(null, '', urlWithScreen(window.location.href, big));
    setScreen((s) => ({ ...s, big }));
  }

  return (
    <AppContexts lang={lang} screen={screen}>
      <AppHeader
        t={t}
        lang={lang}
        session={session}
        big={screen.big}
        refresh={screen.big && session ? { at: refresh.at, seconds: screen.refreshSeconds } : null}
        onLang={setLang}
        onBig={onBig}
        onLogout={() => void onLogout()}
      />
      {meta?.scenario.synthetic && <SyntheticBanner meta={meta} t={t} lang={lang} />}
      {session && status && <StatusBar status={status} />}
      <main>
        {error !== null && (
          <p className="error" role="alert" data-testid="app-error">
            {t.error}: {errorText(error, t)}
          </p>
        )}
        {session === undefined && error === null && <p className="muted">{t.loading}</p>}
        {session === null && <Login onLogin={setSession} />}
        {session && !meta && error === null && <p className="muted">{t.loading}</p>}
        {session && meta && viewsOf(session.role).length === 0 && (
          <p className="muted" data-testid="public-only">
            {t.publicOnly}
          </p>
        )}
        {session && meta && viewsOf(session.role).length > 0 && (
          <>
            <ViewNav views={viewsOf(session.role)} view={view} onChange={setView} t={t} />
            <DataVersion.Provider value={version}>
              <Suspense fallback={<p className="muted">{t.loading}</p>}>
                {view === 'outflow' && (
                  <OutflowView key={session.username} meta={meta} onUnauthorized={signedOut} />
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
    </AppContexts>
  );
}

/** The page language and the screen, for every view (one element, so the tree below stays as it was). */
function AppContexts({ lang, screen, children }: { lang: Lang; screen: Screen; children: ReactNode }) {
  return (
    <LangContext.Provider value={lang}>
      <ScreenContext.Provider value={screen}>{children}</ScreenContext.Provider>
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
  const labels: Record<View, string> = {
    outflow: t.navOutflow,
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
