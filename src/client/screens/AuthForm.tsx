/** Sign up and Sign in: one form, two modes. Inline errors come from client checks and the server. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, type ApiError, type ApiResult, type AuthAnswer } from "../api";
import { Field } from "../components/Field";
import { Link } from "../components/Link";
import { formatDuration } from "../format";
import { navigate } from "../router";
import { setSignedIn } from "../session";
import { Password, PASSWORD_MIN, ruleMessage, Username, USERNAME_MAX, USERNAME_MIN } from "../../shared/protocol/account";

type FieldName = "username" | "password";
type FieldErrors = Partial<Record<FieldName, string>>;

interface AuthFormProps {
  mode: "signup" | "signin";
  /** Where to go after success (only in-app paths are honoured). */
  next?: string | null;
}

/** The server's account rules (the same schemas), checked before sending; the server stays the authority. */
function validate(values: Record<FieldName, string>): FieldErrors {
  const errors: FieldErrors = {};
  const username = ruleMessage(Username, values.username);
  const password = ruleMessage(Password, values.password);
  if (username) errors.username = username;
  if (password) errors.password = password;
  return errors;
}

function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function AuthForm({ mode, next }: AuthFormProps) {
  const isSignup = mode === "signup";
  const [values, setValues] = useState<Record<FieldName, string>>({ username: "", password: "" });
  const [touched, setTouched] = useState<Record<FieldName, boolean>>({ username: false, password: false });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [retryIn, setRetryIn] = useState(0);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (retryIn <= 0) return;
    const timer = setTimeout(() => setRetryIn((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [retryIn]);

  const update = (name: FieldName, value: string) => {
    const nextValues = { ...values, [name]: value };
    setValues(nextValues);
    if (touched[name]) setErrors((e) => ({ ...e, [name]: validate(nextValues)[name] }));
    else setErrors((e) => ({ ...e, [name]: undefined }));
  };

  const blur = (name: FieldName, event: FocusEvent) => {
    if (values[name] === "") return; // don't nag about a field merely tabbed through
    // Focus moving to the submit button: submit validates everything. Showing an error now would
    // shift the button down between mousedown and mouseup, and the click would miss it.
    if ((event.relatedTarget as HTMLElement | null)?.getAttribute("type") === "submit") return;
    setTouched((t) => ({ ...t, [name]: true }));
    setErrors((e) => ({ ...e, [name]: validate(values)[name] }));
  };

  const focusFirstError = (found: FieldErrors) => {
    const first = (["username", "password"] as const).find((name) => found[name]);
    if (first) (first === "username" ? usernameRef : passwordRef).current?.focus();
  };

  const applyServerError = (error: ApiError) => {
    if (error.kind === "network") {
      setFormError(error.message);
      return;
    }
    if (error.status === 429) {
      const seconds = error.retryAfterSeconds ?? 60;
      setRetryIn(seconds);
      setFormError(null);
      return;
    }
    if (error.status === 409) {
      const found = { username: error.message || "That username is taken." };
      setErrors(found);
      focusFirstError(found);
      return;
    }
    if (error.field === "username" || error.field === "password") {
      const found = { [error.field]: error.message };
      setErrors(found);
      focusFirstError(found);
      return;
    }
    if (error.status === 401 && !isSignup) {
      setFormError("Wrong username or password.");
      return;
    }
    setFormError(error.message);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (pending || retryIn > 0) return;
    setTouched({ username: true, password: true });
    const found = validate(values);
    setErrors(found);
    setFormError(null);
    if (found.username || found.password) {
      focusFirstError(found);
      return;
    }
    setPending(true);
    const result: ApiResult<AuthAnswer> = isSignup ? await api.register(values) : await api.login(values);
    setPending(false);
    if (result.ok) {
      setSignedIn(result.data.user);
      navigate(safeNext(next), { replace: true });
    } else applyServerError(result.error);
  };

  const title = isSignup ? "Create your account" : "Sign in";
  return (
    <section class="panel auth" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      <p class="lede">
        {isSignup ? "Play online, climb the leaderboard, join tournaments." : "Welcome back. Your paddle awaits."}
      </p>
      <form noValidate onSubmit={submit} data-testid={`${mode}-form`}>
        <Field
          id="username"
          label="Username"
          value={values.username}
          error={errors.username}
          hint={isSignup ? `${USERNAME_MIN}–${USERNAME_MAX} letters, digits, “_” or “-”.` : undefined}
          autoComplete="username"
          onInput={(v) => update("username", v)}
          onBlur={(event) => blur("username", event)}
          inputRef={usernameRef}
          autoCapitalize="none"
          spellcheck={false}
          maxLength={64}
        />
        <Field
          id="password"
          label="Password"
          type="password"
          value={values.password}
          error={errors.password}
          hint={isSignup ? `At least ${PASSWORD_MIN} characters.` : undefined}
          autoComplete={isSignup ? "new-password" : "current-password"}
          onInput={(v) => update("password", v)}
          onBlur={(event) => blur("password", event)}
          inputRef={passwordRef}
          maxLength={256}
        />
        {retryIn > 0 ? (
          <p class="form-error" role="alert" data-testid="form-error">
            Too many attempts. Try again in {formatDuration(retryIn)}.
          </p>
        ) : formError ? (
          <p class="form-error" role="alert" data-testid="form-error">
            {formError}
          </p>
        ) : null}
        <button type="submit" class="button button-primary button-wide" disabled={pending || retryIn > 0} aria-busy={pending} data-testid={`${mode}-submit`}>
          {pending ? (isSignup ? "Creating account…" : "Signing in…") : isSignup ? "Sign up" : "Sign in"}
        </button>
      </form>
      <p class="switch-auth">
        {isSignup ? (
          <>
            Already have an account? <Link href={withNext("/signin", next)}>Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link href={withNext("/signup", next)}>Create an account</Link>
          </>
        )}
      </p>
    </section>
  );
}

function withNext(path: string, next: string | null | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}
