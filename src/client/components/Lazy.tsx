import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";

export interface Loader<M> {
  (): Promise<M>;
  /** The module once loaded (later visits render at once). */
  value?: M;
}

/** Caches a dynamic import; a failed one (offline) is forgotten so the next call tries again. */
export function loader<M>(load: () => Promise<M>): Loader<M> {
  let pending: Promise<M> | null = null;
  const get: Loader<M> = () =>
    (pending ??= load().then(
      (m) => (get.value = m),
      (err) => {
        pending = null;
        throw err;
      },
    ));
  return get;
}

/**
 * Loads a module on first use (a separate chunk) and renders with it; a failed load (offline)
 * offers a retry. When it arrives, focus goes to the screen's heading if nothing else took it
 * (the App moved focus while the screen was still loading).
 */
export function Lazy<M>({ load, render }: { load: Loader<M>; render: (module: M) => VNode }) {
  const [module, setModule] = useState<M | null>(load.value ?? null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (module) return;
    let live = true;
    load().then(
      (m) => live && setModule(() => m),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  useEffect(() => {
    const active = document.activeElement;
    if (module && (!active || active === document.body)) document.getElementById("page-title")?.focus({ preventScroll: true });
  }, [module]);
  if (module) return render(module);
  if (!failed) return <p class="muted" aria-busy="true">Loading…</p>;
  return (
    <div class="load-error" role="alert">
      <p>This screen could not be loaded. Check your connection.</p>
      <button type="button" class="button" onClick={() => (setFailed(false), setAttempt((n) => n + 1))}>
        Try again
      </button>
    </div>
  );
}
