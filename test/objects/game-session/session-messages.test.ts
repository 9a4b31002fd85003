import { describe, expect, it } from "vitest";
import { logInput, type SocketAttachment } from "../../../src/objects/game-session/session-messages";

const att = (): SocketAttachment => ({ userId: "u", username: "U", seat: 0 });

describe("logInput (the attachment's log of inputs since the checkpoint)", () => {
  it("appends [seq, tick, dir] to an Int32Array and drops the prefix the checkpoint already has", () => {
    const a = att();
    for (let seq = 1; seq <= 4; seq++) expect(logInput(a, 0, seq, 100 + seq, seq % 2 ? 1 : -1)).toBe(seq);
    expect(a.log).toBeInstanceOf(Int32Array);
    expect([...a.log!]).toEqual([1, 101, 1, 2, 102, -1, 3, 103, 1, 4, 104, -1]);
    // The checkpoint took everything up to seq 3: the next input keeps seq 4 and itself.
    expect(logInput(a, 3, 5, 105, 0)).toBe(2);
    expect([...a.log!]).toEqual([4, 104, -1, 5, 105, 0]);
  });

  it("converts a log kept by protocol 4 (a number[]) and survives a structured clone as the runtime stores it", () => {
    const a: SocketAttachment = { ...att(), log: [7, 70, 1, 8, 80, 0] };
    expect(logInput(a, 7, 9, 90, -1)).toBe(2);
    const stored = structuredClone(a);
    expect(stored.log).toBeInstanceOf(Int32Array);
    expect([...stored.log!]).toEqual([8, 80, 0, 9, 90, -1]);
  });
});
