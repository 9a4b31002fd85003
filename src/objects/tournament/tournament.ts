import { DurableObject } from "cloudflare:workers";
import { gameIdFromBytes } from "../../shared/ids";
import { CloseCode } from "../../shared/protocol/limits";
import type { TournamentJoinResult } from "../../shared/protocol/http";
import type { ChartMatch, TournamentChart, TournamentServerMessage } from "../../shared/protocol/tournament";
import { sessionConfigFromVars } from "../game-session/config";
import { GAME_ID_USED } from "../game-session/rules";
import { afterFailure, RETRY_BASE_MS, type RetryState } from "../durability/retry";
import { logEvent } from "../../observability/log";
import { SocketRoom } from "../sockets/socket-room";
import { recordTournamentCompleted, recordTournamentStarted } from "../../observability/metrics/tournament-metrics";
import {
  addPlayer,
  applyLiveScore,
  applyResult,
  currentMatchOf,
  eliminated,
  isOver,
  matchesAwaitingGame,
  newBracket,
  removePlayer,
  TOURNAMENT_SIZE,
  type ApplyOutcome,
  type Bracket,
  type BracketMatch,
  type JoinOutcome,
  type MatchEndReason,
  type MatchId,
  type ScoreInput,
} from "./bracket";
import { insertTournamentWithCreator, markTournamentPlayersDone, registerTournamentPlayer, unregisterTournamentPlayer, upsertTournamentRow } from "../../db/tournaments";

interface HallAttachment {
  userId: string;
  username: string;
  role: "player" | "spectator";
}

export interface TournamentRecord {
  id: string;
  name: string;
  createdAt: number;
  bracket: Bracket;
  /** Seconds a match waits for both players to be in the hall before its game is created anyway. */
  hallWaitS: number;
  /** An open tournament with nobody in the hall is cancelled at this time. */
  idleDeadline: number | null;
  /** D1 has the final status (finished/cancelled, champion). */
  recorded: boolean;
  /** Game overrides for this tournament's matches (tests use small scores). */
  gameOverrides: { winScore?: number; countdownS?: number; rejoinTimeoutS?: number } | null;
  /**
   * A hall socket that has pinged and then stays silent this long is not "here" (its network is
   * gone; no close may ever come). Absent in records written before it existed: the default.
   */
  hallSilentS?: number;
  /**
   * Matches whose game id is stored but whose game's init has not been confirmed (a crash or an
   * error between the two): the alarm calls init again (idempotent by id) until it succeeds.
   */
  pendingInits?: MatchId[];
  /** Back-off while the final status (conclude) or a pending init keeps failing (issue 12.2). */
  retry?: RetryState | null;
}

export interface ResultReport {
  tournamentId: string;
  matchId: MatchId;
  gameId: string;
  winnerUserId: string | null;
  scores: number[];
  reason: "normal" | "forfeit" | "abandoned";
}


const RECORD_KEY = "tournament";
const OPEN_IDLE_S = 600;
const DEFAULT_HALL_WAIT_S = 120;
/**
 * Hall clients ping every 5 s, but a player often waits in the hall with the tab hidden (the other
 * semi-final is being played), and Chrome then runs a hidden page's timers once a minute after
 * five minutes: a live player may ping only once a minute. 90 s judges a dead line late rather
 * than a waiting player wrongly.
 */
const DEFAULT_HALL_SILENT_S = 90;

/**
 * One 4-player tournament: the bracket (in storage), the hall (hibernatable sockets whose
 * attachments say who is there), and the deadlines (alarm only). While it waits for players or
 * results it holds no timers, so it hibernates; it wakes for a socket event, an RPC (a game
 * reporting its result) or its alarm.
 */
export class Tournament extends DurableObject<Env> {
  private rec: TournamentRecord | null = null;
  /** Socket plumbing shared with GameSession: attachments, send/broadcast, heartbeat, the frame budget. */
  private readonly room: SocketRoom<HallAttachment>;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.room = new SocketRoom(ctx, "tournament", () => ({ tournamentId: this.rec?.id }));
    ctx.blockConcurrencyWhile(async () => {
      this.rec = (await ctx.storage.get<TournamentRecord>(RECORD_KEY)) ?? null;
    });
  }

  // ------------------------------------------------------------------ RPC

  async init(opts: { id: string; name: string; hallWaitS?: number; hallSilentS?: number; gameOverrides?: TournamentRecord["gameOverrides"] }): Promise<TournamentChart> {
    if (!this.rec) {
      const now = Date.now();
      this.rec = {
        id: opts.id,
        name: opts.name,
        createdAt: now,
        bracket: newBracket(),
        hallWaitS: opts.hallWaitS ?? DEFAULT_HALL_WAIT_S,
        idleDeadline: now + OPEN_IDLE_S * 1000,
        recorded: false,
        gameOverrides: opts.gameOverrides ?? null,
        hallSilentS: opts.hallSilentS ?? DEFAULT_HALL_SILENT_S,
      };
      await upsertTournamentRow(this.env.DB, { id: opts.id, name: opts.name, status: "pending", createdAt: now });
      await this.save();
      await this.scheduleAlarm();
      logEvent("info", "tournament.created", { tournamentId: opts.id }, "tournament");
    }
    return this.chart();
  }

  /**
   * Creates the tournament with its creator seated, or nothing at all: the tournament row and the
   * creator's row go to D1 in one batch, which the one-live-tournament index refuses as a whole.
   */
  async create(opts: { id: string; name: string }, creator: { id: string; username: string }): Promise<TournamentJoinResult> {
    if (this.rec) return { ok: false, reason: "closed" };
    const now = Date.now();
    if (!(await insertTournamentWithCreator(this.env.DB, { id: opts.id, name: opts.name, createdAt: now }, creator.id))) {
      return { ok: false, reason: "in_another_tournament" };
    }
    const bracket = newBracket();
    addPlayer(bracket, { userId: creator.id, username: creator.username, joinedAt: now });
    this.rec = { id: opts.id, name: opts.name, createdAt: now, bracket, hallWaitS: DEFAULT_HALL_WAIT_S, idleDeadline: now + OPEN_IDLE_S * 1000, recorded: false, gameOverrides: null, hallSilentS: DEFAULT_HALL_SILENT_S };
    await this.save();
    await this.scheduleAlarm();
    logEvent("info", "tournament.created", { tournamentId: opts.id, userId: creator.id }, "tournament");
    return { ok: true, outcome: "joined", position: 0 };
  }

  async join(user: { id: string; username: string }): Promise<TournamentJoinResult> {
    const rec = this.rec;
    if (!rec) return { ok: false, reason: "not_found" };
    const b = rec.bracket;
    if (b.players.some((p) => p.userId === user.id)) {
      return { ok: true, outcome: "already", position: b.players.findIndex((p) => p.userId === user.id) };
    }
    if (b.status !== "open") return { ok: false, reason: "closed" };
    if (b.players.length >= TOURNAMENT_SIZE) return { ok: false, reason: "full" };
    // One live tournament per player, enforced by a unique index in D1 across all tournaments.
    const reg = await registerTournamentPlayer(this.env.DB, rec.id, user.id);
    if (reg === "taken") return { ok: false, reason: "in_another_tournament" };
    // "present": a concurrent join of this user got the row first; it owns the seat and the row.
    if (reg === "present") return { ok: false, reason: "in_another_tournament" };
    const outcome: JoinOutcome = addPlayer(b, { userId: user.id, username: user.username, joinedAt: Date.now() });
    if (outcome !== "joined") {
      // Only the call that inserted the row deletes it (never a concurrent winner's).
      await unregisterTournamentPlayer(this.env.DB, rec.id, user.id);
      return { ok: false, reason: outcome === "full" ? "full" : "closed" };
    }
    logEvent("info", "tournament.joined", { tournamentId: rec.id, userId: user.id }, "tournament");
    // The fourth player starts the tournament (addPlayer seeded the semi-finals).
    if (b.players.length === TOURNAMENT_SIZE) {
      rec.idleDeadline = null;
      await upsertTournamentRow(this.env.DB, { id: rec.id, name: rec.name, status: "running", createdAt: rec.createdAt });
      logEvent("info", "tournament.started", { tournamentId: rec.id }, "tournament");
      void recordTournamentStarted(this.env);
      await this.openReadyMatches(Date.now());
    }
    await this.save();
    this.broadcastChart();
    await this.scheduleAlarm();
    return { ok: true, outcome: "joined", position: b.players.length - 1 };
  }

  async leave(userId: string): Promise<boolean> {
    const rec = this.rec;
    if (!rec || !removePlayer(rec.bracket, userId)) return false;
    await unregisterTournamentPlayer(this.env.DB, rec.id, userId);
    if (rec.bracket.players.length === 0) {
      // Nobody left in an open tournament: close it now rather than let Quick join find it.
      rec.bracket.status = "cancelled";
      logEvent("info", "tournament.cancelled", { tournamentId: rec.id, reason: "empty" }, "tournament");
      await this.save();
      await this.tryConclude(Date.now());
    } else {
      await this.save();
    }
    this.broadcastChart();
    await this.scheduleAlarm();
    return true;
  }

  async chart(): Promise<TournamentChart> {
    const rec = this.rec;
    if (!rec) throw new Error("tournament not initialised");
    return this.buildChart();
  }

  /**
   * A game of this tournament reports its result. Idempotent by game id: the game retries until
   * this resolves, and a repeated report changes nothing.
   */
  async reportResult(r: ResultReport): Promise<ApplyOutcome> {
    const rec = this.rec;
    if (!rec) throw new Error("tournament not initialised");
    const reason: MatchEndReason = r.reason === "abandoned" ? "no_show" : r.reason;
    const outcome = applyResult(rec.bracket, { matchId: r.matchId, gameId: r.gameId, winner: r.winnerUserId, scores: r.scores, reason });
    if (outcome !== "applied") return outcome;
    logEvent("info", "tournament.advanced", { tournamentId: rec.id, gameId: r.gameId, matchId: r.matchId, reason }, "tournament");
    const now = Date.now();
    this.closeSilentHallSockets(now);
    await this.openReadyMatches(now);
    await this.save();
    this.broadcastChart();
    // The result is applied and saved: a failing D1 write of the final status must not undo the
    // acknowledgement; the alarm retries it (a stuck bracket heals itself).
    if (isOver(rec.bracket)) await this.tryConclude(now);
    await this.scheduleAlarm();
    return outcome;
  }

  /**
   * A game of this tournament reports a changed score or phase (each point, a pause, the start):
   * one small RPC per change, so the hall shows the live score with no polling. Kept in the record
   * (a hall that connects later gets it in the chart) and pushed as `match_score`. Late, repeated
   * or foreign reports change nothing.
   */
  async reportScore(r: ScoreInput): Promise<boolean> {
    const rec = this.rec;
    if (!rec || !applyLiveScore(rec.bracket, r)) return false;
    await this.save();
    this.broadcast({ type: "match_score", matchId: r.matchId, gameId: r.gameId, scores: [...r.scores], phase: r.phase });
    return true;
  }

  // ------------------------------------------------------------------ the hall

  override async fetch(request: Request): Promise<Response> {
    const rec = this.rec;
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    if (!rec) return new Response("no such tournament", { status: 404 });
    const user = this.room.upgradeUser(request, Date.now());
    if (user instanceof Response) return user;
    const { userId, username } = user;

    // Presence decides who gets Go To Match: a player whose line died silently is not here.
    this.closeSilentHallSockets(Date.now());
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const role = rec.bracket.players.some((p) => p.userId === userId) ? "player" : "spectator";
    const att: HallAttachment = { userId, username, role };
    this.room.accept(server, [role, `user:${userId}`], att);
    this.send(server, { type: "tournament_chart", chart: this.buildChart(), you: { userId, role } });
    if (role === "player") {
      // A returning player whose match is waiting for them gets the button again.
      const m = currentMatchOf(rec.bracket, userId);
      if (m && m.status === "ready" && m.gameId) this.sendMatchReady(m, userId);
      if (rec.bracket.status === "open") rec.idleDeadline = null;
      await this.startMatchesWhosePlayersAreHere(Date.now());
    }
    this.broadcastPresence();
    await this.save();
    await this.scheduleAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    // Every frame counts against the socket's budget (past it: 1008); oversized ones close with 1009.
    if (this.room.admit(ws, raw, Date.now()) !== "ok") return;
    this.send(ws, { type: "error", code: "read_only", message: "the tournament hall accepts no messages; use the HTTP API" });
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    this.room.forget(ws);
    await this.onHallLeft(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.room.forget(ws);
    await this.onHallLeft(ws);
  }

  /** Leaving the hall never aborts anything: presence changes, and an empty open lobby starts its idle clock. */
  private async onHallLeft(ws: WebSocket): Promise<void> {
    const rec = this.rec;
    if (!rec) return;
    this.broadcastPresence(ws);
    if (rec.bracket.status === "open" && this.presentUsers(ws).size === 0) {
      rec.idleDeadline = Date.now() + OPEN_IDLE_S * 1000;
      await this.save();
      await this.scheduleAlarm();
    }
  }

  // ------------------------------------------------------------------ alarm: deadlines only

  override async alarm(): Promise<void> {
    const rec = this.rec;
    if (!rec) return;
    const now = Date.now();
    // Whatever fails below, the record is saved and the next alarm armed (finally): a throw
    // here must never leave the bracket without a wake.
    try {
      this.closeSilentHallSockets(now);
      if (rec.bracket.status === "open" && rec.idleDeadline !== null && rec.idleDeadline <= now && this.presentUsers().size === 0) {
        rec.bracket.status = "cancelled";
        logEvent("info", "tournament.cancelled", { tournamentId: rec.id, reason: "idle" }, "tournament");
        await this.save();
      }
      for (const m of rec.bracket.matches) {
        if (m.status === "waiting" && m.hallDeadline !== null && m.hallDeadline <= now) await this.createMatchGame(m, now);
      }
      const initsOk = await this.retryPendingInits(now);
      const concluded = rec.recorded || !isOver(rec.bracket) || (await this.tryConclude(now));
      if (initsOk && concluded) rec.retry = null;
    } finally {
      await this.save();
      await this.scheduleAlarm();
    }
  }

  /** Calls init again for every match whose game was never confirmed created. True when none is left. */
  private async retryPendingInits(now: number): Promise<boolean> {
    const rec = this.rec!;
    for (const id of [...(rec.pendingInits ?? [])]) {
      const m = rec.bracket.matches.find((x) => x.id === id);
      if (!m || m.status !== "ready" || !m.gameId) rec.pendingInits = (rec.pendingInits ?? []).filter((x) => x !== id);
      else await this.initMatchGame(m, now);
    }
    return (rec.pendingInits ?? []).length === 0;
  }

  /** conclude(), its failure logged and turned into a back-off retry by the alarm. True when recorded. */
  private async tryConclude(now: number): Promise<boolean> {
    try {
      await this.conclude();
      return true;
    } catch (err) {
      const rec = this.rec!;
      rec.retry = afterFailure(rec.retry, now);
      logEvent("error", "tournament.conclude_failed", { tournamentId: rec.id, attempts: rec.retry.attempts, error: err }, "tournament");
      await this.save();
      return false;
    }
  }

  // ------------------------------------------------------------------ matches

  /** Every match whose players are known starts its hall clock; if both are here, its game opens now. */
  private async openReadyMatches(now: number): Promise<void> {
    const rec = this.rec!;
    for (const m of matchesAwaitingGame(rec.bracket)) {
      if (m.hallDeadline === null) m.hallDeadline = now + rec.hallWaitS * 1000;
    }
    await this.startMatchesWhosePlayersAreHere(now);
  }

  private async startMatchesWhosePlayersAreHere(now: number): Promise<void> {
    const rec = this.rec!;
    const here = this.presentUsers();
    for (const m of matchesAwaitingGame(rec.bracket)) {
      if (m.players.every((p) => p !== null && here.has(p))) await this.createMatchGame(m, now);
    }
  }

  /**
   * Creates the match's game with reserved seats (only its two players may sit) and tells them.
   * Their seats must be taken within the game's rejoin window, or the absent one loses by forfeit.
   */
  private async createMatchGame(m: BracketMatch, now: number): Promise<void> {
    const rec = this.rec!;
    if (m.status !== "waiting" || m.players[0] === null || m.players[1] === null) return;
    const gameId = gameIdFromBytes(crypto.getRandomValues(new Uint8Array(8)));
    // The game id is stored before the game exists, marked pending: a crash or an error in
    // between leaves it in pendingInits, and the alarm creates it under the same id (init is
    // idempotent) until that succeeds.
    const rejoinS = rec.gameOverrides?.rejoinTimeoutS ?? sessionConfigFromVars(this.env, "2p").rejoinTimeoutS;
    m.gameId = gameId;
    m.status = "ready";
    m.hallDeadline = null;
    m.seatDeadline = now + rejoinS * 1000;
    rec.pendingInits = [...(rec.pendingInits ?? []).filter((x) => x !== m.id), m.id];
    await this.save();
    await this.initMatchGame(m, now);
  }

  /** Creates (or confirms) a ready match's game; on success it leaves pendingInits and its players are told. */
  private async initMatchGame(m: BracketMatch, now: number): Promise<void> {
    const rec = this.rec!;
    const gameId = m.gameId!;
    const reserved = m.players.map((id) => {
      const p = rec.bracket.players.find((x) => x.userId === id)!;
      return { userId: p.userId, username: p.username };
    });
    try {
      const stub = this.env.GAME_SESSION.get(this.env.GAME_SESSION.idFromName(gameId));
      await stub.init({ gameId, mode: "2p", tournament: { tournamentId: rec.id, matchId: m.id }, reserved, overrides: rec.gameOverrides ?? undefined });
    } catch (err) {
      rec.retry = afterFailure(rec.retry, now);
      // The id's game was cleaned up (ids are never reused): the next try mints another.
      if (String(err).includes(GAME_ID_USED)) m.gameId = gameIdFromBytes(crypto.getRandomValues(new Uint8Array(8)));
      logEvent("error", "tournament.game_init_failed", { tournamentId: rec.id, gameId, matchId: m.id, attempts: rec.retry.attempts, error: err }, "tournament");
      await this.save();
      return;
    }
    rec.pendingInits = (rec.pendingInits ?? []).filter((x) => x !== m.id);
    await this.save();
    logEvent("info", "tournament.match_ready", { tournamentId: rec.id, gameId, matchId: m.id }, "tournament");
    for (const id of m.players) if (id) this.sendMatchReady(m, id);
    this.broadcastChart();
  }

  private sendMatchReady(m: BracketMatch, userId: string): void {
    const rec = this.rec!;
    const opponentId = m.players.find((p) => p !== userId) ?? null;
    const opp = rec.bracket.players.find((p) => p.userId === opponentId);
    if (!m.gameId || !opp) return;
    const msg: TournamentServerMessage = {
      type: "match_ready",
      matchId: m.id,
      gameId: m.gameId,
      opponent: { userId: opp.userId, username: opp.username },
      seatDeadline: m.seatDeadline ?? Date.now(),
    };
    for (const ws of this.room.sockets(`user:${userId}`)) this.send(ws, msg);
  }

  /** Final status to D1 and to everyone in the hall; frees the players for other tournaments. */
  private async conclude(): Promise<void> {
    const rec = this.rec!;
    const b = rec.bracket;
    const champion = b.champion ? b.players.find((p) => p.userId === b.champion) ?? null : null;
    if (!rec.recorded) {
      await upsertTournamentRow(this.env.DB, {
        id: rec.id,
        name: rec.name,
        status: b.status === "finished" ? "finished" : "cancelled",
        createdAt: rec.createdAt,
        championId: champion?.userId ?? null,
        endedAt: Date.now(),
      });
      await markTournamentPlayersDone(this.env.DB, rec.id);
      rec.recorded = true;
      await this.save();
      logEvent("info", b.status === "finished" ? "tournament.completed" : "tournament.cancelled", { tournamentId: rec.id, userId: champion?.userId }, "tournament");
      void recordTournamentCompleted(this.env, b.status === "finished" ? "finished" : "cancelled");
      this.broadcast({ type: "tournament_over", champion: champion ? { userId: champion.userId, username: champion.username } : null });
    }
  }

  // ------------------------------------------------------------------ helpers

  private async scheduleAlarm(): Promise<void> {
    const rec = this.rec;
    if (!rec) return;
    let at = Infinity;
    if (rec.bracket.status === "open" && rec.idleDeadline !== null) at = Math.min(at, rec.idleDeadline);
    for (const m of rec.bracket.matches) if (m.status === "waiting" && m.hallDeadline !== null) at = Math.min(at, m.hallDeadline);
    // Owed work (the final status, a game never confirmed created) on its back-off (issue 12.2).
    if ((!rec.recorded && isOver(rec.bracket)) || (rec.pendingInits ?? []).length > 0) at = Math.min(at, rec.retry?.nextAt ?? Date.now() + RETRY_BASE_MS);
    if (at === Infinity) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  /**
   * Silence is judged only when something happens (a hall connect, a result, an alarm): the hall
   * keeps no timer, so it can hibernate while it waits. The runtime answers the pings and keeps
   * their time, without waking the object.
   */
  private isSilent(ws: WebSocket, now: number): boolean {
    return this.room.isSilent(ws, now, (this.rec?.hallSilentS ?? DEFAULT_HALL_SILENT_S) * 1000);
  }

  /** Closes (4001) the player sockets that went silent: their clients, if alive after all, reconnect. */
  private closeSilentHallSockets(now: number): void {
    for (const ws of this.room.sockets("player")) {
      if (!this.isSilent(ws, now)) continue;
      logEvent("info", "tournament.hall_silent", { tournamentId: this.rec?.id, userId: this.room.attachment(ws)?.userId }, "tournament");
      this.room.close(ws, CloseCode.heartbeatTimeout, "heartbeat timeout");
    }
  }

  /** Users with a live hall socket, optionally not counting one that is closing. */
  private presentUsers(except?: WebSocket): Set<string> {
    const out = new Set<string>();
    const now = Date.now();
    for (const ws of this.room.sockets("player")) {
      if (ws === except || this.isSilent(ws, now)) continue;
      const att = this.room.attachment(ws);
      if (att) out.add(att.userId);
    }
    return out;
  }

  private spectatorCount(except?: WebSocket): number {
    return this.room.sockets("spectator").filter((ws) => ws !== except).length;
  }

  private buildChart(except?: WebSocket): TournamentChart {
    const rec = this.rec!;
    const b = rec.bracket;
    const here = this.presentUsers(except);
    const out = new Set(eliminated(b));
    const nameOf = (id: string | null) => {
      const p = id ? b.players.find((x) => x.userId === id) : undefined;
      return p ? { userId: p.userId, username: p.username } : null;
    };
    const matches: ChartMatch[] = b.matches.map((m) => ({
      id: m.id,
      round: m.round,
      players: m.players.map(nameOf),
      gameId: m.gameId,
      status: m.status,
      winner: m.winner,
      scores: m.scores,
      reason: m.reason,
      live: m.status === "ready" ? (m.live ?? null) : null,
    }));
    return {
      id: rec.id,
      name: rec.name,
      status: b.status,
      createdAt: rec.createdAt,
      players: b.players.map((p) => ({ userId: p.userId, username: p.username, present: here.has(p.userId), eliminated: out.has(p.userId) })),
      matches,
      champion: nameOf(b.champion),
      spectators: this.spectatorCount(except),
    };
  }

  private broadcastChart(): void {
    const chart = this.buildChart();
    for (const ws of this.room.sockets()) {
      const att = this.room.attachment(ws);
      if (att) this.send(ws, { type: "tournament_chart", chart, you: { userId: att.userId, role: att.role } });
    }
  }

  private broadcastPresence(except?: WebSocket): void {
    this.broadcast({ type: "presence", present: [...this.presentUsers(except)], spectators: this.spectatorCount(except) }, except);
  }

  private broadcast(msg: TournamentServerMessage, except?: WebSocket): void {
    this.room.broadcast(msg, except);
  }

  private send(ws: WebSocket, msg: TournamentServerMessage): void {
    this.room.send(ws, msg);
  }

  private async save(): Promise<void> {
    if (this.rec) await this.ctx.storage.put(RECORD_KEY, this.rec);
  }

  /** Test helper. */
  async debugRecord(): Promise<TournamentRecord | null> {
    return this.rec;
  }
}
