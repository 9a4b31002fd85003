/**
 * Game metrics end to end inside workerd: real sockets to real GameSession objects, reports to
 * the real Metrics object, read back through GET /metrics. Values are compared as deltas: other
 * tests in this file (and earlier ones) also count.
 */
import { runDurableObjectAlarm, SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordTournamentCompleted, recordTournamentStarted } from "../../src/observability/metrics/tournament-metrics";
import { GameClient, goSilentWhileOtherPings, players, sessionStub, startGame } from "../game/client";
import { postJson } from "../worker/helpers";
import { delta, scrape, scrapeUntil, value } from "./support/scrape";

const FAST = { winScore: 1, countdownS: 1 };

describe("a 2P match as seen in /metrics", () => {
  it("counts start and finish, duration, sockets, frames, alarm lateness; gauges rise during play and fall to zero", async () => {
    const before = await scrape();
    const users = await players(2);
    const { clients } = await startGame(users, { overrides: FAST });
    const [a, b] = clients;
    await a.next("game_started");
    // During play: one game active, two players, two sockets (gauges report at the start edge).
    const playing = await scrapeUntil(
      (e) => value(e, "pong_games_active", { mode: "2p" }) >= 1 && value(e, "pong_players_connected", { mode: "2p" }) >= 2 && value(e, "pong_websockets_open") >= 2,
      "gauges during play",
    );
    expect(value(playing, "pong_games_started_total", { mode: "2p" }) - value(before, "pong_games_started_total", { mode: "2p" })).toBe(1);
    for (const c of clients) c.input(-1);
    await a.next("game_over", 20_000);
    await b.next("game_over", 20_000);
    await a.waitClosed();
    await b.waitClosed();

    const after = await scrapeUntil(
      (e) =>
        value(e, "pong_games_finished_total", { mode: "2p", reason: "normal" }) - value(before, "pong_games_finished_total", { mode: "2p", reason: "normal" }) >= 1 &&
        value(e, "pong_games_active") === value(before, "pong_games_active") &&
        value(e, "pong_websockets_open") === value(before, "pong_websockets_open"),
      "game over reported and gauges back",
    );
    const d = delta(before, after);
    expect(d("pong_games_finished_total", { mode: "2p", reason: "normal" })).toBe(1);
    expect(d("pong_games_finished_total", { reason: "forfeit" })).toBe(0);
    expect(d("pong_game_duration_seconds_count", { mode: "2p" })).toBe(1);
    expect(d("pong_game_duration_seconds_sum", { mode: "2p" })).toBeGreaterThan(0);
    expect(d("pong_websocket_connections_total", { role: "player" })).toBe(2);
    // Each socket is closed once: the client's answering close frame is not a second close.
    expect(d("pong_websocket_closes_total", { reason: "game_over" })).toBe(2);
    expect(d("pong_websocket_closes_total", { reason: "client" })).toBe(0);
    expect(d("pong_websocket_messages_received_total", { outcome: "ok" })).toBe(2);
    // Each player's input was relayed to the other, and how long the object held it was observed.
    expect(d("pong_input_relay_latency_seconds_count", { mode: "2p" })).toBe(2);
    expect(d("pong_input_relay_latency_seconds_bucket", { mode: "2p", le: "+Inf" })).toBe(2);
    expect(d("pong_input_relay_latency_seconds_sum", { mode: "2p" })).toBeLessThan(1);
    // Binary frames: each player's one input relayed to the other (6 bytes), and the digest checks (18 bytes in 2P: 10 + 4 per seat's ack).
    expect(d("pong_websocket_messages_sent_total", { kind: "binary" })).toBeGreaterThanOrEqual(2);
    expect(d("pong_websocket_sent_bytes_total", { kind: "binary" })).toBeGreaterThanOrEqual(6 * d("pong_websocket_messages_sent_total", { kind: "binary" }));
    expect(d("pong_websocket_sent_bytes_total", { kind: "json" })).toBeGreaterThan(0);
    // The object woke by alarm for the countdown and the point, not 60 times a second.
    expect(d("pong_tick_lateness_seconds_count")).toBeGreaterThanOrEqual(2);
    expect(d("pong_tick_lateness_seconds_count")).toBeLessThan(30);
    expect(value(after, "pong_players_connected")).toBe(value(before, "pong_players_connected"));
    expect(value(after, "pong_lobbies_open")).toBe(value(before, "pong_lobbies_open"));
  }, 40_000);

  it("counts a heartbeat-silent player's socket as closed for `heartbeat`, not as an error", async () => {
    const before = await scrape();
    const users = await players(2);
    const { clients } = await startGame(users, { overrides: { winScore: 9, countdownS: 1, heartbeatTimeoutS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    await goSilentWhileOtherPings(a, b, { withClockRequests: true });
    expect((await b.next("player_left")).userId).toBe(users[0].id);
    const after = await scrapeUntil(
      (e) => value(e, "pong_websocket_closes_total", { reason: "heartbeat" }) > value(before, "pong_websocket_closes_total", { reason: "heartbeat" }),
      "heartbeat close reported",
    );
    const d = delta(before, after);
    expect(d("pong_websocket_closes_total", { reason: "heartbeat" })).toBe(1);
    expect(d("pong_websocket_closes_total", { reason: "error" })).toBe(0);
    b.close();
  }, 30_000);

  it("counts a rejoin, a forfeit after an expired window, and a refused upgrade", async () => {
    const before = await scrape();
    const users = await players(2);
    const { gameId, clients } = await startGame(users, { overrides: { winScore: 5, countdownS: 1, rejoinTimeoutS: 1 } });
    const [a, b] = clients;
    await a.next("game_started");
    // A real match (a point played) first: a walkover before one is no contest (issue 12.3).
    for (const c of clients) c.input(-1);
    await b.next("point", 15_000);
    a.close();
    await b.next("player_left");
    const again = await GameClient.connect(gameId, users[0]);
    await b.next("player_rejoined");
    await again.next("game_started");
    again.close();
    await b.until(() => b.count("player_left") >= 2, 8000, "second player_left");
    await new Promise((r) => setTimeout(r, 1100));
    await runDurableObjectAlarm(sessionStub(gameId));
    expect((await b.next("game_over")).reason).toBe("forfeit");
    await b.waitClosed();
    expect((await SELF.fetch(`http://example.com/ws/game/${gameId}`, { headers: { Upgrade: "websocket" } })).status).toBe(401);

    const after = await scrapeUntil(
      (e) => value(e, "pong_games_finished_total", { reason: "forfeit" }) > value(before, "pong_games_finished_total", { reason: "forfeit" }),
      "forfeit",
    );
    const d = delta(before, after);
    expect(d("pong_rejoin_attempts_total", { outcome: "rejoined" })).toBe(1);
    expect(d("pong_rejoin_attempts_total", { outcome: "expired" })).toBe(1);
    expect(d("pong_games_finished_total", { mode: "2p", reason: "forfeit" })).toBe(1);
    expect(d("pong_player_forfeits_total", { mode: "2p", reason: "window_expired" })).toBe(1);
    expect(d("pong_player_forfeits_total")).toBe(1);
    expect(d("pong_websocket_rejections_total", { reason: "unauthorized", kind: "game" })).toBe(1);
    expect(d("pong_websocket_connections_total", { role: "player" })).toBe(3);
    expect(value(after, "pong_games_active")).toBe(value(before, "pong_games_active"));
  }, 30_000);
});

describe("accounts and tournaments", () => {
  it("counts login successes and failures by outcome", async () => {
    const [u] = await players(1);
    const before = await scrape();
    expect((await postJson("/api/auth/login", { username: u.username, password: "wrong password!" })).status).toBe(401);
    expect((await postJson("/api/auth/login", { username: u.username, password: u.password })).status).toBe(200);
    const after = await scrapeUntil((e) => value(e, "pong_auth_logins_total", { outcome: "success" }) > value(before, "pong_auth_logins_total", { outcome: "success" }), "logins");
    expect(value(after, "pong_auth_logins_total", { outcome: "invalid_credentials" }) - value(before, "pong_auth_logins_total", { outcome: "invalid_credentials" })).toBe(1);
    expect(value(after, "pong_auth_registrations_total", { outcome: "success" })).toBeGreaterThanOrEqual(1);
  });

  it("offers counters for tournaments started and completed", async () => {
    const before = await scrape();
    await recordTournamentStarted(env);
    await recordTournamentCompleted(env, "finished");
    await recordTournamentCompleted(env, "cancelled");
    const after = await scrape();
    expect(value(after, "pong_tournaments_started_total") - value(before, "pong_tournaments_started_total")).toBe(1);
    expect(value(after, "pong_tournaments_completed_total", { outcome: "finished" }) - value(before, "pong_tournaments_completed_total", { outcome: "finished" })).toBe(1);
    expect(value(after, "pong_tournaments_completed_total", { outcome: "cancelled" }) - value(before, "pong_tournaments_completed_total", { outcome: "cancelled" })).toBe(1);
  });
});
