/** External tools the checks need, and what to say when one is missing. */
import { spawnSync } from "node:child_process";

/** Set by .ci/run: a missing tool fails the run instead of skipping its checks. */
export const REQUIRE_TOOLS = process.env.OBS_REQUIRE_TOOLS === "1";

export function has(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

/** Skips (locally) or fails (CI) when a tool is missing; returns whether it is there. */
export function need(tool: string, pkg: string): boolean {
  if (has(tool)) return true;
  const msg = `${tool} is not installed (Debian package ${pkg}; .ci/run installs it)`;
  if (REQUIRE_TOOLS) throw new Error(msg);
  console.warn(`SKIPPED: ${msg}`);
  return false;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const r = spawnSync(cmd, args, { encoding: "utf8", input: opts.input, cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Components of the stack this machine cannot run: said plainly in every test run's output. */
export const NOT_RUN_HERE =
  "NOT RUN HERE (no Docker engine on this machine): Elasticsearch, Logstash, Kibana, Grafana, Caddy as a server, node-exporter and the compose stack itself. " +
  "Their configs were validated statically (schemas, docker-compose config, caddy validate, cross-references; Logstash's time handling on a model of its code); " +
  "Prometheus, promtool and amtool ran for real.";
