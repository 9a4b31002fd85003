/**
 * A stand-in for Logstash's `http` input, for the workerd tests. vitest.config.ts routes the
 * Worker's outbound fetches here (miniflare `outboundService`): requests to LOGSTASH_TEST_HOST are
 * answered by this Node-side function, everything else passes through to the real network
 * unchanged. Tests drive it over fetch from inside workerd:
 *
 *   POST http://logstash.test/__control {"reset": true, "script": [503, "network", 200]}
 *   GET  http://logstash.test/__received -> { batches: [{ at, auth, contentType, docs }], attempts: [...] }
 *
 * `script` lists the answers to the next ingest POSTs (a status, or "network" for a connection
 * failure); afterwards every POST gets 200. Runs in Node (imported by vitest.config.ts).
 */
export const LOGSTASH_TEST_HOST = "logstash.test";

export type Scripted = number | "network";

export interface ReceivedBatch {
  at: number;
  auth: string | null;
  contentType: string | null;
  docs: unknown[];
}

interface ReceiverState {
  batches: ReceivedBatch[];
  attempts: { at: number; answer: Scripted }[];
  script: Scripted[];
  /** Answer every POST with this status until changed (null: use the script, then 200). */
  always: Scripted | null;
}

const state: ReceiverState = { batches: [], attempts: [], script: [], always: null };

export async function logstashOutbound(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname !== LOGSTASH_TEST_HOST) return fetch(request);
  if (url.pathname === "/__control") {
    const cmd = (await request.json()) as { reset?: boolean; script?: Scripted[]; always?: Scripted | null };
    if (cmd.reset) {
      state.batches = [];
      state.attempts = [];
      state.script = [];
      state.always = null;
    }
    if (cmd.script) state.script = [...cmd.script];
    if (cmd.always !== undefined) state.always = cmd.always;
    return Response.json({ ok: true });
  }
  if (url.pathname === "/__received") return Response.json({ batches: state.batches, attempts: state.attempts });
  const answer: Scripted = state.always ?? state.script.shift() ?? 200;
  state.attempts.push({ at: Date.now(), answer });
  if (answer === "network") throw new Error("scripted connection failure");
  const body = await request.text();
  if (answer !== 200) return new Response(`scripted ${answer}`, { status: answer });
  let docs: unknown[];
  try {
    const parsed: unknown = JSON.parse(body);
    docs = Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return new Response("bad json", { status: 400 });
  }
  state.batches.push({ at: Date.now(), auth: request.headers.get("Authorization"), contentType: request.headers.get("Content-Type"), docs });
  return Response.json({ ok: true });
}
