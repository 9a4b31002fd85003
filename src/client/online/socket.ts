/**
 * A WebSocket that reconnects with backoff and checks its own pulse. Used by the game screen and
 * the tournament hall. The owner decides, on each close, whether to try again.
 *
 * Heartbeat: the literal `ping` every `pingMs` (or at once with `probe()`); when the `pong` has
 * not come back `pongTimeoutMs` later, the connection is declared dead (a half-open TCP connection can take minutes to report
 * itself) and handled like an abnormal close with code 4100.
 */
import { PING_TEXT, PONG_TEXT } from "../../shared/protocol/limits";

export const HEARTBEAT_CLOSE = 4100;
const BACKOFF_MS = [500, 1000, 2000, 4000];

export interface SocketHandlers {
  onOpen(): void;
  onText(text: string): void;
  onBinary?(data: ArrayBuffer): void;
  /**
   * The connection is gone (`opened`: it had opened). Return true to try again after the next
   * backoff delay, false to stop for good.
   */
  onClose(code: number, reason: string, opened: boolean): boolean;
}

export function socketUrl(path: string): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
}

export class ReconnectingSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pingSentAt = 0;
  private lastPingAt = 0;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly handlers: SocketHandlers,
    private readonly pingMs = 5000,
    private readonly pongTimeoutMs = 3000,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  get open(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  send(data: string | ArrayBuffer): boolean {
    if (!this.open) return false;
    this.ws!.send(data);
    return true;
  }

  /** Closes for good (no reconnect, no onClose). */
  stop(code = 1000, reason = "bye"): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.drop(code, reason);
  }

  /** A message arrived that proves the connection works end to end: backoff starts over. */
  healthy(): void {
    this.attempt = 0;
  }

  /** Skips the current backoff wait. */
  retryNow(): void {
    if (this.stopped || this.ws) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  private connect(): void {
    let opened = false;
    const ws = new WebSocket(socketUrl(this.path));
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.pingSentAt = 0;
      this.lastPingAt = performance.now();
      this.pingTimer = setInterval(() => this.heartbeat(), 1000);
      this.handlers.onOpen();
      // A first ping at once: the server judges silence only for sockets that have pinged, so a
      // line that dies in the first seconds must not escape the heartbeat.
      this.probe();
    };
    ws.onmessage = (event) => {
      if (typeof event.data === "string") {
        if (event.data === PONG_TEXT) this.pingSentAt = 0;
        else this.handlers.onText(event.data);
      } else if (event.data instanceof ArrayBuffer) this.handlers.onBinary?.(event.data);
    };
    ws.onclose = (event) => this.closed(event.code, event.reason, opened);
  }

  /** Sends a ping now: a dead connection shows within pongTimeoutMs. */
  probe(): void {
    if (!this.pingSentAt && this.send(PING_TEXT)) this.pingSentAt = this.lastPingAt = performance.now();
  }

  private heartbeat(): void {
    const now = performance.now();
    if (this.pingSentAt && now - this.pingSentAt > this.pongTimeoutMs) {
      this.drop(HEARTBEAT_CLOSE, "no pong");
      this.closed(HEARTBEAT_CLOSE, "heartbeat timeout", true);
    } else if (now - this.lastPingAt >= this.pingMs) this.probe();
  }

  private drop(code: number, reason: string): void {
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close(code, reason);
    } catch {
      /* already closing */
    }
  }

  private closed(code: number, reason: string, opened: boolean): void {
    clearInterval(this.pingTimer);
    this.ws = null;
    if (this.stopped) return;
    if (!this.handlers.onClose(code, reason, opened) || this.stopped) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, delay);
  }
}
