import { useState } from "preact/hooks";
import { navigate } from "../router";
import { signOut, useSession } from "../session";
import { Link } from "./Link";
import { MuteToggle } from "./MuteToggle";

export function Header() {
  const { ready, user } = useSession();
  const [signingOut, setSigningOut] = useState(false);

  const onSignOut = async () => {
    setSigningOut(true);
    const ok = await signOut();
    setSigningOut(false);
    if (ok) navigate("/");
  };

  return (
    <header class="site-header">
      {/* The sound toggle sits by the brand, so it never pushes the nav onto another line on a phone. */}
      <div class="header-start">
        <Link href="/" class="brand" data-testid="nav-home">
          <span class="brand-mark" aria-hidden="true" />
          Pong <span class="brand-version">3.1</span>
        </Link>
        <MuteToggle />
      </div>
      <nav class="site-nav" aria-label="Main">
        <Link href="/leaderboard" data-testid="nav-leaderboard">
          Leaderboard
        </Link>
        {!ready ? null : user ? (
          <>
            <Link href={`/u/${encodeURIComponent(user.username)}`} class="nav-user" data-testid="nav-username">
              {user.username}
            </Link>
            <button type="button" class="link-button" onClick={onSignOut} disabled={signingOut} data-testid="nav-signout">
              Sign out
            </button>
          </>
        ) : (
          <>
            <Link href="/signin" data-testid="nav-signin">
              Sign in
            </Link>
            <Link href="/signup" class="nav-cta" data-testid="nav-signup">
              Sign up
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}
