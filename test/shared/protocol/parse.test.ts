import { describe, expect, it } from "vitest";
import { MAX_CLIENT_FRAME_BYTES, parseClientMessage } from "../../../src/shared/protocol";

describe("parseClientMessage", () => {
  it("accepts a valid stamped input", () => {
    expect(parseClientMessage('{"type":"input","seq":3,"tick":120,"dir":-1}')).toEqual({ ok: true, msg: { type: "input", seq: 3, tick: 120, dir: -1 } });
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
    ['{"type":"input","seq":1,"tick":0,"dir":2}', "bad_message"],
    ['{"type":"input","seq":1,"tick":0,"dir":"1"}', "bad_message"],
    ['{"type":"input","seq":-1,"tick":0,"dir":1}', "bad_message"],
    ['{"type":"input","seq":1.5,"tick":0,"dir":1}', "bad_message"],
    ['{"type":"input","tick":0,"dir":1}', "bad_message"],
    ['{"type":"input","seq":1,"dir":1}', "bad_message"],
    ['{"type":"input","seq":1,"tick":-1,"dir":1}', "bad_message"],
    ['{"type":"input","seq":1,"tick":2.5,"dir":1}', "bad_message"],
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

  it("rejects binary frames", () => {
    const r = parseClientMessage(new Uint8Array([1, 2, 3]).buffer);
    expect(r).toMatchObject({ ok: false, code: "bad_message" });
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
