import { readSession } from "../auth/session";
import { originAllowed } from "./origin";
import { logEvent } from "../../observability/log";
import { countWsRejected } from "../instrumentation/worker-metrics";

/** Header names the Worker uses to tell an object who is connecting. Clients' copies are dropped. */
export const USER_ID_HEADER = "X-Pong-User-Id";
export const USERNAME_HEADER = "X-Pong-Username";

export type UpgradeTarget = (env: Env, id: string) => DurableObjectStub | null;

function reject(status: number, code: string, message: string, fields: Record<string, unknown>): Response {
  logEvent("warn", "ws.rejected", { status, reason: code, ...fields }, "worker");
  countWsRejected(code, typeof fields.kind === "string" ? fields.kind : "other");
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "Content-Type": "application/json; charset=UTF-8", "Cache-Control": "no-store" },
  });
}

/**
 * Verifies a WebSocket upgrade (Upgrade header, Origin, session token) before any object is
 * reached, then forwards it to the object `target` names, with the verified user attached.
 */
export async function forwardUpgrade(request: Request, env: Env, id: string, target: UpgradeTarget, kind: string): Promise<Response> {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    return reject(426, "upgrade_required", "expected a WebSocket upgrade", { kind });
  }
  const user = await readSession(request, env);
  if (!user) return reject(401, "unauthorized", "sign in to connect", { kind });
  if (!originAllowed(request, env.ALLOWED_ORIGINS)) {
    return reject(403, "forbidden_origin", "this origin may not open game sockets", { kind, userId: user.id, origin: request.headers.get("Origin") });
  }
  const stub = target(env, id);
  if (!stub) return reject(404, "not_found", "no such game", { kind, userId: user.id });

  const headers = new Headers(request.headers);
  headers.delete(USER_ID_HEADER);
  headers.delete(USERNAME_HEADER);
  headers.set(USER_ID_HEADER, user.id);
  headers.set(USERNAME_HEADER, user.username);
  return stub.fetch(new Request(request.url, { method: "GET", headers }));
}
