/**
 * Rally harness for AI tests: a scripted shooter with perfect information on the left (seat 0)
 * returns every ball it can, aiming each return at a random spot of its paddle so shots come back
 * at varied angles and speeds ramp up to the cap; the AI under test plays the right (seat 1) and
 * only sees the game through `observe` (accepted once per second) and acts only through `decide`.
 */
import { AiPlayer, predictCrossing, type AiLevel } from "../../../src/shared/ai";
import { Rng, cloneState, createGame, defaultConfig, paddleHome, stepInPlace, type Dir, type GameEvent, type GameState } from "../../../src/shared/engine";

export interface RallyStats {
  /** Balls that reached the AI's side (returned + missed). */
  arrivals: number;
  returns: number;
  misses: number;
  /** Balls the scripted shooter failed to return (should be rare). */
  shooterMisses: number;
  /** Accepted AI views, and ticks simulated (views <= ticks / 60 + 1 must hold). */
  views: number;
  ticks: number;
  /** Highest ball speed seen. */
  topSpeed: number;
  /** Serves aimed at the AI's side, and the longest a served ball travelled before the AI's next look (ticks). */
  servesToAi: number;
  longestUnseenServe: number;
  /** Points the AI lost on a serve it had not looked at before the ball arrived. */
  blindServeMisses: number;
}

/**
 * The scripted player on the left. "perfect" intercepts with full knowledge; "laggy" reacts to
 * where the ball was `lag` ticks ago, like a person with a slow reaction, and so misses fast balls.
 */
export type Shooter = { kind: "perfect" } | { kind: "laggy"; lag: number };

function track(pos: number, target: number, speed: number): Dir {
  const diff = target - pos;
  return Math.abs(diff) <= speed / 2 ? 0 : diff > 0 ? 1 : -1;
}

/** Shooter's key for this tick: intercept with full knowledge, hitting at `aim` px off centre. */
function shooterDir(state: GameState, aim: number): Dir {
  const c = state.config;
  const p = state.paddles[0];
  let target = paddleHome(c, "left");
  if (state.phase === "playing" && state.ball.vx < 0) {
    const crossing = predictCrossing(c, state.ball, "left", { paddles: state.paddles });
    if (crossing) target = crossing.pos - aim;
  }
  return track(p.pos, target, c.paddleSpeed);
}

/** Laggy shooter: a perfect intercept computed from the state `lag` ticks ago. */
function laggyDir(state: GameState, past: GameState, aim: number): Dir {
  const c = state.config;
  let target = paddleHome(c, "left");
  if (past.phase === "playing" && past.ball.vx < 0) {
    const crossing = predictCrossing(c, past.ball, "left", { paddles: past.paddles });
    if (crossing) target = crossing.pos - aim;
  }
  return track(state.paddles[0].pos, target, c.paddleSpeed);
}

export function runRallies(level: AiLevel, arrivalsWanted: number, seed: number, shooter: Shooter = { kind: "perfect" }): RallyStats {
  const config = defaultConfig("2p", { winScore: 1_000_000 });
  const state = createGame(config, seed);
  const ai = new AiPlayer(level, 1, seed ^ 0x5bd1e995);
  const aimRng = new Rng(seed ^ 0x1234567);
  let aim = 0;
  const stats: RallyStats = {
    arrivals: 0,
    returns: 0,
    misses: 0,
    shooterMisses: 0,
    views: 0,
    ticks: 0,
    topSpeed: 0,
    servesToAi: 0,
    longestUnseenServe: 0,
    blindServeMisses: 0,
  };
  const events: GameEvent[] = [];
  const inputs: Dir[] = [0, 0];
  const history: GameState[] = [];
  /** Tick of a serve towards the AI that it has not looked at yet, or -1. */
  let unseenServe = -1;
  let servedBall = false;
  while (stats.arrivals < arrivalsWanted && stats.ticks < arrivalsWanted * 2000) {
    if (ai.observe(state)) {
      stats.views++;
      if (unseenServe >= 0) stats.longestUnseenServe = Math.max(stats.longestUnseenServe, state.tick - unseenServe);
      unseenServe = -1;
    }
    inputs[1] = ai.decide(state.tick);
    if (shooter.kind === "perfect") inputs[0] = shooterDir(state, aim);
    else {
      history.push(cloneState(state));
      if (history.length > shooter.lag + 1) history.shift();
      inputs[0] = laggyDir(state, history[0], aim);
    }
    events.length = 0;
    stepInPlace(state, inputs, events);
    stats.ticks++;
    if (state.ball.speed > stats.topSpeed) stats.topSpeed = state.ball.speed;
    for (const e of events) {
      if (e.type === "serve") {
        servedBall = true;
        if (state.ball.vx > 0) {
          stats.servesToAi++;
          unseenServe = state.tick;
        }
      }
      if (e.type === "paddle_hit") servedBall = false;
      if (e.type === "paddle_hit" && e.seat === 1) stats.returns++;
      if (e.type === "paddle_hit" && e.seat === 0) aim = aimRng.signed() * 40;
      if (e.type === "point" && e.side === "right") {
        stats.misses++;
        if (servedBall && unseenServe >= 0) {
          stats.blindServeMisses++;
          stats.longestUnseenServe = Math.max(stats.longestUnseenServe, state.tick - unseenServe);
        }
        unseenServe = -1;
      }
      if (e.type === "point" && e.side === "left") stats.shooterMisses++;
    }
    stats.arrivals = stats.returns + stats.misses;
  }
  return stats;
}
