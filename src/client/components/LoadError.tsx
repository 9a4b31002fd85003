import type { ApiError } from "../api";

export function LoadError({ error, onRetry }: { error: ApiError; onRetry: () => void }) {
  return (
    <div class="load-error" role="alert" data-testid="load-error">
      <p>{error.message}</p>
      <button type="button" class="button" onClick={onRetry} data-testid="retry">
        Try again
      </button>
    </div>
  );
}
