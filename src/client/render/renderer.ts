/**
 * Draws any GameState (2P 900x600, 4P 600x600) onto a canvas: field, paddles, ball, scores and
 * names, optionally rotated so a given side is at the bottom. Crisp on high-DPI screens: the
 * backing store is CSS size x devicePixelRatio and the context is scaled accordingly.
 *
 *   const renderer = createRenderer(canvas);
 *   renderer.resize(cssWidth, cssHeight);           // whenever the canvas' CSS box changes
 *   renderer.draw(state, { names, bottomSide });     // every frame
 *   renderer.toField(clientX, clientY);              // pointer -> field coordinates
 */
import { paddleRect, sideWallRect } from "../../shared/engine";
import type { GameState, Side } from "../../shared/engine/types";
import { theme } from "./theme";
import { applyFieldTransform, canvasToField, fieldToCanvas, makeView, type View } from "./view";

export interface DrawOptions {
  /** Display name per seat (drawn as text, never as HTML). */
  names?: ReadonlyArray<string>;
  /** Rotate the view so this side is at the bottom. Omitted: the field's natural orientation. */
  bottomSide?: Side;
  /** Previous state and blend factor in [0, 1) for render interpolation (from the loop). */
  previous?: GameState;
  alpha?: number;
  /** Seat to mark as "you" (brighter name). */
  localSeat?: number;
  /** Hide scores and names drawn in the field. */
  hideHud?: boolean;
}

export interface Renderer {
  /** Sets the canvas' CSS size and its backing store (CSS size x devicePixelRatio). */
  resize(cssWidth: number, cssHeight: number, devicePixelRatio?: number): void;
  draw(state: GameState, options?: DrawOptions): void;
  /** Client (viewport) coordinates -> field coordinates in the last drawn view. */
  toField(clientX: number, clientY: number): { x: number; y: number } | null;
  /** The view used by the last draw (rotation, scale), or null before the first draw. */
  readonly view: View | null;
}

const reducedMotionQuery = typeof matchMedia === "function" ? matchMedia("(prefers-reduced-motion: reduce)") : null;

export function prefersReducedMotion(): boolean {
  return reducedMotionQuery?.matches ?? false;
}

const TRAIL_LENGTH = 6;
const SHAKE_MS = 220;
const SHAKE_PX = 5;

export function createRenderer(canvas: HTMLCanvasElement): Renderer {
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("Canvas 2D is not available");
  let cssWidth = canvas.clientWidth || 300;
  let cssHeight = canvas.clientHeight || 150;
  let dpr = 1;
  let view: View | null = null;

  // Effects (skipped entirely under prefers-reduced-motion).
  const trail: Array<{ x: number; y: number }> = [];
  let lastScoreTotal = -1;
  let shakeUntil = 0;

  function resize(width: number, height: number, ratio = window.devicePixelRatio || 1): void {
    cssWidth = Math.max(1, width);
    cssHeight = Math.max(1, height);
    dpr = ratio;
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${cssHeight}px`;
    canvas.width = Math.round(cssWidth * dpr);
    canvas.height = Math.round(cssHeight * dpr);
  }

  function draw(state: GameState, options: DrawOptions = {}): void {
    const { config } = state;
    const motion = !prefersReducedMotion();
    view = makeView(config, options.bottomSide, cssWidth, cssHeight);
    const current = view;

    const ball = interpolatedBall(state, options);
    const now = performance.now();
    const scoreTotal = state.scores.reduce((a, b) => a + b, 0);
    if (lastScoreTotal >= 0 && scoreTotal > lastScoreTotal && motion) shakeUntil = now + SHAKE_MS;
    if (scoreTotal !== lastScoreTotal) trail.length = 0;
    lastScoreTotal = scoreTotal;

    ctx!.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx!.fillStyle = theme.background;
    ctx!.fillRect(0, 0, cssWidth, cssHeight);

    ctx!.save();
    if (motion && now < shakeUntil) {
      const strength = ((shakeUntil - now) / SHAKE_MS) * SHAKE_PX;
      ctx!.translate((Math.random() * 2 - 1) * strength, (Math.random() * 2 - 1) * strength);
    }
    applyFieldTransform(ctx!, current);
    drawField(ctx!, state);
    drawPaddles(ctx!, state, options);
    if (motion && state.phase === "playing") drawTrail(ctx!, state, ball);
    else trail.length = 0;
    if (state.phase !== "over") drawBall(ctx!, state, ball);
    ctx!.restore();

    if (!options.hideHud) drawHud(ctx!, current, state, options);
  }

  function drawTrail(c: CanvasRenderingContext2D, state: GameState, ball: { x: number; y: number }): void {
    const last = trail[trail.length - 1];
    if (last && Math.hypot(ball.x - last.x, ball.y - last.y) > state.config.ballSize * 4) trail.length = 0;
    trail.push({ x: ball.x, y: ball.y });
    if (trail.length > TRAIL_LENGTH) trail.shift();
    const size = state.config.ballSize;
    for (let i = 0; i < trail.length - 1; i++) {
      const t = (i + 1) / trail.length;
      c.globalAlpha = 0.18 * t;
      const s = size * (0.5 + 0.5 * t);
      c.fillStyle = theme.ball;
      c.fillRect(trail[i].x - s / 2, trail[i].y - s / 2, s, s);
    }
    c.globalAlpha = 1;
  }

  function toField(clientX: number, clientY: number): { x: number; y: number } | null {
    if (!view) return null;
    const rect = canvas.getBoundingClientRect();
    return canvasToField(view, clientX - rect.left, clientY - rect.top);
  }

  return {
    resize,
    draw,
    toField,
    get view() {
      return view;
    },
  };
}

function interpolatedBall(state: GameState, options: DrawOptions): { x: number; y: number } {
  const prev = options.previous;
  const alpha = options.alpha ?? 0;
  const { ball } = state;
  if (!prev || alpha <= 0 || prev.phase !== state.phase) return ball;
  const dx = ball.x - prev.ball.x;
  const dy = ball.y - prev.ball.y;
  // A serve teleports the ball to the centre: never blend across a jump.
  if (Math.abs(dx) > state.config.ballSpeedMax * 2 || Math.abs(dy) > state.config.ballSpeedMax * 2) return ball;
  return { x: prev.ball.x + dx * alpha, y: prev.ball.y + dy * alpha };
}

function drawField(c: CanvasRenderingContext2D, state: GameState): void {
  const { width, height, mode } = state.config;
  c.fillStyle = theme.field;
  c.fillRect(0, 0, width, height);
  c.strokeStyle = theme.border;
  c.lineWidth = 2;
  c.strokeRect(1, 1, width - 2, height - 2);

  c.fillStyle = theme.centreLine;
  const dash = 18;
  const gap = 14;
  if (mode === "2p") {
    for (let y = gap / 2; y < height; y += dash + gap) c.fillRect(width / 2 - 2, y, 4, Math.min(dash, height - y));
  } else {
    c.strokeStyle = theme.centreLine;
    c.lineWidth = 3;
    c.beginPath();
    c.arc(width / 2, height / 2, Math.min(width, height) * 0.12, 0, Math.PI * 2);
    c.stroke();
  }
}

function drawPaddles(c: CanvasRenderingContext2D, state: GameState, options: DrawOptions): void {
  const prev = options.previous;
  const alpha = options.alpha ?? 0;
  state.paddles.forEach((paddle, seat) => {
    if (!paddle.active) {
      drawWall(c, state, paddle.side);
      return;
    }
    let shown = paddle;
    const before = prev?.paddles[seat];
    if (before && alpha > 0 && before.active) shown = { ...paddle, pos: before.pos + (paddle.pos - before.pos) * alpha };
    const rect = paddleRect(state.config, shown);
    c.fillStyle = theme.seats[seat % theme.seats.length];
    c.fillRect(rect.x, rect.y, rect.w, rect.h);
  });
}

/** An eliminated 4P side is a solid wall (as deep as the paddle plane the ball bounces on). */
function drawWall(c: CanvasRenderingContext2D, state: GameState, side: Side): void {
  const rect = sideWallRect(state.config, side);
  c.fillStyle = theme.wall;
  c.fillRect(rect.x, rect.y, rect.w, rect.h);
}

function drawBall(c: CanvasRenderingContext2D, state: GameState, ball: { x: number; y: number }): void {
  const size = state.config.ballSize;
  c.fillStyle = theme.ball;
  if (state.phase === "serving") c.globalAlpha = 0.55 + 0.45 * Math.abs(Math.sin(state.serveIn / 8));
  c.fillRect(ball.x - size / 2, ball.y - size / 2, size, size);
  c.globalAlpha = 1;
}

/** Where each side's score sits, in field coordinates. */
function scoreAnchor(state: GameState, side: Side): { x: number; y: number } {
  const { width, height, mode } = state.config;
  if (mode === "2p") return side === "left" ? { x: width * 0.25, y: height * 0.16 } : { x: width * 0.75, y: height * 0.16 };
  const inset = Math.min(width, height) * 0.17;
  if (side === "left") return { x: inset, y: height / 2 };
  if (side === "right") return { x: width - inset, y: height / 2 };
  if (side === "top") return { x: width / 2, y: inset };
  return { x: width / 2, y: height - inset };
}

/** Scores and names are drawn upright in canvas space, wherever rotation puts their side. */
function drawHud(c: CanvasRenderingContext2D, view: View, state: GameState, options: DrawOptions): void {
  const big = Math.max(18, Math.round(72 * view.scale * (state.config.mode === "2p" ? 1 : 0.7)));
  const small = Math.max(11, Math.round(18 * view.scale));
  c.textAlign = "center";
  c.textBaseline = "middle";
  state.paddles.forEach((paddle, seat) => {
    const at = fieldToCanvas(view, scoreAnchor(state, paddle.side).x, scoreAnchor(state, paddle.side).y);
    c.font = `700 ${big}px ${theme.font}`;
    c.fillStyle = paddle.active ? theme.faintScore : "rgba(232,236,255,0.07)";
    c.fillText(String(state.scores[seat] ?? 0), at.x, at.y);
    const name = options.names?.[seat];
    if (name) {
      c.font = `600 ${small}px ${theme.font}`;
      // A player who is out (4P wall) keeps the name, greyed.
      c.fillStyle = paddle.active ? theme.seats[seat % theme.seats.length] : theme.wall;
      c.globalAlpha = seat === options.localSeat || options.localSeat === undefined ? 0.95 : 0.7;
      c.fillText(name, at.x, at.y + big * 0.62 + small * 0.4);
      c.globalAlpha = 1;
    }
  });
}
