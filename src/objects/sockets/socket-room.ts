/**
 * The socket plumbing every object with hibernatable WebSockets shares (GameSession and the
 * Tournament hall): the verified user from the Worker, accepting with tags and an attachment,
 * send/broadcast that never throw, the heartbeat judged from the runtime's auto-response
 * timestamps (the object is not woken by pings), and ONE frame budget per socket that counts every
 * frame before anything else looks at it (issue 12: frames that skipped the limiter could freeze a
 * match). Past the budget, or over the size limit, the socket is closed and the close is logged,
 * and its user is refused new sockets for a while (`refusal`, FLOOD_BAR_MS).
 */
import { CloseCode, MAX_CLIENT_FRAME_BYTES, PING_TEXT, PONG_TEXT } from "../../shared/protocol/limits";
import { frameBytes } from "../../shared/protocol/messages";
import { logEvent } from "../../observability/log";
import { FloodBar } from "./flood-bar";
import { FrameBudget } from "./frame-budget";

export interface VerifiedUser {
  userId: string;
  username: string;
}

/**
 * The user the Worker verified (session token and Origin) and passed in headers that clients
 * cannot reach an object with; null when they are missing.
 */
export function verifiedUser(request: Request): VerifiedUser | null {
  const userId = request.headers.get("X-Pong-User-Id");
  const username = request.headers.get("X-Pong-Username");
  return userId && username ? { userId, username } : null;
}

/** What `admit` decided about a frame. */
export type Admission = "ok" | "closing" | "too_large" | "over_budget";

export class SocketRoom<A extends VerifiedUser> {
  private readonly budgets = new Map<WebSocket, FrameBudget>();
  private readonly bar = new FloodBar();
  /** Sockets we decided to close: frames they still deliver are ignored. */
  private readonly closing = new WeakSet<WebSocket>();
  /**
   * Attachments as last written or read by this instance: read on every frame, so not
   * deserialized every time (the runtime keeps the serialized copy across hibernation; a new
   * instance starts with an empty cache and reads it once per socket).
   */
  private readonly attachments = new WeakMap<WebSocket, A | null>();
  /** `ctx.getWebSockets()` as last read (the runtime builds a fresh array each call); dropped on any open or close. */
  private all: WebSocket[] | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    /** Where the log lines come from ("game", "tournament") and what identifies the object in them. */
    private readonly service: string,
    private readonly logFields: () => Record<string, unknown>,
  ) {
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
  }

  /** Accepts the server end of a pair, hibernatable, with `tags` and the attachment it carries. */
  accept(ws: WebSocket, tags: string[], attachment: A): void {
    this.ctx.acceptWebSocket(ws, tags);
    this.setAttachment(ws, attachment);
    this.all = null;
  }

  attachment(ws: WebSocket): A | null {
    let att = this.attachments.get(ws);
    if (att === undefined) {
      att = (ws.deserializeAttachment() as A | null) ?? null;
      this.attachments.set(ws, att);
    }
    return att;
  }

  /** Writes the attachment (what survives hibernation with the socket). Callers that change one set it again. */
  setAttachment(ws: WebSocket, attachment: A): void {
    ws.serializeAttachment(attachment);
    this.attachments.set(ws, attachment);
  }

  /** Sockets with `tag` (all when omitted), our own closing ones excluded. */
  sockets(tag?: string): WebSocket[] {
    if (tag !== undefined) return this.ctx.getWebSockets(tag).filter((ws) => !this.closing.has(ws));
    return (this.all ??= this.ctx.getWebSockets().filter((ws) => !this.closing.has(ws)));
  }

  /**
   * Counts a frame against its socket's budget, first thing. "ok": handle it. Otherwise the frame
   * is dropped: "closing" (we already closed this socket), "too_large" (closed 1009), "over_budget"
   * (closed 1008, logged).
   */
  admit(ws: WebSocket, raw: string | ArrayBuffer, now: number): Admission {
    if (this.closing.has(ws)) return "closing";
    let budget = this.budgets.get(ws);
    if (!budget) this.budgets.set(ws, (budget = new FrameBudget(now)));
    if (!budget.take(now)) {
      const att = this.attachment(ws);
      logEvent("warn", "ws.frame_budget", { ...this.logFields(), userId: att?.userId }, this.service);
      if (att) this.bar.bar(att.userId, now);
      this.close(ws, CloseCode.policyViolation, "frame budget exceeded");
      return "over_budget";
    }
    if (frameBytes(raw) > MAX_CLIENT_FRAME_BYTES) {
      const att = this.attachment(ws);
      if (att) this.bar.bar(att.userId, now);
      this.close(ws, CloseCode.tooLarge, "frame too large");
      return "too_large";
    }
    return "ok";
  }

  /**
   * Who an upgrade is from, or the answer that refuses it: 400 without the Worker's verified user,
   * 429 (Retry-After) for a user barred for flooding. Checked before anything else an upgrade
   * costs (catching up, the welcome, a full state).
   */
  upgradeUser(request: Request, now: number): VerifiedUser | Response {
    const user = verifiedUser(request);
    if (!user) return new Response("missing user", { status: 400 });
    const ms = this.bar.remainingMs(user.userId, now);
    if (ms <= 0) return user;
    const s = Math.ceil(ms / 1000);
    return new Response(`closed for too many frames; try again in ${s} s`, { status: 429, headers: { "Retry-After": String(s) } });
  }

  /** Serializes `msg` (JSON unless already a string or bytes) and sends it; a closing socket is ignored. Returns the bytes sent. */
  send(ws: WebSocket, msg: object | string | ArrayBuffer): number {
    const data = typeof msg === "string" || msg instanceof ArrayBuffer ? msg : JSON.stringify(msg);
    try {
      ws.send(data);
    } catch {
      // closing under us: its close handler deals with it
    }
    return typeof data === "string" ? data.length : data.byteLength;
  }

  /** Sends the same frame (serialized once) to every socket but `except`. Returns [bytes per frame, sockets reached]. */
  broadcast(msg: object | string | ArrayBuffer, except?: WebSocket): [number, number] {
    const data = typeof msg === "string" || msg instanceof ArrayBuffer ? msg : JSON.stringify(msg);
    let n = 0;
    for (const ws of this.sockets()) {
      if (ws === except) continue;
      try {
        ws.send(data);
        n++;
      } catch {
        // closing socket
      }
    }
    return [typeof data === "string" ? data.length : data.byteLength, n];
  }

  /** Closes a socket once; its late frames are ignored from now on. */
  close(ws: WebSocket, code: number, reason: string): void {
    if (this.closing.has(ws)) return;
    this.closing.add(ws);
    this.all = null;
    this.budgets.delete(ws);
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
  }

  isClosing(ws: WebSocket): boolean {
    return this.closing.has(ws);
  }

  /** The socket is gone (closed or errored): forget it. */
  forget(ws: WebSocket): void {
    this.budgets.delete(ws);
    this.all = null;
  }

  /**
   * Heartbeat: a socket that has pinged (the runtime answered and kept the time) and then stayed
   * silent longer than `limitMs`. Sockets that never pinged are judged by their close alone.
   */
  isSilent(ws: WebSocket, now: number, limitMs: number): boolean {
    const last = this.ctx.getWebSocketAutoResponseTimestamp(ws);
    return last !== null && now - last.getTime() > limitMs;
  }

  /** The earliest moment one of these sockets could become silent (ms), or null if none has pinged. */
  silentAt(sockets: WebSocket[], limitMs: number): number | null {
    let at: number | null = null;
    for (const ws of sockets) {
      const last = this.ctx.getWebSocketAutoResponseTimestamp(ws);
      if (last !== null) {
        const t = last.getTime() + limitMs + 1;
        if (at === null || t < at) at = t;
      }
    }
    return at;
  }
}
