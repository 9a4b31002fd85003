/**
 * The floors the load bench compares the project with (bench-only, run by `wrangler dev -c
 * bench/floor/wrangler.toml` with the project's settings):
 *
 * - RelayRoom: a Durable Object that accepts WebSockets with hibernation and relays each frame to
 *   the room's other sockets, nothing else (no parsing, no state, no timers, no storage). The heartbeat
 *   `ping` is answered by the runtime like the project's. Driven by the same bots at the same input
 *   rate, its CPU per room is the least any game built on relayed inputs can cost here.
 * - AlarmProbe: one alarm a second, nothing else; reports how late each fired (`Date.now()` at the
 *   start of the handler minus the time it was set for). The project announces points from an alarm,
 *   so this is the runtime's own share of a point's lateness.
 *
 * Routes: GET /healthz; GET /ws/:room (upgrade); POST /alarms/start?run=&n=&periodMs=;
 * POST /alarms/stop?run=&n= (answers every object's lateness list, ms, and its early runs).
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  ROOM: DurableObjectNamespace<RelayRoom>;
  ALARMS: DurableObjectNamespace<AlarmProbe>;
}

export class RelayRoom extends DurableObject<Env> {
  /** `ctx.getWebSockets()` as last read (the project keeps the same cache): dropped on any open or close. */
  private sockets: WebSocket[] | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(): Promise<Response> {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    this.sockets = null;
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const list = (this.sockets ??= this.ctx.getWebSockets());
    for (const s of list) {
      if (s === ws) continue;
      try {
        s.send(message);
      } catch {
        this.sockets = null; // closing: read the list again next time
      }
    }
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.sockets = null;
    try {
      ws.close(code === 1005 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }

  override webSocketError(): void {
    this.sockets = null;
  }
}

export class AlarmProbe extends DurableObject<Env> {
  private lateness: number[] = [];
  /** Runs before their time (a repeated delivery: alarms are at-least-once): not lateness, counted apart. */
  private early = 0;
  private due = 0;
  private periodMs = 1000;
  private running = false;

  async start(firstAt: number, periodMs: number): Promise<void> {
    this.lateness = [];
    this.early = 0;
    this.due = firstAt;
    this.periodMs = periodMs;
    this.running = true;
    await this.ctx.storage.setAlarm(firstAt);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    if (!this.running) return;
    if (now < this.due) {
      this.early++;
      return void (await this.ctx.storage.setAlarm(this.due));
    }
    this.lateness.push(now - this.due);
    // Fixed rate: the next one a period after this one was due (skipping any already missed).
    this.due += this.periodMs;
    while (this.due <= now) this.due += this.periodMs;
    await this.ctx.storage.setAlarm(this.due);
  }

  async stop(): Promise<{ lateness: number[]; early: number }> {
    this.running = false;
    await this.ctx.storage.deleteAlarm();
    return { lateness: this.lateness, early: this.early };
  }
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") return new Response("pong-edge relay floor");
    const room = /^\/ws\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname)?.[1];
    if (room) {
      if (req.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
      return env.ROOM.get(env.ROOM.idFromName(room)).fetch(req);
    }
    const run = url.searchParams.get("run") ?? "";
    const n = Number(url.searchParams.get("n") ?? 0);
    if (req.method === "POST" && /^[A-Za-z0-9_-]{1,32}$/.test(run) && Number.isInteger(n) && n > 0 && n <= 1000) {
      const probe = (i: number) => env.ALARMS.get(env.ALARMS.idFromName(`${run}-${i}`));
      if (url.pathname === "/alarms/start") {
        const periodMs = Number(url.searchParams.get("periodMs") ?? 1000);
        const now = Date.now();
        // Phases spread over one period, so the objects do not all fire in the same millisecond.
        await Promise.all(Array.from({ length: n }, (_, i) => probe(i).start(now + periodMs + Math.floor((i * periodMs) / n), periodMs)));
        return Response.json({ started: n });
      }
      if (url.pathname === "/alarms/stop") return Response.json(await Promise.all(Array.from({ length: n }, (_, i) => probe(i).stop())));
    }
    return new Response("not found", { status: 404 });
  },
};
