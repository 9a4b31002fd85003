import type { SeatInput } from "../game/input";

interface TouchPadProps {
  input: SeatInput;
  seat: number;
  label: string;
  /** Where the pad sits: beside a vertical paddle, or under/over a rotated (horizontal) one. */
  placement: "left" | "right" | "top" | "bottom";
  /** The paddle moves horizontally on screen (rotated view): show ◀ ▶ instead of ▲ ▼. */
  horizontal: boolean;
  /** Field Dir that moves the paddle right/down on screen (from render/view screenAxisSign). */
  screenSign: 1 | -1;
}

/**
 * On-screen buttons for phones. They press and release directions on the same SeatInput as the
 * keyboard. Hidden on devices with a fine pointer (see .touch-controls in styles.css).
 */
export function TouchPad({ input, seat, label, placement, horizontal, screenSign }: TouchPadProps) {
  const bind = (screenDir: -1 | 1) => {
    const source = `pad:${screenDir}`;
    const release = () => input.release(seat, source);
    return {
      onPointerDown: (event: PointerEvent) => {
        event.preventDefault();
        (event.currentTarget as HTMLElement).setPointerCapture?.(event.pointerId);
        input.press(seat, (screenDir * screenSign) as -1 | 1, source);
      },
      onPointerUp: release,
      onPointerCancel: release,
      onLostPointerCapture: release,
      onContextMenu: (event: Event) => event.preventDefault(),
    };
  };
  const [back, forward] = horizontal ? ["◀", "▶"] : ["▲", "▼"];
  return (
    <div class={`touchpad touchpad-${placement}`} aria-hidden="true" data-testid={`touchpad-${seat}`}>
      <button type="button" tabIndex={-1} class="touch-button" {...bind(-1)} data-testid={`touch-up-${seat}`} aria-label={`${label} ${horizontal ? "left" : "up"}`}>
        {back}
      </button>
      <button type="button" tabIndex={-1} class="touch-button" {...bind(1)} data-testid={`touch-down-${seat}`} aria-label={`${label} ${horizontal ? "right" : "down"}`}>
        {forward}
      </button>
    </div>
  );
}
