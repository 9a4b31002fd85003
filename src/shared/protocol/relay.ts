/**
 * Binary server -> client frames (protocol 4 on): the two that are sent often; the client's one is in input-frame.ts. Everything else is
 * JSON (messages.ts). Little endian; the first byte says which frame it is:
 *
 *   RELAY_INPUT (0x10), 6 bytes:  u8 kind | u32 tick | u8 (seat << 2) | (dir + 1)
 *     An accepted input of another seat, at the tick it is applied (already moved if it was late).
 *   RELAY_CHECK (0x11), 10 + 4n bytes:  u8 kind | u32 tick | u32 digest | u8 n | n x i32 ack
 *     The digest of the server's state at `tick` (when no digest went out for 5 s: a point's counts), and per seat the last
 *     input seq applied when it was taken (-1: none): a client compares it with its own state once
 *     every own input above its ack stamped before `tick` has been reported moved or refused
 *     (net/digest-checks.ts), and sends `resync` on a mismatch.
 *
 * The kinds do not overlap the old snapshot kinds (1, 2) so a stray frame of the other protocol
 * decodes as an error, never as nonsense.
 */
import type { Dir } from "../engine/types";

export const RELAY_INPUT = 0x10;
export const RELAY_CHECK = 0x11;
export const RELAY_INPUT_BYTES = 6;
/** A check frame without its acks; each seat adds 4 bytes. */
export const RELAY_CHECK_BYTES = 10;
/** Most seats a match has (4P). */
const MAX_SEATS = 4;

export type RelayFrame = { kind: "input"; tick: number; seat: number; dir: Dir } | { kind: "check"; tick: number; digest: number; acks: number[] };

export class RelayDecodeError extends Error {}

/**
 * `buf`: a buffer to write the frame in (RELAY_INPUT_BYTES long). The server passes one scratch
 * buffer for every relay: WebSocket.send copies the bytes before it returns, and a fresh
 * ArrayBuffer per input is an allocation the runtime pays for on every key change.
 */
export function encodeRelayInput(tick: number, seat: number, dir: Dir, buf = new ArrayBuffer(RELAY_INPUT_BYTES)): ArrayBuffer {
  const v = new DataView(buf);
  v.setUint8(0, RELAY_INPUT);
  v.setUint32(1, tick, true);
  v.setUint8(5, (seat << 2) | (dir + 1));
  return buf;
}

export function encodeRelayCheck(tick: number, digest: number, acks: readonly number[]): ArrayBuffer {
  if (acks.length > MAX_SEATS) throw new RangeError(`relay check: ${acks.length} acks (at most ${MAX_SEATS})`);
  const buf = new ArrayBuffer(RELAY_CHECK_BYTES + 4 * acks.length);
  const v = new DataView(buf);
  v.setUint8(0, RELAY_CHECK);
  v.setUint32(1, tick, true);
  v.setUint32(5, digest >>> 0, true);
  v.setUint8(9, acks.length);
  for (let i = 0; i < acks.length; i++) v.setInt32(RELAY_CHECK_BYTES + 4 * i, acks[i], true);
  return buf;
}

/** Decodes one binary server frame. Throws RelayDecodeError on anything else. */
export function decodeRelay(data: ArrayBuffer): RelayFrame {
  const v = new DataView(data);
  const kind = data.byteLength > 0 ? v.getUint8(0) : -1;
  if (kind === RELAY_INPUT && data.byteLength === RELAY_INPUT_BYTES) {
    const b = v.getUint8(5);
    const dir = (b & 3) - 1;
    if (dir < -1 || dir > 1) throw new RelayDecodeError("relay input: bad direction");
    return { kind: "input", tick: v.getUint32(1, true), seat: b >> 2, dir: dir as Dir };
  }
  if (kind === RELAY_CHECK && data.byteLength >= RELAY_CHECK_BYTES) {
    const n = v.getUint8(9);
    if (n > MAX_SEATS || data.byteLength !== RELAY_CHECK_BYTES + 4 * n) throw new RelayDecodeError(`relay check: ${data.byteLength} bytes for ${n} acks`);
    const acks: number[] = [];
    for (let i = 0; i < n; i++) acks.push(v.getInt32(RELAY_CHECK_BYTES + 4 * i, true));
    return { kind: "check", tick: v.getUint32(1, true), digest: v.getUint32(5, true), acks };
  }
  throw new RelayDecodeError(`unknown binary frame (kind ${kind}, ${data.byteLength} bytes)`);
}
