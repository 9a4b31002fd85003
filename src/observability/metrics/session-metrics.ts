/**
 * A GameSession's metrics: its hooks (hooks.ts) count into plain numbers in memory, and the
 * totals go to the Metrics object in one RPC, piggy-backed on activity that happens anyway:
 *
 * - at edges (game started/over, a socket opened/closed, a rejoin, a phase change or player
 *   presence change seen in a checkpoint): one coalesced flush from a microtask;
 * - while a match runs: at most every TICK_FLUSH_MS, checked on each alarm and sent frame.
 *
 * Nothing here starts a timer or is awaited by the game (a pending timer would keep the object
 * from hibernating; an await on the tick path would add latency). At most one report is in
 * flight; a failed one is merged back and goes with the next flush.
 *
 * Gauges are reported as this game's own values (source "game:<id>", lease GAUGE_TTL_S): games
 * active / lobbies open / players connected as absolute values from each checkpoint; open sockets
 * as an absolute count when a broadcast to every socket tells the exact number, otherwise as +1/-1
 * deltas to what this game reported before (a fresh instance after hibernation does not know the
 * count). See aggregate.ts for how the Metrics object sums sources and expires silent ones.
 */
import type { Mode } from "../../shared/engine/types";
import { MetricsBatch, type MetricsReport } from "./batch";
import { sendMetrics } from "./client";
import type { ObservabilityEnv } from "../env";
import {
  FORFEIT_REASONS,
  GAME_DURATION_BUCKETS,
  GAME_END_REASONS,
  INPUT_RELAY_BUCKETS,
  MODES,
  RECEIVE_OUTCOMES,
  REJOIN_OUTCOMES,
  SEND_KINDS,
  SOCKET_CLOSE_REASONS,
  SOCKET_ROLES,
  TICK_LATENESS_BUCKETS,
} from "./registry";

/**
 * While a match runs, its counters go out at most this often. Each report is an RPC into a Metrics
 * shard; at 5 s they were 6 % of the server's CPU at 100 matches (A/B in docs/benchmarks.md), for
 * counters Prometheus scrapes every 15 s and Grafana rates over 60 s ($__rate_interval). Edges
 * (start, end, sockets, presence) still go out at once.
 */
export const TICK_FLUSH_MS = 30_000;
/** A game silent for this long stops counting in the gauges (it reports at every edge and every TICK_FLUSH_MS while playing). */
export const GAUGE_TTL_S = 600;
/** A failed report is retried at once this many times before waiting for the next activity. */
export const MAX_IMMEDIATE_RETRIES = 2;

type CloseReason = (typeof SOCKET_CLOSE_REASONS)[number];
/** Closes the server initiates with code 1000: the client's answering close frame comes back as a "client" close. */
const ECHOING: ReadonlySet<string> = new Set<CloseReason>(["game_over", "out"]);

function indexer<T extends string>(values: readonly T[]): Record<string, number> {
  return Object.fromEntries(values.map((v, i) => [v, i]));
}
const MODE_I = indexer(MODES);
const REASON_I = indexer(GAME_END_REASONS);
const REJOIN_I = indexer(REJOIN_OUTCOMES);
const FORFEIT_I = indexer(FORFEIT_REASONS);
const ROLE_I = indexer(SOCKET_ROLES);
const CLOSE_I = indexer(SOCKET_CLOSE_REASONS);
const RECV_I = indexer(RECEIVE_OUTCOMES);
const SENT_I = indexer(SEND_KINDS);

/**
 * What a checkpoint tells the metrics: the slice of a GameSession's record (src/objects/game-session/record.ts)
 * this file reads. Structural because src/observability may not import src/objects; the record satisfies it.
 */
export interface SessionSnapshot {
  gameId: string;
  mode: Mode;
  phase: string;
  startedAt: number | null;
  seats: readonly ({ present: boolean; out: boolean } | null)[];
  /** Result bookkeeping (issue 12.2): a finished game whose D1 row or tournament report is still owed. */
  result?: unknown;
  recorded?: boolean;
  reported?: boolean;
  tournament?: unknown;
}

/**
 * The metrics side of a GameSession's hooks (src/objects/game-session/hooks.ts), plus onSaved (which
 * session-hooks.ts combines with its own). Argument unions are the registry's label values, so a new
 * reason on the game side fails to compile until the registry knows it.
 */
export interface SessionMetricsHooks {
  onGameStarted(mode: Mode): void;
  onGameOver(mode: Mode, reason: string, durationS: number): void;
  onRejoin(outcome: (typeof REJOIN_OUTCOMES)[number]): void;
  onForfeit(mode: Mode, reason: (typeof FORFEIT_REASONS)[number]): void;
  onAlarm(latenessMs: number): void;
  onSent(bytes: number, sockets: number, kind: (typeof SEND_KINDS)[number]): void;
  onSocketCount(sockets: number): void;
  onReceived(bytes: number, outcome: (typeof RECEIVE_OUTCOMES)[number]): void;
  onSocketOpen(role: (typeof SOCKET_ROLES)[number]): void;
  onSocketClose(reason: CloseReason): void;
  onDesync(): void;
  onInputRelayed(mode: Mode, heldMs: number): void;
  onWake(): void;
  onResultFailure(): void;
  onSaved(rec: SessionSnapshot): void;
}

export class SessionMetrics {
  // Counters since the last flush (indexes follow the registry's value lists).
  private started = new Float64Array(MODES.length);
  private finished = new Float64Array(MODES.length * GAME_END_REASONS.length);
  private durBuckets = MODES.map(() => new Float64Array(GAME_DURATION_BUCKETS.length + 1));
  private durSum = new Float64Array(MODES.length);
  private durCount = new Float64Array(MODES.length);
  private rejoin = new Float64Array(REJOIN_OUTCOMES.length);
  private forfeits = new Float64Array(MODES.length * FORFEIT_REASONS.length);
  private tickBuckets = new Float64Array(TICK_LATENESS_BUCKETS.length + 1);
  private relayBuckets = MODES.map(() => new Float64Array(INPUT_RELAY_BUCKETS.length + 1));
  private relaySum = new Float64Array(MODES.length);
  private relayCount = new Float64Array(MODES.length);
  private tickSum = 0;
  private tickCount = 0;
  private wakes = 0;
  private desyncs = 0;
  private resultFailures = 0;
  private conns = new Float64Array(SOCKET_ROLES.length);
  private closes = new Float64Array(SOCKET_CLOSE_REASONS.length);
  private recvMsgs = new Float64Array(RECEIVE_OUTCOMES.length);
  private recvBytes = new Float64Array(RECEIVE_OUTCOMES.length);
  private sentMsgs = new Float64Array(SEND_KINDS.length);
  private sentBytes = new Float64Array(SEND_KINDS.length);
  private counted = false;

  // This game's gauge state.
  private gameId: string | null = null;
  private mode: Mode | null = null;
  private active: number | null = null;
  private lobby: number | null = null;
  private players: number | null = null;
  /** 1 while this game's result is not yet durably recorded (pong_results_pending). */
  private resultsPending: number | null = null;
  /** Exact open-socket count when known (after a broadcast to every socket), else null. */
  private socketsAbs: number | null = null;
  /** Net opens minus closes not yet reported while the exact count is unknown. */
  private socketDelta = 0;
  private gaugesDirty = false;
  /** Server-initiated normal closes whose echo ("client") is still to come. */
  private pendingEchoes = 0;

  // Flushing.
  private pending = new MetricsBatch();
  private lastFlush = 0;
  private inflight = false;
  private again = false;
  private scheduled = false;
  private failures = 0;

  private readonly env: ObservabilityEnv;

  /** `env`: any environment; the METRICS binding is used when present. */
  constructor(
    env: object,
    private readonly now: () => number = Date.now,
  ) {
    this.env = env as ObservabilityEnv;
  }

  readonly hooks: SessionMetricsHooks = {
    onWake: () => {
      this.wakes += 1;
      this.counted = true;
    },
    onGameStarted: (mode) => {
      const m = MODE_I[mode];
      if (m === undefined) return;
      this.started[m] += 1;
      this.counted = true;
      this.mode = mode;
      this.setGauges(1, 0, this.players);
      this.flushSoon();
    },
    onGameOver: (mode, reason, durationS) => {
      const m = MODE_I[mode];
      const r = REASON_I[reason] ?? REASON_I.abandoned;
      if (m === undefined) return;
      this.finished[m * GAME_END_REASONS.length + r] += 1;
      const d = Number.isFinite(durationS) && durationS >= 0 ? durationS : 0;
      this.durBuckets[m][bucketOf(GAME_DURATION_BUCKETS, d)] += 1;
      this.durSum[m] += d;
      this.durCount[m] += 1;
      this.counted = true;
      this.mode = mode;
      this.setGauges(0, 0, 0);
      this.flushSoon();
    },
    onRejoin: (outcome) => {
      const i = REJOIN_I[outcome];
      if (i === undefined) return;
      this.rejoin[i] += 1;
      this.counted = true;
      this.flushSoon();
    },
    onForfeit: (mode, reason) => {
      const m = MODE_I[mode];
      const r = FORFEIT_I[reason];
      if (m === undefined || r === undefined) return;
      this.forfeits[m * FORFEIT_REASONS.length + r] += 1;
      this.counted = true;
      this.flushSoon();
    },
    // Each alarm: arithmetic only, a time check, and rarely a flush.
    onAlarm: (latenessMs) => {
      const s = latenessMs > 0 ? latenessMs / 1000 : 0;
      this.tickBuckets[bucketOf(TICK_LATENESS_BUCKETS, s)] += 1;
      this.tickSum += s;
      this.tickCount += 1;
      this.counted = true;
      if (this.now() - this.lastFlush >= TICK_FLUSH_MS) this.flush();
    },
    // Hot path (every relayed input and every message).
    onSent: (bytes, sockets, kind) => {
      const k = SENT_I[kind];
      if (k === undefined) return;
      this.sentMsgs[k] += sockets;
      this.sentBytes[k] += bytes * sockets;
      this.counted = true;
      if (this.now() - this.lastFlush >= TICK_FLUSH_MS) this.flush();
    },
    // Hot path (every relayed input): arithmetic only, like onSent.
    onInputRelayed: (mode, heldMs) => {
      const m = MODE_I[mode];
      if (m === undefined) return;
      const s = heldMs > 0 ? heldMs / 1000 : 0;
      this.relayBuckets[m][bucketOf(INPUT_RELAY_BUCKETS, s)] += 1;
      this.relaySum[m] += s;
      this.relayCount[m] += 1;
      this.counted = true;
    },
    // A frame went to every socket of the object (a digest check): an exact count.
    onSocketCount: (sockets) => {
      if (this.socketsAbs !== sockets) {
        this.socketsAbs = sockets;
        this.socketDelta = 0;
        this.gaugesDirty = true;
      }
    },
    onResultFailure: () => {
      this.resultFailures += 1;
      this.counted = true;
      this.flushSoon();
    },
    onDesync: () => {
      this.desyncs += 1;
      this.counted = true;
      this.flushSoon();
    },
    onReceived: (bytes, outcome) => {
      const i = RECV_I[outcome];
      if (i === undefined) return;
      this.recvMsgs[i] += 1;
      this.recvBytes[i] += bytes;
      this.counted = true;
    },
    onSocketOpen: (role) => {
      const i = ROLE_I[role];
      if (i === undefined) return;
      this.conns[i] += 1;
      this.counted = true;
      this.socketChange(+1);
      this.flushSoon();
    },
    onSocketClose: (reason) => {
      // GameSession reports a close it initiated, then the client's answering close frame
      // arrives as a "client" close of the same socket: count the socket once.
      if (reason === "client" && this.pendingEchoes > 0) {
        this.pendingEchoes -= 1;
        return;
      }
      const i = CLOSE_I[reason];
      if (i === undefined) return;
      if (ECHOING.has(reason)) this.pendingEchoes += 1;
      this.closes[i] += 1;
      this.counted = true;
      this.socketChange(-1);
      this.flushSoon();
    },
    onSaved: (rec) => this.onSaved(rec),
  };

  private onSaved(rec: SessionSnapshot): void {
    this.gameId = rec.gameId;
    this.mode = rec.mode;
    const ended = rec.phase === "finished" || rec.phase === "abandoned";
    const active = !ended && rec.startedAt !== null ? 1 : 0;
    const lobby = rec.phase === "waiting" ? 1 : 0;
    let players = 0;
    if (!ended) for (const s of rec.seats) if (s && s.present && !s.out) players += 1;
    this.setGauges(active, lobby, players);
    const pending = ended && rec.result != null && (rec.recorded === false || (rec.tournament != null && rec.reported === false)) ? 1 : 0;
    if (this.resultsPending !== pending) {
      this.resultsPending = pending;
      this.gaugesDirty = true;
    }
    // A changed gauge (phase, presence, or one held back until the game id was known) goes now;
    // a checkpoint that changed nothing (a point scored) only if a report is due anyway.
    if (this.gaugesDirty || this.now() - this.lastFlush >= TICK_FLUSH_MS) this.flushSoon();
  }

  private setGauges(active: number, lobby: number, players: number | null): void {
    if (this.active !== active || this.lobby !== lobby || this.players !== players) {
      this.active = active;
      this.lobby = lobby;
      this.players = players;
      this.gaugesDirty = true;
    }
  }

  private socketChange(delta: number): void {
    if (this.socketsAbs !== null) this.socketsAbs = Math.max(0, this.socketsAbs + delta);
    else this.socketDelta += delta;
    this.gaugesDirty = true;
  }

  private flushSoon(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Sends what accumulated (never throws, never awaited by the game). */
  flush(): void {
    try {
      if (this.inflight) {
        this.again = true;
        return;
      }
      this.drainCounters();
      let socketDeltaSent = 0;
      const source = `game:${this.gameId ?? "unknown"}`;
      // Gauges need a stable source (the game id) and a mode: wait for the first checkpoint.
      const gaugesReady = this.gaugesDirty && this.gameId !== null && this.mode !== null;
      if (gaugesReady) {
        const l = { mode: this.mode! };
        if (this.active !== null) this.pending.setGauge("pong_games_active", l, this.active);
        if (this.lobby !== null) this.pending.setGauge("pong_lobbies_open", l, this.lobby);
        if (this.players !== null) this.pending.setGauge("pong_players_connected", l, this.players);
        if (this.resultsPending !== null) this.pending.setGauge("pong_results_pending", l, this.resultsPending);
        if (this.socketsAbs !== null) this.pending.setGauge("pong_websockets_open", {}, this.socketsAbs);
        else if (this.socketDelta !== 0) {
          socketDeltaSent = this.socketDelta;
          this.pending.addGauge("pong_websockets_open", {}, this.socketDelta);
          this.socketDelta = 0;
        }
        this.gaugesDirty = false;
      }
      if (this.pending.empty) return;
      const report = this.pending.take(source, GAUGE_TTL_S);
      this.inflight = true;
      this.lastFlush = this.now();
      void sendMetrics(this.env, report).then((ok) => {
        this.inflight = false;
        if (!ok) {
          this.pending.restore({ ...report, gaugeSet: undefined, gaugeAdd: undefined });
          if (gaugesReady) {
            this.gaugesDirty = true;
            if (this.socketsAbs === null) this.socketDelta += socketDeltaSent;
          }
          this.failures += 1;
        } else {
          this.failures = 0;
        }
        // The last report of a game may have no later activity to ride on: retry a failed one
        // at once, a few times (a promise continuation, not a timer), then wait for activity.
        if (this.again || (!ok && this.failures <= MAX_IMMEDIATE_RETRIES)) {
          this.again = false;
          this.flush();
        }
      });
    } catch {
      this.inflight = false;
    }
  }

  /** Moves the hot counters into the pending batch (labels built only here, not per event). */
  private drainCounters(): void {
    if (!this.counted) return;
    this.counted = false;
    const p = this.pending;
    MODES.forEach((mode, m) => {
      if (this.started[m]) p.inc("pong_games_started_total", { mode }, this.started[m]);
      GAME_END_REASONS.forEach((reason, r) => {
        const v = this.finished[m * GAME_END_REASONS.length + r];
        if (v) p.inc("pong_games_finished_total", { mode, reason }, v);
      });
      FORFEIT_REASONS.forEach((reason, r) => {
        const v = this.forfeits[m * FORFEIT_REASONS.length + r];
        if (v) p.inc("pong_player_forfeits_total", { mode, reason }, v);
      });
      if (this.durCount[m]) p.addHistogram("pong_game_duration_seconds", { mode }, this.durBuckets[m], this.durSum[m], this.durCount[m]);
      if (this.relayCount[m]) p.addHistogram("pong_input_relay_latency_seconds", { mode }, this.relayBuckets[m], this.relaySum[m], this.relayCount[m]);
    });
    REJOIN_OUTCOMES.forEach((outcome, i) => this.rejoin[i] && p.inc("pong_rejoin_attempts_total", { outcome }, this.rejoin[i]));
    if (this.tickCount) p.addHistogram("pong_tick_lateness_seconds", {}, this.tickBuckets, this.tickSum, this.tickCount);
    if (this.desyncs) p.inc("pong_game_desyncs_total", {}, this.desyncs);
    if (this.resultFailures) p.inc("pong_results_record_failures_total", {}, this.resultFailures);
    if (this.wakes) p.inc("pong_game_object_wakes_total", {}, this.wakes);
    SOCKET_ROLES.forEach((role, i) => this.conns[i] && p.inc("pong_websocket_connections_total", { role }, this.conns[i]));
    SOCKET_CLOSE_REASONS.forEach((reason, i) => this.closes[i] && p.inc("pong_websocket_closes_total", { reason }, this.closes[i]));
    RECEIVE_OUTCOMES.forEach((outcome, i) => {
      if (this.recvMsgs[i]) p.inc("pong_websocket_messages_received_total", { outcome }, this.recvMsgs[i]);
      if (this.recvBytes[i]) p.inc("pong_websocket_received_bytes_total", { outcome }, this.recvBytes[i]);
    });
    SEND_KINDS.forEach((kind, i) => {
      if (this.sentMsgs[i]) p.inc("pong_websocket_messages_sent_total", { kind }, this.sentMsgs[i]);
      if (this.sentBytes[i]) p.inc("pong_websocket_sent_bytes_total", { kind }, this.sentBytes[i]);
    });
    for (const arr of [this.started, this.finished, this.rejoin, this.forfeits, this.tickBuckets, this.conns, this.closes, this.recvMsgs, this.recvBytes, this.sentMsgs, this.sentBytes, this.durSum, this.durCount, ...this.durBuckets, this.relaySum, this.relayCount, ...this.relayBuckets]) arr.fill(0);
    this.tickSum = 0;
    this.tickCount = 0;
    this.desyncs = 0;
    this.resultFailures = 0;
    this.wakes = 0;
  }
}

function bucketOf(buckets: readonly number[], value: number): number {
  for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]) return i;
  return buckets.length;
}

/** Test helper type: a report as the Metrics object receives it. */
export type { MetricsReport };
