import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRelay, encodeRelayCheck, encodeRelayInput, RELAY_CHECK_BYTES, RELAY_INPUT_BYTES, RelayDecodeError } from "../../../src/shared/protocol/relay";
import type { Dir } from "../../../src/shared/engine";

describe("relay frames", () => {
  it("round-trip an input relay in 6 bytes and a digest check with its acks in 10 + 4 per seat", () => {
    const ack = fc.integer({ min: -1, max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom<Dir>(-1, 0, 1), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.array(ack, { minLength: 2, maxLength: 4 }), (tick, seat, dir, digest, acks) => {
        const input = encodeRelayInput(tick, seat, dir);
        expect(input.byteLength).toBe(RELAY_INPUT_BYTES);
        expect(decodeRelay(input)).toEqual({ kind: "input", tick, seat, dir });
        const check = encodeRelayCheck(tick, digest, acks);
        expect(check.byteLength).toBe(RELAY_CHECK_BYTES + 4 * acks.length);
        expect(decodeRelay(check)).toEqual({ kind: "check", tick, digest, acks });
      }),
    );
  });

  it("writes an input relay into a given scratch buffer (the server reuses one for every relay)", () => {
    const scratch = new ArrayBuffer(RELAY_INPUT_BYTES);
    expect(encodeRelayInput(42, 1, -1, scratch)).toBe(scratch);
    expect(decodeRelay(scratch)).toEqual({ kind: "input", tick: 42, seat: 1, dir: -1 });
    encodeRelayInput(43, 0, 1, scratch);
    expect(decodeRelay(scratch)).toEqual({ kind: "input", tick: 43, seat: 0, dir: 1 });
  });

  it("refuses anything else with a RelayDecodeError (a protocol-1 snapshot kind, a short frame, a bad direction)", () => {
    // Protocol 1's snapshot frames started with kind 1 (full) or 2 (delta); a stray one must not decode.
    for (const kind of [1, 2]) {
      const old = new Uint8Array(RELAY_INPUT_BYTES);
      old[0] = kind;
      expect(() => decodeRelay(old.buffer)).toThrow(RelayDecodeError);
    }
    expect(() => decodeRelay(new ArrayBuffer(0))).toThrow(RelayDecodeError);
    expect(() => decodeRelay(encodeRelayInput(1, 0, 1).slice(0, 5))).toThrow(RelayDecodeError);
    const bad = encodeRelayInput(1, 0, 1);
    new DataView(bad).setUint8(5, (1 << 2) | 3); // dir + 1 = 3
    expect(() => decodeRelay(bad)).toThrow(RelayDecodeError);
    // A check whose length does not match its ack count (protocol 3's 9-byte check included).
    const check = encodeRelayCheck(5, 7, [3, -1]);
    expect(() => decodeRelay(check.slice(0, 9))).toThrow(RelayDecodeError);
    expect(() => decodeRelay(check.slice(0, check.byteLength - 1))).toThrow(RelayDecodeError);
    new DataView(check).setUint8(9, 5);
    expect(() => decodeRelay(check)).toThrow(RelayDecodeError);
    expect(() => encodeRelayCheck(5, 7, [0, 0, 0, 0, 0])).toThrow(RangeError);
  });
});
