import { describe, expect, it } from "vitest";
import { defaultConfig, type Dir } from "../../../src/shared/engine";
import { PaddlePredictor } from "../../../src/shared/net";
import { rand, schedule, simulate } from "./sim";

const config = defaultConfig("2p");

/** A busy player: presses, releases, reverses, runs into the wall. */
const BUSY = schedule(
  [10, 1],
  [25, 0],
  [31, -1],
  [40, 1],
  [44, -1],
  [70, 0],
  [75, -1], // runs into the top wall and stays there
  [140, 0],
  [150, 1],
  [160, 0],
  [170, 1],
  [171, -1],
  [173, 0],
  [200, 1],
  [230, 0],
);

describe("PaddlePredictor", () => {
  it("moves like the engine: paddleSpeed per tick from the next step, clamped to the side", () => {
    const p = new PaddlePredictor({ config, side: "left" });
    expect(p.pos).toBe(300);
    expect(p.setDir(1)).toMatchObject({ type: "input", seq: 0, dir: 1 });
    expect(p.setDir(1)).toBeNull(); // no change, nothing to send
    p.step();
    p.step();
    expect(p.pos).toBe(316);
    for (let i = 0; i < 100; i++) p.step();
    expect(p.pos).toBe(550);
    expect(p.setDir(0)?.seq).toBe(1);
    const q = new PaddlePredictor({ config: defaultConfig("4p"), side: "top" });
    q.setDir(-1);
    for (let i = 0; i < 100; i++) q.step();
    expect(q.pos).toBe(80); // 4P: between the perpendicular paddle planes
  });

  it("no correction at all under constant latency (no rubber-banding)", () => {
    for (const [up, down, cPhase, sPhase] of [
      [40, 35, 3.1, 9.7],
      [75, 75, 12.2, 1.3],
      [5, 120, 0.4, 16.1],
      [150, 10, 8.8, 8.1],
    ]) {
      const r = simulate({ ticks: 300, inputs: BUSY, upMs: () => up, downMs: () => down, clientPhase: cPhase, serverPhase: sPhase, serverStartTick: 1000 });
      expect(r.reconciles.length).toBeGreaterThan(100);
      for (const rec of r.reconciles) expect(rec.correction).toBe(0);
      expect(r.display).toEqual(r.ideal);
    }
  });

  it("converges to the server under jitter, with only small smoothed corrections", () => {
    const rnd = rand(42);
    const jitter = () => 50 + rnd() * 40; // 50-90 ms each way: ~140 ms round trip with jitter
    const r = simulate({ ticks: 300, inputs: BUSY, upMs: jitter, downMs: jitter });
    const final = r.finalServer;
    expect(final.ack).toBe(r.predictor.seq - 1);
    expect(r.predictor.pos).toBe(final.pos);
    expect(r.predictor.displayPos).toBe(final.pos);
    expect(r.predictor.unacked).toHaveLength(0);
    // Corrections are what the jitter changed on the server (a few ticks of travel), never more.
    const worst = Math.max(...r.reconciles.map((c) => Math.abs(c.correction)));
    expect(worst).toBeLessThanOrEqual(5 * config.paddleSpeed);
    expect(r.reconciles.some((c) => c.snapped)).toBe(false);
    // The picture never jumps: consecutive displayed positions differ by at most a few ticks of travel.
    for (let i = 1; i < r.display.length; i++) expect(Math.abs(r.display[i] - r.display[i - 1])).toBeLessThanOrEqual(2 * config.paddleSpeed);
  });

  it("snaps big corrections and smooths small ones", () => {
    const p = new PaddlePredictor({ config, side: "left" });
    p.reconcile({ tick: 10, pos: 300, dir: 0, ack: -1 });
    const small = p.reconcile({ tick: 12, pos: 310, dir: 0, ack: -1 });
    expect(small).toMatchObject({ correction: 10, snapped: false });
    expect(p.pos).toBe(310);
    expect(p.displayPos).toBe(300); // still where it was drawn
    for (let i = 0; i < 20; i++) p.step();
    expect(p.displayPos).toBeCloseTo(310, 1);
    const big = p.reconcile({ tick: 14, pos: 500, dir: 0, ack: -1 });
    expect(big).toMatchObject({ correction: 190, snapped: true });
    expect(p.displayPos).toBe(500);
  });

  it("handles acks jumping over several inputs, stale and duplicate snapshots", () => {
    const p = new PaddlePredictor({ config, side: "right" });
    p.reconcile({ tick: 100, pos: 300, dir: 0, ack: -1 });
    const sent: Dir[] = [1, -1, 1, 0];
    for (const d of sent) {
      p.setDir(d);
      p.step();
    }
    // Locally: +8, -8, +8, stop -> 308.
    expect(p.pos).toBe(308);
    expect(p.unacked.map((i) => i.seq)).toEqual([0, 1, 2, 3]);
    for (let i = 0; i < 6; i++) p.step();
    // The server applied all four, one per tick, at ticks 103..106 (offset 102): +8 -8 +8 0.
    const r = p.reconcile({ tick: 110, pos: 308, dir: 0, ack: 3 });
    expect(r.correction).toBe(0);
    expect(p.unacked).toHaveLength(0);
    // An older snapshot (reordered) or the same tick again changes nothing.
    expect(p.reconcile({ tick: 108, pos: 200, dir: 1, ack: 1 }).correction).toBe(0);
    expect(p.reconcile({ tick: 110, pos: 200, dir: 1, ack: 1 }).correction).toBe(0);
    expect(p.pos).toBe(308);
    // An ack that goes backwards is not believed (inputs stay acknowledged).
    p.setDir(1);
    p.step();
    p.reconcile({ tick: 112, pos: 308, dir: 0, ack: 2 });
    expect(p.unacked.map((i) => i.seq)).toEqual([4]);
    expect(p.pos).toBe(316); // the pending input is re-applied on top of the server's paddle
  });

  it("re-applies inputs the server has not seen yet on top of its paddle", () => {
    const p = new PaddlePredictor({ config, side: "left" });
    p.reconcile({ tick: 50, pos: 300, dir: 0, ack: -1 });
    p.setDir(-1);
    for (let i = 0; i < 5; i++) p.step(); // 260 locally
    // The server has not applied it; its paddle is still at 300. No correction: still pending.
    const r = p.reconcile({ tick: 52, pos: 300, dir: 0, ack: -1 });
    expect(r.correction).toBe(0);
    expect(p.pos).toBe(260);
  });

  it("continues seqs above the server's ack after a reload, and resends a direction the server ignored", () => {
    const p = new PaddlePredictor({ config, side: "left" });
    const ignored = p.setDir(1)!; // seq 0: the server has already applied 41 from an earlier page
    expect(ignored.seq).toBe(0);
    p.step();
    const r = p.reconcile({ tick: 500, pos: 200, dir: 0, ack: 41 });
    expect(p.seq).toBeGreaterThan(41);
    expect(r.resend).toMatchObject({ type: "input", seq: 42, dir: 1 });
    const q = new PaddlePredictor({ config, side: "left", firstSeq: 7 });
    expect(q.setDir(1)?.seq).toBe(7);
  });

  it("resync sends the held direction again under a new seq", () => {
    const p = new PaddlePredictor({ config, side: "left" });
    p.setDir(-1);
    expect(p.resync()).toMatchObject({ type: "input", seq: 1, dir: -1 });
    expect(p.unacked).toHaveLength(2);
  });

  it("renumbers local ticks on resetTiming(serverTick) and measures the offset again", () => {
    const p = new PaddlePredictor({ config, side: "left" });
    p.reconcile({ tick: 10, pos: 300, dir: 0, ack: -1 });
    p.setDir(1);
    p.resetTiming(400);
    expect(p.tick).toBe(400);
    expect(p.unacked[0].tick).toBe(401);
    p.reconcile({ tick: 400, pos: 300, dir: 0, ack: -1 });
    p.step();
    p.step();
    expect(p.pos).toBe(316);
    // The server applied it at its tick 402, one tick after the client did: 308 at 402, 316 at 403.
    const r = p.reconcile({ tick: 403, pos: 316, dir: 1, ack: 0 });
    expect(p.tickOffset).toBe(1);
    expect(r.correction).toBe(0);
    expect(p.pos).toBe(316);
  });
});
