/**
 * Bit-exact regression guard for the engine: fixed seeds, scripted trackers with a reaction lag
 * (long rallies, paddle ends, speed-ups, misses, 4P eliminations), and a hash of every state the
 * run passes through. The hashes were recorded from the engine as it stood; any change to the
 * maths of a step (even one that "only" reorders a float operation) changes them. That is the
 * point: a replay, a checkpoint restored after a deploy, and client prediction against the server
 * all rely on the same inputs giving the same bits. If a change to the rules is intended, update
 * the hashes in the same commit and say so.
 */
import { describe, expect, it } from "vitest";
import { createGame, defaultConfig, eliminateSeat, SIDE_INFO, stepInPlace, type Dir, type GameEvent, type GameState, type Mode } from "../../../src/shared/engine";

/** FNV-1a over the JSON of the state: JSON numbers round-trip doubles exactly. */
function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Each seat follows where the ball was `lag` ticks ago, within a dead zone: good but beatable. */
function trackerInputs(state: GameState, history: { x: number; y: number }[], lag: number[]): Dir[] {
  return state.paddles.map((p, seat) => {
    const seen = history[Math.max(0, history.length - 1 - lag[seat])] ?? state.ball;
    const target = SIDE_INFO[p.side].horizontal ? seen.x : seen.y;
    const d = target - p.pos;
    return (Math.abs(d) < 6 ? 0 : d > 0 ? 1 : -1) as Dir;
  });
}

function run(mode: Mode, seed: number, ticks: number, lag: number[]): { hash: number; tick: number; scores: number[]; winner: number; hits: number } {
  let state = createGame({ ...defaultConfig(mode), winScore: 99 }, seed);
  const events: GameEvent[] = [];
  const history: { x: number; y: number }[] = [];
  let hash = 0x811c9dc5;
  let hits = 0;
  for (let t = 0; t < ticks && state.phase !== "over"; t++) {
    history.push({ x: state.ball.x, y: state.ball.y });
    if (history.length > 64) history.shift();
    // 4P: one player drops out a third of the way in, so walls are covered too.
    if (mode === "4p" && t === Math.floor(ticks / 3)) state = eliminateSeat(state, 2);
    events.length = 0;
    stepInPlace(state, trackerInputs(state, history, lag), events);
    for (const e of events) if (e.type === "paddle_hit") hits++;
    hash = fnv1a(hash, JSON.stringify(state));
  }
  return { hash, tick: state.tick, scores: [...state.scores], winner: state.winner, hits };
}

describe("engine golden runs (bit-exact)", () => {
  it("2P, seed 20261125: the same bits as recorded", () => {
    const r = run("2p", 20261125, 20_000, [9, 14]);
    expect(r.hits).toBeGreaterThan(50); // the run exercises rallies, not only serves
    expect(r.scores.reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
    expect(r).toEqual(GOLDEN_2P);
  });

  it("4P, seed 7, seat 2 out at a third: the same bits as recorded", () => {
    const r = run("4p", 7, 20_000, [8, 12, 10, 16]);
    expect(r.hits).toBeGreaterThan(50);
    expect(r.scores.reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
    expect(r).toEqual(GOLDEN_4P);
  });
});

const GOLDEN_2P = { hash: 3026508538, tick: 20000, scores: [34, 8], winner: -1, hits: 92 };
const GOLDEN_4P = { hash: 2762608432, tick: 20000, scores: [28, 31, 9, 18], winner: -1, hits: 223 };
