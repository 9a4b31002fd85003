/** Client-side checks mirroring the server's account rules; the server stays the authority. */

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 20;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
const USERNAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Returns an error message, or null when the username is acceptable. */
export function validateUsername(username: string): string | null {
  if (username.length === 0) return "Enter a username.";
  if (username.length < USERNAME_MIN || username.length > USERNAME_MAX)
    return `Usernames are ${USERNAME_MIN}–${USERNAME_MAX} characters long.`;
  if (!USERNAME_PATTERN.test(username)) return "Use only letters, digits, “_” and “-”.";
  return null;
}

/** Returns an error message, or null when the password is acceptable. */
export function validatePassword(password: string): string | null {
  if (password.length === 0) return "Enter a password.";
  if (password.length < PASSWORD_MIN) return `Passwords are at least ${PASSWORD_MIN} characters long.`;
  if (password.length > PASSWORD_MAX) return `Passwords are at most ${PASSWORD_MAX} characters long.`;
  return null;
}
