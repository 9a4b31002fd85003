/**
 * A test game client: a real WebSocket to the Worker (inside workerd), with awaitable messages,
 * speaking protocol 5 (inputs as binary frames). It keeps what it needs to check the server: the relayed inputs and digest
 * checks (binary), its own inputs with the tick each was finally applied at, and a mirror of the
 * match (`mirror()`: the last `sync` plus every input and elimination since, on a MatchTimeline).
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Dir } from "../../src/shared/engine/types";
import type { ServerMessage, SyncMsg } from "../../src/shared/protocol/messages";
import { decodeRelay } from "../../src/shared/protocol/relay";
import { encodeInputFrame } from "../../src/shared/protocol/input-frame";
import { MatchTimeline, tickAt } from "../../src/shared/timeline";
import type { InitOptions } from "../../src/objects/game-session/game-session";
import { register, type Registered } from "../worker/helpers";

export type Msg = ServerMessage;
/** An input or a 4P elimination, at the tick the server applied it. */
export type TimelineEntry = { tick: number; seat: number; dir: Dir; seq?: number } | { tick: number; seat: number; out: true };

export class GameClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly messages: any[] = [];
  /** Binary frames received (input relays + digest checks). */
  binary = 0;
  readonly relays: { tick: number; seat: number; dir: Dir }[] = [];
  readonly checks: { tick: number; digest: number; acks: number[] }[] = [];
  /** Inputs and eliminations since the last sync, at their final ticks. */
  entries: TimelineEntry[] = [];
  lastSync: SyncMsg | null = null;
  seat = -1;
  tickHz = 60;
  closed: { code: number; reason: string } | null = null;
  private t0: number | null = null;
  private frozenTick = 0;
  private waiters: (() => void)[] = [];
  private seq = 0;

  private constructor(
    readonly ws: WebSocket,
    readonly user: Registered,
  ) {
    // As in browsers, binary frames arrive as Blob unless asked otherwise.
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (e) => {
      if (typeof e.data === "string") {
        if (e.data !== "pong") this.onJson(JSON.parse(e.data));
      } else {
        this.binary++;
        const f = decodeRelay(e.data as ArrayBuffer);
        if (f.kind === "input") {
          this.relays.push({ tick: f.tick, seat: f.seat, dir: f.dir });
          this.entries.push({ tick: f.tick, seat: f.seat, dir: f.dir });
        } else this.checks.push({ tick: f.tick, digest: f.digest, acks: f.acks });
      }
      this.wake();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    });
  }

  static connect(gameId: string, user: Registered, headers: Record<string, string> = {}): Promise<GameClient> {
    return GameClient.connectPath(`/ws/game/${gameId}`, user, headers);
  }

  static async connectPath(path: string, user: Registered, headers: Record<string, string> = {}): Promise<GameClient> {
    const res = await SELF.fetch(`http://example.com${path}`, {
      headers: { Upgrade: "websocket", Authorization: `Bearer ${user.token}`, ...headers },
    });
    if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
    res.webSocket.accept();
    return new GameClient(res.webSocket, user);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private onJson(m: any): void {
    this.messages.push(m);
    if (m.type === "welcome") {
      this.seat = m.you.seat;
      this.tickHz = m.config.tickHz;
      this.seq = Math.max(this.seq, m.you.ack);
    } else if (m.type === "sync") {
      this.lastSync = m;
      this.entries = [];
      this.t0 = m.running ? m.t0 : null;
      this.frozenTick = m.tick;
    } else if (m.type === "game_started") {
      this.t0 = m.t0;
    } else if (m.type === "paused") {
      this.t0 = null;
      this.frozenTick = m.tick;
    } else if (m.type === "input_moved") {
      const own = this.entries.find((e) => "seq" in e && e.seq === m.seq);
      if (own) own.tick = m.tick;
    } else if (m.type === "input_refused") {
      this.entries = this.entries.filter((e) => !("seq" in e && e.seq === m.seq));
    } else if (m.type === "player_out") {
      this.entries.push({ tick: m.tick, seat: m.seat, out: true });
    }
  }

  /** The server's current tick as this client estimates it (same machine: same clock). */
  tickNow(): number {
    return this.t0 === null ? this.frozenTick : Math.max(this.frozenTick, tickAt({ t0: this.t0, tickHz: this.tickHz }, Date.now()));
  }

  /**
   * The match as this client can compute it at `tick`: the last sync, then every input and
   * elimination it knows of, stepped with the shared timeline.
   */
  mirror(tick: number): MatchTimeline {
    if (!this.lastSync) throw new Error("no sync yet");
    const tl = MatchTimeline.restore(this.lastSync.timeline);
    const entries = [...this.entries].sort((a, b) => a.tick - b.tick);
    for (const e of entries) {
      if (e.tick > tick) break;
      if ("out" in e) {
        tl.stepTo(e.tick);
        tl.eliminate(e.seat);
      } else if (e.tick >= tl.tick) tl.addInput({ tick: e.tick, seat: e.seat, dir: e.dir });
    }
    tl.stepTo(tick);
    return tl;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `pred` holds (checked on every message), or rejects after `ms`. */
  async until(pred: () => boolean, ms = 8000, what = "condition"): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.messages.map((m) => m.type).join(",")}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async next<T extends Msg["type"]>(type: T, ms = 8000): Promise<Extract<Msg, { type: T }>> {
    await this.until(() => this.messages.some((m) => m.type === type), ms, type);
    return this.messages.find((m) => m.type === type) as Extract<Msg, { type: T }>;
  }

  /** The `n`th (1-based) message of a type, for any protocol (hall messages included). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async nth(type: string, n: number, ms = 8000): Promise<any> {
    await this.until(() => this.messages.filter((m) => m.type === type).length >= n, ms, `${type} #${n}`);
    return this.messages.filter((m) => m.type === type)[n - 1];
  }

  count(type: string): number {
    return this.messages.filter((m) => m.type === type).length;
  }

  /** Sends an input stamped `tick` (default: the current tick plus a small lead). Returns its seq. */
  input(dir: Dir, tick = this.tickNow() + 2): number {
    this.seq += 1;
    this.ws.send(encodeInputFrame(this.seq, tick, dir));
    if (this.seat >= 0) this.entries.push({ tick, seat: this.seat, dir, seq: this.seq });
    return this.seq;
  }

  sendRaw(data: string | ArrayBuffer): void {
    this.ws.send(data);
  }

  close(): void {
    try {
      this.ws.close(1000, "bye");
    } catch {
      /* already closed */
    }
  }

  async waitClosed(ms = 5000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== null, ms, "close");
    return this.closed!;
  }
}

/**
 * `silent` pings once (answered by the runtime: the object only sees the timestamp, and judges
 * only sockets that have pinged), then falls quiet for 2.5 s while `alive` keeps pinging. With
 * `alive` also sending the clock request a live client sends (`time`), the object has events to
 * judge the heartbeats at; without, nothing at all happens there.
 */
export async function goSilentWhileOtherPings(silent: GameClient, alive: GameClient, { withClockRequests }: { withClockRequests: boolean }): Promise<void> {
  silent.sendRaw("ping");
  for (let i = 0; i < 5; i++) {
    alive.sendRaw("ping");
    if (withClockRequests) alive.sendRaw(JSON.stringify({ type: "time", c: i }));
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function sessionStub(gameId: string) {
  return env.GAME_SESSION.get(env.GAME_SESSION.idFromName(gameId));
}

let n = 0;
export function newGameId(): string {
  const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  n++;
  let id = "";
  for (const b of crypto.getRandomValues(new Uint8Array(7))) id += alphabet[b % alphabet.length];
  return (id + alphabet[n % alphabet.length]).slice(0, 8);
}

/** Creates a game directly on its object, seats the given users, and connects them. */
export async function startGame(
  users: Registered[],
  opts: Partial<InitOptions> = {},
): Promise<{ gameId: string; clients: GameClient[] }> {
  const gameId = newGameId();
  const stub = sessionStub(gameId);
  await stub.init({ gameId, mode: users.length === 4 ? "4p" : "2p", ...opts });
  for (const u of users) {
    const r = await stub.claimSeat({ id: u.id, username: u.username });
    if (!r.ok) throw new Error(`claim failed: ${r.reason}`);
  }
  const clients: GameClient[] = [];
  for (const u of users) clients.push(await GameClient.connect(gameId, u));
  return { gameId, clients };
}

export async function players(count: number): Promise<Registered[]> {
  const out: Registered[] = [];
  for (let i = 0; i < count; i++) out.push(await register());
  return out;
}
