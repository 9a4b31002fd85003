/** `/online` and `/4p`: quick match, private games with a code, and the way to spectate. */
import { useState } from "preact/hooks";
import type { Mode } from "../../shared/engine/types";
import { ID_ALPHABET, ID_LENGTH } from "../../shared/ids";
import type { ApiResult } from "../api";
import { Link } from "../components/Link";
import { navigate } from "../router";
import { askNotificationPermission } from "../attention";
import { onlineApi, type PlayAnswer } from "./api";
import { rememberRegion } from "./region";
import { errorText } from "./common";

const CODE_CHARS = new RegExp(`[^${ID_ALPHABET}]`, "g");

export function Lobby({ mode }: { mode: Mode }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [codeError, setCodeError] = useState<string | null>(null);
  const four = mode === "4p";

  const go = async (what: string, call: () => Promise<ApiResult<PlayAnswer>>, onError = setError) => {
    // Still inside the click: the one moment a browser lets us ask (for the match-ready notification).
    askNotificationPermission();
    setBusy(what);
    setError(null);
    setCodeError(null);
    const result = await call();
    setBusy(null);
    if (result.ok) {
      rememberRegion(result.data);
      navigate(`/game/${result.data.gameId}`);
    } else onError(errorText(result.error));
  };

  const join = (event: Event) => {
    event.preventDefault();
    if (code.length !== ID_LENGTH) {
      setCodeError(`A game code has ${ID_LENGTH} characters.`);
      return;
    }
    void go("join", () => onlineApi.join(code), setCodeError);
  };

  return (
    <section class="panel panel-wide" aria-labelledby="page-title" data-testid={four ? "lobby-4p" : "lobby-2p"}>
      <h1 id="page-title" tabIndex={-1}>
        {four ? "4 players" : "Play online"}
      </h1>
      <p class="lede">
        {four
          ? "Four paddles, one on each side of a square. Your paddle is always at the bottom of your screen."
          : "A match against another player, first to the winning score. Your paddle moves with ↑/↓ or W/S."}
      </p>
      {error ? (
        <p class="form-error" role="alert" data-testid="lobby-error">
          {error}
        </p>
      ) : null}
      <div class="cards">
        <article class="card" aria-labelledby="quick-title">
          <h2 id="quick-title">Quick match</h2>
          <p>{four ? "Join the next 4-player game; it starts when all four seats are taken." : "Get paired with the next player looking for a game."}</p>
          <button type="button" class="button button-primary" onClick={() => go("play", () => onlineApi.play(mode))} disabled={busy !== null} data-testid="play-online-button">
            {busy === "play" ? "Finding a game…" : four ? "Play 4 players" : "Play online"}
          </button>
        </article>
        <article class="card" aria-labelledby="private-title">
          <h2 id="private-title">Private game</h2>
          <p>Create a game and share its code, or type a friend's code.</p>
          <button type="button" class="button" onClick={() => go("create", () => onlineApi.createPrivate(mode))} disabled={busy !== null} data-testid="create-private">
            {busy === "create" ? "Creating…" : "Create private game"}
          </button>
          <form class="join-form" onSubmit={join} noValidate>
            <div class={`field${codeError ? " field-invalid" : ""}`}>
              <label for="join-code">Game code</label>
              <input
                id="join-code"
                name="join-code"
                value={code}
                maxLength={ID_LENGTH}
                autoComplete="off"
                autoCapitalize="characters"
                spellcheck={false}
                aria-invalid={codeError ? "true" : undefined}
                aria-describedby={codeError ? "join-code-error" : undefined}
                onInput={(e) => setCode(e.currentTarget.value.toUpperCase().replace(CODE_CHARS, ""))}
                data-testid="join-code-input"
              />
              {codeError ? (
                <p id="join-code-error" class="field-error" data-testid="join-code-error">
                  {codeError}
                </p>
              ) : null}
            </div>
            <button type="submit" class="button" disabled={busy !== null} data-testid="join-code-submit">
              {busy === "join" ? "Joining…" : "Join with code"}
            </button>
          </form>
        </article>
      </div>
      <p class="lobby-links">
        <Link href="/watch" data-testid="to-watch">
          Watch live games
        </Link>
        {" · "}
        <Link href={four ? "/online" : "/4p"}>{four ? "2-player games" : "4-player games"}</Link>
        {" · "}
        <Link href="/tournaments">Tournaments</Link>
      </p>
    </section>
  );
}
