import { Link } from "../components/Link";
import { useSession } from "../session";

/** Placeholder for online play, 4 players and tournaments. */
export function ComingSoon({ title, path }: { title: string; path: string }) {
  const { user, ready } = useSession();
  return (
    <section class="panel" aria-labelledby="page-title" data-testid="coming-soon">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      <p class="lede">Coming soon.</p>
      {ready && !user ? (
        <p>
          You will need an account: <Link href={`/signin?next=${encodeURIComponent(path)}`}>sign in</Link> or{" "}
          <Link href={`/signup?next=${encodeURIComponent(path)}`}>sign up</Link>.
        </p>
      ) : null}
      <Link href="/" class="button" data-testid="back-home">
        Back home
      </Link>
    </section>
  );
}
