/** Paths and parsed config files of the repository. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const OBS = `${ROOT}/observability`;

export function read(rel: string): string {
  return readFileSync(`${ROOT}/${rel}`, "utf8");
}

export function json<T = unknown>(rel: string): T {
  return JSON.parse(read(rel)) as T;
}

export function yaml<T = unknown>(rel: string): T {
  return parseYaml(read(rel), { strict: true, uniqueKeys: true }) as T;
}
