/**
 * View geometry: how field coordinates map onto the canvas, including rotating the field so that a
 * chosen side is drawn at the bottom (4P online: "my paddle at the bottom").
 */
import type { GameConfig, Side } from "../../shared/engine/types";

/** Quarter turns (clockwise on screen) that bring `side` to the bottom. */
export function quarterTurnsToBottom(side: Side): 0 | 1 | 2 | 3 {
  switch (side) {
    case "bottom":
      return 0;
    case "right":
      return 1; // clockwise: right -> bottom
    case "top":
      return 2;
    case "left":
      return 3; // three clockwise turns = one counter-clockwise: left -> bottom
  }
}

export interface View {
  /** Field size. */
  fieldWidth: number;
  fieldHeight: number;
  /** Size of the rotated field (width/height swap on odd quarter turns). */
  viewWidth: number;
  viewHeight: number;
  quarterTurns: 0 | 1 | 2 | 3;
  /** CSS pixels per field pixel. */
  scale: number;
  /** CSS size of the drawing area. */
  cssWidth: number;
  cssHeight: number;
}

/** The rotated field's size, for choosing the canvas aspect ratio. */
export function viewSize(config: Pick<GameConfig, "width" | "height">, bottomSide?: Side): { width: number; height: number } {
  const turns = bottomSide ? quarterTurnsToBottom(bottomSide) : 0;
  return turns % 2 === 1 ? { width: config.height, height: config.width } : { width: config.width, height: config.height };
}

export function makeView(config: Pick<GameConfig, "width" | "height">, bottomSide: Side | undefined, cssWidth: number, cssHeight: number): View {
  const quarterTurns = bottomSide ? quarterTurnsToBottom(bottomSide) : 0;
  const size = viewSize(config, bottomSide);
  const scale = Math.min(cssWidth / size.width, cssHeight / size.height);
  return {
    fieldWidth: config.width,
    fieldHeight: config.height,
    viewWidth: size.width,
    viewHeight: size.height,
    quarterTurns,
    scale,
    cssWidth,
    cssHeight,
  };
}

const COS = [1, 0, -1, 0];
const SIN = [0, 1, 0, -1];

/** Field point -> CSS pixel on the canvas. */
export function fieldToCanvas(view: View, x: number, y: number): { x: number; y: number } {
  const dx = x - view.fieldWidth / 2;
  const dy = y - view.fieldHeight / 2;
  const c = COS[view.quarterTurns];
  const s = SIN[view.quarterTurns];
  return {
    x: view.cssWidth / 2 + view.scale * (c * dx - s * dy),
    y: view.cssHeight / 2 + view.scale * (s * dx + c * dy),
  };
}

/** CSS pixel on the canvas -> field point (for pointer / touch input). */
export function canvasToField(view: View, x: number, y: number): { x: number; y: number } {
  const dx = (x - view.cssWidth / 2) / view.scale;
  const dy = (y - view.cssHeight / 2) / view.scale;
  const c = COS[view.quarterTurns];
  const s = SIN[view.quarterTurns];
  return { x: view.fieldWidth / 2 + c * dx + s * dy, y: view.fieldHeight / 2 - s * dx + c * dy };
}

/** Applies the field->canvas transform to a context already scaled to CSS pixels. */
export function applyFieldTransform(ctx: CanvasRenderingContext2D, view: View): void {
  ctx.translate(view.cssWidth / 2, view.cssHeight / 2);
  ctx.scale(view.scale, view.scale);
  ctx.rotate((view.quarterTurns * Math.PI) / 2);
  ctx.translate(-view.fieldWidth / 2, -view.fieldHeight / 2);
}

/**
 * +1 if a paddle on `side` moving in field direction +1 moves right/down on screen in this view,
 * -1 if it moves left/up. Multiply a screen direction by this to get the field Dir to send,
 * so "ArrowLeft" moves a rotated paddle to the left of the screen.
 */
export function screenAxisSign(view: Pick<View, "quarterTurns">, side: Side): 1 | -1 {
  const alongY = side === "left" || side === "right";
  const ax = alongY ? 0 : 1;
  const ay = alongY ? 1 : 0;
  const c = COS[view.quarterTurns];
  const s = SIN[view.quarterTurns];
  const sx = c * ax - s * ay;
  const sy = s * ax + c * ay;
  const along = sx !== 0 ? sx : sy;
  return along > 0 ? 1 : -1;
}
