import { useEffect, useState } from "preact/hooks";
import { isMuted, setMuted, subscribeMuted } from "../audio";

/**
 * Sound on/off: a real button (Tab, then Enter or Space) with a speaker icon, so it fits the header
 * on a phone; its label says the state. The choice is remembered across visits.
 */
export function MuteToggle() {
  const [muted, setLocal] = useState(isMuted());
  useEffect(() => subscribeMuted(setLocal), []);
  const label = muted ? "Sound off" : "Sound on";
  return (
    <button
      type="button"
      class="link-button mute-toggle"
      aria-pressed={muted}
      aria-label="Mute sound"
      title={label}
      onClick={() => setMuted(!muted)}
      data-testid="mute-toggle"
    >
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
        <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
        {muted ? <path d="M17 9l5 6M22 9l-5 6" /> : <path d="M16.5 8.5a5 5 0 0 1 0 7M19.5 5.5a9 9 0 0 1 0 13" />}
      </svg>
    </button>
  );
}
