/**
 * Starts the real game under `wrangler dev` (workerd, local D1) for browser tests: a fresh
 * persistence directory, migrations applied, fast game settings, a free loopback port.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { listenPort } from "../../../scripts/listen-port";

const ROOT = resolve(import.meta.dirname, "../../..");
const OFFLINE = join(ROOT, "scripts/offline.sh");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");

export interface DevServer {
  url: string;
  stop(): Promise<void>;
}

export async function startDevServer(vars: Record<string, string> = {}): Promise<DevServer> {
  const persist = mkdtempSync(join(tmpdir(), "pong-e2e-"));
  const migrate = spawnSync("bash", [OFFLINE, WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "1" },
  });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  const port = await listenPort();
  const allVars = {
    APP_ENV: "development",
    WIN_SCORE: "2",
    WIN_SCORE_4P: "2",
    COUNTDOWN_S: "1",
    REJOIN_TIMEOUT_S: "20",
    // The 4P walls test leaves after under a second of play: count that as a real match (issue 12.3).
    REAL_MATCH_S: "0",
    LOGIN_RATE_LIMIT: "1000",
    LOGIN_FAILURE_LIMIT: "1000",
    REGISTER_RATE_LIMIT: "1000",
    REGISTER_GLOBAL_RATE_LIMIT: "100000",
    TOURNAMENT_CREATE_RATE_LIMIT: "1000",
    ...vars,
  };
  const args = [OFFLINE, WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist, "--show-interactive-dev-session=false"];
  for (const [k, v] of Object.entries(allVars)) args.push("--var", `${k}:${v}`);
  const child: ChildProcess = spawn("bash", args, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "1" } });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited: ${output.slice(-2000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, "SIGKILL");
      throw new Error(`wrangler dev did not start: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid!, "SIGTERM");
        } catch {
          // already gone
        }
        await new Promise((r) => setTimeout(r, 500));
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // gone
        }
      }
      rmSync(persist, { recursive: true, force: true });
      // E2E_SERVER_LOG=path keeps what the server printed (its structured log events), for debugging.
      if (process.env.E2E_SERVER_LOG) appendFileSync(process.env.E2E_SERVER_LOG, output);
    },
  };
}
