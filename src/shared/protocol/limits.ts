/** Limits both sides agree on. The server enforces them; the client stays within them. */

/** Largest WebSocket frame a client may send, in bytes. Bigger frames close the socket with 1009. */
export const MAX_CLIENT_FRAME_BYTES = 1024;

/** Largest seq and tick a client may send (int32: they travel back in JSON and in i32 acks). */
export const MAX_SEQ = 2 ** 31 - 1;
export const MAX_TICK = 2 ** 31 - 1;

/**
 * The frame budget of one socket (game and hall alike): every frame counts, whatever it is
 * (input, malformed, from a spectator, after the end). A token bucket: FRAME_RATE_PER_S sustained
 * plus FRAME_BURST; a frame with no token left closes the socket with 1008. An honest game client
 * sends at most one input per tick (60/s) and a clock sync now and then; the heartbeat `ping` is
 * answered by the runtime and never reaches the object, so it does not count.
 */
export const FRAME_RATE_PER_S = 60;
export const FRAME_BURST = 60;

/**
 * A user whose socket was closed for its frames (budget or size) is refused by that object for
 * this long: every new socket (429 with Retry-After). Without it a flooder reconnects at once and
 * each connect buys another full budget plus a welcome and a full state: the flood bench measured
 * 22 reconnects a second from 3 spectators raising every match's relay p99 from 13 to 102 ms.
 */
export const FLOOD_BAR_MS = 10_000;

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
