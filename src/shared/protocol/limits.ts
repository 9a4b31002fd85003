/** Limits both sides agree on. The server enforces them; the client stays within them. */

/** Largest WebSocket frame a client may send, in bytes. Bigger frames close the socket with 1009. */
export const MAX_CLIENT_FRAME_BYTES = 1024;

/** Sustained input frames per second a client may send; excess is dropped. */
export const INPUT_RATE_PER_S = 60;
/** Burst allowance on top of the sustained rate (e.g. a key mashed right after a lag spike). */
export const INPUT_BURST = 30;
/** Frames dropped within one second after which the socket is closed as abusive (1008). */
export const INPUT_ABUSE_DROPS_PER_S = 120;

/** Close codes the server uses. 1000-1015 are standard; 4000+ are ours. */
export const CloseCode = {
  normal: 1000,
  policyViolation: 1008,
  tooLarge: 1009,
  /** Another connection of the same user took this seat (second tab). */
  replaced: 4000,
  /** No heartbeat from a client that had been sending them. */
  heartbeatTimeout: 4001,
  /** The game no longer exists (finished and cleaned up, or never created). */
  gameGone: 4004,
} as const;

/** Literal text frames answered by the runtime without waking the object. */
export const PING_TEXT = "ping";
export const PONG_TEXT = "pong";
