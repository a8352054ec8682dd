// The dashboard's header and synthetic-data banner, in the page language (issue 16).
import type { JSX } from 'react';
import type { Meta, Session } from './api.ts';
import { clockText } from './format.ts';
import type { Lang, Strings } from './i18n.ts';

/** The role's name in the page language (the server's word when the table has none). */
export function roleName(role: string, t: Strings): string {
  return (t.roleNames as Record<string, string>)[role] ?? role;
}

/** Title, tagline, the signed-in user with a localised role badge, and the header's buttons. */
export function AppHeader(p: {
  t: Strings;
  lang: Lang;
  session: Session | null | undefined;
  big: boolean;
  refresh: { at: Date; seconds: number } | null;
  onLang: (lang: Lang) => void;
  onBig: (big: boolean) => void;
  onLogout: () => void;
}): JSX.Element {
  const { t, session } = p;
  return (
    <header className="app-header">
      <h1>{t.appName}</h1>
      <span className="tagline">{t.tagline}</span>
      <span className="spacer" />
      {p.refresh && (
        <span className="refreshed" data-testid="refreshed-at" title={t.autoRefresh(p.refresh.seconds)}>
          {t.updatedAt(clockText(p.refresh.at))}
        </span>
      )}
      {session && (
        <>
          <span className="user" data-testid="current-user">
            {session.username}{' '}
            <span className="role" data-testid="role-badge">
              {roleName(session.role, t)}
            </span>
          </span>
          <button type="button" className="header-button" data-testid="print" onClick={() => window.print()}>
            {t.printPage}
          </button>
          <button
            type="button"
            className="header-button"
            data-testid="big-screen-toggle"
            aria-pressed={p.big}
            onClick={() => p.onBig(!p.big)}
          >
            {p.big ? t.deskScreen : t.bigScreen}
          </button>
          <button type="button" className="header-button" data-testid="logout" onClick={p.onLogout}>
            {t.logout}
          </button>
        </>
      )}
      <button
        type="button"
        className="header-button"
        data-testid="lang-toggle"
        lang={p.lang === 'en' ? 'zh-CN' : 'en'}
        onClick={() => p.onLang(p.lang === 'en' ? 'zh' : 'en')}
      >
        {t.langToggle}
      </button>
    </header>
  );
}

/**
 * The banner on every page of a synthetic workspace. The scenario's description is the workspace's own (English)
 * text, so the Chinese page names the scenario only and keeps the description as a tooltip.
 */
export function SyntheticBanner({ meta, t, lang }: { meta: Meta; t: Strings; lang: Lang }): JSX.Element {
  const s = meta.scenario;
  return (
    <div className="synthetic-banner" role="note" data-testid="synthetic-banner">
      <strong>{t.syntheticTitle}</strong> — {t.syntheticNote}{' '}
      <span className="scenario" title={lang === 'zh' ? s.description : undefined}>
        {t.scenarioLabel}
        {s.name}
        {lang === 'en' && s.description ? ` — ${s.description}` : ''}
      </span>
    </div>
  );
}
