/**
 * Starts `wrangler dev` for a load run, from a private copy of the sources (others keep editing
 * the tree; wrangler dev would reload the Worker mid-run on every save), with a fresh local state
 * directory and the D1 migrations applied. Finds the two workerd processes wrangler spawns: the
 * proxy on the public port and the app behind it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { listenPort } from "../../scripts/listen-port";
import { BENCH_PROBE_PREFIX, benchEntrySource, benchWranglerToml, mainOf } from "./bench-entry";
import { cmdline, descendants } from "./procstat";

export const REPO = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** "worktree": a copy of the working tree; "head": the last commit; anything else: a git tree-ish (commit, tag, tree id). */
export type SourceMode = "worktree" | "head" | (string & {});

export interface DevServerOptions {
  vars: Record<string, string>;
  source?: SourceMode;
  /** A built client to serve as static assets (else an empty directory). */
  assetsDir?: string;
  /** Keep the temporary directory (logs) after stop. */
  keep?: boolean;
  log?: (line: string) => void;
  /**
   * Keep wrangler dev's local observability on (X_LOCAL_OBSERVABILITY: every invocation streams a
   * trace to a SQLite-backed trace store in the same workerd). Off by default: production has no
   * such per-event work on the object's thread, and under load it dominates (see docs/benchmarks.md).
   */
  localObservability?: boolean;
  /** Where the local state (D1, Durable Object SQLite files) lives: "disk" (a temp dir) or "tmpfs" (/dev/shm). */
  stateOn?: "disk" | "tmpfs";
  /**
   * Another Worker of the tree to run instead of the project (its wrangler.toml, relative to the
   * repository: e.g. the relay floor, bench/floor/wrangler.toml). It has no D1 and no migrations.
   */
  config?: string;
  /**
   * Run the bare alarm probe (bench/floor/alarm-probe.ts) inside the project's own Worker: a
   * bench-only entry module and config generated in the copy (bench-entry.ts); the tree is untouched.
   */
  alarmProbe?: boolean;
  /** With `config`: where that Worker already serves an alarm probe (e.g. "/alarms" for the floor). */
  alarmProbePrefix?: string;
}

export interface DevServer {
  /** The process group leader of the wrangler tree. */
  pid: number;
  port: number;
  inspectorPort: number;
  baseUrl: string;
  dir: string;
  logFile: string;
  /** The `wrangler` node processes (launcher and CLI). */
  wranglerPids: number[];
  proxyPid: number;
  appPid: number;
  /** The app workerd's own HTTP entry socket (the Worker without wrangler's proxy in front), if found. */
  appEntryUrl: string | null;
  /** Inspector address of the app workerd (for CPU profiles). */
  appInspectorPort: number | null;
  source: SourceMode;
  localObservability: boolean;
  stateOn: "disk" | "tmpfs";
  gitCommit: string;
  /** Source files under src/ with uncommitted changes when the copy was taken (worktree mode). */
  dirtyFiles: string[];
  /** Path prefix of the bare alarm probe this server runs (bench/load/alarm-floor.ts drives it), or null. */
  alarmProbePrefix: string | null;
  stop(): Promise<void>;
}

/** Servers started and not yet stopped (stopped on SIGINT/SIGTERM by stopAllDevServers). */
const live = new Set<DevServer>();

export async function stopAllDevServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop()));
}

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: REPO, encoding: "utf8" });
}

/** Copies what `wrangler dev` needs into `dir` (node_modules is linked, not copied). */
function snapshotSources(dir: string, source: SourceMode, extra: string[]): void {
  const parts = ["src", "migrations", "wrangler.toml", "package.json", "tsconfig.json", ...extra];
  if (source !== "worktree") {
    const tar = execFileSync("git", ["archive", source === "head" ? "HEAD" : source, ...parts], { cwd: REPO, maxBuffer: 256 * 2 ** 20 });
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
  } else {
    for (const p of parts) cpSync(join(REPO, p), join(dir, p), { recursive: true });
  }
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
}

/**
 * Adds the bare alarm probe to the project's copy in `dir`: the probe's module (from this bench, not
 * from the copied revision: the harness is always today's), an entry module next to the app's that
 * wraps it, and a config using that entry. Returns the config's path, relative to `dir`.
 */
function addAlarmProbe(dir: string): string {
  const toml = readFileSync(join(dir, "wrangler.toml"), "utf8");
  const appMain = mainOf(toml);
  const entryDir = dirname(appMain);
  const probeFile = join(entryDir, "__bench", "alarm-probe.ts");
  mkdirSync(join(dir, dirname(probeFile)), { recursive: true });
  cpSync(join(REPO, "bench/floor/alarm-probe.ts"), join(dir, probeFile));
  const spec = (file: string) => `./${relative(entryDir, file).replace(/\.ts$/, "")}`;
  const entry = join(entryDir, "__bench_entry.ts");
  writeFileSync(join(dir, entry), benchEntrySource(spec(appMain), spec(probeFile)));
  writeFileSync(join(dir, "wrangler.bench.toml"), benchWranglerToml(toml, entry));
  return "wrangler.bench.toml";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(cmd: string, args: string[], cwd: string): void {
  execFileSync("bash", [join(REPO, "scripts/offline.sh"), cmd, ...args], {
    cwd,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, PATH: `${join(REPO, "node_modules/.bin")}:${process.env.PATH}` },
  });
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const source = opts.source ?? "worktree";
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "pong-bench-"));
  const configDir = opts.config ? opts.config.slice(0, Math.max(0, opts.config.lastIndexOf("/"))) : "";
  snapshotSources(dir, source, configDir ? [configDir] : []);
  const assets = join(dir, "dist/client");
  if (opts.assetsDir) cpSync(opts.assetsDir, assets, { recursive: true });
  else mkdirSync(assets, { recursive: true });
  const stateOn = opts.stateOn ?? "disk";
  const state = stateOn === "tmpfs" && existsSync("/dev/shm") ? mkdtempSync("/dev/shm/pong-bench-state-") : join(dir, "state");
  if (!opts.config) run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], dir);
  const config = opts.config ?? (opts.alarmProbe ? addAlarmProbe(dir) : undefined);

  const port = await listenPort();
  const inspectorPort = await listenPort();
  const logFile = join(dir, "wrangler-dev.log");
  const out = openSync(logFile, "a");
  const args = [
    join(REPO, "scripts/offline.sh"),
    "wrangler",
    "dev",
    ...(config ? ["-c", config] : []),
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    state,
    "--show-interactive-dev-session=false",
    "--log-level",
    "warn",
    ...Object.entries(opts.vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  const child: ChildProcess = spawn("bash", args, {
    cwd: dir,
    detached: true, // own process group: stop() ends exactly this tree
    stdio: ["ignore", out, out],
    env: {
      ...process.env,
      PATH: `${join(REPO, "node_modules/.bin")}:${process.env.PATH}`,
      X_LOCAL_OBSERVABILITY: opts.localObservability ? "true" : "false",
      X_LOCAL_EXPLORER: "false",
    },
  });
  const rootPid = child.pid!;
  const baseUrl = `http://127.0.0.1:${port}`;
  let ready = false;
  for (let i = 0; i < 300 && !ready; i++) {
    await sleep(100);
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}); log: ${logFile}\n${readFileSync(logFile, "utf8").slice(-2000)}`);
    try {
      const r = await fetch(`${baseUrl}/healthz`);
      ready = r.ok;
    } catch {
      // not yet
    }
  }
  if (!ready) throw new Error(`wrangler dev did not become ready; log: ${logFile}`);

  const procs = descendants(rootPid).map((pid) => ({ pid, cmd: cmdline(pid) }));
  const workerds = procs.filter((p) => /workerd(\s|$)/.test(p.cmd.split(" ")[0]) || p.cmd.includes("/bin/workerd "));
  const proxy = workerds.find((p) => p.cmd.includes(`entry=127.0.0.1:${port}`));
  const app = workerds.find((p) => p !== proxy);
  if (!proxy || !app) throw new Error(`could not find both workerd processes under ${rootPid}: ${JSON.stringify(procs)}`);
  const wranglerPids = procs.filter((p) => p.cmd.includes("wrangler")).map((p) => p.pid);

  let appInspectorPort: number | null = null;
  let appEntryUrl: string | null = null;
  try {
    // The app workerd listens on several loopback ports: its inspector answers /json/version, its
    // entry socket serves the Worker itself (/healthz).
    const ss = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
    const ports = [...ss.matchAll(/127\.0\.0\.1:(\d+)\s.*pid=(\d+),/g)].filter((m) => Number(m[2]) === app.pid).map((m) => Number(m[1]));
    for (const p of ports) {
      try {
        const r = await fetch(`http://127.0.0.1:${p}/json/version`);
        if (r.ok && (await r.text()).includes("Browser")) appInspectorPort = p;
      } catch {
        // not the inspector
      }
      try {
        const r = await fetch(`http://127.0.0.1:${p}/healthz`);
        if (r.ok && (await r.text()).includes("pong-edge")) appEntryUrl = `http://127.0.0.1:${p}`;
      } catch {
        // not the entry
      }
    }
  } catch {
    // ss missing: profiling and the direct path unavailable
  }

  const alarmProbePrefix = opts.config ? (opts.alarmProbePrefix ?? null) : opts.alarmProbe ? BENCH_PROBE_PREFIX : null;
  if (alarmProbePrefix) {
    // The probe must answer where the bench will ask (before static assets, on the app's entry).
    const r = await fetch(`${appEntryUrl ?? baseUrl}${alarmProbePrefix}/healthz`).catch(() => null);
    const text = r?.ok ? await r.text() : "";
    if (text !== "alarm probe") {
      try {
        process.kill(-rootPid, "SIGKILL");
      } catch {
        // gone
      }
      throw new Error(`the alarm probe does not answer at ${alarmProbePrefix}/healthz (${r ? r.status : "no answer"}); log: ${logFile}`);
    }
  }

  let dirtyFiles: string[] = [];
  if (source === "worktree") dirtyFiles = git(["status", "--porcelain", "--", "src", "wrangler.toml"]).split("\n").filter(Boolean).map((l) => l.slice(3));
  const gitCommit = git(["rev-parse", "--short", source === "worktree" || source === "head" ? "HEAD" : source]).trim();
  log(`wrangler dev ready on ${baseUrl} (proxy workerd ${proxy.pid}, app workerd ${app.pid}, source ${source}@${gitCommit}${dirtyFiles.length ? ` + ${dirtyFiles.length} uncommitted` : ""})`);

  const server: DevServer = {
    pid: rootPid,
    port,
    inspectorPort,
    baseUrl,
    dir,
    logFile,
    wranglerPids,
    proxyPid: proxy.pid,
    appPid: app.pid,
    appInspectorPort,
    appEntryUrl,
    source,
    localObservability: opts.localObservability ?? false,
    stateOn,
    gitCommit,
    dirtyFiles,
    alarmProbePrefix,
    async stop() {
      try {
        process.kill(-rootPid, "SIGTERM");
      } catch {
        // already gone
      }
      for (let i = 0; i < 50; i++) {
        if (!existsSync(`/proc/${proxy.pid}`) && !existsSync(`/proc/${app.pid}`)) break;
        await sleep(100);
      }
      try {
        process.kill(-rootPid, "SIGKILL");
      } catch {
        // gone
      }
      live.delete(server);
      if (!opts.keep) {
        rmSync(dir, { recursive: true, force: true });
        if (state.startsWith("/dev/shm/")) rmSync(state, { recursive: true, force: true });
      }
    },
  };
  live.add(server);
  return server;
}
