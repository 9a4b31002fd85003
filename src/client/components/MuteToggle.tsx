import { useEffect, useState } from "preact/hooks";
import { isMuted, setMuted, subscribeMuted } from "../audio";

/** Sound on/off, a real button (Tab + Enter/Space), remembered across visits. */
export function MuteToggle() {
  const [muted, setLocal] = useState(isMuted());
  useEffect(() => subscribeMuted(setLocal), []);
  return (
    <button
      type="button"
      class="link-button mute-toggle"
      aria-pressed={muted}
      aria-label={muted ? "Sound off (turn on)" : "Sound on (turn off)"}
      title={muted ? "Sound is off" : "Sound is on"}
      onClick={() => setMuted(!muted)}
      data-testid="mute-toggle"
    >
      {muted ? "Sound: off" : "Sound: on"}
    </button>
  );
}
