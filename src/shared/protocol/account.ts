/**
 * Account rules, the one definition: the Worker validates register/login bodies with these schemas
 * (src/worker/routes/auth.ts, through hono's validator) and the sign-up form checks the same schemas
 * before sending (src/client/screens/AuthForm.tsx). Lengths count UTF-16 code units on both sides.
 */
import * as v from "valibot";

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 20;
export const USERNAME_PATTERN = /^[A-Za-z0-9_-]+$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
/** Login accepts any name up to this length (an unknown name just fails with 401, like a wrong password). */
export const LOGIN_USERNAME_MAX = 64;

// Every message is for people and never echoes the submitted value.
export const Username = v.pipe(
  v.string("Enter a username."),
  v.nonEmpty("Enter a username."),
  v.minLength(USERNAME_MIN, `Usernames are ${USERNAME_MIN}–${USERNAME_MAX} characters long.`),
  v.maxLength(USERNAME_MAX, `Usernames are ${USERNAME_MIN}–${USERNAME_MAX} characters long.`),
  v.regex(USERNAME_PATTERN, "Use only letters, digits, “_” and “-”."),
);

export const Password = v.pipe(
  v.string("Enter a password."),
  v.nonEmpty("Enter a password."),
  v.minLength(PASSWORD_MIN, `Passwords are at least ${PASSWORD_MIN} characters long.`),
  v.maxLength(PASSWORD_MAX, `Passwords are at most ${PASSWORD_MAX} characters long.`),
);

/** `POST /api/auth/register`. */
export const RegisterBody = v.object({ username: Username, password: Password });

/** `POST /api/auth/login`: types and sane lengths only, so a wrong name costs the same as a wrong password. */
export const LoginBody = v.object({
  username: v.pipe(v.string("Enter a username."), v.nonEmpty("Enter a username."), v.maxLength(LOGIN_USERNAME_MAX, "That username is too long.")),
  password: v.pipe(v.string("Enter a password."), v.nonEmpty("Enter a password."), v.maxLength(PASSWORD_MAX, `Passwords are at most ${PASSWORD_MAX} characters long.`)),
});

export type Credentials = v.InferOutput<typeof LoginBody>;

/** `POST /api/me/password`: the current password (checked like a login) and the new one (sign-up rules). */
export const ChangePasswordBody = v.pipe(
  v.object({
    currentPassword: v.pipe(v.string("Enter your current password."), v.nonEmpty("Enter your current password."), v.maxLength(PASSWORD_MAX, `Passwords are at most ${PASSWORD_MAX} characters long.`)),
    newPassword: Password,
  }),
  v.forward(
    v.check((b) => b.newPassword !== b.currentPassword, "The new password must differ from the current one."),
    ["newPassword"],
  ),
);
export type ChangePasswordBody = v.InferOutput<typeof ChangePasswordBody>;

export function isValidUsername(name: string): boolean {
  return v.is(Username, name);
}

/** The first rule `value` breaks, as a message for the form; null when it passes. */
export function ruleMessage(schema: v.GenericSchema, value: unknown): string | null {
  const result = v.safeParse(schema, value, { abortEarly: true });
  return result.success ? null : result.issues[0].message;
}
