/**
 * Local games: 2 players on one keyboard, or versus the AI. Wires the framework-free parts:
 * LocalMatch (rules around the engine) + SeatInput (keyboard, touch, AI) + fixed loop + renderer.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { Link } from "../components/Link";
import { TouchPad } from "../components/TouchPad";
import { AiDriver, type AiLevel } from "../game/aiDriver";
import { PointerSteering, type InputDriver } from "../game/drivers";
import { attachKeyboard, SOLO_LEFT_KEYS, TWO_PLAYER_KEYS } from "../game/input";
import { LocalMatch, randomSeed, type MatchSnapshot } from "../game/localMatch";
import { createFixedLoop } from "../game/loop";
import { createRenderer, fitCanvasToBox } from "../render";
import { navigate } from "../router";
import { useSession } from "../session";

export type GameKind = { kind: "local" } | { kind: "ai"; level: AiLevel };

const LEVEL_NAMES: Record<AiLevel, string> = { easy: "AI (easy)", medium: "AI (medium)", hard: "AI (hard)" };

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
  const names = props.kind === "ai" ? [user?.username ?? "You", LEVEL_NAMES[props.level]] : ["Left", "Right"];
  const namesRef = useRef(names);
  namesRef.current = names;

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
    const fit = fitCanvasToBox(stage, () => current.config.width / current.config.height, renderer.resize);
    const detachKeyboard = attachKeyboard(current.input, props.kind === "ai" ? SOLO_LEFT_KEYS : TWO_PLAYER_KEYS);
    const loop = createFixedLoop({
      update: () => void current.tick(),
      render: (alpha) =>
        renderer.draw(current.state, { names: namesRef.current, previous: current.previous, alpha, localSeat }),
    });

    // Pause / resume: Space, Escape or P. Space on a focused button belongs to the button.
    const onKeyDown = (event: KeyboardEvent) => {
      const isSpace = event.code === "Space";
      if (!isSpace && event.key !== "Escape" && event.code !== "KeyP") return;
      if (isSpace && isInteractive(event.target)) return;
      if (event.repeat || current.snapshot().phase === "over") return;
      event.preventDefault();
      current.togglePause();
      loop.resetClock();
    };
    const onHidden = () => {
      if (document.visibilityState === "hidden") current.pause();
    };
    const onBlur = () => current.pause();

    // Drag on the canvas: left half steers the left paddle (local 2P), the whole field vs AI.
    const seatByPointer = new Map<number, number>();
    const aim = (event: PointerEvent) => {
      const at = renderer.toField(event.clientX, event.clientY);
      if (!at) return;
      let seat = seatByPointer.get(event.pointerId);
      if (seat === undefined) {
        seat = props.kind === "ai" || at.x < current.config.width / 2 ? 0 : 1;
        seatByPointer.set(event.pointerId, seat);
      }
      pointer.aim(event.pointerId, seat, at.y);
    };
    const onPointerDown = (event: PointerEvent) => {
      event.preventDefault();
      canvas.setPointerCapture?.(event.pointerId);
      aim(event);
    };
    const onPointerMove = (event: PointerEvent) => {
      if (seatByPointer.has(event.pointerId)) aim(event);
    };
    const onPointerUp = (event: PointerEvent) => {
      seatByPointer.delete(event.pointerId);
      pointer.lift(event.pointerId, current.input);
    };

    window.addEventListener("keydown", onKeyDown);
    window.addEventListener("blur", onBlur);
    document.addEventListener("visibilitychange", onHidden);
    canvas.addEventListener("pointerdown", onPointerDown);
    canvas.addEventListener("pointermove", onPointerMove);
    canvas.addEventListener("pointerup", onPointerUp);
    canvas.addEventListener("pointercancel", onPointerUp);
    const unsubscribe = current.subscribe(setSnapshot);
    setMatch(current);
    setSnapshot(current.snapshot());
    loop.start();

    return () => {
      loop.stop();
      unsubscribe();
      detachKeyboard();
      fit.dispose();
      window.removeEventListener("keydown", onKeyDown);
      window.removeEventListener("blur", onBlur);
      document.removeEventListener("visibilitychange", onHidden);
      canvas.removeEventListener("pointerdown", onPointerDown);
      canvas.removeEventListener("pointermove", onPointerMove);
      canvas.removeEventListener("pointerup", onPointerUp);
      canvas.removeEventListener("pointercancel", onPointerUp);
    };
  }, [gameKey]);

  const phase = snapshot?.phase;
  useEffect(() => {
    if (phase === "paused") resumeRef.current?.focus();
    else if (phase === "over") againRef.current?.focus();
    else if (document.activeElement === document.body || !document.activeElement) stageRef.current?.focus({ preventScroll: true });
  }, [phase]);

  const scores = snapshot?.scores ?? [0, 0];
  const winnerName = snapshot && snapshot.winner >= 0 ? names[snapshot.winner] : "";
  const humanLost = props.kind === "ai" && snapshot?.winner === 1;
  const title = props.kind === "ai" ? `Versus ${LEVEL_NAMES[props.level]}` : "Local 2 players";

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
          <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="pause-title" data-testid="pause-overlay">
            <div class="overlay-box">
              <h2 id="pause-title">Paused</h2>
              <div class="button-row">
                <button type="button" class="button button-primary" ref={resumeRef} onClick={() => match?.resume()} data-testid="resume-button">
                  Resume
                </button>
                <button type="button" class="button" onClick={() => navigate("/")} data-testid="pause-home">
                  Home
                </button>
              </div>
              <p class="muted small">
                <kbd>Space</kbd> or <kbd>Esc</kbd> to resume
              </p>
            </div>
          </div>
        ) : null}

        {phase === "over" ? (
          <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="winner-title" data-testid="winner-overlay">
            <div class="overlay-box">
              <h2 id="winner-title" class={`winner seat-${snapshot!.winner}`} data-testid="winner-text">
                {props.kind === "ai" ? (humanLost ? `${winnerName} wins` : "You win!") : `${winnerName} wins!`}
              </h2>
              <p class="final-score" data-testid="final-score">
                {scores[0]} – {scores[1]}
              </p>
              <div class="button-row">
                <button type="button" class="button button-primary" ref={againRef} onClick={() => match?.restart()} data-testid="play-again">
                  Play again
                </button>
                <button type="button" class="button" onClick={() => navigate("/")} data-testid="winner-home">
                  Home
                </button>
              </div>
            </div>
          </div>
        ) : null}
      </div>

      {match ? (
        <div class="touch-controls">
          <TouchPad input={match.input} seat={0} label={names[0]} side="left" />
          {props.kind === "local" ? <TouchPad input={match.input} seat={1} label={names[1]} side="right" /> : null}
        </div>
      ) : null}

      <p class="controls-help muted small">
        {props.kind === "local" ? (
          <>
            Left <kbd>W</kbd>/<kbd>S</kbd> · Right <kbd>↑</kbd>/<kbd>↓</kbd>
          </>
        ) : (
          <>
            Move <kbd>W</kbd>/<kbd>S</kbd> or <kbd>↑</kbd>/<kbd>↓</kbd>
          </>
        )}{" "}
        · Pause <kbd>Space</kbd>/<kbd>Esc</kbd> · <Link href="/">Quit</Link>
      </p>
    </section>
  );
}
