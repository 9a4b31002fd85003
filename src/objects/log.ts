/**
 * Structured log events: one JSON object per line on the console, which Workers Logs, `wrangler
 * tail` and the log forwarder all read. Never pass secrets, tokens or passwords in `fields`.
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

function errorObject(err: unknown): { type: string; message: string; stack?: string } {
  if (err instanceof Error) return { type: err.name, message: err.message, stack: err.stack };
  return { type: typeof err, message: String(err) };
}

export function logEvent(level: LogLevel, event: string, fields: LogFields = {}, service = "game"): void {
  const { error, ...rest } = fields;
  const line: Record<string, unknown> = { "@timestamp": new Date().toISOString(), level, event, service };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) line[k] = v;
  if (error !== undefined) line.error = errorObject(error);
  const text = JSON.stringify(line);
  if (level === "error") console.error(text);
  else if (level === "warn") console.warn(text);
  else console.log(text);
}
