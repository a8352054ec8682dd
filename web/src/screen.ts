// Big-screen mode (issue 16): a wall display at 1920x1080, dark, no scrolling, refreshed on its own.
import { createContext, useContext } from 'react';

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
