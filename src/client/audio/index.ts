/** Game sound: WebAudio cues, unlocked on the first gesture, muted by the player's remembered choice. */
export { playCue, unlockAudio, unlockAudioOnFirstGesture, type Cue } from "./synth";
export { onEngineEvents, type CueContext } from "./events";
export { isMuted, setMuted, subscribeMuted } from "./mute";
