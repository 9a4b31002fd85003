/**
 * A fixed-timestep loop: requestAnimationFrame drives it, an accumulator runs `update` exactly
 * `hz` times per simulated second, and `render(alpha)` draws once per frame with alpha in [0, 1)
 * = how far the clock is between the last two updates (for optional interpolation).
 * The loop knows nothing about games, modes or the network.
 */

export interface FixedLoopOptions {
  /** Updates per second (the engine's tick rate: 60). */
  hz?: number;
  /** At most this many updates per frame; beyond it the backlog is dropped (tab was asleep). */
  maxCatchUpSteps?: number;
  /** One fixed step. */
  update: () => void;
  /** Draw the current state; alpha = fraction of a step accumulated since the last update. */
  render: (alpha: number) => void;
  /** Injectable clock/scheduler for tests. */
  now?: () => number;
  requestFrame?: (callback: (time: number) => void) => number;
  cancelFrame?: (handle: number) => void;
}

export interface FixedLoop {
  start(): void;
  stop(): void;
  readonly running: boolean;
  /** Forget accumulated time (e.g. after a pause) so no burst of catch-up steps follows. */
  resetClock(): void;
}

export const TICK_HZ = 60;

export function createFixedLoop(options: FixedLoopOptions): FixedLoop {
  const hz = options.hz ?? TICK_HZ;
  const stepMs = 1000 / hz;
  const maxSteps = options.maxCatchUpSteps ?? 5;
  const now = options.now ?? (() => performance.now());
  const requestFrame = options.requestFrame ?? ((cb) => requestAnimationFrame(cb));
  const cancelFrame = options.cancelFrame ?? ((h) => cancelAnimationFrame(h));

  let handle = 0;
  let running = false;
  let last = 0;
  let accumulator = 0;

  const frame = () => {
    if (!running) return;
    const time = now();
    accumulator += Math.min(time - last, 1000); // a long sleep counts as at most 1 s
    last = time;
    let steps = 0;
    while (accumulator >= stepMs && steps < maxSteps) {
      options.update();
      accumulator -= stepMs;
      steps++;
    }
    if (steps === maxSteps && accumulator >= stepMs) accumulator = 0; // drop the backlog
    options.render(accumulator / stepMs);
    handle = requestFrame(frame);
  };

  return {
    start() {
      if (running) return;
      running = true;
      last = now();
      accumulator = 0;
      handle = requestFrame(frame);
    },
    stop() {
      running = false;
      cancelFrame(handle);
    },
    get running() {
      return running;
    },
    resetClock() {
      last = now();
      accumulator = 0;
    },
  };
}
