/**
 * The 4P dead-ball rule: last-touch scoring stays, but a match in which nobody touches the ball
 * still ends (scoring.ts). Parked paddles sit at the end of their range, out of every serve's path.
 */
import { describe, expect, it } from "vitest";
import {
  DEAD_BALL_LIMIT,
  createGame,
  defaultConfig,
  restoreGame,
  serializeGame,
  stepInPlace,
  type Dir,
  type GameEvent,
  type GameState,
} from "../../../src/shared/engine";
import { playing, runUntil } from "../support/build";

/** Plays until the game is over or `maxTicks` pass; `drive` gives each tick's inputs. */
function playOut(state: GameState, maxTicks: number, drive: (s: GameState) => Dir[]) {
  const events: GameEvent[] = [];
  let ticks = 0;
  while (state.phase !== "over" && ticks < maxTicks) {
    stepInPlace(state, drive(state), events);
    ticks++;
  }
  return { state, events, ticks };
}

/** Serve pause + the slowest untouched flight (a 27-degree serve to a far corner at 7 px/tick) + margin. */
const TICKS_PER_DEAD_BALL = 60 + 60;

describe("4P dead-ball rule", () => {
  it("nobody plays (all four parked): the match ends within the limit, decided by who let fewest through", () => {
    for (const seed of [1, 2, 3, 42, 20261204]) {
      const r = playOut(createGame(defaultConfig("4p"), seed), 60 + DEAD_BALL_LIMIT * TICKS_PER_DEAD_BALL, () => [-1, -1, -1, -1]);
      expect(r.state.phase).toBe("over");
      expect(r.events.filter((e) => e.type === "paddle_hit")).toEqual([]);
      expect(r.events.filter((e) => e.type === "point")).toHaveLength(DEAD_BALL_LIMIT);
      expect(r.state.scores).toEqual([0, 0, 0, 0]);
      const letThrough = r.state.letThrough!;
      expect(letThrough.reduce((a, b) => a + b, 0)).toBe(DEAD_BALL_LIMIT);
      const fewest = Math.min(...letThrough);
      expect(r.state.winner).toBe(letThrough.indexOf(fewest)); // fewest, earliest seat on a tie
      expect(r.events.at(-1)).toEqual({ type: "game_over", winner: r.state.winner });
    }
  });

  it("three parked paddles and one player: the player wins (points by last touch, or the rule's decision), within a bound", () => {
    const r = playOut(createGame(defaultConfig("4p"), 7), 6000, (s) => {
      const d = s.ball.y - s.paddles[0].pos; // seat 0 (left) follows the ball
      return [Math.abs(d) < 4 ? 0 : d > 0 ? 1 : -1, -1, -1, -1];
    });
    expect(r.state.phase).toBe("over");
    expect(r.state.winner).toBe(0);
    expect(r.state.scores[0]).toBeGreaterThan(0);
    expect(r.state.scores.slice(1)).toEqual([0, 0, 0]);
  });

  it("a touch resets the count: a played ball never ends the match by the rule", () => {
    const s = playing("4p", { x: 300, y: 200, vx: -7, vy: 0 });
    s.deadBalls = DEAD_BALL_LIMIT - 1;
    s.lastTouch = 1; // right touched it; it leaves on the left: right scores
    s.paddles[0].pos = 500;
    const r = runUntil(s, (e) => e.type === "point");
    expect(r.found).toEqual({ type: "point", scorer: 1, side: "left" });
    expect(r.state.phase).toBe("serving");
    expect(r.state.deadBalls).toBe(0);
  });

  it("the limit-th untouched ball ends the match; the one before does not", () => {
    const s = playing("4p", { x: 300, y: 200, vx: -7, vy: 0 });
    s.paddles[0].pos = 500;
    s.scores = [0, 2, 1, 0];
    s.deadBalls = DEAD_BALL_LIMIT - 2;
    const first = runUntil(s, (e) => e.type === "point");
    expect(first.state.phase).toBe("serving");
    expect(first.state.deadBalls).toBe(DEAD_BALL_LIMIT - 1);
    const again = first.state;
    Object.assign(again, { phase: "playing", serveIn: 0 });
    again.ball = { x: 300, y: 200, vx: -7, vy: 0, speed: 7 };
    const end = runUntil(again, (e) => e.type === "game_over");
    expect(end.found).toEqual({ type: "game_over", winner: 1 }); // the leader
    expect(end.state.letThrough).toEqual([2, 0, 0, 0]);
  });

  it("2P is unaffected: an untouched miss is a point as ever", () => {
    const s = playing("2p", { x: 200, y: 500, vx: -7, vy: 0 });
    s.paddles[0].pos = 100;
    const r = runUntil(s, (e) => e.type === "point");
    expect(r.found).toEqual({ type: "point", scorer: 1, side: "left" });
    expect(r.state.deadBalls).toBe(0);
  });

  it("survives serialize/restore, and a state saved before the rule reads as zero counts", () => {
    const s = createGame(defaultConfig("4p"), 3);
    s.deadBalls = 4;
    s.letThrough = [1, 0, 2, 1];
    expect(restoreGame(JSON.parse(JSON.stringify(serializeGame(s))))).toEqual(s);
    const { deadBalls: _d, letThrough: _l, ...old } = s;
    const restored = restoreGame(old);
    expect(restored.deadBalls).toBe(0);
    expect(restored.letThrough).toEqual([0, 0, 0, 0]);
    expect(() => restoreGame({ ...s, letThrough: [1, 2] })).toThrow(/letThrough/);
  });
});
