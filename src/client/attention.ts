/**
 * "Your match is ready" for a player looking elsewhere: a tournament match opens (Go To Match) or
 * a lobby fills while the tab is in the background. Three signals, each working in a hidden tab:
 * the document title (restored when the tab is seen again), a sound cue, and a Notification if the
 * player allowed them. Permission is asked only from a user gesture (joining a queue or a
 * tournament), never on page load.
 */
import { playCue } from "./audio";

/** Each call, for tests and diagnostics: `window.__pongAttention`. */
export interface AttentionCall {
  text: string;
  hidden: boolean;
  notified: boolean;
}

let savedTitle: string | null = null;
/** The title this module set: a page that changed the title since (a new route) keeps its own. */
let shownTitle: string | null = null;

function restoreTitle(): void {
  if (savedTitle === null || document.hidden) return;
  if (document.title === shownTitle) document.title = savedTitle;
  savedTitle = shownTitle = null;
  window.removeEventListener("focus", restoreTitle);
  document.removeEventListener("visibilitychange", restoreTitle);
}

/** Calls the player back to this tab. In a visible, focused tab only the cue plays (the screen already shows it). */
export function callAttention(text: string, tag: string): void {
  const away = document.hidden || !document.hasFocus();
  playCue("ready");
  let notified = false;
  if (away) {
    savedTitle ??= document.title;
    document.title = shownTitle = `● ${text}`;
    window.addEventListener("focus", restoreTitle);
    document.addEventListener("visibilitychange", restoreTitle);
    if (typeof Notification !== "undefined" && Notification.permission === "granted") {
      try {
        const n = new Notification("Pong", { body: text, tag });
        n.onclick = () => {
          window.focus();
          n.close();
        };
        notified = true;
      } catch {
        /* some browsers only allow notifications from a service worker: title and sound remain */
      }
    }
  }
  const w = window as { __pongAttention?: AttentionCall[] };
  (w.__pongAttention ??= []).push({ text, hidden: away, notified });
}

/** Asks for notification permission once; call from a click handler (browsers refuse otherwise). */
export function askNotificationPermission(): void {
  if (typeof Notification === "undefined" || Notification.permission !== "default") return;
  try {
    void Notification.requestPermission();
  } catch {
    /* old Safari: callback form only; the title and sound still work */
  }
}
