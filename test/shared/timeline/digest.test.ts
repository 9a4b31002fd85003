import { describe, expect, it } from "vitest";
import { cloneState, createGame, defaultConfig, type GameState } from "../../../src/shared/engine";
import { stateDigest } from "../../../src/shared/timeline";

const base = () => createGame(defaultConfig("4p"), 42);

describe("stateDigest", () => {
  it("is a uint32 and stable across engines (golden value)", () => {
    const d = stateDigest(base());
    expect(d).toBe(d >>> 0);
    // Recomputed on every platform that runs the suite: a change here means the digest (or the
    // engine's initial state) changed, and old clients would see every server digest mismatch.
    expect(d).toBe(GOLDEN_4P_SEED_42);
  });

  const mutations: [string, (s: GameState) => void][] = [
    ["config.width", (s) => (s.config.width += 1)],
    ["config.ballSpeedup", (s) => (s.config.ballSpeedup += 1e-12)],
    ["config.servePauseTicks", (s) => (s.config.servePauseTicks += 1)],
    ["tick", (s) => (s.tick += 1)],
    ["phase", (s) => (s.phase = "playing")],
    ["serveIn", (s) => (s.serveIn -= 1)],
    ["ball.x (last bit)", (s) => (s.ball.x = s.ball.x + s.ball.x * Number.EPSILON)],
    ["ball.y", (s) => (s.ball.y += 0.5)],
    ["ball.vx", (s) => (s.ball.vx = 1)],
    ["ball.vy", (s) => (s.ball.vy = 1)],
    ["ball.speed", (s) => (s.ball.speed += 1)],
    ["paddle pos", (s) => (s.paddles[3].pos += 1)],
    ["paddle dir", (s) => (s.paddles[2].dir = -1)],
    ["paddle active", (s) => (s.paddles[1].active = false)],
    ["scores", (s) => (s.scores[0] = 1)],
    ["lastTouch", (s) => (s.lastTouch = 2)],
    ["winner", (s) => (s.winner = 0)],
    ["rng", (s) => (s.rng ^= 1)],
  ];
  it.each(mutations)("changes when %s changes", (_, mutate) => {
    const s = base();
    const t = cloneState(s);
    mutate(t);
    expect(stateDigest(t)).not.toBe(stateDigest(s));
  });

  it("hashes -0 as +0 (a state that went through JSON digests the same)", () => {
    const s = base();
    const t = cloneState(s);
    s.ball.vx = -0;
    t.ball.vx = 0;
    expect(stateDigest(s)).toBe(stateDigest(t));
    expect(stateDigest(JSON.parse(JSON.stringify(s)))).toBe(stateDigest(s));
  });
});

const GOLDEN_4P_SEED_42 = 1696700495;
