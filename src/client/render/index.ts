export { createRenderer, prefersReducedMotion, type DrawOptions, type Renderer } from "./renderer";
export { fitCanvasToBox } from "./fitCanvas";
export { canvasToField, fieldToCanvas, makeView, quarterTurnsToBottom, screenAxisSign, viewSize, type View } from "./view";
export { theme } from "./theme";
