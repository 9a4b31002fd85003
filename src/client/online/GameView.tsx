/**
 * `/game/:gameId`: an online game - waiting room, countdown, the match, the result - for players
 * and spectators alike (the server says which in `welcome.you.role`).
 */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Side } from "../../shared/engine/types";
import type { PlayerInfo } from "../../shared/protocol/messages";
import { Link } from "../components/Link";
import { TouchPad } from "../components/TouchPad";
import { listen } from "../dom";
import { attachPointerSteering, PointerSteering } from "../game/drivers";
import { attachKeyboard, SeatInput, type KeyBindings } from "../game/input";
import { createRenderer, fitCanvasToBox, quarterTurnsToBottom, screenAxisSign, viewSize } from "../render";
import { navigate } from "../router";
import { useSession } from "../session";
import { useMediaQuery } from "../useMediaQuery";
import { onlineApi } from "./api";
import { regionLabel, rememberRegion } from "./region";
import { errorText, secondsLeft, Spinner, useNow } from "./common";
import { OnlineMatch, type MatchEnd, type MatchInfo } from "./match";
import { outcomeFor } from "./outcome";

const PORTRAIT_PHONE = "(orientation: portrait) and (pointer: coarse)";

const ENDED_TITLES: Record<MatchEnd["kind"], string> = {
  replaced: "Opened elsewhere",
  gone: "No such game",
  out: "You forfeited",
  left: "You left the game",
  expired: "You forfeited",
  error: "Disconnected",
};

/** Keys for the local paddle: ◀/▶ (and A/D) when it moves sideways on screen, ▲/▼ (and W/S) otherwise. */
function bindings(seat: number, horizontal: boolean, sign: 1 | -1): KeyBindings {
  const neg = -sign as -1 | 1;
  return horizontal
    ? { ArrowLeft: { seat, dir: neg }, KeyA: { seat, dir: neg }, ArrowRight: { seat, dir: sign }, KeyD: { seat, dir: sign } }
    : { ArrowUp: { seat, dir: neg }, KeyW: { seat, dir: neg }, ArrowDown: { seat, dir: sign }, KeyS: { seat, dir: sign } };
}

function orientation(side: Side | null, bottomSide: Side | undefined) {
  const turns = bottomSide ? quarterTurnsToBottom(bottomSide) : 0;
  const alongY = side === "left" || side === "right";
  return {
    horizontal: alongY ? turns % 2 === 1 : turns % 2 === 0,
    sign: side ? screenAxisSign({ quarterTurns: turns }, side) : (1 as const),
  };
}

export function GameView({ gameId }: { gameId: string }) {
  const [match] = useState(() => new OnlineMatch(gameId));
  const [info, setInfo] = useState<MatchInfo>(match.info);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const primaryRef = useRef<HTMLButtonElement>(null);
  const portrait = useMediaQuery(PORTRAIT_PHONE);
  const [input] = useState(() => new SeatInput(4));
  /** The resign confirmation: open from the Resign button or from Leave mid-match. */
  const [confirmResign, setConfirmResign] = useState<null | "resign" | "leave">(null);
  const me = useSession().user;

  const w = info.welcome;
  const you = w?.you;
  const isPlayer = you?.role === "player";
  const mode = w?.mode ?? "2p";
  const mySide = isPlayer ? you!.side : null;
  const bottomSide: Side | undefined = mySide && (mode === "4p" || portrait) ? mySide : undefined;
  const { horizontal, sign } = orientation(mySide, bottomSide);
  const seat = isPlayer ? you!.seat : -1;

  useEffect(() => {
    const off = match.subscribe(setInfo);
    match.start();
    return () => {
      off();
      match.dispose();
    };
  }, [match]);

  // Canvas, render loop and the local player's controls: rebuilt when the view turns.
  const config = w?.config.engine;
  useEffect(() => {
    if (!config) return;
    const canvas = canvasRef.current!;
    const renderer = createRenderer(canvas);
    const fit = fitCanvasToBox(
      stageRef.current!,
      () => {
        const size = viewSize(config, bottomSide);
        return size.width / size.height;
      },
      renderer.resize,
    );
    const pointer = new PointerSteering();
    const names: string[] = [];
    let namesFor: PlayerInfo[] | null = null;
    const steer = () => seat >= 0 && match.steer(input.dirFor(seat), performance.now());
    let raf = 0;
    const frame = () => {
      raf = requestAnimationFrame(frame);
      const state = match.frame(performance.now());
      if (!state) return;
      if (seat >= 0) {
        pointer.beforeStep(state, input);
        steer();
      }
      if (namesFor !== match.info.players) {
        namesFor = match.info.players;
        for (const p of namesFor) names[p.seat] = p.username;
      }
      renderer.draw(state, { names, bottomSide, localSeat: seat >= 0 ? seat : undefined });
    };
    raf = requestAnimationFrame(frame);
    const cleanups = [() => cancelAnimationFrame(raf), fit.dispose];
    if (seat >= 0) {
      cleanups.push(
        attachKeyboard(input, bindings(seat, horizontal, sign)),
        attachPointerSteering(canvas, renderer.toField, pointer, input, () => seat),
        // Send at once on a key change (not at the next frame); a hidden tab gets no frames at all.
        listen(window, "keydown", steer),
        listen(window, "keyup", steer),
        listen(window, "blur", () => {
          input.releaseAll();
          steer();
        }),
        listen(document, "visibilitychange", () => {
          if (document.hidden) input.releaseAll();
          steer();
        }),
      );
    }
    return () => cleanups.forEach((c) => c());
  }, [config, bottomSide, seat, horizontal, sign]);

  const waiting = info.phase === "waiting" && info.conn !== "ended";

  const over = info.gameOver !== null;
  const ended = info.end !== null;
  const lobby = waiting && w !== null;
  // Focus follows the screen: the lobby's button, the field while playing, the result's first action.
  useLayoutEffect(() => {
    if (over || ended || lobby) primaryRef.current?.focus();
    else if (!document.activeElement || document.activeElement === document.body) stageRef.current?.focus({ preventScroll: true });
  }, [over, ended, lobby]);

  const now = useNow(info.conn === "reconnecting" || info.players.some((p) => !p.present && p.rejoinDeadline !== null));

  const cancel = async () => {
    setBusy(true);
    const ok = await match.cancel();
    setBusy(false);
    if (ok) navigate(mode === "4p" ? "/4p" : "/online");
    else setError("The match has already started.");
  };

  const playAgain = async () => {
    setBusy(true);
    const result = await onlineApi.play(mode);
    setBusy(false);
    if (result.ok) rememberRegion(result.data);
    if (result.ok) navigate(`/game/${result.data.gameId}`);
    else setError(errorText(result.error));
  };

  const players = info.players;
  const seatsTotal = mode === "4p" ? 4 : 2;
  // Pushed: seat_taken / player_joined add a seat, seat_freed gives one back (no polling).
  const seatsFilled = players.filter((p) => !p.out).length;
  const away = players.filter((p) => p.seat !== seat && !p.present && !p.out && p.rejoinDeadline !== null && info.phase !== "waiting" && !over);
  const title = mode === "4p" ? "4-player game" : "Online game";
  const tournamentId = w?.tournamentId ?? null;
  const live = isPlayer && !over && !ended && (info.phase === "countdown" || info.phase === "playing" || info.phase === "paused");
  const outcome = info.gameOver ? outcomeFor(info.gameOver, me?.id ?? null, mode) : null;
  // 4P has a paddle on every edge of the field: its banners sit below the stage, never over a paddle.
  const banners = (
    <div class={`stage-banners${mode === "4p" ? " stage-banners-below" : ""}`} data-testid="stage-banners">
      {info.conn === "reconnecting" ? (
        <p class="banner banner-warn" role="status" data-testid="reconnect-banner">
          Reconnecting…{info.reconnectDeadline !== null ? ` ${secondsLeft(info.reconnectDeadline, now)} s left` : ""}
        </p>
      ) : null}
      {away.map((p) => (
        <p key={p.seat} class="banner" role="status" data-testid="opponent-left-banner">
          <span class={`seat-${p.seat}`}>{p.username}</span> left — waiting {secondsLeft(p.rejoinDeadline, now)} s for them to rejoin
        </p>
      ))}
      {error ? (
        <p class="form-error" role="alert" data-testid="game-error">
          {error}
        </p>
      ) : null}
    </div>
  );
  const label = players.map((p) => `${p.username} ${info.scores[p.seat] ?? 0}`).join(", ");

  return (
    <section class="game" aria-labelledby="page-title" data-testid="online-game" data-phase={info.phase} data-role={you?.role ?? ""} data-seat={seat}>
      <div class="game-bar">
        <h1 id="page-title" class="visually-hidden" tabIndex={-1}>
          {title}
        </h1>
        <Scoreboard players={players} scores={info.scores} seat={seat} mode={mode} />
        {you?.role === "spectator" ? (
          <span class="badge badge-spectating" data-testid="spectating-badge">
            Spectating
          </span>
        ) : null}
      </div>

      <div class="stage" ref={stageRef} tabIndex={-1} data-testid="stage">
        <canvas ref={canvasRef} class="game-canvas" role="img" aria-label={`${title}: ${label}`} data-testid="game-canvas" />
        {mode === "4p" ? null : banners}

        {!w && !ended ? (
          <div class="overlay">
            <Spinner label={info.conn === "reconnecting" ? "Reconnecting…" : "Connecting…"} testId="connecting" />
          </div>
        ) : null}

        {w && waiting ? (
          <div class="overlay" data-testid="waiting-screen">
            <div class="overlay-box">
              <h2>{tournamentId ? "Waiting for your opponent" : mode === "4p" ? "Waiting for players" : "Waiting for an opponent"}</h2>
              <div class="spinner-wrap" role="status" data-testid="waiting-spinner">
                <span class="spinner" aria-hidden="true" />
                <span data-testid="seats-filled" data-filled={seatsFilled}>
                  {seatsFilled} of {seatsTotal} seats filled
                </span>
              </div>
              {players.some((p) => !p.present && !p.out) ? (
                <p class="muted small" data-testid="waiting-for-connect">
                  Waiting for {players.filter((p) => !p.present && !p.out).map((p) => p.username).join(", ")} to connect…
                </p>
              ) : null}
              {regionLabel(gameId) ? (
                <p class="muted small" data-testid="match-region">
                  Server region: {regionLabel(gameId)}
                </p>
              ) : null}
              {w?.isPrivate ? (
                <p class="join-code-line">
                  Share this code: <strong class="join-code" data-testid="join-code">{gameId}</strong>
                </p>
              ) : null}
              <div class="button-row">
                {tournamentId ? (
                  <button type="button" class="button" ref={primaryRef} onClick={() => navigate(`/tournament/${tournamentId}`)} data-testid="back-to-hall">
                    Back to the tournament hall
                  </button>
                ) : isPlayer ? (
                  <button type="button" class="button" ref={primaryRef} onClick={cancel} disabled={busy} data-testid="cancel-waiting">
                    Cancel
                  </button>
                ) : (
                  <Link href="/watch" class="button">
                    Back
                  </Link>
                )}
              </div>
            </div>
          </div>
        ) : null}

        {info.countdown && !over ? (
          <div class="overlay overlay-countdown" data-testid="countdown-overlay" aria-live="assertive">
            <span class="countdown-number" key={info.countdown.n}>
              {info.countdown.n}
            </span>
            {info.countdown.reason === "resume" ? <span class="countdown-label">Resuming</span> : null}
          </div>
        ) : null}

        {confirmResign && live ? (
          <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="resign-title" data-testid="resign-confirm">
            <div class="overlay-box">
              <h2 id="resign-title">{confirmResign === "leave" ? "Leave the match?" : "Resign?"}</h2>
              <p>{confirmResign === "leave" ? "Leaving mid-match keeps the others waiting for you. Resign to end it now: " : ""}Resigning forfeits this match{mode === "2p" ? ": your opponent wins" : ""}.</p>
              <div class="button-row">
                <button type="button" class="button button-danger" onClick={() => { setConfirmResign(null); match.resign(); }} data-testid="resign-confirm-yes">
                  Resign
                </button>
                <button type="button" class="button button-primary" ref={primaryRef} onClick={() => setConfirmResign(null)} data-testid="resign-confirm-no">
                  Keep playing
                </button>
              </div>
            </div>
          </div>
        ) : null}

        {info.gameOver ? (
          <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="winner-title" data-testid="winner-screen" data-outcome={outcome!.kind}>
            <div class="overlay-box">
              <h2 id="winner-title" class={info.gameOver.winner ? `seat-${info.gameOver.winner.seat}` : undefined} data-testid="winner-text">
                {outcome!.title}
              </h2>
              <p class="muted" data-testid="end-reason" data-reason={info.gameOver.reason}>
                {outcome!.detail}
              </p>
              <ol class="final-scores" data-testid="final-scores">
                {info.gameOver.players.map((p) => (
                  <li key={p.seat} class={`seat-${p.seat}`}>
                    <span>{p.username}</span> <strong>{info.gameOver!.scores[p.seat] ?? 0}</strong>
                  </li>
                ))}
              </ol>
              <div class="button-row">
                {tournamentId ? (
                  <button type="button" class="button button-primary" ref={primaryRef} onClick={() => navigate(`/tournament/${tournamentId}`)} data-testid="back-to-hall">
                    Back to the tournament hall
                  </button>
                ) : isPlayer ? (
                  <button type="button" class="button button-primary" ref={primaryRef} onClick={playAgain} disabled={busy} data-testid="play-again">
                    Play again
                  </button>
                ) : (
                  <button type="button" class="button button-primary" ref={primaryRef} onClick={() => navigate("/watch")} data-testid="watch-more">
                    Watch other games
                  </button>
                )}
                <button type="button" class="button" onClick={() => navigate("/")} data-testid="winner-home">
                  Home
                </button>
              </div>
            </div>
          </div>
        ) : info.end ? (
          <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="ended-title" data-testid="match-ended" data-kind={info.end.kind}>
            <div class="overlay-box">
              <h2 id="ended-title">{ENDED_TITLES[info.end.kind]}</h2>
              <p>{info.end.message}</p>
              <div class="button-row">
                <button type="button" class="button button-primary" ref={primaryRef} onClick={() => navigate("/")} data-testid="ended-home">
                  Home
                </button>
              </div>
            </div>
          </div>
        ) : null}
      </div>

      {mode === "4p" ? banners : null}

      {isPlayer && mySide ? (
        <div class={`touch-controls${horizontal ? "" : " touch-controls-sides"}`}>
          <TouchPad input={input} seat={seat} label="You" placement={horizontal ? "bottom" : mySide === "left" ? "left" : "right"} horizontal={horizontal} screenSign={sign} />
        </div>
      ) : null}

      <p class="controls-help muted small">
        {isPlayer ? (horizontal ? "Move ◀/▶ or A/D" : "Move ↑/↓ or W/S") : "Watching"} ·{" "}
        {live ? (
          <>
            <button type="button" class="link-button" onClick={() => setConfirmResign("resign")} data-testid="resign">
              Resign
            </button>{" "}
            ·{" "}
            <button type="button" class="link-button" onClick={() => setConfirmResign("leave")} data-testid="leave">
              Leave
            </button>
          </>
        ) : (
          <Link href="/">Leave</Link>
        )}
      </p>
    </section>
  );
}

function Scoreboard({ players, scores, seat, mode }: { players: PlayerInfo[]; scores: number[]; seat: number; mode: string }) {
  if (mode === "2p") {
    const name = (s: number) => players.find((x) => x.seat === s)?.username ?? "…";
    const you = <span class="muted small"> (you)</span>;
    return (
      <div class="scoreboard" data-testid="score" aria-live="polite" aria-atomic="true">
        <span class="score-name seat-0">{name(0)}</span>
        {seat === 0 ? you : null}
        <span class="score-value seat-0" data-testid="score-0">
          {scores[0] ?? 0}
        </span>
        <span class="score-sep" aria-hidden="true">
          :
        </span>
        <span class="score-value seat-1" data-testid="score-1">
          {scores[1] ?? 0}
        </span>
        <span class="score-name seat-1">{name(1)}</span>
        {seat === 1 ? you : null}
      </div>
    );
  }
  // The leader: the single best score among the players still in.
  const inPlay = [0, 1, 2, 3].filter((s) => !players.find((x) => x.seat === s)?.out);
  const top = Math.max(0, ...inPlay.map((s) => scores[s] ?? 0));
  const leaders = inPlay.filter((s) => scores[s] === top).length;
  return (
    <ol class="scoreboard scoreboard-4p" data-testid="score" aria-live="polite" aria-atomic="true">
      {[0, 1, 2, 3].map((s) => {
        const p = players.find((x) => x.seat === s);
        const leader = top > 0 && leaders === 1 && scores[s] === top && inPlay.includes(s);
        return (
          <li key={s} class={`seat-${s}${leader ? " leader" : ""}${p?.out ? " out" : ""}`} data-testid={`score-${s}`} data-leader={leader ? "true" : undefined} data-out={p?.out ? "true" : undefined}>
            {leader ? <span aria-label="leader">★ </span> : null}
            <span class="score-name">{p ? p.username : "…"}</span>
            {s === seat ? <span class="muted"> (you)</span> : null}
            <strong class="score-value"> {scores[s] ?? 0}</strong>
            {p?.out ? <span class="muted"> out</span> : null}
          </li>
        );
      })}
    </ol>
  );
}
