/** Reading and validating JSON request bodies: every bad input becomes a 4xx ApiError. */
import type { Context } from "hono";
import { ApiError } from "./errors";

/** Largest accepted request body, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

const tooLarge = () => new ApiError(413, "payload_too_large", `Request body is larger than ${MAX_BODY_BYTES} bytes.`);

/**
 * Reads the body as a JSON object. 415 unless Content-Type is application/json (this also
 * stops cross-site HTML forms, which cannot send that type); 413 over MAX_BODY_BYTES (checked
 * on Content-Length and again while streaming); 400 `invalid_body` for invalid UTF-8, malformed
 * JSON, or JSON that is not an object.
 */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const declared = c.req.header("Content-Length");
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) throw tooLarge();

  const bytes = await readCapped(c.req.raw.body, MAX_BODY_BYTES);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_body", "Request body is not valid UTF-8.");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_body", "Request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(400, "invalid_body", "Request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}

async function readCapped(body: ReadableStream<Uint8Array> | null, cap: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** A required string field with a length range (in UTF-16 code units, as the client counts). */
export function requireString(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  label = field,
): string {
  const value = body[field];
  if (value === undefined || value === null) {
    throw new ApiError(400, "invalid_field", `${label} is required.`, field);
  }
  if (typeof value !== "string") {
    throw new ApiError(400, "invalid_field", `${label} must be a string.`, field);
  }
  if (value.length < min || value.length > max) {
    throw new ApiError(400, "invalid_field", `${label} must be ${min}–${max} characters long.`, field);
  }
  return value;
}
