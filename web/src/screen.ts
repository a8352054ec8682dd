// Big-screen mode (issue 16): a wall display at 1920x1080, dark, no scrolling, refreshed on its own.
import { createContext, useContext, useEffect, useRef, useState } from 'react';

/** The layout the views render for: desk (default) or big screen, and the big screen's refresh period. */
export type Screen = { big: boolean; refreshSeconds: number };

/** Refresh period when the URL does not set one (seconds). */
export const DEFAULT_REFRESH_SECONDS = 60;
/** The shortest refresh allowed: every view reloads its data on each, so faster would load the server for nothing. */
export const MIN_REFRESH_SECONDS = 10;

/** The screen the URL asks for: `?screen=big` and `?refresh=N` (seconds, at least 10, default 60). */
export function screenFromSearch(search: string): Screen {
  const q = new URLSearchParams(search);
  const n = Number(q.get('refresh'));
  const refreshSeconds =
    q.has('refresh') && Number.isFinite(n) && n > 0
      ? Math.max(MIN_REFRESH_SECONDS, Math.round(n))
      : DEFAULT_REFRESH_SECONDS;
  return { big: q.get('screen') === 'big', refreshSeconds };
}

/** The current screen, provided by the app root. */
export const ScreenContext = createContext<Screen>({ big: false, refreshSeconds: DEFAULT_REFRESH_SECONDS });

/** The current screen: views choose their big-screen layout from `big`. */
export function useScreen(): Screen {
  return useContext(ScreenContext);
}

/**
 * The big screen's own refresh: a counter that grows by one every `refreshSeconds` while `big` and `active` (signed
 * in; the app adds it to the DataVersion the views reload on) and the time of the last refresh (the sign-in, then
 * each tick). `now` is passed in so a test could drive it; the app passes the real clock.
 */
export function useAutoRefresh(
  screen: Screen,
  active: boolean,
  now: () => Date = () => new Date(),
): { ticks: number; at: Date } {
  const [state, setState] = useState(() => ({ ticks: 0, at: now() }));
  const { big, refreshSeconds } = screen;
  const clock = useRef(now);
  useEffect(() => {
    if (!big || !active) return;
    // The period counts from when the data was loaded (sign-in or switch to the big screen), not from page load.
    setState((s) => ({ ticks: s.ticks, at: clock.current() }));
    const timer = setInterval(
      () => setState((s) => ({ ticks: s.ticks + 1, at: clock.current() })),
      refreshSeconds * 1000,
    );
    return () => clearInterval(timer);
  }, [big, active, refreshSeconds]);
  return state;
}

/** Asks the browser for full screen (it allows that only from a user's click); false when refused or absent. */
export async function enterFullScreen(): Promise<boolean> {
  const el = document.documentElement;
  if (!el.requestFullscreen || document.fullscreenElement) return Boolean(document.fullscreenElement);
  try {
    await el.requestFullscreen({ navigationUI: 'hide' });
    return true;
  } catch {
    // Refused (no user gesture, a kiosk policy, an iframe): the big layout still applies without full screen.
    return false;
  }
}

/** Leaves full screen if the page is in it. */
export async function leaveFullScreen(): Promise<void> {
  if (document.fullscreenElement) await document.exitFullscreen().catch(() => undefined);
}

/** The URL with `?screen=big` set or removed (other parameters kept), so a reload keeps the layout. */
export function urlWithScreen(href: string, big: boolean): string {
  const u = new URL(href);
  if (big) u.searchParams.set('screen', 'big');
  else u.searchParams.delete('screen');
  return u.toString();
}
