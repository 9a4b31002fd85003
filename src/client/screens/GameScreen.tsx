/**
 * Local games: 2 players on one keyboard, or versus the AI. Wires the framework-free parts:
 * LocalMatch (rules around the engine) + SeatInput (keyboard, touch, AI) + fixed loop + renderer.
 */
import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { Link } from "../components/Link";
import { TouchPad } from "../components/TouchPad";
import { AiDriver, type AiLevel } from "../game/aiDriver";
import { attachPointerSteering, PointerSteering, type InputDriver } from "../game/drivers";
import { attachKeyboard, SOLO_LEFT_KEYS, TWO_PLAYER_KEYS } from "../game/input";
import { LocalMatch, randomSeed, type MatchSnapshot } from "../game/localMatch";
import { createFixedLoop } from "../game/loop";
import type { Side } from "../../shared/engine/types";
import { createRenderer, fitCanvasToBox, quarterTurnsToBottom, screenAxisSign, viewSize } from "../render";
import { navigate } from "../router";
import { listen } from "../dom";
import { onEngineEvents, playCue } from "../audio";
import { useSession } from "../session";
import { useMediaQuery } from "../useMediaQuery";

export type GameKind = { kind: "local" } | { kind: "ai"; level: AiLevel };

/** On a phone held upright the field is turned so the left paddle is at the bottom, filling the screen. */
const PORTRAIT_PHONE = "(orientation: portrait) and (pointer: coarse)";

const aiName = (level: AiLevel) => `AI (${level})`;

/** `?to=N` sets the winning score (1–21) for quick games and tests; default 5. */
function winScoreFromUrl(): number {
  const value = Number(new URLSearchParams(window.location.search).get("to"));
  return Number.isInteger(value) && value >= 1 && value <= 21 ? value : 5;
}

function isInteractive(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest("button, a, input, select, textarea") !== null;
}

export function GameScreen(props: GameKind) {
  const { user } = useSession();
  const names = props.kind === "ai" ? [user?.username ?? "You", aiName(props.level)] : ["Left", "Right"];
  const namesRef = useRef(names);
  namesRef.current = names;

  const rotated = useMediaQuery(PORTRAIT_PHONE);
  const bottomSide: Side | undefined = rotated ? "left" : undefined;
  const bottomSideRef = useRef(bottomSide);
  bottomSideRef.current = bottomSide;
  const refitRef = useRef<() => void>(() => {});

  const stageRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const resumeRef = useRef<HTMLButtonElement>(null);
  const againRef = useRef<HTMLButtonElement>(null);
  const [match, setMatch] = useState<LocalMatch | null>(null);
  const [snapshot, setSnapshot] = useState<MatchSnapshot | null>(null);
  const gameKey = props.kind === "ai" ? `ai:${props.level}` : "local";

  useEffect(() => {
    const canvas = canvasRef.current!;
    const stage = stageRef.current!;
    const pointer = new PointerSteering();
    const drivers: InputDriver[] = [pointer];
    if (props.kind === "ai") drivers.push(new AiDriver(props.level, 1, randomSeed()));
    const current = new LocalMatch({ drivers, config: { winScore: winScoreFromUrl() } });
    const localSeat = props.kind === "ai" ? 0 : undefined;

    const renderer = createRenderer(canvas);
    const fit = fitCanvasToBox(
      stage,
      () => {
        const size = viewSize(current.config, bottomSideRef.current);
        return size.width / size.height;
      },
      renderer.resize,
    );
    refitRef.current = fit.refit;
    const loop = createFixedLoop({
      update: () => onEngineEvents(current.tick(), { mySeat: localSeat }),
      render: (alpha) =>
        renderer.draw(current.state, {
          names: namesRef.current,
          previous: current.previous,
          alpha,
          localSeat,
          bottomSide: bottomSideRef.current,
        }),
    });

    // Countdown beeps and the "go" come from the match's own phase changes (the engine has no countdown).
    let heard = current.snapshot();
    if (heard.phase === "countdown") playCue("countdown");
    const unsubscribe = current.subscribe((next) => {
      if (next.phase === "countdown" && next.countdown > 0 && next.countdown !== heard.countdown) playCue("countdown");
      if (next.phase === "playing" && heard.phase === "countdown") playCue("go");
      heard = next;
      setSnapshot(next);
    });
    const cleanups = [
      loop.stop,
      unsubscribe,
      fit.dispose,
      attachKeyboard(current.input, props.kind === "ai" ? SOLO_LEFT_KEYS : TWO_PLAYER_KEYS),
      // Drag on the canvas: each half steers its own paddle in local 2P; anywhere steers yours vs AI.
      attachPointerSteering(canvas, renderer.toField, pointer, current.input, (x) =>
        props.kind === "ai" || x < current.config.width / 2 ? 0 : 1,
      ),
      // Pause / resume: Space, Escape or P. Space on a focused button belongs to the button.
      listen(window, "keydown", (event) => {
        const isSpace = event.code === "Space";
        if (!isSpace && event.key !== "Escape" && event.code !== "KeyP") return;
        if ((isSpace && isInteractive(event.target)) || event.repeat || current.snapshot().phase === "over") return;
        event.preventDefault();
        current.togglePause();
        loop.resetClock();
      }),
      // Keys released while away never arrive: pause rather than play on with a stuck key.
      listen(window, "blur", () => current.pause()),
      listen(document, "visibilitychange", () => document.hidden && current.pause()),
    ];
    setMatch(current);
    setSnapshot(current.snapshot());
    loop.start();
    return () => cleanups.forEach((cleanup) => cleanup());
  }, [gameKey]);

  useEffect(() => refitRef.current(), [rotated]);

  const phase = snapshot?.phase;
  // Layout effect: focus moves as soon as an overlay exists, before the next key can arrive.
  useLayoutEffect(() => {
    if (phase === "paused") resumeRef.current?.focus();
    else if (phase === "over") againRef.current?.focus();
    else if (document.activeElement === document.body || !document.activeElement) stageRef.current?.focus({ preventScroll: true });
  }, [phase]);

  const scores = snapshot?.scores ?? [0, 0];
  const winnerName = snapshot && snapshot.winner >= 0 ? names[snapshot.winner] : "";
  const humanLost = props.kind === "ai" && snapshot?.winner === 1;
  const title = props.kind === "ai" ? `Versus ${aiName(props.level)}` : "Local 2 players";

  return (
    <section class="game" aria-labelledby="page-title" data-testid="game-screen">
      <div class="game-bar">
        <h1 id="page-title" class="visually-hidden" tabIndex={-1}>
          {title}
        </h1>
        <div class="scoreboard" data-testid="score" aria-live="polite" aria-atomic="true">
          <span class="score-name seat-0">{names[0]}</span>
          <span class="score-value seat-0" data-testid="score-0">
            {scores[0]}
          </span>
          <span class="score-sep" aria-hidden="true">
            :
          </span>
          <span class="score-value seat-1" data-testid="score-1">
            {scores[1]}
          </span>
          <span class="score-name seat-1">{names[1]}</span>
        </div>
        <button
          type="button"
          class="button button-small"
          onClick={() => match?.togglePause()}
          disabled={phase === "over"}
          aria-pressed={phase === "paused"}
          data-testid="pause-button"
        >
          {phase === "paused" ? "Resume" : "Pause"}
        </button>
      </div>

      {match && rotated && props.kind === "local" ? (
        <div class="touch-controls touch-controls-top">
          <TouchPad input={match.input} seat={1} label={names[1]} placement="top" horizontal screenSign={sign(bottomSide, "right")} />
        </div>
      ) : null}

      <div class="stage" ref={stageRef} tabIndex={-1} data-testid="stage">
        <canvas
          ref={canvasRef}
          class="game-canvas"
          role="img"
          aria-label={`${title}: ${names[0]} ${scores[0]}, ${names[1]} ${scores[1]}`}
          data-testid="game-canvas"
        />

        {phase === "countdown" ? (
          <div class="overlay overlay-countdown" data-testid="countdown-overlay" aria-live="assertive">
            <span class="countdown-number" key={snapshot?.countdown}>
              {snapshot?.countdown}
            </span>
          </div>
        ) : null}

        {phase === "paused" ? (
          <Overlay id="pause" title="Paused" primary="Resume" primaryRef={resumeRef} onPrimary={() => match?.resume()}>
            <p class="muted small">
              <kbd>Space</kbd> or <kbd>Esc</kbd> to resume
            </p>
          </Overlay>
        ) : null}

        {phase === "over" ? (
          <Overlay
            id="winner"
            title={props.kind === "ai" ? (humanLost ? `${winnerName} wins` : "You win!") : `${winnerName} wins!`}
            titleClass={`seat-${snapshot!.winner}`}
            primary="Play again"
            primaryRef={againRef}
            onPrimary={() => match?.restart()}
          >
            <p class="final-score" data-testid="final-score">
              {scores[0]} – {scores[1]}
            </p>
          </Overlay>
        ) : null}
      </div>

      {match ? <TouchControls match={match} names={names} twoHumans={props.kind === "local"} bottomSide={bottomSide} /> : null}

      <p class="controls-help muted small">
        {props.kind === "local" ? "Left W/S · Right ↑/↓" : "Move W/S or ↑/↓"} · Pause Space/Esc · <Link href="/">Quit</Link>
      </p>
    </section>
  );
}

interface OverlayProps {
  id: "pause" | "winner";
  title: string;
  titleClass?: string;
  primary: string;
  primaryRef: RefObject<HTMLButtonElement | null>;
  onPrimary: () => void;
  children: ComponentChildren;
}

/** A modal box over the field (pause, game over) with a primary action and "Home". */
function Overlay({ id, title, titleClass, primary, primaryRef, onPrimary, children }: OverlayProps) {
  const primaryTestId = id === "pause" ? "resume-button" : "play-again";
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} data-testid={`${id}-overlay`}>
      <div class="overlay-box">
        <h2 id={`${id}-title`} class={titleClass} data-testid={`${id}-text`}>
          {title}
        </h2>
        {id === "winner" ? children : null}
        <div class="button-row">
          <button type="button" class="button button-primary" ref={primaryRef} onClick={onPrimary} data-testid={primaryTestId}>
            {primary}
          </button>
          <button type="button" class="button" onClick={() => navigate("/")} data-testid={`${id}-home`}>
            Home
          </button>
        </div>
        {id === "pause" ? children : null}
      </div>
    </div>
  );
}

function sign(bottomSide: Side | undefined, paddleSide: Side): 1 | -1 {
  return screenAxisSign({ quarterTurns: bottomSide ? quarterTurnsToBottom(bottomSide) : 0 }, paddleSide);
}

/** Phone buttons: beside the field in landscape, under it (and over it, for the top player) when rotated. */
function TouchControls({ match, names, twoHumans, bottomSide }: { match: LocalMatch; names: string[]; twoHumans: boolean; bottomSide: Side | undefined }) {
  const rotated = bottomSide !== undefined;
  return (
    <div class={`touch-controls${rotated ? "" : " touch-controls-sides"}`}>
      <TouchPad input={match.input} seat={0} label={names[0]} placement={rotated ? "bottom" : "left"} horizontal={rotated} screenSign={sign(bottomSide, "left")} />
      {twoHumans && !rotated ? <TouchPad input={match.input} seat={1} label={names[1]} placement="right" horizontal={false} screenSign={sign(bottomSide, "right")} /> : null}
    </div>
  );
}
