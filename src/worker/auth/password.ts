/**
 * Password hashing: PBKDF2-HMAC-SHA256 through WebCrypto, a random 16-byte salt per user,
 * 100,000 iterations (the most the Workers runtime allows), 32-byte output. The algorithm and
 * iteration count are stored beside the hash so they can change later without breaking old rows.
 */

import type { PasswordHash } from "../../db/users";

export const PASSWORD_ALGORITHM = "pbkdf2-sha256";
export const PASSWORD_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BITS = 256;


export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const derived = await derive(password, salt, PASSWORD_ITERATIONS);
  return { hash: toBase64(derived), salt: toBase64(salt), iterations: PASSWORD_ITERATIONS, algorithm: PASSWORD_ALGORITHM };
}

/** Constant-time check of `password` against a stored hash. False for unknown algorithms. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.algorithm !== PASSWORD_ALGORITHM) return false;
  if (!Number.isInteger(stored.iterations) || stored.iterations < 1 || stored.iterations > PASSWORD_ITERATIONS) return false;
  const expected = fromBase64(stored.hash);
  const actual = await derive(password, fromBase64(stored.salt), stored.iterations);
  return timingSafeEqual(actual, expected);
}

const DUMMY_SALT = new Uint8Array(SALT_BYTES);

/**
 * Spends the same PBKDF2 work as a real check and returns false. Called for unknown usernames
 * so a failed login takes as long whether or not the account exists.
 */
export async function burnPasswordCheck(password: string): Promise<false> {
  const derived = await derive(password, DUMMY_SALT, PASSWORD_ITERATIONS);
  timingSafeEqual(derived, new Uint8Array(derived.byteLength));
  return false;
}

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(password.normalize("NFC")), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, KEY_BITS);
  return new Uint8Array(bits);
}

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  // workerd provides crypto.subtle.timingSafeEqual; keep a plain XOR loop as the fallback.
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (x: ArrayBufferView, y: ArrayBufferView) => boolean };
  if (typeof subtle.timingSafeEqual === "function") return subtle.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const byte of bytes) s += String.fromCharCode(byte);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
