/**
 * The floors the load bench compares the project with (bench-only, run by `wrangler dev -c
 * bench/floor/wrangler.toml` with the project's settings):
 *
 * - RelayRoom: a Durable Object that accepts WebSockets with hibernation and relays each frame to
 *   the room's other sockets, nothing else (no parsing, no state, no timers, no storage). The heartbeat
 *   `ping` is answered by the runtime like the project's. Driven by the same bots at the same input
 *   rate, its CPU per room is the least any game built on relayed inputs can cost here.
 * - AlarmProbe (bench/floor/alarm-probe.ts): one alarm a second, nothing else; how late each fired.
 *   Run here alone (the "alone" alarm floor); the load bench also runs it inside the project's workerd
 *   during every step.
 *
 * Routes: GET /healthz; GET /ws/:room (upgrade); the probe's under /alarms/ (alarm-probe.ts).
 */
import { DurableObject } from "cloudflare:workers";
import { AlarmProbe, alarmProbeRoute } from "./alarm-probe";

export { AlarmProbe };

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

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") return new Response("pong-edge relay floor");
    const room = /^\/ws\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname)?.[1];
    if (room) {
      if (req.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
      return env.ROOM.get(env.ROOM.idFromName(room)).fetch(req);
    }
    if (url.pathname.startsWith("/alarms/")) {
      const res = await alarmProbeRoute(req, url.pathname.slice("/alarms".length), env.ALARMS);
      if (res) return res;
    }
    return new Response("not found", { status: 404 });
  },
};
