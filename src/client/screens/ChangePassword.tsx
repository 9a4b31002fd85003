/**
 * "Change password" on the player's own profile (POST /api/me/password). The new password follows
 * the sign-up rules (the shared schema); success ends every other session of the account.
 */
import { useState } from "preact/hooks";
import { api } from "../api";
import { Field } from "../components/Field";
import { formatDuration } from "../format";
import { Password, PASSWORD_MIN, ruleMessage } from "../../shared/protocol/account";

type Errors = { currentPassword?: string; newPassword?: string };

export function ChangePassword() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, setPending] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (pending) return;
    const found: Errors = {};
    if (current === "") found.currentPassword = "Enter your current password.";
    const rule = ruleMessage(Password, next);
    if (rule) found.newPassword = rule;
    else if (next === current) found.newPassword = "The new password must differ from the current one.";
    setErrors(found);
    setFormError(null);
    setDone(false);
    if (found.currentPassword || found.newPassword) return;
    setPending(true);
    const result = await api.changePassword({ currentPassword: current, newPassword: next });
    setPending(false);
    if (result.ok) {
      setCurrent("");
      setNext("");
      setDone(true);
      return;
    }
    const e = result.error;
    if (e.kind === "http" && (e.field === "currentPassword" || e.field === "newPassword")) setErrors({ [e.field]: e.message });
    else if (e.kind === "http" && e.status === 429) setFormError(`Too many attempts. Try again in ${formatDuration(e.retryAfterSeconds ?? 60)}.`);
    else setFormError(e.message);
  };

  return (
    <section aria-labelledby="change-password-title" data-testid="change-password">
      <h2 id="change-password-title">Change password</h2>
      <form noValidate onSubmit={submit} data-testid="change-password-form">
        <Field
          id="current-password"
          label="Current password"
          type="password"
          value={current}
          error={errors.currentPassword}
          autoComplete="current-password"
          onInput={setCurrent}
          maxLength={256}
        />
        <Field
          id="new-password"
          label="New password"
          type="password"
          value={next}
          error={errors.newPassword}
          hint={`At least ${PASSWORD_MIN} characters. Signs you out everywhere else.`}
          autoComplete="new-password"
          onInput={setNext}
          maxLength={256}
        />
        {formError && (
          <p class="form-error" role="alert" data-testid="change-password-error">
            {formError}
          </p>
        )}
        {done && (
          <p class="muted" role="status" data-testid="change-password-done">
            Password changed. Your other sessions are signed out.
          </p>
        )}
        <button type="submit" class="button button-primary" disabled={pending} aria-busy={pending} data-testid="change-password-submit">
          {pending ? "Changing…" : "Change password"}
        </button>
      </form>
    </section>
  );
}
