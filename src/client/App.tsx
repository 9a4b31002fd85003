import { useEffect, useRef } from "preact/hooks";
import { Header } from "./components/Header";
import { Link } from "./components/Link";
import { Notices } from "./components/Notices";
import { isAiLevel } from "./game/aiDriver";
import { matchRoute, useLocation } from "./router";
import { AuthForm } from "./screens/AuthForm";
import { ComingSoon } from "./screens/ComingSoon";
import { GameScreen } from "./screens/GameScreen";
import { Home } from "./screens/Home";
import { Leaderboard } from "./screens/Leaderboard";
import { NotFound } from "./screens/NotFound";
import { Profile } from "./screens/Profile";
import { useSession } from "./session";

const ROUTES = [
  ["/", "home"],
  ["/signup", "signup"],
  ["/signin", "signin"],
  ["/u/:username", "profile"],
  ["/leaderboard", "leaderboard"],
  ["/play/local", "local"],
  ["/play/ai/:level", "ai"],
  ["/online", "online"],
  ["/4p", "fourPlayers"],
  ["/tournaments", "tournaments"],
] as const;

type RouteName = (typeof ROUTES)[number][1];

const TITLES: Record<RouteName, string> = {
  home: "",
  signup: "Sign up",
  signin: "Sign in",
  profile: "Player",
  leaderboard: "Leaderboard",
  local: "Local 2 players",
  ai: "Versus AI",
  online: "Play online",
  fourPlayers: "4 players",
  tournaments: "Tournaments",
};

export function App() {
  const location = useLocation();
  const route = matchRoute(ROUTES, location.path);
  const firstRender = useRef(true);
  const isGame = route?.name === "local" || route?.name === "ai";

  useEffect(() => {
    const name = route ? (route.name === "profile" ? route.params.username : TITLES[route.name]) : "Not found";
    document.title = name ? `${name} · Pong 3.1` : "Pong 3.1";
    // After in-app navigation, move focus to the new screen's heading (screen readers, keyboard).
    if (firstRender.current) firstRender.current = false;
    else if (!isGame) document.getElementById("page-title")?.focus({ preventScroll: true });
  }, [location.path]);

  return (
    <div class={`app${isGame ? " app-game" : ""}`}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" class="main">
        <Screen route={route} query={location.query} />
      </main>
      <Notices />
    </div>
  );
}

function Screen({ route, query }: { route: ReturnType<typeof matchRoute<RouteName>>; query: URLSearchParams }) {
  const { ready, user } = useSession();
  if (!route) return <NotFound />;
  switch (route.name) {
    case "home":
      return <Home />;
    case "signup":
    case "signin":
      if (ready && user) return <AlreadySignedIn username={user.username} />;
      return <AuthForm key={route.name} mode={route.name} next={query.get("next")} />;
    case "profile":
      return <Profile key={route.params.username} username={route.params.username} />;
    case "leaderboard":
      return <Leaderboard />;
    case "local":
      return <GameScreen kind="local" />;
    case "ai":
      return isAiLevel(route.params.level) ? <GameScreen key={route.params.level} kind="ai" level={route.params.level} /> : <NotFound />;
    case "online":
      return <ComingSoon title="Play online" path="/online" />;
    case "fourPlayers":
      return <ComingSoon title="4 players" path="/4p" />;
    case "tournaments":
      return <ComingSoon title="Tournaments" path="/tournaments" />;
  }
}

function AlreadySignedIn({ username }: { username: string }) {
  return (
    <section class="panel" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        You are signed in
      </h1>
      <p class="lede">
        Signed in as <strong>{username}</strong>.
      </p>
      <Link href="/" class="button button-primary">
        Home
      </Link>
    </section>
  );
}
