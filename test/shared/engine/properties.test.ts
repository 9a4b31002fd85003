/** Property-based checks of the engine (fast-check). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Rng,
  SIDE_INFO,
  createGame,
  declareWinner,
  defaultConfig,
  eliminateSeat,
  faceCoord,
  paddleRange,
  restoreGame,
  serializeGame,
  sideOfSeat,
  step,
  type Dir,
  type GameEvent,
  type GameState,
  type Mode,
  type Side,
} from "../../../src/shared/engine";

type Policy = { kind: "random" } | { kind: "still" } | { kind: "track"; offset: number };

const policyArb: fc.Arbitrary<Policy> = fc.oneof(
  { arbitrary: fc.constant<Policy>({ kind: "random" }), weight: 1 },
  { arbitrary: fc.constant<Policy>({ kind: "still" }), weight: 1 },
  // Mostly within the paddle's reach (60) so rallies last and the ball reaches top speed.
  { arbitrary: fc.integer({ min: -75, max: 75 }).map<Policy>((offset) => ({ kind: "track", offset })), weight: 4 },
);

const scenarioArb = fc.record({
  mode: fc.constantFrom<Mode>("2p", "4p"),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  servePauseTicks: fc.constantFrom(0, 3, 60),
  winScore: fc.constantFrom(1, 3, 50),
  policies: fc.array(policyArb, { minLength: 4, maxLength: 4 }),
  ticks: fc.integer({ min: 1, max: 1500 }),
  inputSeed: fc.integer(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Inputs for one tick from each seat's policy (trackers follow the ball, some imperfectly). */
function policyInputs(s: GameState, policies: Policy[], rng: Rng): (Dir | undefined)[] {
  return s.paddles.map((p, seat) => {
    const pol = policies[seat];
    if (pol.kind === "still") return rng.next() < 0.05 ? (rng.int(3) - 1) as Dir : undefined;
    if (pol.kind === "random") return rng.next() < 0.2 ? ((rng.int(3) - 1) as Dir) : undefined;
    const along = SIDE_INFO[p.side].horizontal ? s.ball.x : s.ball.y;
    const diff = along + pol.offset - p.pos;
    return Math.abs(diff) < 4 ? 0 : diff > 0 ? 1 : -1;
  });
}

function newGame(sc: Scenario): GameState {
  return createGame(defaultConfig(sc.mode, { servePauseTicks: sc.servePauseTicks, winScore: sc.winScore }), sc.seed);
}

/** Runs a scenario, calling `check` after every step. */
function run(sc: Scenario, check?: (before: GameState, after: GameState, events: GameEvent[]) => void): GameState {
  let s = newGame(sc);
  const rng = new Rng(sc.inputSeed);
  for (let t = 0; t < sc.ticks; t++) {
    const r = step(s, policyInputs(s, sc.policies, rng));
    check?.(s, r.state, r.events);
    s = r.state;
  }
  return s;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === "object" && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

describe("engine properties", { timeout: 120_000 }, () => {
  it("is deterministic: same seed and inputs give identical states and events", () => {
    const inputsArb = fc.array(fc.array(fc.constantFrom<Dir | undefined>(-1, 0, 1, undefined), { minLength: 4, maxLength: 4 }), {
      minLength: 1,
      maxLength: 400,
    });
    fc.assert(
      fc.property(fc.constantFrom<Mode>("2p", "4p"), fc.integer({ min: 0, max: 0xffffffff }), inputsArb, (mode, seed, inputs) => {
        const play = () => {
          let s = createGame(defaultConfig(mode, { servePauseTicks: 5 }), seed);
          const events: GameEvent[] = [];
          for (const i of inputs) {
            const r = step(s, i);
            s = r.state;
            events.push(...r.events);
          }
          return { s, events };
        };
        expect(play()).toEqual(play());
      }),
    );
  });

  it("closed-loop runs with trackers are deterministic too", () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        expect(run(sc)).toEqual(run(sc));
      }),
      { numRuns: 40 },
    );
  });

  it("the ball never leaves the field without a point, speed stays capped, paddles stay in range", () => {
    let points = 0;
    let hits = 0;
    let topSpeed = 0;
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        run(sc, (before, s, events) => {
          const c = s.config;
          const half = c.ballSize / 2;
          const b = s.ball;
          const pointEvents = events.filter((e) => e.type === "point");
          expect(pointEvents.length).toBeLessThanOrEqual(1);
          points += pointEvents.length;
          hits += events.filter((e) => e.type === "paddle_hit").length;
          topSpeed = Math.max(topSpeed, b.speed);
          if (pointEvents.length === 0) {
            // Still (at least partly) inside the field.
            expect(b.x + half).toBeGreaterThan(0);
            expect(b.x - half).toBeLessThan(c.width);
            expect(b.y + half).toBeGreaterThan(0);
            expect(b.y - half).toBeLessThan(c.height);
            if (c.mode === "2p") {
              expect(b.y - half).toBeGreaterThanOrEqual(-1e-9);
              expect(b.y + half).toBeLessThanOrEqual(c.height + 1e-9);
            }
          } else if (s.phase !== "over") {
            expect(s.phase).toBe("serving");
            expect(b).toMatchObject({ x: c.width / 2, y: c.height / 2, vx: 0, vy: 0 });
          }
          expect(b.speed).toBeLessThanOrEqual(c.ballSpeedMax + 1e-9);
          if (s.phase === "playing") expect(Math.hypot(b.vx, b.vy)).toBeCloseTo(b.speed, 9);
          for (const p of s.paddles) {
            const r = paddleRange(c, p.side);
            expect(p.pos).toBeGreaterThanOrEqual(r.min);
            expect(p.pos).toBeLessThanOrEqual(r.max);
            const moved = Math.abs(p.pos - before.paddles[s.paddles.indexOf(p)].pos);
            expect(moved).toBeLessThanOrEqual(c.paddleSpeed);
          }
        });
      }),
      { numRuns: 100 },
    );
    // The runs did exercise rallies, points and top speed (otherwise this property proves little).
    expect(points).toBeGreaterThan(50);
    expect(hits).toBeGreaterThan(200);
    // Rallies sped up well past the serve speed. (Reaching the exact cap in random play is not
    // guaranteed: it failed ~7% of 100-run batches. The cap itself is exercised deterministically
    // by the no-tunnelling tests below; the per-step check above proves it is never exceeded.)
    expect(topSpeed).toBeGreaterThan(1.5 * defaultConfig("2p").ballSpeed);
  });

  describe("no tunnelling", () => {
    const sideArb = fc.constantFrom<[Mode, number]>(["2p", 0], ["2p", 1], ["4p", 0], ["4p", 1], ["4p", 2], ["4p", 3]);
    const shotArb = fc.record({
      seat: sideArb,
      distance: fc.double({ min: 0, max: 480, noNaN: true }),
      along: fc.double({ min: 0, max: 1, noNaN: true }),
      slope: fc.double({ min: -1.7, max: 1.7, noNaN: true }),
      u: fc.double({ min: -0.98, max: 0.98, noNaN: true }),
      speed: fc.constantFrom(16, 40, 100, 250),
    });

    /** A ball at `speed` heading for `side`'s plane with no wall on the way; returns where it crosses. */
    function setup(shot: typeof shotArb extends fc.Arbitrary<infer T> ? T : never) {
      const [mode, seat] = shot.seat;
      const side: Side = sideOfSeat(mode, seat);
      const config = defaultConfig(mode, { ballSpeedMax: shot.speed });
      const info = SIDE_INFO[side];
      const half = config.ballSize / 2;
      const len = info.horizontal ? config.width : config.height;
      // Along-axis room: 2P walls at the edges; 4P perpendicular paddle planes.
      // (+0.5: a path grazing a 4P perpendicular paddle plane could legitimately hit that paddle)
      const lo = (mode === "4p" ? faceCoord(config, "top") + 0.5 : 0) + half;
      const hi = len - lo;
      const startAlong = lo + shot.along * (hi - lo);
      const crossing = startAlong + shot.slope * shot.distance;
      const face = faceCoord(config, side);
      const normalStart = face + info.inward * (half + shot.distance);
      const normalLen = info.horizontal ? config.height : config.width;
      if (crossing < lo || crossing > hi || normalStart - half <= 0 || normalStart + half >= normalLen) return null;
      const unit = shot.speed / Math.sqrt(1 + shot.slope * shot.slope);
      const vn = -info.inward * unit;
      const va = shot.slope * unit;
      const s = createGame(config, 1);
      s.phase = "playing";
      s.serveIn = 0;
      s.ball = info.horizontal
        ? { x: startAlong, y: normalStart, vx: va, vy: vn, speed: shot.speed }
        : { x: normalStart, y: startAlong, vx: vn, vy: va, speed: shot.speed };
      return { s, seat, side, crossing, config, info };
    }

    it("a ball at top speed aimed at a paddle that covers its path always bounces", () => {
      fc.assert(
        fc.property(shotArb, (shot) => {
          const set = setup(shot);
          fc.pre(set !== null);
          const { s, seat, crossing, config, info } = set!;
          const reach = config.paddleLength / 2 + config.ballSize / 2;
          const pos = crossing - shot.u * reach;
          const range = paddleRange(config, set!.side);
          fc.pre(pos >= range.min && pos <= range.max);
          s.paddles[seat].pos = pos;
          let cur = s;
          for (let t = 0; t < 200; t++) {
            const r = step(cur);
            cur = r.state;
            const hit = r.events.findIndex((e) => e.type === "paddle_hit");
            if (hit < 0) {
              // Only a wall touch (a ball set up grazing a wall) may come before the hit.
              expect(r.events.every((e) => e.type === "wall_bounce")).toBe(true);
              continue;
            }
            // The hit comes before anything else but wall touches (a fast ball may do more after it).
            expect(r.events[hit]).toEqual({ type: "paddle_hit", seat });
            expect(r.events.slice(0, hit).every((e) => e.type === "wall_bounce")).toBe(true);
            if (hit === r.events.length - 1) {
              const vn = info.horizontal ? cur.ball.vy : cur.ball.vx;
              expect(vn * info.inward).toBeGreaterThan(0);
            }
            return;
          }
          throw new Error("ball never reached the paddle");
        }),
        { numRuns: 400 },
      );
    });

    it("and the same ball just past the paddle's reach is a point, not a hit", () => {
      fc.assert(
        fc.property(shotArb, fc.boolean(), (shot, above) => {
          const set = setup(shot);
          fc.pre(set !== null);
          const { s, seat, crossing, config } = set!;
          const reach = config.paddleLength / 2 + config.ballSize / 2;
          const pos = crossing + (above ? 1 : -1) * (reach + 0.5);
          const range = paddleRange(config, set!.side);
          fc.pre(pos >= range.min && pos <= range.max);
          s.paddles[seat].pos = pos;
          s.lastTouch = (seat + 1) % s.paddles.length;
          let cur = s;
          for (let t = 0; t < 200; t++) {
            const r = step(cur);
            cur = r.state;
            expect(r.events.some((e) => e.type === "paddle_hit" && e.seat === seat)).toBe(false);
            if (r.events.some((e) => e.type === "point")) return;
          }
          throw new Error("no point");
        }),
        { numRuns: 300 },
      );
    });
  });

  it("serialize/restore round-trips (also via JSON) and stepping both stays identical", () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 300 }), (sc, more) => {
        const s = run(sc);
        const direct = restoreGame(serializeGame(s));
        const viaJson = restoreGame(JSON.parse(JSON.stringify(serializeGame(s))));
        expect(direct).toEqual(s);
        expect(viaJson).toEqual(s);
        let a = s;
        let b = viaJson;
        const rngA = new Rng(sc.inputSeed + 1);
        const rngB = new Rng(sc.inputSeed + 1);
        for (let t = 0; t < more; t++) {
          const ra = step(a, policyInputs(a, sc.policies, rngA));
          const rb = step(b, policyInputs(b, sc.policies, rngB));
          expect(rb.events).toEqual(ra.events);
          a = ra.state;
          b = rb.state;
        }
        expect(b).toEqual(a);
      }),
      { numRuns: 60 },
    );
  });

  it("step, eliminateSeat, declareWinner and serializeGame never mutate their input", () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(fc.constantFrom<Dir>(-1, 0, 1), { minLength: 4, maxLength: 4 }), (sc, inputs) => {
        const s = run({ ...sc, ticks: Math.min(sc.ticks, 300) });
        const snapshot = structuredClone(s);
        deepFreeze(s); // any write would now throw in strict-mode modules
        step(s, inputs);
        step(s);
        eliminateSeat(s, 0);
        declareWinner(s, 1);
        serializeGame(s);
        expect(s).toEqual(snapshot);
      }),
      { numRuns: 60 },
    );
  });
});
