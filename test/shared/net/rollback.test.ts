/**
 * RollbackSession: unit behaviour, and the property the issue asks for: for random input timelines
 * delivered with random delays (so clients rewind), every client's simulation and the server's
 * MatchTimeline fed the same accepted inputs have the same digest at every confirmed tick.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultConfig, type Dir } from "../../../src/shared/engine";
import { RollbackSession } from "../../../src/shared/net";
import { MatchTimeline, stateDigest } from "../../../src/shared/timeline";
import { runSim, type ClientSpec, type SimResult, type SimSpec } from "./netsim";

const dirArb = fc.constantFrom<Dir>(-1, 0, 1);

function reference(inputs: { tick: number; seat: number; dir: Dir }[], ticks: number, seed = 7): MatchTimeline {
  const tl = MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), seed);
  for (const i of [...inputs].sort((a, b) => a.tick - b.tick)) tl.addInput(i);
  tl.stepTo(ticks);
  return tl;
}

describe("RollbackSession", () => {
  it("applies an input for a past tick by rewinding: same state as if it had been known in time", () => {
    const s = new RollbackSession(MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 7));
    s.advanceTo(100);
    const r = s.addInput(40, 1, 1);
    expect(r).toMatchObject({ from: 40, ticks: 60 });
    expect(s.tick).toBe(100);
    expect(s.digest()).toBe(reference([{ tick: 40, seat: 1, dir: 1 }], 100).digest());
    expect(s.rewinds).toBe(1);
  });

  it("keeps a future input pending without rewinding, and moves an own input when the server applied it later", () => {
    const s = new RollbackSession(MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 7));
    s.advanceTo(10);
    expect(s.addInput(10, 0, -1, 0)).toBeNull();
    s.advanceTo(20);
    expect(s.rewinds).toBe(0);
    const moved = s.moveOwnInput(0, 14);
    expect(moved).toMatchObject({ from: 10 });
    expect(s.digest()).toBe(reference([{ tick: 14, seat: 0, dir: -1 }], 20).digest());
    // The state before the move had the paddle 4 ticks further: that is the correction to smooth.
    const before = (moved as { before: { paddles: { pos: number }[] } }).before;
    expect(before.paddles[0].pos - s.state.paddles[0].pos).toBe(-4 * 8);
    s.dropOwnInput(0);
    expect(s.digest()).toBe(reference([], 20).digest());
  });

  it("drops the own inputs the server never applied when the match ended (game_over's ack), keeping relayed and acknowledged ones", () => {
    const s = new RollbackSession(MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 7));
    s.advanceTo(10);
    s.addInput(10, 0, 1, 0);
    s.addInput(12, 1, -1); // relayed: no seq
    s.advanceTo(20);
    s.addInput(20, 0, -1, 1);
    s.addInput(22, 0, 1, 2);
    s.advanceTo(30);
    expect(s.dropOwnInputsAfter(0)).toMatchObject({ from: 20 });
    expect(s.digest()).toBe(reference([{ tick: 10, seat: 0, dir: 1 }, { tick: 12, seat: 1, dir: -1 }], 30).digest());
    expect(s.dropOwnInputsAfter(0)).toBeNull();
  });

  it("orders a moved own input before a later own input of the same tick (the server's order)", () => {
    const s = new RollbackSession(MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 3));
    s.advanceTo(5);
    s.addInput(5, 0, -1, 0);
    s.advanceTo(9);
    s.addInput(9, 0, 1, 1);
    s.moveOwnInput(0, 9); // seq 0 reached the server at tick 9, before seq 1: seq 1 wins
    s.advanceTo(30);
    expect(s.digest()).toBe(reference([{ tick: 9, seat: 0, dir: -1 }, { tick: 9, seat: 0, dir: 1 }], 30, 3).digest());
  });

  it("freezes at a pause tick (rewinding if it ran past) and verifies digests against its history", () => {
    const s = new RollbackSession(MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 7));
    s.addInput(3, 0, 1, 0);
    s.advanceTo(80);
    const at60 = stateDigest(s.stateAt(60)!);
    s.freeze(60);
    expect(s.tick).toBe(60);
    s.advanceTo(90);
    expect(s.tick).toBe(60);
    expect(s.verify(60, at60)).toBe("match");
    expect(s.verify(60, at60 ^ 1)).toBe("mismatch");
    expect(s.verify(61, at60)).toBe("pending");
    s.unfreeze();
    s.advanceTo(90);
    expect(s.digest()).toBe(reference([{ tick: 3, seat: 0, dir: 1 }], 90).digest());
  });

  it("says when an input is older than its history (a sync is needed)", () => {
    const s = new RollbackSession(MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 7), { historyTicks: 20 });
    s.advanceTo(100);
    expect(s.oldestTick).toBe(81);
    expect(s.addInput(50, 1, 1)).toBe("too_old");
    expect(s.verify(50, 0)).toBe("unknown");
  });

  it("applies an elimination at its tick, also after the fact", () => {
    const cfg = defaultConfig("4p", { winScore: 50 });
    const late = new RollbackSession(MatchTimeline.start(cfg, 11));
    late.advanceTo(120);
    late.eliminate(70, 2);
    const direct = MatchTimeline.start(cfg, 11);
    direct.stepTo(70);
    direct.eliminate(2);
    direct.stepTo(120);
    expect(late.digest()).toBe(direct.digest());
    expect(late.state.paddles[2].active).toBe(false);
  });
});

// ---------------------------------------------------------------- the agreement property

const delays = (min: number, max: number) => fc.array(fc.integer({ min, max }), { minLength: 1, maxLength: 12 });
/**
 * A player's link: mostly 5-120 ms, with latency spikes of 0.4-2 s (a stalled radio, a busy
 * server thread). A digest waits for the notices of the own inputs it was taken without however
 * long they take: no round-trip estimate bounds that, so the spikes must cause no mismatch.
 */
const spiky = () => fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 5, max: 120 }) }, { weight: 1, arbitrary: fc.integer({ min: 400, max: 2000 }) }), { minLength: 1, maxLength: 12 });

const simArb: fc.Arbitrary<SimSpec> = fc
  .record({
    mode: fc.constantFrom<"2p" | "4p">("2p", "4p"),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    winScore: fc.constantFrom(2, 50),
    durationMs: fc.integer({ min: 1000, max: 6000 }),
    checkEveryMs: fc.constantFrom(100, 250, 1000),
  })
  .chain((m) => {
    const seats = m.mode === "2p" ? 2 : 4;
    const player = fc.record({
      lead: fc.integer({ min: 0, max: 14 }),
      down: spiky(),
      up: spiky(),
      presses: fc.array(fc.record({ at: fc.integer({ min: 0, max: m.durationMs }), dir: dirArb }), { maxLength: 40 }).map((p) => p.sort((a, b) => a.at - b.at)),
    });
    // A spectator watches 12 ticks (200 ms) behind: more than the slowest delivery.
    const spectator: fc.Arbitrary<ClientSpec> = fc.record({ lead: fc.constant(-12), down: delays(5, 120), up: fc.constant([1]), presses: fc.constant([]) });
    const elims: fc.Arbitrary<SimSpec["eliminations"]> =
      m.mode === "4p"
        ? fc.array(fc.record({ at: fc.integer({ min: 1200, max: Math.max(1200, m.durationMs) }), seat: fc.integer({ min: 0, max: 3 }) }), { maxLength: 2 })
        : fc.constant([]);
    return fc.record({
      mode: fc.constant(m.mode),
      seed: fc.constant(m.seed),
      winScore: fc.constant(m.winScore),
      durationMs: fc.constant(m.durationMs),
      checkEveryMs: fc.constant(m.checkEveryMs),
      clients: fc.tuple(fc.array(player, { minLength: seats, maxLength: seats }), spectator).map(([p, s]) => [...p, s]),
      eliminations: elims,
    });
  });

/** Every tick both sides computed, up to the server's last: same digest. */
function expectAgreement(r: SimResult): number {
  let compared = 0;
  for (const c of r.clients) {
    expect(c.tooOld).toBe(0);
    for (let t = c.session.oldestTick; t <= Math.min(c.session.tick, r.serverTick); t++) {
      const mine = c.session.stateAt(t);
      const theirs = r.serverDigests.get(t);
      if (!mine || theirs === undefined) continue;
      expect(stateDigest(mine), `client seat ${c.seat}, tick ${t}`).toBe(theirs);
      compared++;
    }
  }
  return compared;
}

describe("client and server simulations agree", () => {
  it("for random input timelines with random delivery delays and latency spikes: same digest at every confirmed tick, every server digest check passes", () => {
    let rewound = 0;
    fc.assert(
      fc.property(simArb, (spec) => {
        const r = runSim(spec);
        expect(expectAgreement(r)).toBeGreaterThan(0);
        for (const c of r.clients) expect(c.checks.mismatched).toBe(0);
        rewound += r.clients.reduce((n, c) => n + c.session.rewinds, 0);
        // A spectator far enough behind never needs a correction.
        const spectator = r.clients[r.clients.length - 1];
        expect(spectator.session.rewinds).toBe(0);
      }),
      { numRuns: 40 },
    );
    // The property is about rollback: make sure the runs actually exercised it.
    expect(rewound).toBeGreaterThan(0);
  });

  it("a client that dropped an input the server accepted is caught by the digest checks", () => {
    const spec: SimSpec = {
      mode: "2p",
      seed: 5,
      winScore: 50,
      durationMs: 3000,
      checkEveryMs: 250,
      clients: [
        { lead: 6, down: [30], up: [30], presses: [{ at: 400, dir: 1 }, { at: 1500, dir: -1 }] },
        { lead: 6, down: [30], up: [30], presses: [] },
        { lead: -12, down: [30], up: [1], presses: [] },
      ],
      eliminations: [],
    };
    expect(() => runSim(spec)).not.toThrow();
    // Sabotage: the same run, but client 1's session forgets relayed inputs (a broken client).
    const original = RollbackSession.prototype.addInput;
    RollbackSession.prototype.addInput = function (this: RollbackSession, tick, seat, dir, seq = -1) {
      if (seq < 0 && seat === 0) return null;
      return original.call(this, tick, seat, dir, seq);
    };
    try {
      expect(() => runSim(spec)).toThrow(/disagrees with the server/);
    } finally {
      RollbackSession.prototype.addInput = original;
    }
  });
});
