/**
 * Structured log events: one JSON object per line on the console, which Workers Logs and
 * `wrangler tail` read, and which the log forwarder (src/objects/log-shipper/) ships to Logstash
 * when LOGSTASH_URL is set. Schema (observability/elasticsearch/index-template.json):
 *
 *   { "@timestamp", level, event, service, gameId?, tournamentId?, userId?, mode?, durationMs?,
 *     reason?, message?, error?: { type, message, stack? }, ...other fields }
 *
 * Redaction happens here, for every sink: values under keys that name secrets (password, token,
 * secret, authorization, cookie, api key, credential, jwt...) are replaced, JWTs / bearer / basic
 * credentials / URL user-info inside any string are masked, and known secret values (registered
 * by the forwarder from the environment) are masked wherever they appear. Still: never pass
 * secrets in `fields`; this is a safety net, not a licence.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogFields {
  gameId?: string;
  tournamentId?: string;
  userId?: string;
  mode?: string;
  durationMs?: number;
  reason?: string;
  message?: string;
  error?: unknown;
  [key: string]: unknown;
}

export type LogLine = Record<string, unknown>;

export const REDACTED = "[REDACTED]";
/** Keys whose values are never logged. */
const SECRET_KEY = /passw(or)?d|passphrase|^pwd$|secret|token|authori[sz]ation|cookie|api[-_]?key|credential|jwt|private[-_]?key|signature/i;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
const URL_USERINFO = /(\/\/)[^/\s:@]+:[^/\s@]+@/g;
const QUERY_SECRET = /([?&][^=&\s]*(?:token|password|secret|key|auth)[^=&\s]*=)[^&\s"]+/gi;
const MAX_STRING = 8_192;
const MAX_DEPTH = 6;
const MAX_ITEMS = 100;

let secretValues: string[] | null = [];
let secretProvider: (() => (string | undefined)[]) | null = null;

/**
 * Values (e.g. JWT_SECRET) masked wherever they appear in a log line, read lazily on the first
 * line (the environment may not be readable at module load). Values under 8 characters are ignored.
 */
export function setSecretValues(provider: () => (string | undefined)[]): void {
  secretProvider = provider;
  secretValues = null;
}

function knownSecrets(): string[] {
  if (secretValues === null) {
    try {
      secretValues = (secretProvider?.() ?? []).filter((v): v is string => typeof v === "string" && v.length >= 8);
    } catch {
      secretValues = [];
    }
  }
  return secretValues;
}

function scrubString(s: string): string {
  let out = s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…` : s;
  for (const secret of knownSecrets()) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out
    .replace(JWT, "[REDACTED_JWT]")
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(QUERY_SECRET, `$1${REDACTED}`);
}

/** A copy of `value` safe to log (see the file comment). */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubString(value);
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "function" || typeof value === "symbol") return undefined;
    return value;
  }
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (value instanceof Error) return errorObject(value);
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => redact(v, depth + 1));
  if (value instanceof Headers) return redact(Object.fromEntries(value.entries()), depth);
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (++n > MAX_ITEMS) break;
    if (v === undefined) continue;
    out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

function errorObject(err: unknown): { type: string; message: string; stack?: string } {
  if (err instanceof Error) {
    const e: { type: string; message: string; stack?: string } = { type: err.name, message: scrubString(err.message) };
    if (err.stack) e.stack = scrubString(err.stack);
    return e;
  }
  if (err !== null && typeof err === "object") {
    return { type: "object", message: scrubString(JSON.stringify(redact(err)) ?? "") };
  }
  return { type: typeof err, message: scrubString(String(err)) };
}

/** Builds the redacted line; exported for tests. */
export function buildLogLine(level: LogLevel, event: string, fields: LogFields = {}, service = "game"): LogLine {
  const { error, ...rest } = fields;
  const line: LogLine = { "@timestamp": new Date().toISOString(), level, event, service };
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined || k === "@timestamp" || k === "level" || k === "event" || k === "service") continue;
    const safe = SECRET_KEY.test(k) ? REDACTED : redact(v, 1);
    if (safe !== undefined) line[k] = safe;
  }
  if (error !== undefined) line.error = errorObject(error);
  return line;
}

type LogSink = (line: LogLine) => void;
let sink: LogSink | null = null;

/** Where lines go besides the console (the forwarder's outbox registers itself here). */
export function setLogSink(next: LogSink | null): void {
  sink = next;
}

function print(level: LogLevel, line: LogLine): void {
  const text = JSON.stringify(line);
  if (level === "error") console.error(text);
  else if (level === "warn") console.warn(text);
  else console.log(text);
}

/** Logs one event: console, and the forwarder when it is on. Never throws. */
export function logEvent(level: LogLevel, event: string, fields: LogFields = {}, service = "game"): void {
  let line: LogLine;
  try {
    line = buildLogLine(level, event, fields, service);
  } catch {
    line = { "@timestamp": new Date().toISOString(), level, event, service, message: "log fields could not be serialized" };
  }
  print(level, line);
  if (sink) {
    try {
      sink(line);
    } catch {
      // The forwarder must never break the caller.
    }
  }
}

/** Console only, never forwarded: for the forwarder's own diagnostics (no feedback loop). */
export function logLocal(level: LogLevel, event: string, fields: LogFields = {}, service = "log-shipper"): void {
  try {
    print(level, buildLogLine(level, event, fields, service));
  } catch {
    // ignore
  }
}
