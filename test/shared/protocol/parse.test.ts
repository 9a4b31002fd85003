import { describe, expect, it } from "vitest";
import { encodeClientMessage, encodeInputFrame, INPUT_FRAME, INPUT_FRAME_BYTES, MAX_CLIENT_FRAME_BYTES, parseClientMessage } from "../../../src/shared/protocol";

/** An input frame with its fields written raw (values encodeInputFrame would never produce). */
function rawInput(seq: number, tick: number, dirByte: number, kind = INPUT_FRAME, bytes = INPUT_FRAME_BYTES): ArrayBuffer {
  const buf = new ArrayBuffer(bytes);
  const v = new DataView(buf);
  v.setUint8(0, kind);
  if (bytes >= 10) {
    v.setUint32(1, seq, true);
    v.setUint32(5, tick, true);
    v.setUint8(9, dirByte);
  }
  return buf;
}

describe("parseClientMessage", () => {
  it("accepts a valid stamped input: a 10-byte binary frame, every direction, seq and tick up to 2^31-1", () => {
    for (const dir of [-1, 0, 1] as const) {
      expect(parseClientMessage(encodeInputFrame(3, 120, dir))).toEqual({ ok: true, msg: { type: "input", seq: 3, tick: 120, dir } });
    }
    expect(parseClientMessage(encodeInputFrame(2 ** 31 - 1, 2 ** 31 - 1, 1))).toEqual({ ok: true, msg: { type: "input", seq: 2 ** 31 - 1, tick: 2 ** 31 - 1, dir: 1 } });
    expect(encodeInputFrame(1, 2, 0).byteLength).toBe(10);
  });

  it("encodes a client message as it goes on the wire: an input binary, the rest JSON, each parsed back to itself", () => {
    for (const msg of [{ type: "input", seq: 7, tick: 99, dir: -1 }, { type: "time", c: 12.5 }, { type: "wake", tick: 4 }, { type: "resign" }] as const) {
      const wire = encodeClientMessage(msg);
      expect(typeof wire === "string").toBe(msg.type !== "input");
      expect(parseClientMessage(wire)).toEqual({ ok: true, msg });
    }
  });

  it.each([
    ["a JSON input (protocol 4 and before)", '{"type":"input","seq":3,"tick":120,"dir":-1}'],
  ])("refuses %s with a clear error", (_what, raw) => {
    expect(parseClientMessage(raw)).toMatchObject({ ok: false, code: "bad_message", message: expect.stringContaining("binary frame") });
  });

  it.each([
    ["dir byte 3 (dir 2)", rawInput(1, 0, 3)],
    ["dir byte 255", rawInput(1, 0, 255)],
    ["seq over 2^31-1", rawInput(2 ** 31, 0, 1)],
    ["tick over 2^31-1", rawInput(1, 2 ** 32 - 1, 1)],
    ["an unknown kind", rawInput(1, 0, 1, 0x10)],
    ["a short frame", rawInput(1, 0, 1, INPUT_FRAME, 9)],
    ["a long frame", rawInput(1, 0, 1, INPUT_FRAME, 11)],
    ["an empty frame", new ArrayBuffer(0)],
  ])("rejects a binary frame with %s as bad_message", (_what, raw) => {
    const r = parseClientMessage(raw);
    expect(r).toMatchObject({ ok: false, code: "bad_message" });
    if (!r.ok) expect(r.message.length).toBeGreaterThan(5);
  });

  it("accepts a clock-sync request and a resync request", () => {
    expect(parseClientMessage('{"type":"time","c":1234.5}')).toEqual({ ok: true, msg: { type: "time", c: 1234.5 } });
    expect(parseClientMessage('{"type":"resync","tick":60,"digest":4294967295}')).toEqual({ ok: true, msg: { type: "resync", tick: 60, digest: 4294967295 } });
    expect(parseClientMessage('{"type":"wake","tick":600}')).toEqual({ ok: true, msg: { type: "wake", tick: 600 } });
  });

  it("accepts resign", () => {
    expect(parseClientMessage('{"type":"resign"}')).toEqual({ ok: true, msg: { type: "resign" } });
  });

  it.each([
    ["not json", "bad_json"],
    ["[1,2]", "bad_message"],
    ["null", "bad_message"],
    ['"input"', "bad_message"],
    ['{"seq":1}', "bad_message"],
    ['{"type":"warp"}', "unknown_type"],
    ['{"type":"time"}', "bad_message"],
    ['{"type":"time","c":"now"}', "bad_message"],
    ['{"type":"resync","tick":1}', "bad_message"],
    ['{"type":"wake"}', "bad_message"],
    ['{"type":"wake","tick":1.5}', "bad_message"],
    ['{"type":"resync","tick":1,"digest":-1}', "bad_message"],
  ])("rejects %s as %s", (raw, code) => {
    const r = parseClientMessage(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message.length).toBeGreaterThan(5);
    }
  });

  it("flags frames over the byte limit, counting UTF-8 bytes not characters", () => {
    const ascii = `{"type":"input","seq":1,"dir":1,"pad":"${"x".repeat(MAX_CLIENT_FRAME_BYTES)}"}`;
    expect(parseClientMessage(ascii)).toMatchObject({ ok: false, code: "too_large" });
    // 400 three-byte characters: 400 UTF-16 units but 1200 bytes.
    const wide = `{"type":"resign","pad":"${"€".repeat(400)}"}`;
    expect(wide.length).toBeLessThan(MAX_CLIENT_FRAME_BYTES);
    expect(parseClientMessage(wide)).toMatchObject({ ok: false, code: "too_large" });
    // Just under the limit passes the size check.
    const fits = `{"type":"resign","pad":"${"x".repeat(900)}"}`;
    expect(parseClientMessage(fits)).toEqual({ ok: true, msg: { type: "resign" } });
  });
});
