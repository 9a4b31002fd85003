/**
 * The one binary client -> server frame (protocol 5): a held direction change, the frame every
 * player sends several times a second. Binary because the server handles one per key change and
 * anything it parses per input is paid for per input (a JSON parse and a schema walk cost more
 * than the rest of the handler's own work; docs/benchmarks.md, profile). Little endian:
 *
 *   INPUT_FRAME (0x20), 10 bytes:  u8 kind | u32 seq | u32 tick | u8 dir + 1
 *
 * The kind differs from the server's binary kinds (relay.ts) so a frame sent the wrong way is an
 * error, never nonsense. Every other client message is JSON (messages.ts).
 */
import type { Dir } from "../engine/types";
import { MAX_SEQ, MAX_TICK } from "./limits";

/**
 * A held direction change, stamped with the tick it is for (see timeline/accept.ts): the decoded
 * frame, one of the ClientMessages (messages.ts). `seq` increases by one per input sent; notices
 * about this input (`input_moved`, `input_refused`) carry it, and `welcome.you.ack` /
 * `sync.acks` give the last one accepted.
 */
export interface InputMsg { type: "input"; seq: number; tick: number; dir: Dir }

export const INPUT_FRAME = 0x20;
export const INPUT_FRAME_BYTES = 10;

export function encodeInputFrame(seq: number, tick: number, dir: Dir): ArrayBuffer {
  const buf = new ArrayBuffer(INPUT_FRAME_BYTES);
  const v = new DataView(buf);
  v.setUint8(0, INPUT_FRAME);
  v.setUint32(1, seq, true);
  v.setUint32(5, tick, true);
  v.setUint8(9, dir + 1);
  return buf;
}

/** The decoded input, or why the frame is not one (never throws). */
export function decodeInputFrame(buf: ArrayBuffer): { ok: true; msg: InputMsg } | { ok: false; message: string } {
  if (buf.byteLength !== INPUT_FRAME_BYTES) return { ok: false, message: `a binary frame must be an input of ${INPUT_FRAME_BYTES} bytes (got ${buf.byteLength})` };
  const v = new DataView(buf);
  if (v.getUint8(0) !== INPUT_FRAME) return { ok: false, message: `unknown binary frame kind 0x${v.getUint8(0).toString(16)}` };
  const seq = v.getUint32(1, true);
  const tick = v.getUint32(5, true);
  const dir = v.getUint8(9) - 1;
  if (seq > MAX_SEQ) return { ok: false, message: "input seq must be at most 2^31-1" };
  if (tick > MAX_TICK) return { ok: false, message: "input tick must be at most 2^31-1" };
  if (dir !== -1 && dir !== 0 && dir !== 1) return { ok: false, message: "input dir must be -1, 0 or 1" };
  return { ok: true, msg: { type: "input", seq, tick, dir } };
}
