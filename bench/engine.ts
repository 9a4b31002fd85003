/**
 * Engine throughput: how many fixed ticks per second one core can simulate. The workload is a
 * batch of independent games (like a server process hosting many rooms), each with every paddle
 * driven by a cheap imperfect bot so paddles keep moving and rallies are live: each bot re-plans
 * only when something happens (serve, hit, wall bounce: one `predictCrossing` per paddle), then
 * just steers towards its target plus an aim offset, which is sometimes outside the paddle's reach
 * (a miss). So balls are mostly returned (reaching top speed) and points, serves and game overs
 * happen too (finished games are restarted). Bot work is included in the timing.
 */
import { performance } from "node:perf_hooks";
import {
  Rng,
  SIDE_INFO,
  createGame,
  defaultConfig,
  step,
  stepInPlace,
  type Dir,
  type GameEvent,
  type GameState,
  type Mode,
} from "../src/shared/engine";
import { predictCrossing } from "../src/shared/ai";
import { machineLine } from "./machine";

export interface EngineFigures {
  mode: Mode;
  api: "stepInPlace" | "step";
  stepsPerSec: number;
  steps: number;
  seconds: number;
  paddleHits: number;
  points: number;
  gamesFinished: number;
  /** Share of ticks spent in phase "playing" (the ball moving). */
  playingShare: number;
}

const GAMES = 64;

class Workload {
  readonly games: GameState[] = [];
  private readonly offsets: number[][] = [];
  private readonly rng: Rng;
  private readonly inputs: Dir[][] = [];
  private readonly targets: number[][] = [];
  readonly events: GameEvent[] = [];
  hits = 0;
  points = 0;
  finished = 0;
  playing = 0;

  constructor(private readonly mode: Mode, seed: number) {
    this.rng = new Rng(seed);
    for (let g = 0; g < GAMES; g++) {
      this.games.push(this.newGame());
      this.offsets.push([0, 0, 0, 0].map(() => this.aim()));
      this.inputs.push([0, 0, 0, 0]);
      this.targets.push([300, 300, 300, 300]);
    }
  }

  private newGame(): GameState {
    return createGame(defaultConfig(this.mode, { winScore: 11 }), this.rng.int(2 ** 32));
  }

  /** Aim offset: within the paddle's reach (60) 9 times in 10, otherwise just outside (a miss). */
  private aim(): number {
    const sign = this.rng.next() < 0.5 ? -1 : 1;
    return this.rng.next() < 0.9 ? sign * this.rng.next() * 50 : sign * (62 + this.rng.next() * 30);
  }

  /** Re-plans every paddle of game `g`: where the ball will cross its side, plus its aim offset. */
  private plan(g: number): void {
    const s = this.games[g];
    for (let seat = 0; seat < s.paddles.length; seat++) {
      const p = s.paddles[seat];
      const crossing = s.phase === "playing" ? predictCrossing(s.config, s.ball, p.side, { paddles: s.paddles, maxBounces: 4 }) : null;
      this.targets[g][seat] = crossing ? crossing.pos + this.offsets[g][seat] : (SIDE_INFO[p.side].horizontal ? s.config.width : s.config.height) / 2;
    }
  }

  inputsFor(g: number): Dir[] {
    const s = this.games[g];
    const out = this.inputs[g];
    const targets = this.targets[g];
    for (let seat = 0; seat < s.paddles.length; seat++) {
      const diff = targets[seat] - s.paddles[seat].pos;
      out[seat] = diff > 4 ? 1 : diff < -4 ? -1 : 0;
    }
    return out;
  }

  afterStep(g: number, events: readonly GameEvent[]): void {
    let s = this.games[g];
    if (s.phase === "playing") this.playing++;
    let replan = false;
    for (const e of events) {
      if (e.type === "paddle_hit") {
        this.hits++;
        this.offsets[g][e.seat] = this.aim();
      } else if (e.type === "point") {
        this.points++;
        for (let seat = 0; seat < 4; seat++) this.offsets[g][seat] = this.aim(); // fresh aims after a miss
      }
      replan = true;
    }
    if (s.phase === "over") {
      this.finished++;
      s = this.games[g] = this.newGame();
      replan = true;
    }
    if (replan) this.plan(g);
  }
}

function runFor(mode: Mode, api: EngineFigures["api"], ms: number, seed: number): EngineFigures {
  const w = new Workload(mode, seed);
  const events = w.events;
  let steps = 0;
  const t0 = performance.now();
  let now = t0;
  while (now - t0 < ms) {
    for (let round = 0; round < 16; round++) {
      for (let g = 0; g < GAMES; g++) {
        const inputs = w.inputsFor(g);
        if (api === "stepInPlace") {
          events.length = 0;
          stepInPlace(w.games[g], inputs, events);
          w.afterStep(g, events);
        } else {
          const r = step(w.games[g], inputs);
          w.games[g] = r.state;
          w.afterStep(g, r.events);
        }
      }
    }
    steps += 16 * GAMES;
    now = performance.now();
  }
  const seconds = (now - t0) / 1000;
  return {
    mode,
    api,
    stepsPerSec: steps / seconds,
    steps,
    seconds,
    paddleHits: w.hits,
    points: w.points,
    gamesFinished: w.finished,
    playingShare: w.playing / steps,
  };
}

export interface EngineBenchOptions {
  warmupMs?: number;
  durationMs?: number;
}

export interface EngineBenchResult {
  figures: EngineFigures[];
  markdown: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export function runEngineBench(options: EngineBenchOptions = {}): EngineBenchResult {
  const warmupMs = options.warmupMs ?? 500;
  const durationMs = options.durationMs ?? 2000;
  const figures: EngineFigures[] = [];
  for (const mode of ["2p", "4p"] as const) {
    for (const api of ["stepInPlace", "step"] as const) {
      runFor(mode, api, warmupMs, 1); // warm-up (JIT), discarded
      const f = runFor(mode, api, durationMs, 2);
      figures.push(f);
      console.log(
        `engine ${mode} ${api.padEnd(11)} ${fmt(f.stepsPerSec).padStart(12)} steps/s  (${fmt(f.steps)} steps in ${f.seconds.toFixed(2)} s; ` +
          `${fmt(f.paddleHits)} hits, ${fmt(f.points)} points, ${f.gamesFinished} games, ${(f.playingShare * 100).toFixed(0)}% in play)`,
      );
    }
  }
  const rows = figures.map(
    (f) =>
      `| ${f.mode} | \`${f.api}\` | ${fmt(f.stepsPerSec)} | ${fmt(f.stepsPerSec / 60)} | ${fmt(f.paddleHits)} | ${fmt(f.points)} | ${(f.playingShare * 100).toFixed(0)}% |`,
  );
  const markdown = [
    "## Engine",
    "",
    `Single thread, ${GAMES} concurrent games with a bot on every paddle (moving paddles, live rallies up to top speed, ` +
      `points and restarts; bot planning included in the timing), ${(durationMs / 1000).toFixed(1)} s per row after ${(warmupMs / 1000).toFixed(1)} s warm-up. ` +
      "`stepInPlace` is the mutating step for server loops; `step` is the pure one (clone + stepInPlace).",
    "",
    `Machine: ${machineLine()}. Run on ${new Date().toISOString().slice(0, 10)}.`,
    "",
    "| mode | API | steps/s | games at 60 Hz per core | paddle hits | points | ticks in play |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    "\"Games at 60 Hz per core\" is steps/s / 60: an upper bound for simulation alone (no networking, no serialization).",
  ].join("\n");
  return { figures, markdown };
}
