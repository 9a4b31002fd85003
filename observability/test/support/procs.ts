/** Child processes for the end-to-end test: started in their own process group, always killed. */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

const running = new Set<Proc>();

/** Starts `cmd` detached (own process group) with stdout+stderr to `logFile`. */
export function start(name: string, cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): Proc {
  const out = createWriteStream(opts.logFile);
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const p: Proc = { name, child, logFile: opts.logFile, exited };
  running.add(p);
  void exited.then(() => running.delete(p));
  return p;
}

/** SIGTERM to the whole group, SIGKILL after `graceMs`. */
export async function stop(p: Proc, graceMs = 5000): Promise<void> {
  if (!running.has(p) || p.child.pid === undefined) return;
  const pid = p.child.pid;
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // gone
    }
  }, graceMs);
  await p.exited;
  clearTimeout(timer);
  // Children that ignored SIGTERM (workerd) are killed with the group.
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // gone
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => stop(p)));
}

// Never leave processes behind, even when the test runner is interrupted.
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    for (const p of running) {
      try {
        if (p.child.pid) process.kill(-p.child.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    process.exit(130);
  });
}
process.once("exit", () => {
  for (const p of running) {
    try {
      if (p.child.pid) process.kill(-p.child.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
});

export function tail(p: Proc, lines = 40): string {
  try {
    return readFileSync(p.logFile, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Polls `fn` until it returns a truthy value (or throws after `ms`, with `describe()` in the message). */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms: number, describe: () => string = () => "", everyMs = 250): Promise<T> {
  const deadline = Date.now() + ms;
  let lastErr: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}${lastErr ? ` (last error: ${String(lastErr)})` : ""}\n${describe()}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
