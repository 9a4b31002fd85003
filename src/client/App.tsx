import type { VNode } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { Lazy, loader } from "./components/Lazy";
import { Header } from "./components/Header";
import { Link } from "./components/Link";
import { Notices } from "./components/Notices";
import { isAiLevel } from "./game/aiLevels";
import { matchRoute, useLocation } from "./router";
import { AuthForm } from "./screens/AuthForm";
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
  ["/tournament/:id", "tournament"],
  ["/watch", "watch"],
  ["/game/:gameId", "game"],
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
  tournament: "Tournament",
  watch: "Live games",
  game: "Online game",
};

// Game screens are separate chunks, fetched the first time one is opened: the home page, forms
// and tables load without the engine, the renderer or the netcode.
type Online = typeof import("./online");
type Local = typeof import("./screens/GameScreen");
const loadOnline = loader(() => import("./online"));
const loadLocal = loader(() => import("./screens/GameScreen"));

function OnlineScreen({ title, path, render }: { title: string; path: string; render: (m: Online) => VNode }) {
  return <Lazy load={loadOnline} render={(m) => <m.SignedIn title={title} path={path}>{render(m)}</m.SignedIn>} />;
}

export function App() {
  const location = useLocation();
  const route = matchRoute(ROUTES, location.path);
  const firstRender = useRef(true);
  const isGame = route?.name === "local" || route?.name === "ai" || route?.name === "game";

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
      return <Lazy load={loadLocal} render={(m: Local) => <m.GameScreen kind="local" />} />;
    case "ai": {
      const level = route.params.level;
      return isAiLevel(level) ? <Lazy load={loadLocal} render={(m: Local) => <m.GameScreen key={level} kind="ai" level={level} />} /> : <NotFound />;
    }
    case "online":
      return <OnlineScreen title="Play online" path="/online" render={(m) => <m.Lobby key="2p" mode="2p" />} />;
    case "fourPlayers":
      return <OnlineScreen title="4 players" path="/4p" render={(m) => <m.Lobby key="4p" mode="4p" />} />;
    case "tournaments":
      return <OnlineScreen title="Tournaments" path="/tournaments" render={(m) => <m.Tournaments />} />;
    case "tournament": {
      const id = route.params.id.toUpperCase();
      return <OnlineScreen title="Tournament" path={`/tournament/${id}`} render={(m) => <m.Hall key={id} id={id} />} />;
    }
    case "watch":
      return <OnlineScreen title="Live games" path="/watch" render={(m) => <m.Watch />} />;
    case "game": {
      const id = route.params.gameId.toUpperCase();
      return <OnlineScreen title="Online game" path={`/game/${id}`} render={(m) => <m.GameView key={id} gameId={id} />} />;
    }
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
