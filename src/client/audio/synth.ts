/**
 * A tiny WebAudio synthesiser: every cue is a few oscillator notes with a short envelope, so the
 * game ships no audio files. Browsers only let a page make sound after a user gesture (autoplay
 * rules): the AudioContext is created and resumed on the first pointer or key press
 * (`unlockAudioOnFirstGesture`), and cues before that are dropped silently, never queued.
 */
import { isMuted } from "./mute";

export type Cue = "hit" | "wall" | "score" | "countdown" | "go" | "win" | "lose" | "ready";

interface Note {
  /** Hz. */
  freq: number;
  /** Seconds after the cue starts. */
  at: number;
  /** Seconds. */
  length: number;
  type?: OscillatorType;
  gain?: number;
}

/** Short and quiet: cues accompany play, they should not shout over it. */
const CUES: Readonly<Record<Cue, readonly Note[]>> = {
  hit: [{ freq: 660, at: 0, length: 0.06, type: "square", gain: 0.12 }],
  wall: [{ freq: 330, at: 0, length: 0.05, type: "square", gain: 0.08 }],
  score: [
    { freq: 523, at: 0, length: 0.1, type: "triangle" },
    { freq: 392, at: 0.1, length: 0.18, type: "triangle" },
  ],
  countdown: [{ freq: 440, at: 0, length: 0.08, type: "sine" }],
  go: [{ freq: 880, at: 0, length: 0.16, type: "sine" }],
  win: [
    { freq: 523, at: 0, length: 0.12, type: "triangle" },
    { freq: 659, at: 0.12, length: 0.12, type: "triangle" },
    { freq: 784, at: 0.24, length: 0.3, type: "triangle" },
  ],
  /** A match is waiting for you (a background tab): two rising notes, a little louder. */
  ready: [
    { freq: 660, at: 0, length: 0.14, type: "sine", gain: 0.2 },
    { freq: 990, at: 0.16, length: 0.22, type: "sine", gain: 0.2 },
  ],
  lose: [
    { freq: 392, at: 0, length: 0.16, type: "triangle" },
    { freq: 330, at: 0.16, length: 0.16, type: "triangle" },
    { freq: 262, at: 0.32, length: 0.32, type: "triangle" },
  ],
};

let context: AudioContext | null = null;

/** Creates/resumes the AudioContext; must run inside a user gesture's event handler. */
export function unlockAudio(): void {
  try {
    context ??= new AudioContext();
    if (context.state === "suspended") void context.resume();
  } catch {
    context = null; // no WebAudio (very old browser, locked-down webview): play silently
  }
}

/** Unlocks audio on the first pointer or key press anywhere; returns a function that stops listening. */
export function unlockAudioOnFirstGesture(target: Window = window): () => void {
  const events = ["pointerdown", "keydown", "touchend"] as const;
  const once = () => {
    unlockAudio();
    stop();
  };
  const stop = () => events.forEach((type) => target.removeEventListener(type, once, true));
  events.forEach((type) => target.addEventListener(type, once, true));
  return stop;
}

/** Plays a cue now, unless muted or audio is not unlocked yet. */
export function playCue(cue: Cue): void {
  const ctx = context;
  if (!ctx || ctx.state !== "running" || isMuted()) return;
  const start = ctx.currentTime;
  for (const note of CUES[cue]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = note.type ?? "sine";
    osc.frequency.value = note.freq;
    const t0 = start + note.at;
    const peak = note.gain ?? 0.15;
    // Attack in 5 ms, exponential decay: no clicks at either end.
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(peak, t0 + 0.005);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + note.length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + note.length + 0.02);
  }
}
