/** A small app-wide notice (toast) store: network loss, errors that belong to no form field. */
import { useEffect, useState } from "preact/hooks";

export type NoticeKind = "error" | "info";

export interface Notice {
  id: string;
  kind: NoticeKind;
  message: string;
}

let notices: Notice[] = [];
const listeners = new Set<(list: Notice[]) => void>();
const timers = new Map<string, ReturnType<typeof setTimeout>>();

function publish(next: Notice[]): void {
  notices = next;
  for (const listener of listeners) listener(notices);
}

/**
 * Shows a notice. Notices with the same id replace each other (so repeated network failures show
 * once). `timeoutMs` 0 keeps it until dismissed.
 */
export function showNotice(id: string, kind: NoticeKind, message: string, timeoutMs = 6000): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  publish([...notices.filter((n) => n.id !== id), { id, kind, message }]);
  if (timeoutMs > 0) timers.set(id, setTimeout(() => dismissNotice(id), timeoutMs));
}

export function dismissNotice(id: string): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  if (notices.some((n) => n.id === id)) publish(notices.filter((n) => n.id !== id));
}

export function useNotices(): Notice[] {
  const [list, setList] = useState(notices);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  return list;
}

window.addEventListener("offline", () =>
  showNotice("network", "error", "You are offline. Local games still work; online features will be back when the connection is.", 0),
);
window.addEventListener("online", () => {
  dismissNotice("network");
  showNotice("network-back", "info", "Back online.", 3000);
});
