/**
 * The match simulation as this browser runs it (protocol 5): the rollback session fed with the
 * server's messages, the clock estimate, the lead over the server, digest verification and the
 * smoothed picture. No socket and no UI: OnlineMatch (match.ts) owns those, hands every game
 * message here and sends what this returns. `now` is performance.now() throughout.
 *
 * A player runs `rtt/2 + margin` ahead of the server so its inputs, stamped with its own tick,
 * arrive in time: at a steady latency its own paddle is never corrected. A spectator runs
 * `rtt/2 + margin` behind, so every relayed input arrives before it is needed: no corrections.
 */
import type { Dir, GameConfig, GameState } from "../../shared/engine/types";
import { ClockSync, DigestChecks, LeadController, PlayClock, RenderSmoother, RollbackSession, WakeAsker, type Rewind } from "../../shared/net";
import type { GameOverMsg, GameStartedMsg, InputMsg, InputMovedMsg, InputRefusedMsg, PausedMsg, PlayerOutMsg, PointMsg, ResyncMsg, SyncMsg, TimeRequestMsg, WakeMsg, WelcomeMsg } from "../../shared/protocol/messages";
import type { RelayFrame } from "../../shared/protocol/relay";
import { stateDigest, type TickClock } from "../../shared/timeline";

/** Netcode counters, readable by tests and the curious as `window.__pongNet` while a game is open. */
export interface NetStats {
  inputs: number;
  relays: number;
  /** Own inputs the server applied later than stamped / refused. */
  moved: number;
  refused: number;
  rewinds: number;
  rewoundTicks: number;
  maxRewind: number;
  /** Rewinds that changed what was on screen (blended in), and the largest errors taken on (px). */
  corrections: number;
  maxBallError: number;
  maxPaddleError: number;
  digestsMatched: number;
  mismatches: number;
  resyncs: number;
  syncs: number;
  rttMs: number;
  jitterMs: number;
  offsetMs: number;
  /** Lead over the server (players) or delay behind it (spectators), and its margin part. */
  leadMs: number;
  marginMs: number;
  frames: number;
}

/** One drawn frame, recorded when `window.__pongTrace = true` (the play-feel e2e test reads them). */
export interface FrameTrace {
  at: number;
  tick: number;
  /** As drawn; `speed`, `vx`, `vy`: the engine's (px per tick) at this tick. */
  ball: { x: number; y: number; speed: number; vx: number; vy: number };
  /** The local player's paddle as drawn (NaN for spectators). */
  own: number;
  phase: string;
  points: number;
}

type Outgoing = InputMsg | TimeRequestMsg | ResyncMsg | WakeMsg;

const RESYNC_GAP_MS = 2000;
/**
 * Own inputs per second, sustained and as a burst: half the server's frame budget (60/s, every
 * frame counts), so pointer steering that flips direction every frame can never get the socket
 * closed; a change that finds no token goes out on a later frame (steer is called every frame).
 */
const INPUTS_PER_S = 30;
const TRACE_MAX = 3600;

export class NetPlay {
  readonly stats: NetStats = {
    inputs: 0,
    relays: 0,
    moved: 0,
    refused: 0,
    rewinds: 0,
    rewoundTicks: 0,
    maxRewind: 0,
    corrections: 0,
    maxBallError: 0,
    maxPaddleError: 0,
    digestsMatched: 0,
    mismatches: 0,
    resyncs: 0,
    syncs: 0,
    rttMs: 0,
    jitterMs: 0,
    offsetMs: 0,
    leadMs: 0,
    marginMs: 0,
    frames: 0,
  };
  trace: FrameTrace[] | null = null;

  private readonly clockSync = new ClockSync();
  private readonly play = new PlayClock();
  private readonly checks = new DigestChecks();
  /** Points this simulation scored, until the server's clock reaches them (`wake`: protocol 3). */
  private readonly wakes = new WakeAsker();
  private readonly lead: LeadController;
  private readonly smoother: RenderSmoother;
  private readonly tickMs: number;
  private session: RollbackSession | null = null;
  /** The server's tick clock while it runs; null while frozen (waiting, countdown, pause, end). */
  private clock: TickClock | null = null;
  /** Server epoch ms minus local ms from `welcome` (one-way late), until a time sample comes. */
  private roughOffset: number;
  private nextSeq: number;
  private lastSentTick = -1;
  private lastSentDir: Dir | null = null;
  private lastResyncAt = -Infinity;
  private ended = false;
  private tokens = INPUTS_PER_S;
  private tokensAt = 0;

  constructor(
    readonly welcome: WelcomeMsg,
    private readonly send: (msg: Outgoing) => void,
    now: number,
    firstSeq: number,
  ) {
    const cfg = welcome.config;
    this.tickMs = 1000 / cfg.tickHz;
    this.lead = new LeadController({ tickMs: this.tickMs, maxLeadMs: cfg.maxLeadTicks * this.tickMs });
    this.smoother = new RenderSmoother(cfg.engine, { tickMs: this.tickMs });
    this.roughOffset = welcome.serverTime - now;
    this.nextSeq = firstSeq;
  }

  get config(): GameConfig {
    return this.welcome.config.engine;
  }

  get seat(): number {
    return this.welcome.you.role === "player" ? this.welcome.you.seat : -1;
  }

  get spectator(): boolean {
    return this.seat < 0;
  }

  get state(): Readonly<GameState> | null {
    return this.session?.state ?? null;
  }

  /** The next input seq (to continue above it after a reload). */
  get seq(): number {
    return this.nextSeq;
  }

  /** A new connection: the same match, maybe a new path (measure the clock again). */
  reconnected(welcome: WelcomeMsg, now: number): void {
    this.clockSync.restart();
    this.play.reset();
    this.roughOffset = welcome.serverTime - now;
    this.nextSeq = Math.max(this.nextSeq, welcome.you.ack + 1);
    this.lastSentDir = null;
  }

  // ------------------------------------------------------------------ server messages

  onSync(msg: SyncMsg): void {
    const old = this.session;
    const next = RollbackSession.fromCheckpoint(msg.timeline);
    // The state travelled as JSON: it must still hash to the server's digest (a codec bug otherwise).
    if (next.digest() !== msg.digest >>> 0) console.warn(`sync: the received state does not match its digest (tick ${msg.tick})`);
    this.stats.syncs++;
    this.checks.clear();
    const seat = this.seat;
    if (seat >= 0) this.nextSeq = Math.max(this.nextSeq, (msg.acks[seat] ?? -1) + 1);
    // Own inputs sent on this socket and not in the sync yet are still on their way: keep them.
    // After a reconnect (reason "join") the old socket's inputs are lost: the held direction is
    // sent again instead (lastSentDir was reset).
    if (old && seat >= 0 && msg.reason !== "join") {
      for (const i of old.ownInputsAfter(msg.acks[seat] ?? -1)) next.addInput(Math.max(i.tick, next.tick), seat, i.dir, i.seq);
    }
    this.clock = msg.running ? { t0: msg.t0, tickHz: this.welcome.config.tickHz } : null;
    if (!msg.running) next.freeze(msg.tick);
    this.session = next;
    this.wakes.clear();
    this.play.reset();
    if (old && msg.reason !== "join") {
      // Shown as a correction from where the old simulation was, at the same tick.
      if (next.tick < old.tick && this.clock) next.advanceTo(old.tick);
      if (next.tick === old.tick) this.smoother.correct(old.state, next.state);
      else this.smoother.reset();
    } else this.smoother.reset();
    this.lastSentDir = seat >= 0 ? next.heldDir(seat) : null;
  }

  onGameStarted(msg: GameStartedMsg, now: number): void {
    this.clock = { t0: msg.t0, tickHz: this.welcome.config.tickHz };
    this.play.reset();
    this.session?.unfreeze();
    this.claim(msg, "game_started");
  }

  onPaused(msg: PausedMsg, now: number): void {
    this.clock = null;
    this.apply(this.session?.freeze(msg.tick), now);
    this.claim(msg, "paused");
  }

  /** A player left: the server freezes the timeline (a `paused` with the tick follows). */
  halt(): void {
    this.clock = null;
  }

  onPoint(msg: PointMsg, now: number): void {
    this.claim(msg, "point");
  }

  onPlayerOut(msg: PlayerOutMsg, now: number): void {
    this.apply(this.session?.eliminate(msg.tick, msg.seat), now);
    this.claim(msg, "player_out");
  }

  onGameOver(msg: Pick<GameOverMsg, "tick" | "digest" | "acks">, now: number): void {
    const { tick } = msg;
    this.ended = true;
    this.clock = null;
    if (tick >= 0 && this.session) {
      // Own inputs the server never applied (still on their way when it ended) leave the
      // simulation first; relayed ones all came before this message on the same socket. So the
      // final state is known exactly and compared at once.
      const seat = this.seat;
      if (seat >= 0) this.apply(this.session.dropOwnInputsAfter(msg.acks[seat] ?? -1), now);
      if (this.session.tick > tick) this.apply(this.session.freeze(tick), now);
      else this.session.advanceTo(tick);
      this.claim(msg, "game_over");
      this.verify(now);
    }
  }

  onInputMoved(msg: InputMovedMsg, now: number): void {
    this.stats.moved++;
    this.lead.onLate(msg.tick - msg.stamp, now);
    this.apply(this.session?.moveOwnInput(msg.seq, msg.tick), now);
  }

  onInputRefused(msg: InputRefusedMsg, now: number): void {
    this.stats.refused++;
    if (msg.code === "too_early") this.lead.onTooEarly(now);
    this.apply(this.session?.dropOwnInput(msg.seq), now);
  }

  onTime(c: number, s: number, now: number): void {
    const first = this.clockSync.estimate === null;
    // The first real estimate replaces the rough one from `welcome` (off by a one-way latency,
    // and no RTT yet): jump to it rather than slew for seconds with stamps that arrive late.
    if (this.clockSync.add(c, s, now) && first) this.play.reset();
  }

  onRelay(frame: RelayFrame, now: number): void {
    const session = this.session;
    if (!session) return;
    if (frame.kind === "check") {
      this.claim(frame, "check");
      return;
    }
    this.stats.relays++;
    // A spectator should never need this input in its past: if it does, it watches too close.
    if (this.spectator && frame.tick < session.tick) this.lead.onLate(session.tick - frame.tick, now);
    this.apply(session.addInput(frame.tick, frame.seat, frame.dir), now);
  }

  // ------------------------------------------------------------------ local player

  /**
   * The local player holds `dir`. Sends a stamped input when it changed: at most one per tick
   * while the clock runs (a change within the same tick goes out at the next one).
   */
  steer(dir: Dir, now: number): void {
    const session = this.session;
    const seat = this.seat;
    if (!session || seat < 0 || this.ended || session.over || !session.state.paddles[seat]?.active) return;
    if (dir === this.lastSentDir) return;
    this.advance(now);
    const stamp = session.tick;
    if (stamp === this.lastSentTick && this.clock) return;
    this.tokens = Math.min(INPUTS_PER_S, this.tokens + ((now - this.tokensAt) * INPUTS_PER_S) / 1000);
    this.tokensAt = now;
    if (this.tokens < 1) return;
    this.tokens--;
    const seq = this.nextSeq++;
    const r = session.addInput(stamp, seat, dir, seq);
    this.apply(r, now);
    this.lastSentTick = stamp;
    this.lastSentDir = dir;
    this.stats.inputs++;
    this.send({ type: "input", seq, tick: stamp, dir });
  }

  // ------------------------------------------------------------------ every frame

  /** Steps the simulation to `now` (the player's lead or the spectator's delay applied). Returns the fraction of a tick. */
  private advance(now: number): number {
    const session = this.session;
    if (!session || !this.clock) return 0;
    const est = this.clockSync.estimate;
    const offset = est ? est.offsetMs : this.roughOffset;
    const rtt = est ? est.rttMs : 0;
    const jitter = est ? est.jitterMs : 0;
    const lead = this.lead.leadMs(rtt, jitter, now);
    this.stats.leadMs = lead;
    this.stats.marginMs = this.lead.marginMs(now, jitter);
    const target = this.play.tick(this.clock, now, this.spectator ? offset - lead : offset + lead);
    const whole = Math.floor(target);
    if (whole > session.tick) {
      // A tab that slept for minutes: the rewind history is gone anyway, resume from a sync.
      if (whole - session.tick > 3600) this.askResync(now, session.tick);
      // The side the ball left by asks (its own inputs are exact; a hostile one only costs its match the alarms).
      for (const e of session.advanceTo(whole)) if (e.event.type === "point" && e.event.side === this.welcome.you.side) this.wakes.saw(e.tick);
    }
    if (session.frozenAt !== null || session.over) return 0;
    return Math.max(0, Math.min(1, target - session.tick));
  }

  /** The state to draw at `now`, or null before the first sync. Also sends what is due. */
  frame(now: number): GameState | null {
    const t = this.clockSync.due(now);
    if (t !== null) this.send({ type: "time", c: t });
    const session = this.session;
    if (!session) return null;
    const alpha = this.advance(now);
    this.verify(now);
    this.askWake(now);
    const dirs = session.nextDirs();
    const base = session.state;
    const shown = this.smoother.frame({ ...base, paddles: base.paddles.map((p, i) => ({ ...p, dir: dirs[i] })) }, alpha, now);
    this.collect();
    this.stats.frames++;
    if (this.trace) {
      if (this.trace.length >= TRACE_MAX) this.trace.splice(0, this.trace.length - TRACE_MAX + 1);
      const seat = this.seat;
      this.trace.push({
        at: now,
        tick: session.tick + alpha,
        ball: { x: shown.ball.x, y: shown.ball.y, speed: base.ball.speed, vx: base.ball.vx, vy: base.ball.vy },
        own: seat >= 0 ? shown.paddles[seat].pos : Number.NaN,
        phase: base.phase,
        points: base.scores.reduce((a, b) => a + b, 0),
      });
    }
    return shown;
  }

  // ------------------------------------------------------------------ internals

  /** Sends `wake` once a point this simulation scored is due on the server (WakeAsker). */
  private askWake(now: number): void {
    if (!this.session || !this.clock || this.seat < 0 || this.ended) return;
    const est = this.clockSync.estimate;
    const arrival = now + (est ? est.offsetMs + est.rttMs / 2 : this.roughOffset);
    const tick = this.wakes.due(this.clock, arrival, est ? est.jitterMs : 0);
    if (tick !== null) this.send({ type: "wake", tick });
  }

  private claim(msg: { tick: number; digest: number; acks: readonly number[] }, source: string): void {
    if (this.session) this.checks.add({ tick: msg.tick, digest: msg.digest, acks: msg.acks, source });
  }

  /** Compares the server's digests whose inputs are all known (DigestChecks); asks for a sync on a mismatch. */
  private verify(now: number): void {
    const session = this.session;
    if (!session) return;
    const bad = this.checks.run(session, this.seat);
    if (!bad) return;
    this.stats.mismatches++;
    this.checks.clear();
    if (!this.ended) this.askResync(now, bad.tick);
  }

  private askResync(now: number, tick: number): void {
    if (now - this.lastResyncAt < RESYNC_GAP_MS || !this.session) return;
    this.lastResyncAt = now;
    this.stats.resyncs++;
    const s = this.session.stateAt(tick);
    console.warn(`netplay: simulation differs from the server at tick ${tick}: asking for a sync`);
    this.send({ type: "resync", tick: Math.max(0, tick), digest: s ? stateDigest(s) : 0 });
  }

  /** A rewind (or a sync request when the input is older than the history). */
  private apply(r: Rewind | null | "too_old" | undefined, now: number): void {
    if (!r || !this.session) return;
    if (r === "too_old") {
      this.askResync(now, this.session.oldestTick);
      return;
    }
    // Also across ticks (a pause that took the simulation back): the picture glides, never jumps.
    this.smoother.correct(r.before, this.session.state);
  }

  private collect(): void {
    const s = this.session;
    const st = this.stats;
    if (s) {
      st.rewinds = s.rewinds;
      st.rewoundTicks = s.rewoundTicks;
      st.maxRewind = s.maxRewind;
    }
    st.corrections = this.smoother.corrections;
    st.maxBallError = this.smoother.maxBallError;
    st.maxPaddleError = this.smoother.maxPaddleError;
    st.digestsMatched = this.checks.matched;
    const est = this.clockSync.estimate;
    if (est) {
      st.rttMs = est.rttMs;
      st.jitterMs = est.jitterMs;
      st.offsetMs = est.offsetMs;
    }
  }
}
