/** Shared helpers for the accounts tests (HTTP through SELF, real D1 and Durable Objects). */
import { SELF, createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

export const BASE = "http://example.com";
export const PASSWORD = "correct horse battery";

let counter = 0;
/** A username unique within this run (3-20 chars of [A-Za-z0-9_-]). */
export function uniqueName(prefix = "u"): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36).slice(-5)}${crypto.randomUUID().slice(0, 4)}${counter}`.slice(0, 20);
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function get(path: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, { headers: token ? { Authorization: `Bearer ${token}`, ...headers } : headers });
}

export interface Registered {
  id: string;
  username: string;
  token: string;
  password: string;
}

export async function register(username = uniqueName(), password = PASSWORD): Promise<Registered> {
  const res = await postJson("/api/auth/register", { username, password });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
  const body = await res.json<{ user: { id: string; username: string }; token: string }>();
  return { ...body.user, token: body.token, password };
}

/** Calls the Worker's own fetch handler with some bindings overridden (real DB and objects). */
export function fetchWithEnv(request: Request, overrides: Partial<Env>): Promise<Response> {
  return (worker.fetch as (r: Request, e: Env, c: ExecutionContext) => Promise<Response>)(
    request,
    { ...(env as Env), ...overrides },
    createExecutionContext(),
  );
}

export async function errorOf(res: Response): Promise<{ code: string; message: string; field?: string }> {
  const body = await res.json<{ error: { code: string; message: string; field?: string } }>();
  return body.error;
}
