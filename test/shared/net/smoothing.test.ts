/** RenderSmoother: corrections blend in (no jumps), the ball moves at most its speed plus a few px per tick. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createGame, defaultConfig, type Dir, type GameState } from "../../../src/shared/engine";
import { RenderSmoother, RollbackSession } from "../../../src/shared/net";
import { MatchTimeline } from "../../../src/shared/timeline";

const TICK = 1000 / 60;

describe("RenderSmoother", () => {
  it("shows the state moved on by the fraction of a tick", () => {
    const cfg = defaultConfig("2p");
    const s: GameState = createGame(cfg, 1);
    s.phase = "playing";
    s.ball = { x: 400, y: 300, vx: 6, vy: -2, speed: Math.hypot(6, 2) };
    s.paddles[0].dir = 1;
    const shown = new RenderSmoother(cfg, { tickMs: TICK }).frame(s, 0.5, 0);
    expect(shown.ball).toMatchObject({ x: 403, y: 299 });
    expect(shown.paddles[0].pos).toBe(s.paddles[0].pos + 4);
    expect(s.ball.x).toBe(400); // the input state is untouched
  });

  it("blends a paddle correction in over a few frames instead of jumping", () => {
    const cfg = defaultConfig("2p");
    const before = createGame(cfg, 1);
    const after = createGame(cfg, 1);
    after.paddles[1].pos = before.paddles[1].pos - 40;
    const sm = new RenderSmoother(cfg, { tickMs: TICK });
    sm.frame(before, 0, 0);
    sm.correct(before, after);
    const shown: number[] = [];
    for (let f = 1; f <= 20; f++) shown.push(sm.frame(after, 0, f * TICK).paddles[1].pos);
    expect(shown[0]).toBeGreaterThan(after.paddles[1].pos + 20); // most of the old place kept at first
    expect(Math.abs(shown[7] - after.paddles[1].pos)).toBeLessThan(4); // 90% gone in 8 frames
    for (let i = 1; i < shown.length; i++) expect(shown[i - 1] - shown[i]).toBeLessThanOrEqual(cfg.paddleSpeed + 1e-9);
    expect(shown[shown.length - 1]).toBeCloseTo(after.paddles[1].pos, 0);
    expect(sm.settled).toBe(true);
  });

  it("does not blend the ball across a point (a new rally starts where the engine puts it)", () => {
    const cfg = defaultConfig("2p");
    const before = createGame(cfg, 1);
    before.phase = "playing";
    before.ball.x = 850;
    const after = createGame(cfg, 1);
    after.scores[0] = 1;
    const sm = new RenderSmoother(cfg, { tickMs: TICK });
    sm.correct(before, after);
    expect(sm.frame(after, 0, 0).ball.x).toBe(after.ball.x);
  });

  it("property: through random rewinds, the shown ball moves at most its speed plus 3 px per tick, except where the engine itself bounced or served it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 600 }), back: fc.integer({ min: 1, max: 20 }), dir: fc.constantFrom<Dir>(-1, 0, 1), seat: fc.integer({ min: 0, max: 1 }) }), { maxLength: 30 }),
        (seed, late) => {
          const cfg = defaultConfig("2p", { winScore: 50, servePauseTicks: 10 });
          const session = new RollbackSession(MatchTimeline.start(cfg, seed));
          const sm = new RenderSmoother(cfg, { tickMs: TICK });
          let prev = sm.frame(session.state, 0, 0);
          let prevState = structuredClone(session.state) as GameState;
          for (let t = 1; t <= 600; t++) {
            session.advanceTo(t);
            for (const l of late.filter((x) => x.at === t)) {
              const r = session.addInput(Math.max(session.oldestTick, t - l.back), l.seat, l.dir);
              if (r && r !== "too_old") sm.correct(r.before, session.state);
            }
            const s = session.state;
            const shown = sm.frame(s, 0, t * TICK);
            // The engine's own discontinuities: a bounce (velocity changed) or a serve/point.
            const engineJump = s.phase !== prevState.phase || s.ball.vx !== prevState.ball.vx || s.ball.vy !== prevState.ball.vy || s.scores.some((v, i) => v !== prevState.scores[i]);
            if (!engineJump && s.phase === "playing") {
              const moved = Math.hypot(shown.ball.x - prev.ball.x, shown.ball.y - prev.ball.y);
              expect(moved).toBeLessThanOrEqual(s.ball.speed + 3 + 1e-6);
            }
            prev = shown;
            prevState = structuredClone(s) as GameState;
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
