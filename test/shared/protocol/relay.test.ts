import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRelay, encodeRelayCheck, encodeRelayInput, RELAY_CHECK_BYTES, RELAY_INPUT_BYTES, RelayDecodeError } from "../../../src/shared/protocol/relay";
import type { Dir } from "../../../src/shared/engine";

describe("relay frames", () => {
  it("round-trip an input relay in 6 bytes and a digest check in 9", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom<Dir>(-1, 0, 1), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (tick, seat, dir, digest) => {
        const input = encodeRelayInput(tick, seat, dir);
        expect(input.byteLength).toBe(RELAY_INPUT_BYTES);
        expect(decodeRelay(input)).toEqual({ kind: "input", tick, seat, dir });
        const check = encodeRelayCheck(tick, digest);
        expect(check.byteLength).toBe(RELAY_CHECK_BYTES);
        expect(decodeRelay(check)).toEqual({ kind: "check", tick, digest });
      }),
    );
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
  });
});
