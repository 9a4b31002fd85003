/** Loads one API resource for a screen: loading / loaded / failed, with a retry. */
import { useEffect, useState } from "preact/hooks";
import type { ApiError, ApiResult } from "./api";

export type Resource<T> =
  | { status: "loading" }
  | { status: "ok"; data: T }
  | { status: "error"; error: ApiError };

export function useApiResource<T>(load: () => Promise<ApiResult<T>>, key: string): [Resource<T>, () => void] {
  const [resource, setResource] = useState<Resource<T>>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setResource({ status: "loading" });
    load().then((result) => {
      if (!live) return;
      setResource(result.ok ? { status: "ok", data: result.data } : { status: "error", error: result.error });
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, attempt]);

  return [resource, () => setAttempt((n) => n + 1)];
}
