/** Account input rules (mirrored, for UX only, by src/client/validation.ts). */
import { ApiError } from "../http/errors";
import { requireString } from "../http/body";

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 20;
export const USERNAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
/** Login accepts any name up to this length (non-existent names just fail with 401). */
const LOGIN_USERNAME_MAX = 64;

export function isValidUsername(name: string): boolean {
  return name.length >= USERNAME_MIN && name.length <= USERNAME_MAX && USERNAME_PATTERN.test(name);
}

/** Registration: the username and password rules. Errors never echo the submitted value. */
export function parseRegistration(body: Record<string, unknown>): { username: string; password: string } {
  const username = requireString(body, "username", USERNAME_MIN, USERNAME_MAX, "Username");
  if (!USERNAME_PATTERN.test(username)) {
    throw new ApiError(400, "invalid_field", "Username may contain only letters, digits, “_” and “-”.", "username");
  }
  const password = requireString(body, "password", PASSWORD_MIN, PASSWORD_MAX, "Password");
  return { username, password };
}

/** Login: types and sane lengths only, so a wrong name costs the same as a wrong password (401). */
export function parseLogin(body: Record<string, unknown>): { username: string; password: string } {
  const username = requireString(body, "username", 1, LOGIN_USERNAME_MAX, "Username");
  const password = requireString(body, "password", 1, PASSWORD_MAX, "Password");
  return { username, password };
}
