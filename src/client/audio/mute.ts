/**
 * The player's mute choice, remembered in localStorage. Framework-free so the synthesiser can read
 * it on every cue; `subscribeMuted` lets the header's toggle follow changes made elsewhere.
 */
const STORAGE_KEY = "pong.muted";

let muted = readStored();
const listeners = new Set<(muted: boolean) => void>();

function readStored(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === "1";
  } catch {
    return false; // storage blocked (private mode, sandbox): sound on, choice not remembered
  }
}

export function isMuted(): boolean {
  return muted;
}

export function setMuted(value: boolean): void {
  muted = value;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, value ? "1" : "0");
  } catch {
    // not remembered; still applies for this page
  }
  for (const listener of listeners) listener(muted);
}

export function subscribeMuted(listener: (muted: boolean) => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
