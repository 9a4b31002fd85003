/** MatchTimeline: stepping, inputs at their ticks, checkpoints, prediction (unit + fast-check properties). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createGame, defaultConfig, step, type Dir, type GameState, type Mode } from "../../../src/shared/engine";
import { MatchTimeline, stateDigest, type TimedEvent, type TimelineInput } from "../../../src/shared/timeline";

const dirArb = fc.constantFrom<Dir>(-1, 0, 1);

/** A random match: mode, seed, and inputs at random ticks (several per tick and seat allowed). */
const matchArb = fc
  .record({
    mode: fc.constantFrom<Mode>("2p", "4p"),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    servePauseTicks: fc.constantFrom(0, 5, 60),
    ticks: fc.integer({ min: 1, max: 1200 }),
  })
  .chain((m) =>
    fc.record({
      mode: fc.constant(m.mode),
      seed: fc.constant(m.seed),
      servePauseTicks: fc.constant(m.servePauseTicks),
      ticks: fc.constant(m.ticks),
      inputs: fc.array(
        fc.record({ tick: fc.integer({ min: 0, max: m.ticks }), seat: fc.integer({ min: 0, max: m.mode === "2p" ? 1 : 3 }), dir: dirArb }),
        { maxLength: 80 },
      ),
    }),
  );

type Match = { mode: Mode; seed: number; servePauseTicks: number; ticks: number; inputs: TimelineInput[] };

function fresh(m: Match): MatchTimeline {
  return MatchTimeline.start(defaultConfig(m.mode, { servePauseTicks: m.servePauseTicks, winScore: 50 }), m.seed);
}

/** The reference semantics, written with the plain engine: inputs for tick T go into the step leaving T, later wins. */
function reference(m: Match): GameState {
  let s = createGame(defaultConfig(m.mode, { servePauseTicks: m.servePauseTicks, winScore: 50 }), m.seed);
  for (let t = 0; t < m.ticks && s.phase !== "over"; t++) {
    const here = m.inputs.filter((i) => i.tick === t);
    const inputs: (Dir | undefined)[] = s.paddles.map(() => undefined);
    for (const i of here) inputs[i.seat] = i.dir;
    s = step(s, here.length ? inputs : undefined).state;
  }
  return s;
}

describe("MatchTimeline stepping", () => {
  it("applies each input at its tick: one stepTo equals the plain engine stepped by hand", () => {
    fc.assert(
      fc.property(matchArb, (m) => {
        const tl = fresh(m);
        for (const i of m.inputs) tl.addInput(i);
        tl.stepTo(m.ticks);
        expect(tl.state).toEqual(reference(m));
        expect(tl.digest()).toBe(stateDigest(reference(m)));
      }),
      { numRuns: 60 },
    );
  });

  it("stepping in one go or in random chunks, with inputs added just in time, gives the same digest and events", () => {
    fc.assert(
      fc.property(matchArb, fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 40 }), (m, chunks) => {
        const whole = fresh(m);
        for (const i of m.inputs) whole.addInput(i);
        const wholeEvents = whole.stepTo(m.ticks);

        const chunked = fresh(m);
        const byTick = [...m.inputs].sort((a, b) => a.tick - b.tick); // stable: same-tick order kept
        const events: TimedEvent[] = [];
        let k = 0;
        let target = 0;
        while (chunked.tick < m.ticks && !chunked.over) {
          target = Math.min(m.ticks, target + chunks[k++ % chunks.length]);
          // Inputs arrive any time before their tick is stepped through.
          for (const i of byTick) if (i.tick >= chunked.tick && i.tick < target && !(i as { added?: boolean }).added) {
            chunked.addInput(i);
            (i as { added?: boolean }).added = true;
          }
          chunked.stepTo(target, events);
        }
        expect(chunked.digest()).toBe(whole.digest());
        expect(events).toEqual(wholeEvents);
      }),
      { numRuns: 60 },
    );
  });

  it("the later of two inputs for the same seat and tick wins", () => {
    const tl = MatchTimeline.start(defaultConfig("2p"), 7);
    tl.addInput({ tick: 3, seat: 0, dir: 1 });
    tl.addInput({ tick: 3, seat: 0, dir: -1 });
    tl.addInput({ tick: 2, seat: 1, dir: 1 }); // inserted before the tick-3 ones
    expect(tl.pendingInputs().map((i) => i.tick)).toEqual([2, 3, 3]);
    tl.stepTo(4);
    expect(tl.state.paddles[0].dir).toBe(-1);
    expect(tl.state.paddles[1].dir).toBe(1);
    expect(tl.pendingInputs()).toEqual([]);
  });

  it("an input applies from the step leaving its tick: the state AT that tick does not have it yet", () => {
    const tl = MatchTimeline.start(defaultConfig("2p"), 7);
    const home = tl.state.paddles[0].pos;
    tl.addInput({ tick: 5, seat: 0, dir: 1 });
    tl.stepTo(5);
    expect(tl.state.paddles[0].pos).toBe(home);
    tl.stepTo(6);
    expect(tl.state.paddles[0].pos).toBe(home + tl.state.config.paddleSpeed);
  });

  it("refuses an input for a tick already computed, and a seat that does not exist", () => {
    const tl = MatchTimeline.start(defaultConfig("2p"), 7);
    tl.stepTo(10);
    expect(() => tl.addInput({ tick: 9, seat: 0, dir: 1 })).toThrow(/before the timeline/);
    expect(() => tl.addInput({ tick: 10, seat: 2, dir: 1 })).toThrow(/no seat/);
    tl.addInput({ tick: 10, seat: 1, dir: 1 });
  });

  it("reports each event with the tick of the state it produced (a point's tick has the new score)", () => {
    const tl = MatchTimeline.start(defaultConfig("2p", { servePauseTicks: 0 }), 3);
    const events = tl.stepTo(2000);
    const point = events.find((e) => e.event.type === "point")!;
    expect(point).toBeDefined();
    const replay = MatchTimeline.start(defaultConfig("2p", { servePauseTicks: 0 }), 3);
    replay.stepTo(point.tick - 1);
    expect(replay.state.scores).toEqual([0, 0]);
    replay.stepTo(point.tick);
    expect(replay.state.scores.reduce((a, b) => a + b)).toBe(1);
  });

  it("stops at the end of the game and drops what can no longer apply", () => {
    const tl = MatchTimeline.start(defaultConfig("2p", { servePauseTicks: 0, winScore: 1 }), 3);
    tl.addInput({ tick: 5000, seat: 0, dir: 1 });
    const events = tl.stepTo(10_000);
    expect(tl.over).toBe(true);
    expect(events.at(-1)?.event.type).toBe("game_over");
    expect(tl.tick).toBe(events.at(-1)!.tick);
    expect(tl.pendingInputs()).toEqual([]);
  });

  it("eliminates a 4P seat at the current tick and drops its pending inputs", () => {
    const tl = MatchTimeline.start(defaultConfig("4p", { servePauseTicks: 0 }), 11);
    tl.addInput({ tick: 50, seat: 2, dir: 1 });
    tl.addInput({ tick: 50, seat: 1, dir: 1 });
    tl.stepTo(20);
    tl.eliminate(2);
    expect(tl.tick).toBe(20);
    expect(tl.state.paddles[2].active).toBe(false);
    expect(tl.state.phase).toBe("serving");
    expect(tl.pendingInputs()).toEqual([{ tick: 50, seat: 1, dir: 1 }]);
    tl.eliminate(0);
    tl.eliminate(1);
    expect(tl.over).toBe(true);
    expect(tl.state.winner).toBe(3);
  });
});

describe("MatchTimeline checkpoints", () => {
  it("restore(checkpoint) (also through JSON) continues exactly like the original", () => {
    fc.assert(
      fc.property(matchArb, fc.integer({ min: 0, max: 1200 }), (m, cut) => {
        const a = fresh(m);
        for (const i of m.inputs) a.addInput(i);
        a.stepTo(Math.min(cut, m.ticks));
        const b = MatchTimeline.restore(JSON.parse(JSON.stringify(a.checkpoint())));
        expect(b.digest()).toBe(a.digest());
        expect(b.pendingInputs()).toEqual(a.pendingInputs());
        a.stepTo(m.ticks);
        b.stepTo(m.ticks);
        expect(b.digest()).toBe(a.digest());
        expect(b.state).toEqual(a.state);
      }),
      { numRuns: 60 },
    );
  });

  it("refuses a malformed checkpoint with a reason", () => {
    const cp = MatchTimeline.start(defaultConfig("2p"), 1).checkpoint();
    expect(() => MatchTimeline.restore(null)).toThrow(/expected an object/);
    expect(() => MatchTimeline.restore({ ...cp, pending: "x" })).toThrow(/pending/);
    expect(() => MatchTimeline.restore({ ...cp, pending: [[-1, 0, 1]] })).toThrow(/tick/);
    expect(() => MatchTimeline.restore({ ...cp, pending: [[0, 5, 1]] })).toThrow(/seat/);
    expect(() => MatchTimeline.restore({ ...cp, pending: [[0, 0, 2]] })).toThrow(/dir/);
    expect(() => MatchTimeline.restore({ ...cp, state: { ...cp.state, ball: null } })).toThrow(/ball/);
  });

  it("a client that learns inputs late (rollback: restore, add, re-step) ends with the server's digest", () => {
    fc.assert(
      fc.property(matchArb, fc.integer({ min: 0, max: 30 }), (m, delay) => {
        const server = fresh(m);
        for (const i of m.inputs) server.addInput(i);
        server.stepTo(m.ticks);
        // The client keeps a confirmed checkpoint and runs ahead; each input reaches it `delay` ticks late.
        const byTick = [...m.inputs].sort((a, b) => a.tick - b.tick);
        let confirmed = fresh(m).checkpoint();
        let client = MatchTimeline.restore(confirmed);
        let next = 0;
        for (let now = 0; now <= m.ticks; now++) {
          const arrived: TimelineInput[] = [];
          while (next < byTick.length && byTick[next].tick + delay <= now) arrived.push(byTick[next++]);
          if (arrived.length) {
            const base = MatchTimeline.restore(confirmed);
            const settleTo = Math.min(arrived[arrived.length - 1].tick, m.ticks);
            for (const i of arrived) base.addInput(i);
            // Everything before the newest arrival's tick is final: it becomes the confirmed state.
            for (const i of byTick.slice(next)) if (i.tick < settleTo) base.addInput(i); // never: later ticks only
            base.stepTo(settleTo);
            confirmed = base.checkpoint();
            client = MatchTimeline.restore(confirmed);
          }
          client.stepTo(Math.min(now, m.ticks));
        }
        const end = MatchTimeline.restore(confirmed);
        for (const i of byTick.slice(next)) end.addInput(i);
        end.stepTo(m.ticks);
        expect(end.digest()).toBe(server.digest());
      }),
      { numRuns: 40 },
    );
  });
});

describe("MatchTimeline.predictNextPoint", () => {
  it("finds the tick of the next point with the known inputs, without changing the timeline", () => {
    fc.assert(
      fc.property(matchArb, (m) => {
        const tl = fresh(m);
        for (const i of m.inputs) tl.addInput(i);
        const before = tl.digest();
        const pending = [...tl.pendingInputs()];
        const p = tl.predictNextPoint(3000);
        expect(tl.digest()).toBe(before);
        expect(tl.pendingInputs()).toEqual(pending);
        const run = fresh(m);
        for (const i of m.inputs) run.addInput(i);
        const events = run.stepTo(3000).filter((e) => e.event.type === "point");
        if (p.tick === null) {
          expect(events).toEqual([]);
          expect(p.steps).toBe(tl.over ? 0 : 3000);
        } else {
          expect(p.tick).toBe(events[0].tick);
          expect(p.steps).toBe(p.tick);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("answers null when nothing happens within the horizon, and for a finished game", () => {
    const tl = MatchTimeline.start(defaultConfig("2p"), 1); // 60 serve ticks, then ~60 to the paddle plane
    expect(tl.predictNextPoint(30)).toEqual({ tick: null, side: null, steps: 30, involved: 0 });
    const done = MatchTimeline.start(defaultConfig("2p", { servePauseTicks: 0, winScore: 1 }), 1);
    done.stepTo(5000);
    expect(done.over).toBe(true);
    expect(done.predictNextPoint(1000).tick).toBeNull();
  });

  it("an input of a seat outside `involved`, before the predicted point, never changes the prediction", () => {
    fc.assert(
      fc.property(matchArb, fc.integer({ min: 0, max: 3 }), dirArb, fc.integer({ min: 0, max: 600 }), (m, seatPick, dir, at) => {
        const tl = fresh(m);
        for (const i of m.inputs) tl.addInput(i);
        tl.stepTo(Math.floor(m.ticks / 2));
        const p = tl.predictNextPoint(600);
        const seats = tl.state.paddles.length;
        const seat = seatPick % seats;
        if (p.involved & (1 << seat)) return; // involved: anything may change
        const end = p.tick ?? tl.tick + 600;
        const tick = tl.tick + (at % Math.max(1, end - tl.tick));
        const other = tl.clone();
        other.addInput({ tick, seat, dir });
        expect(other.predictNextPoint(600).tick).toBe(p.tick);
      }),
      { numRuns: 200 },
    );
  });

  it("flags the seat whose side the point is scored on, and a seat whose paddle returned the ball", () => {
    const tl = MatchTimeline.start(defaultConfig("2p", { servePauseTicks: 0 }), 3);
    const p = tl.predictNextPoint(3000);
    expect(p.tick).not.toBeNull();
    const run = MatchTimeline.start(defaultConfig("2p", { servePauseTicks: 0 }), 3);
    const events = run.stepTo(p.tick!);
    const point = events.find((e) => e.event.type === "point")!.event as { side: string };
    const loser = point.side === "left" ? 0 : 1;
    expect(p.involved & (1 << loser)).toBeTruthy();
    for (const e of events) if (e.event.type === "paddle_hit") expect(p.involved & (1 << e.event.seat)).toBeTruthy();
  });
});

describe("MatchTimeline.stepTo(…, stopAfterPoint)", () => {
  it("stops right after each scoring tick; stepping on in pieces gives the same result as one go", () => {
    fc.assert(
      fc.property(matchArb, (m) => {
        const whole = fresh(m);
        for (const i of m.inputs) whole.addInput(i);
        const all = whole.stepTo(m.ticks);
        const pieces = fresh(m);
        for (const i of m.inputs) pieces.addInput(i);
        const seen: TimedEvent[] = [];
        while (pieces.tick < m.ticks && !pieces.over) {
          const got = pieces.stepTo(m.ticks, [], true);
          const point = got.find((e) => e.event.type === "point");
          if (point) expect(pieces.tick).toBe(point.tick);
          seen.push(...got);
        }
        expect(seen).toEqual(all);
        expect(pieces.digest()).toBe(whole.digest());
      }),
      { numRuns: 40 },
    );
  });
});
