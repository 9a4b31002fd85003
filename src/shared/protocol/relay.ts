/**
 * Binary server -> client frames of protocol 2: the two that are sent often. Everything else is
 * JSON (messages.ts). Little endian; the first byte says which frame it is:
 *
 *   RELAY_INPUT (0x10), 6 bytes:  u8 kind | u32 tick | u8 (seat << 2) | (dir + 1)
 *     An accepted input of another seat, at the tick it is applied (already moved if it was late).
 *   RELAY_CHECK (0x11), 9 bytes:  u8 kind | u32 tick | u32 digest
 *     The digest of the server's state at `tick` (at most one a second): compare, `resync` on mismatch.
 *
 * The kinds do not overlap the old snapshot kinds (1, 2) so a stray frame of the other protocol
 * decodes as an error, never as nonsense.
 */
import type { Dir } from "../engine/types";

export const RELAY_INPUT = 0x10;
export const RELAY_CHECK = 0x11;
export const RELAY_INPUT_BYTES = 6;
export const RELAY_CHECK_BYTES = 9;

export type RelayFrame = { kind: "input"; tick: number; seat: number; dir: Dir } | { kind: "check"; tick: number; digest: number };

export class RelayDecodeError extends Error {}

export function encodeRelayInput(tick: number, seat: number, dir: Dir): ArrayBuffer {
  const buf = new ArrayBuffer(RELAY_INPUT_BYTES);
  const v = new DataView(buf);
  v.setUint8(0, RELAY_INPUT);
  v.setUint32(1, tick, true);
  v.setUint8(5, (seat << 2) | (dir + 1));
  return buf;
}

export function encodeRelayCheck(tick: number, digest: number): ArrayBuffer {
  const buf = new ArrayBuffer(RELAY_CHECK_BYTES);
  const v = new DataView(buf);
  v.setUint8(0, RELAY_CHECK);
  v.setUint32(1, tick, true);
  v.setUint32(5, digest >>> 0, true);
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
  if (kind === RELAY_CHECK && data.byteLength === RELAY_CHECK_BYTES) {
    return { kind: "check", tick: v.getUint32(1, true), digest: v.getUint32(5, true) };
  }
  throw new RelayDecodeError(`unknown binary frame (kind ${kind}, ${data.byteLength} bytes)`);
}
