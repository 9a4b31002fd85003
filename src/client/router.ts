/**
 * A tiny history-API router. The Worker serves index.html for unknown paths (SPA fallback),
 * so deep links like /u/alice work on reload.
 */
import { useEffect, useState } from "preact/hooks";

type Listener = () => void;
const listeners = new Set<Listener>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", notify);

export interface Location {
  path: string;
  query: URLSearchParams;
}

function currentLocation(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

/** Go to an in-app URL ("/u/alice", "/play/ai/hard?x=1"). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const here = window.location.pathname + window.location.search;
  if (to !== here) {
    if (options.replace) history.replaceState(null, "", to);
    else history.pushState(null, "", to);
  }
  window.scrollTo(0, 0);
  notify();
}

/** Re-renders the calling component whenever the URL changes. */
export function useLocation(): Location {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const listener = () => setLocation(currentLocation());
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return location;
}

export interface RouteMatch<Name extends string> {
  name: Name;
  params: Record<string, string>;
}

/**
 * Matches a path against patterns like "/u/:username". Returns the first matching route name and
 * its decoded params, or null.
 */
export function matchRoute<Name extends string>(
  routes: ReadonlyArray<readonly [pattern: string, name: Name]>,
  path: string,
): RouteMatch<Name> | null {
  const parts = splitPath(path);
  for (const [pattern, name] of routes) {
    const patternParts = splitPath(pattern);
    if (patternParts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const want = patternParts[i];
      if (want.startsWith(":")) {
        try {
          params[want.slice(1)] = decodeURIComponent(parts[i]);
        } catch {
          ok = false;
        }
      } else ok = want === parts[i];
    }
    if (ok) return { name, params };
  }
  return null;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((part) => part !== "");
}
