import type { SeatInput } from "../game/input";

/**
 * On-screen up/down buttons for phones. They press and release directions on the same SeatInput
 * as the keyboard. Hidden on devices with a fine pointer (see .touchpad in styles.css).
 */
export function TouchPad({ input, seat, label, side }: { input: SeatInput; seat: number; label: string; side: "left" | "right" }) {
  const bind = (dir: -1 | 1) => {
    const source = `pad:${dir}`;
    const release = () => input.release(seat, source);
    return {
      onPointerDown: (event: PointerEvent) => {
        event.preventDefault();
        (event.currentTarget as HTMLElement).setPointerCapture?.(event.pointerId);
        input.press(seat, dir, source);
      },
      onPointerUp: release,
      onPointerCancel: release,
      onLostPointerCapture: release,
      onContextMenu: (event: Event) => event.preventDefault(),
    };
  };
  return (
    <div class={`touchpad touchpad-${side}`} aria-hidden="true">
      <button type="button" tabIndex={-1} class="touch-button" {...bind(-1)} data-testid={`touch-up-${seat}`} aria-label={`${label} up`}>
        ▲
      </button>
      <button type="button" tabIndex={-1} class="touch-button" {...bind(1)} data-testid={`touch-down-${seat}`} aria-label={`${label} down`}>
        ▼
      </button>
    </div>
  );
}
