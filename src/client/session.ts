/** Who is signed in. Loaded once from GET /api/me, updated on sign in / sign up / sign out. */
import { useEffect, useState } from "preact/hooks";
import { api, type Me, type SessionUser } from "./api";

export interface SessionState {
  /** false until the first /api/me answer (or failure). */
  ready: boolean;
  user: (SessionUser & Partial<Me>) | null;
}

let state: SessionState = { ready: false, user: null };
const listeners = new Set<(s: SessionState) => void>();

function publish(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener(state);
}

export function getSession(): SessionState {
  return state;
}

export function useSession(): SessionState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    listeners.add(setCurrent);
    setCurrent(state);
    return () => void listeners.delete(setCurrent);
  }, []);
  return current;
}

/** Asks the server who we are. A 401 (or no API) means signed out. */
export async function refreshSession(): Promise<void> {
  const result = await api.me();
  if (result.ok) publish({ ready: true, user: result.data.user });
  else if (result.error.kind === "http" && result.error.status === 401) publish({ ready: true, user: null });
  else publish({ ready: true, user: state.user });
}

/** Called after a successful sign in / sign up with the user from the response. */
export function setSignedIn(user: SessionUser): void {
  publish({ ready: true, user });
  void refreshSession();
}

export async function signOut(): Promise<boolean> {
  const result = await api.logout();
  if (!result.ok && result.error.kind === "network") return false;
  publish({ ready: true, user: null });
  return true;
}
