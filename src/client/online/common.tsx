/** Small pieces shared by the online screens. */
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ApiError } from "../api";
import { Link } from "../components/Link";
import { useSession } from "../session";

/** Re-renders every `ms` while `on` (countdowns in banners). Returns Date.now(). */
export function useNow(on: boolean, ms = 500): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [on, ms]);
  return now;
}

export const secondsLeft = (deadline: number | null, now: number) => (deadline === null ? 0 : Math.max(0, Math.ceil((deadline - now) / 1000)));

export function Spinner({ label, testId }: { label: string; testId?: string }) {
  return (
    <div class="spinner-wrap" role="status" data-testid={testId}>
      <span class="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** The server's message, or a friendlier one for the codes people meet most. */
export function errorText(error: ApiError): string {
  if (error.kind === "http" && error.status === 401) return "Sign in to play online.";
  return error.message;
}

/** Online screens need an account: while signed out, an invite instead of the screen. */
export function SignedIn({ title, path, children }: { title: string; path: string; children: ComponentChildren }) {
  const { ready, user } = useSession();
  if (ready && user) return <>{children}</>;
  const next = encodeURIComponent(path);
  return (
    <section class="panel" aria-labelledby="page-title" data-testid="signin-required">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {!ready ? (
        <Spinner label="Loading…" />
      ) : (
        <p>
          Online play needs an account: <Link href={`/signin?next=${next}`}>sign in</Link> or <Link href={`/signup?next=${next}`}>sign up</Link>.
        </p>
      )}
    </section>
  );
}
