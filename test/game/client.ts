/** A test game client: a real WebSocket to the Worker (inside workerd), with awaitable messages. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { ServerMessage } from "../../src/shared/protocol/messages";
import { decodeSnapshot, SnapshotDecodeError, type SnapshotView } from "../../src/shared/protocol/snapshot";
import type { InitOptions } from "../../src/objects/game-session/game-session";
import { register, type Registered } from "../worker/helpers";

export type Msg = ServerMessage;

export class GameClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly messages: any[] = [];
  snapshots = 0;
  view: SnapshotView | null = null;
  closed: { code: number; reason: string } | null = null;
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
        if (e.data !== "pong") this.messages.push(JSON.parse(e.data));
      } else {
        this.snapshots++;
        try {
          this.view = decodeSnapshot(e.data as ArrayBuffer, this.view);
        } catch (err) {
          if (!(err instanceof SnapshotDecodeError)) throw err;
        }
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

  input(dir: -1 | 0 | 1): number {
    this.seq += 1;
    this.ws.send(JSON.stringify({ type: "input", seq: this.seq, tick: 0, dir }));
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
 * only sockets that have pinged), then falls quiet for 2.5 s while `alive` keeps pinging.
 */
export async function goSilentWhileOtherPings(silent: GameClient, alive: GameClient): Promise<void> {
  silent.sendRaw("ping");
  for (let i = 0; i < 5; i++) {
    alive.sendRaw("ping");
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
