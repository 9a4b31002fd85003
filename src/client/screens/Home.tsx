import { useState } from "preact/hooks";
import { Link } from "../components/Link";
import { AI_LEVELS, type AiLevel } from "../game/aiLevels";
import { useLiveMatch } from "../online/live-match";
import { navigate } from "../router";
import { useSession } from "../session";

const LAST_LEVEL_KEY = "pong.aiLevel";

function storedLevel(): AiLevel {
  try {
    const value = localStorage.getItem(LAST_LEVEL_KEY);
    if (value && (AI_LEVELS as readonly string[]).includes(value)) return value as AiLevel;
  } catch {
    /* storage unavailable */
  }
  return "medium";
}

export function Home() {
  const { ready, user } = useSession();
  const [level, setLevel] = useState<AiLevel>(storedLevel);
  const liveMatch = useLiveMatch(user?.id ?? null);

  const chooseLevel = (next: AiLevel) => {
    setLevel(next);
    try {
      localStorage.setItem(LAST_LEVEL_KEY, next);
    } catch {
      /* storage unavailable */
    }
  };

  return (
    <section class="home" aria-labelledby="page-title">
      <div class="hero">
        <h1 id="page-title" tabIndex={-1}>
          PONG <span class="accent">3.1</span>
        </h1>
        <p class="lede">Two paddles, one ball, no mercy. Play on this keyboard now, or online at the edge.</p>
      </div>

      <div class="cards">
        <article class="card" aria-labelledby="local-title">
          <h2 id="local-title">Local 2 players</h2>
          <p>One keyboard, two players. Left: <kbd>W</kbd>/<kbd>S</kbd>. Right: <kbd>↑</kbd>/<kbd>↓</kbd>.</p>
          <button type="button" class="button button-primary" onClick={() => navigate("/play/local")} data-testid="play-local">
            Play local
          </button>
        </article>

        <article class="card" aria-labelledby="ai-title">
          <h2 id="ai-title">Versus AI</h2>
          <fieldset class="segmented" data-testid="ai-level">
            <legend>Difficulty</legend>
            {AI_LEVELS.map((value) => (
              <label key={value} class={value === level ? "selected" : undefined}>
                <input
                  type="radio"
                  name="ai-level"
                  value={value}
                  checked={value === level}
                  onChange={() => chooseLevel(value)}
                  data-testid={`ai-level-${value}`}
                />
                {value}
              </label>
            ))}
          </fieldset>
          <button type="button" class="button button-primary" onClick={() => navigate(`/play/ai/${level}`)} data-testid="play-ai">
            Play vs AI
          </button>
        </article>

        <article class="card card-online" aria-labelledby="online-title">
          <h2 id="online-title">Online</h2>
          {!ready ? (
            <p aria-busy="true">…</p>
          ) : user ? (
            <div class="button-stack">
              {liveMatch ? (
                <button type="button" class="button button-primary" onClick={() => navigate(`/game/${liveMatch}`)} data-testid="back-to-match">
                  Back to your match
                </button>
              ) : null}
              <button type="button" class="button" onClick={() => navigate("/online")} data-testid="play-online">
                Play online
              </button>
              <button type="button" class="button" onClick={() => navigate("/4p")} data-testid="play-4p">
                4 players
              </button>
              <button type="button" class="button" onClick={() => navigate("/tournaments")} data-testid="play-tournaments">
                Tournaments
              </button>
            </div>
          ) : (
            <div data-testid="online-signed-out">
              <p>Online matches, 4-player games and tournaments need an account.</p>
              <div class="button-row">
                <Link href="/signin" class="button" data-testid="home-signin">
                  Sign in
                </Link>
                <Link href="/signup" class="button button-primary" data-testid="home-signup">
                  Sign up
                </Link>
              </div>
            </div>
          )}
        </article>
      </div>
    </section>
  );
}
