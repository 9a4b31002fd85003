/**
 * A delaying proxy for the play-feel test: sits in front of `wrangler dev` and holds every
 * WebSocket message `delayMs` ± `jitterMs` in each direction (uniform), so a browser on loopback
 * plays over a line of about 2 x delayMs round trip. Order is kept (a WebSocket is one TCP
 * stream: a message never overtakes the previous one), so the jitter shows as bunching, as on a
 * real line. Plain HTTP (pages, assets, the API) is forwarded without delay: only the game socket
 * matters for play feel. The Origin header is rewritten to the upstream's (the Worker accepts
 * WebSockets from its own origin only, and the browser's origin is the proxy's).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";

export interface DelayProxy {
  url: string;
  /** Messages forwarded per direction, and the delays actually applied (ms, after ordering). */
  stats: { up: number; down: number; upDelays: number[]; downDelays: number[] };
  stop(): Promise<void>;
}

export interface DelayProxyOptions {
  upstream: string;
  delayMs?: number;
  jitterMs?: number;
}

/**
 * A one-way lane that delivers in order, each message `delay ± jitter` after it entered.
 * One queue and one timer per lane: a timer per message is not enough, because Node truncates
 * each timer's delay to whole milliseconds and keeps a list per delay, so two messages that
 * entered together (welcome and sync arrive in one TCP chunk) could fire in the wrong order when
 * their delays straddled a millisecond, and a real line never reorders a WebSocket's messages.
 */
function lane(delayMs: number, jitterMs: number, record: number[]) {
  const queue: { at: number; deliver: () => void }[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastAt = 0;
  const pump = () => {
    timer = null;
    // `at` never decreases along the queue: deliver the head while it is due, in order.
    while (queue.length > 0 && queue[0]!.at <= performance.now() + 0.5) queue.shift()!.deliver();
    if (queue.length > 0) timer = setTimeout(pump, Math.max(0, queue[0]!.at - performance.now()));
  };
  return (deliver: () => void) => {
    const now = performance.now();
    const at = Math.max(lastAt, now + delayMs + (Math.random() * 2 - 1) * jitterMs);
    lastAt = at;
    record.push(at - now);
    if (record.length > 100_000) record.shift();
    queue.push({ at, deliver });
    if (timer === null) timer = setTimeout(pump, Math.max(0, at - now));
  };
}

export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const upstream = new URL(options.upstream);
  const delayMs = options.delayMs ?? 75;
  const jitterMs = options.jitterMs ?? 20;
  const stats: DelayProxy["stats"] = { up: 0, down: 0, upDelays: [], downDelays: [] };
  const sockets = new Set<WebSocket>();

  const headersFor = (req: IncomingMessage): Record<string, string> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    headers.host = upstream.host;
    if (headers.origin) headers.origin = upstream.origin;
    return headers;
  };

  const server: Server = createServer((req, res) => {
    const fwd = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: headersFor(req) },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    fwd.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(fwd);
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const headers = headersFor(req);
    // The ws client sets its own handshake headers.
    for (const h of ["host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions"]) delete headers[h];
    const target = new WebSocket(`ws://${upstream.host}${req.url ?? "/"}`, { headers });
    const early: { data: RawData; binary: boolean }[] = [];
    let client: WebSocket | null = null;
    const up = lane(delayMs, jitterMs, stats.upDelays);
    const down = lane(delayMs, jitterMs, stats.downDelays);
    target.on("unexpected-response", (_r, res) => {
      // Refused upgrade (401, 403, 404...): answer the browser the same way.
      socket.write(`HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    });
    target.on("error", () => socket.destroy());
    target.on("open", () => {
      sockets.add(target);
      wss.handleUpgrade(req, socket, head, (ws) => {
        client = ws;
        sockets.add(ws);
        ws.on("message", (data, binary) => {
          stats.up++;
          up(() => target.readyState === WebSocket.OPEN && target.send(data, { binary }));
        });
        ws.on("close", (code) => up(() => target.close(validCode(code))));
        ws.on("error", () => target.terminate());
        for (const m of early.splice(0)) down(() => ws.readyState === WebSocket.OPEN && ws.send(m.data, { binary: m.binary }));
      });
    });
    target.on("message", (data, binary) => {
      stats.down++;
      if (!client) return void early.push({ data, binary });
      const c = client;
      down(() => c.readyState === WebSocket.OPEN && c.send(data, { binary }));
    });
    target.on("close", (code, reason) => down(() => client?.close(validCode(code), reason.toString())));
  });

  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    async stop() {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}

/** Close codes a peer may send (1005/1006 are reserved for "none"/"abnormal"). */
function validCode(code: number): number {
  return code === 1005 || code === 1006 || code < 1000 ? 1000 : code;
}
