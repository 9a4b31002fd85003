/** Colours of the arcade look, shared by the canvas renderer (CSS has the same palette). */
export const theme = {
  background: "#070b16",
  field: "#0c1326",
  border: "#24304f",
  centreLine: "#2b3a62",
  ball: "#ffffff",
  text: "#e8ecff",
  faintScore: "rgba(232, 236, 255, 0.16)",
  wall: "#3a4668",
  /** Per seat: left, right, top, bottom. */
  seats: ["#4dd8ff", "#ff5fa2", "#ffd447", "#6cf08b"],
  font: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
} as const;
