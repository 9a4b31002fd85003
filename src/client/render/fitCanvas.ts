/**
 * Keeps a canvas as large as fits inside `box` at the given aspect ratio, and re-sizes its backing
 * store when the box or the devicePixelRatio changes. Returns a cleanup function.
 */
export function fitCanvasToBox(
  box: HTMLElement,
  getAspect: () => number,
  onSize: (cssWidth: number, cssHeight: number, devicePixelRatio: number) => void,
): { refit(): void; dispose(): void } {
  let lastKey = "";
  const refit = () => {
    const availableWidth = box.clientWidth;
    const availableHeight = box.clientHeight;
    if (availableWidth <= 0 || availableHeight <= 0) return;
    const aspect = getAspect();
    let width = availableWidth;
    let height = width / aspect;
    if (height > availableHeight) {
      height = availableHeight;
      width = height * aspect;
    }
    width = Math.floor(width);
    height = Math.floor(height);
    const dpr = window.devicePixelRatio || 1;
    const key = `${width}x${height}@${dpr}`;
    if (key === lastKey) return;
    lastKey = key;
    onSize(width, height, dpr);
  };

  const observer = new ResizeObserver(refit);
  observer.observe(box);

  // devicePixelRatio changes (zoom, moving to another screen) do not resize the box.
  let dprQuery: MediaQueryList | null = null;
  const watchDpr = () => {
    dprQuery?.removeEventListener("change", onDprChange);
    dprQuery = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    dprQuery.addEventListener("change", onDprChange);
  };
  const onDprChange = () => {
    refit();
    watchDpr();
  };
  watchDpr();
  refit();

  return {
    refit: () => {
      lastKey = "";
      refit();
    },
    dispose: () => {
      observer.disconnect();
      dprQuery?.removeEventListener("change", onDprChange);
    },
  };
}
