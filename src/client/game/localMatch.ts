/**
 * A local match (2 players on one keyboard, or versus the AI): engine state plus the parts the
 * engine leaves to its caller - countdown before the first serve, pause, game over. Framework-free:
 * the UI subscribes to snapshots; the fixed loop calls `tick()` 60 times a second.
 */
import { createGame, defaultConfig, step, type ConfigOverrides } from "../../shared/engine";
import type { GameConfig, GameEvent, GameState } from "../../shared/engine/types";
import type { InputDriver } from "./drivers";
import { SeatInput } from "./input";
import { TICK_HZ } from "./loop";

export type MatchPhase = "countdown" | "playing" | "paused" | "over";

export interface MatchSnapshot {
  phase: MatchPhase;
  /** 3, 2, 1 during the countdown, 0 otherwise. */
  countdown: number;
  scores: number[];
  /** Winning seat, or -1. */
  winner: number;
}

export interface LocalMatchOptions {
  config?: ConfigOverrides;
  /** Drivers other than the keyboard (AI, touch), run every tick before the engine step. */
  drivers?: InputDriver[];
  countdownSeconds?: number;
  seed?: number;
}

export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

export class LocalMatch {
  readonly input: SeatInput;
  readonly config: GameConfig;
  state: GameState;
  /** State before the last step (for render interpolation). */
  previous: GameState;
  private phase: MatchPhase = "countdown";
  private pausedFrom: MatchPhase = "playing";
  private countdownTicks: number;
  private readonly drivers: InputDriver[];
  private readonly listeners = new Set<(snapshot: MatchSnapshot) => void>();
  private lastSnapshot: MatchSnapshot;

  constructor(private readonly options: LocalMatchOptions = {}) {
    this.config = defaultConfig("2p", { winScore: 5, ...options.config });
    this.input = new SeatInput(this.config.mode === "2p" ? 2 : 4);
    this.drivers = options.drivers ?? [];
    this.state = createGame(this.config, options.seed ?? randomSeed());
    this.previous = this.state;
    this.countdownTicks = this.countdownLength();
    this.lastSnapshot = this.makeSnapshot();
  }

  private countdownLength(): number {
    return Math.round((this.options.countdownSeconds ?? 3) * TICK_HZ);
  }

  /** One fixed step (1/60 s). Returns the engine events of this step. */
  tick(): GameEvent[] {
    let events: GameEvent[] = [];
    this.previous = this.state;
    if (this.phase === "countdown") {
      this.countdownTicks--;
      if (this.countdownTicks <= 0) this.phase = "playing";
    } else if (this.phase === "playing") {
      for (const driver of this.drivers) driver.beforeStep(this.state, this.input);
      const result = step(this.state, this.input.dirs());
      this.state = result.state;
      events = result.events;
      if (this.state.phase === "over") this.phase = "over";
    }
    this.emitIfChanged();
    return events;
  }

  snapshot(): MatchSnapshot {
    return this.lastSnapshot;
  }

  subscribe(listener: (snapshot: MatchSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  pause(): void {
    if (this.phase !== "countdown" && this.phase !== "playing") return;
    this.pausedFrom = this.phase;
    this.phase = "paused";
    this.input.releaseAll();
    for (const driver of this.drivers) driver.release?.(this.input);
    this.emitIfChanged();
  }

  resume(): void {
    if (this.phase !== "paused") return;
    this.phase = this.pausedFrom;
    this.previous = this.state;
    this.emitIfChanged();
  }

  togglePause(): void {
    if (this.phase === "paused") this.resume();
    else this.pause();
  }

  /** New game with the same settings, starting with the countdown again. */
  restart(): void {
    this.input.releaseAll();
    for (const driver of this.drivers) (driver.restart ?? driver.release)?.call(driver, this.input);
    this.state = createGame(this.config, randomSeed());
    this.previous = this.state;
    this.phase = "countdown";
    this.countdownTicks = this.countdownLength();
    this.emitIfChanged();
  }

  private makeSnapshot(): MatchSnapshot {
    return {
      phase: this.phase,
      countdown: this.phase === "countdown" || (this.phase === "paused" && this.pausedFrom === "countdown") ? Math.ceil(this.countdownTicks / TICK_HZ) : 0,
      scores: this.state.scores.slice(),
      winner: this.state.winner,
    };
  }

  private emitIfChanged(): void {
    const next = this.makeSnapshot();
    const prev = this.lastSnapshot;
    if (
      next.phase === prev.phase &&
      next.countdown === prev.countdown &&
      next.winner === prev.winner &&
      next.scores.length === prev.scores.length &&
      next.scores.every((s, i) => s === prev.scores[i])
    )
      return;
    this.lastSnapshot = next;
    for (const listener of this.listeners) listener(next);
  }
}
