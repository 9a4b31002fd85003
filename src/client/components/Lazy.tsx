import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";

/** Caches a dynamic import; a failed one (offline) is forgotten so the next call tries again. */
export function loader<M>(load: () => Promise<M>): () => Promise<M> {
  let pending: Promise<M> | null = null;
  return () =>
    (pending ??= load().catch((err) => {
      pending = null;
      throw err;
    }));
}

/**
 * Loads a module on first use (a separate chunk) and renders with it. The promise is cached by
 * the caller's loader; a failed load (offline) offers a retry.
 */
export function Lazy<M>({ load, render }: { load: () => Promise<M>; render: (module: M) => VNode }) {
  const [module, setModule] = useState<M | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (m) => live && setModule(() => m),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
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
