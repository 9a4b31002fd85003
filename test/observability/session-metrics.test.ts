/**
 * SessionMetrics in isolation, with a fake METRICS binding and a fake clock: what a GameSession's
 * hooks cost on the tick path, when reports leave, and how the socket gauge stays right.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MetricsReport } from "../../src/observability/metrics/batch";
import { INPUT_RELAY_BUCKETS } from "../../src/observability/metrics/registry";
import { SessionMetrics, TICK_FLUSH_MS } from "../../src/observability/metrics/session-metrics";
import type { SessionRecord } from "../../src/objects/game-session/record";

function fakeEnv(opts: { fail?: () => boolean } = {}) {
  const reports: MetricsReport[] = [];
  const env = {
    METRICS: {
      idFromName: (n: string) => n,
      get: () => ({
        report: async (r: MetricsReport) => {
          if (opts.fail?.()) throw new Error("metrics object unavailable");
          reports.push(structuredClone(r));
        },
      }),
    },
  };
  return { env, reports };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function rec(phase: SessionRecord["phase"], present: boolean[], startedAt: number | null = 1): SessionRecord {
  return {
    gameId: "GAME2345",
    mode: "2p",
    phase,
    startedAt,
    seats: present.map((p, i) => ({ userId: `u${i}`, username: `u${i}`, side: i ? "right" : "left", present: p, out: false, rejoinDeadline: null, joined: true })),
  } as unknown as SessionRecord;
}

const counter = (rs: MetricsReport[], n: string, l: Record<string, string> = {}) =>
  rs.flatMap((r) => r.counters ?? []).filter((c) => c.n === n && Object.entries(l).every(([k, v]) => c.l[k] === v)).reduce((a, c) => a + c.v, 0);
const lastGauge = (rs: MetricsReport[], n: string) => {
  let v: number | undefined;
  for (const r of rs) {
    for (const g of r.gaugeSet ?? []) if (g.n === n) v = g.v;
    for (const g of r.gaugeAdd ?? []) if (g.n === n) v = (v ?? 0) + g.v;
  }
  return v;
};

afterEach(() => vi.restoreAllMocks());

describe("on the hot path (alarms, relayed frames)", () => {
  it("only counts; one report per TICK_FLUSH_MS; never a timer", async () => {
    let now = 1_000_000;
    const { env, reports } = fakeEnv();
    const m = new SessionMetrics(env, () => now);
    const timers = vi.spyOn(globalThis, "setTimeout");
    const intervals = vi.spyOn(globalThis, "setInterval");
    const noTimers = () => {
      expect(timers).not.toHaveBeenCalled();
      expect(intervals).not.toHaveBeenCalled();
      timers.mockClear();
      intervals.mockClear();
    };
    m.hooks.onAlarm(2); // first alarm: the first flush of this instance
    noTimers();
    await settle();
    timers.mockClear();
    expect(reports).toHaveLength(1);
    for (let i = 0; i < 299; i++) {
      now += 16;
      m.hooks.onAlarm(i % 5);
      m.hooks.onSent(6, 2, "binary");
      m.hooks.onReceived(30, "ok");
    }
    noTimers();
    expect(now - 1_000_000).toBeLessThan(TICK_FLUSH_MS);
    await settle();
    timers.mockClear();
    expect(reports).toHaveLength(1);
    now = 1_000_000 + TICK_FLUSH_MS;
    m.hooks.onAlarm(1);
    noTimers();
    await settle();
    expect(reports).toHaveLength(2);
    const tick = reports.flatMap((r) => r.histograms ?? []).filter((h) => h.n === "pong_tick_lateness_seconds");
    expect(tick.reduce((a, h) => a + h.c, 0)).toBe(301);
    expect(counter(reports, "pong_websocket_messages_sent_total", { kind: "binary" })).toBe(598);
    expect(counter(reports, "pong_websocket_sent_bytes_total", { kind: "binary" })).toBe(598 * 6);
    expect(counter(reports, "pong_websocket_messages_received_total", { outcome: "ok" })).toBe(299);
  });
});

describe("at edges", () => {
  it("reports once per turn from a microtask, not synchronously", async () => {
    const { env, reports } = fakeEnv();
    const m = new SessionMetrics(env);
    m.hooks.onSaved(rec("waiting", [true, false], null));
    m.hooks.onSocketOpen("player");
    m.hooks.onSocketOpen("player");
    m.hooks.onGameStarted("2p");
    expect(reports).toHaveLength(0);
    await settle();
    expect(reports).toHaveLength(1);
    expect(reports[0].source).toBe("game:GAME2345");
    expect(counter(reports, "pong_games_started_total", { mode: "2p" })).toBe(1);
    expect(counter(reports, "pong_websocket_connections_total", { role: "player" })).toBe(2);
    expect(lastGauge(reports, "pong_games_active")).toBe(1);
    expect(lastGauge(reports, "pong_websockets_open")).toBe(2);
  });

  it("holds gauges until the game id is known (first checkpoint), counters go at once", async () => {
    const { env, reports } = fakeEnv();
    const m = new SessionMetrics(env);
    m.hooks.onWake();
    m.hooks.onSocketOpen("spectator");
    await settle();
    expect(reports).toHaveLength(1);
    expect(reports[0].gaugeSet ?? reports[0].gaugeAdd).toBeUndefined();
    expect(counter(reports, "pong_game_object_wakes_total")).toBe(1);
    m.hooks.onSaved(rec("playing", [true, true]));
    await settle();
    expect(lastGauge(reports, "pong_websockets_open")).toBe(1);
    expect(lastGauge(reports, "pong_players_connected")).toBe(2);
  });

  it("sends at most one report at a time and puts a failed one back", async () => {
    let failing = true;
    const { env, reports } = fakeEnv({ fail: () => failing });
    const m = new SessionMetrics(env);
    m.hooks.onSaved(rec("playing", [true, true]));
    m.hooks.onRejoin("rejoined");
    await settle();
    expect(reports).toHaveLength(0);
    failing = false;
    m.hooks.onRejoin("expired");
    await settle();
    expect(counter(reports, "pong_rejoin_attempts_total", { outcome: "rejoined" })).toBe(1);
    expect(counter(reports, "pong_rejoin_attempts_total", { outcome: "expired" })).toBe(1);
    expect(lastGauge(reports, "pong_games_active")).toBe(1);
  });
});

describe("the socket gauge", () => {
  it("counts a server-initiated close once although the client's answering close comes back as a client close", async () => {
    const { env, reports } = fakeEnv();
    const m = new SessionMetrics(env);
    m.hooks.onSaved(rec("playing", [true, true]));
    m.hooks.onSocketOpen("player");
    m.hooks.onSocketOpen("player");
    m.hooks.onSocketOpen("spectator");
    m.hooks.onGameOver("2p", "normal", 42);
    m.hooks.onSocketClose("game_over");
    m.hooks.onSocketClose("game_over");
    m.hooks.onSocketClose("game_over");
    m.hooks.onSaved(rec("finished", [true, true]));
    await settle();
    m.hooks.onSocketClose("client"); // the three echoes
    m.hooks.onSocketClose("client");
    m.hooks.onSocketClose("client");
    await settle();
    expect(counter(reports, "pong_websocket_closes_total", { reason: "game_over" })).toBe(3);
    expect(counter(reports, "pong_websocket_closes_total", { reason: "client" })).toBe(0);
    // Three opens and three closes in one turn: a net change of 0 (nothing to send for it).
    expect(lastGauge(reports, "pong_websockets_open") ?? 0).toBe(0);
    expect(lastGauge(reports, "pong_games_active")).toBe(0);
    expect(lastGauge(reports, "pong_players_connected")).toBe(0);
    const dur = reports.flatMap((r) => r.histograms ?? []).find((h) => h.n === "pong_game_duration_seconds")!;
    expect(dur).toMatchObject({ l: { mode: "2p" }, c: 1, s: 42 });
    // A later genuine client close (a spectator leaving) counts again.
    m.hooks.onSocketOpen("spectator");
    m.hooks.onSocketClose("client");
    await settle();
    expect(counter(reports, "pong_websocket_closes_total", { reason: "client" })).toBe(1);
  });

  it("counts each reported digest mismatch, reported at once", async () => {
    const { env, reports } = fakeEnv();
    const m = new SessionMetrics(env);
    m.hooks.onDesync();
    m.hooks.onDesync();
    await settle();
    expect(counter(reports, "pong_game_desyncs_total")).toBe(2);
  });

  it("observes how long each relayed input was held, per mode, into the documented buckets (no report of its own)", async () => {
    let now = 1_000_000;
    const { env, reports } = fakeEnv();
    const m = new SessionMetrics(env, () => now);
    for (const ms of [0, 0, 3, 40, 2000]) m.hooks.onInputRelayed("2p", ms);
    m.hooks.onInputRelayed("4p", 12);
    await settle();
    expect(reports).toEqual([]); // hot path: it rides on the next flush
    now += TICK_FLUSH_MS;
    m.hooks.onAlarm(0);
    await settle();
    const h = (mode: string) => reports.flatMap((r) => r.histograms ?? []).find((x) => x.n === "pong_input_relay_latency_seconds" && x.l.mode === mode)!;
    expect(INPUT_RELAY_BUCKETS).toEqual([0.001, 0.002, 0.005, 0.01, 0.017, 0.025, 0.05, 0.1, 0.25, 1]);
    // Per-bucket counts, the last one past 1 s.
    expect(Array.from(h("2p").b)).toEqual([2, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(h("2p").c).toBe(5);
    expect(h("2p").s).toBeCloseTo(2.043, 6);
    expect(Array.from(h("4p").b)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it("counts players taken out of a match by mode and reason, reported at once", async () => {
    const { env, reports } = fakeEnv();
    const m = new SessionMetrics(env);
    m.hooks.onForfeit("2p", "window_expired");
    m.hooks.onForfeit("4p", "resigned");
    m.hooks.onForfeit("4p", "resigned");
    m.hooks.onForfeit("4p", "away_budget");
    await settle();
    expect(counter(reports, "pong_player_forfeits_total", { mode: "2p", reason: "window_expired" })).toBe(1);
    expect(counter(reports, "pong_player_forfeits_total", { mode: "4p", reason: "resigned" })).toBe(2);
    expect(counter(reports, "pong_player_forfeits_total", { mode: "4p", reason: "away_budget" })).toBe(1);
    expect(counter(reports, "pong_player_forfeits_total")).toBe(4);
  });

  it("takes the exact count from a frame sent to every socket (a woken instance starts from deltas)", async () => {
    const { env, reports } = fakeEnv();
    const m = new SessionMetrics(env);
    m.hooks.onSaved(rec("paused", [true, false]));
    m.hooks.onSocketOpen("player"); // delta +1: this instance does not know the count
    await settle();
    expect(reports.at(-1)!.gaugeAdd).toEqual([{ n: "pong_websockets_open", l: {}, v: 1 }]);
    m.hooks.onSocketCount(3); // a digest check reached the object's 3 sockets
    m.hooks.onSaved(rec("playing", [true, true]));
    await settle();
    expect(reports.at(-1)!.gaugeSet).toEqual(expect.arrayContaining([{ n: "pong_websockets_open", l: {}, v: 3 }]));
  });
});

describe("results owed (issue 12.2)", () => {
  it("reports pong_results_pending while a finished game's result is not durably recorded, and counts failed attempts", async () => {
    let now = 1_000_000;
    const { env, reports } = fakeEnv();
    const m = new SessionMetrics(env, () => now);
    const finished = { ...rec("finished", [false, false]), result: { winnerSeat: 0, scores: [1, 0], reason: "normal" }, recorded: false, reported: false, tournament: null } as unknown as SessionRecord;
    m.hooks.onSaved(finished);
    m.hooks.onResultFailure();
    await settle();
    expect(lastGauge(reports, "pong_results_pending")).toBe(1);
    expect(counter(reports, "pong_results_record_failures_total")).toBe(1);
    now += TICK_FLUSH_MS;
    m.hooks.onResultFailure();
    m.hooks.onSaved({ ...finished, recorded: true } as SessionRecord);
    await settle();
    expect(lastGauge(reports, "pong_results_pending")).toBe(0);
    expect(counter(reports, "pong_results_record_failures_total")).toBe(2);
    // A tournament game owes its report too.
    m.hooks.onSaved({ ...finished, recorded: true, tournament: { tournamentId: "T", matchId: "sf1" } } as unknown as SessionRecord);
    await settle();
    expect(lastGauge(reports, "pong_results_pending")).toBe(1);
  });
});
