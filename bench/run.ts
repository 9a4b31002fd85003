/**
 * Bench entry point (`npm run bench`). Runs the bench parts and rewrites their sections of
 * docs/benchmarks.md. Parts: engine, load, flood, tournament, client (default), profile, ab and scale (on demand). Options:
 *   --only engine[,load]    run only these parts
 *   --duration-ms N         engine: measured time per row (default 2000)
 *   --warmup-ms N           engine: warm-up per row (default 500)
 *   --matches 50,100,300    load: N concurrent 2P matches per ladder step (default 50,100,200,300,400); flood: the first is its N (default 20)
 *   --seconds S             load: measured window per step (default 10)
 *   --warmup S              load: seconds between the last game start and the window (default 3)
 *   --bot-procs P           load: bot processes (default 2)
 *   --ai easy|medium|hard   load: bot skill (default medium)
 *   --floor-matches 100[,N] load: N of extra relay-floor steps (default 100, or the largest N if below; 0: no relay floor at all)
 *   --no-floor-each-step    load: no relay-floor step at the same N right after each ladder step (on by default)
 *   --floor-inputs-per-s X  load: input frames per second per floor socket (default 4)
 *   --alarm-floor N         load: objects of the bare alarm floor run alone before the ladder (0: skip; default 100)
 *   --alarm-probe N         load: objects of the bare alarm probe run in the server's own workerd during each step (0: none; default 25)
 *   --no-deflate-matches N  load: N of the comparison step without permessage-deflate (0: skip; default min(100, max N))
 *   --path direct|proxy     load: bots reach the app workerd directly (default) or through wrangler dev's proxy
 *   --other-path-matches N  load: N of the comparison step over the other path (0: skip, the default)
 *   --no-deflate            load: run the ladder without deflate (the comparison step then offers it)
 *   --keep-climbing         load: do not stop the ladder at the first N that misses the criterion
 *   --quiet-wait S          load: before each step wait up to S s for other processes' CPU to drop (default 90)
 *   --quiet-pct X           load: ... below X % of one core (default 30)
 *   --state disk|tmpfs      load: where wrangler dev keeps its local state (default tmpfs: see bench/load/index.ts)
 *   --local-observability   load: leave wrangler dev's local trace store on (off by default)
 *   --retry-noisy-pct X     load: run a step again once if other processes used more than X % of a core in its window (default 50; 0 = never)
 *   --source worktree|head|REV  load: bench a copy of the working tree (default), of the last commit, or of
 *                           any git tree-ish (driven by today's bots: same protocol only; else use --only ab)
 *   --label NAME            load: suffix of the results file name
 *   --section KEY           load: docs/benchmarks.md section to write (default "load")
 *   --json-out FILE         load: also write the raw JSON to FILE
 *   --ab rev,rev[,...]      ab: compare git tree-ishes (or "worktree"), each with its own bench, interleaved (--ab-names a,b; --rounds R)
 *   --from-json FILE        load: re-render a saved run (bench/results/*-load*.json) into its section, no new measurement
 *   --no-write              print only, leave docs/benchmarks.md and bench/results alone
 * To add a part, register it in PARTS: it returns the markdown of its section.
 */
import { fileURLToPath } from "node:url";
import { runEngineBench } from "./engine";
import { runClientBench } from "./client";
import { renderLoadJson, runLoadBench, type LoadOptions } from "./load/index";
import { runAb } from "./load/ab";
import { runProfile } from "./load/profile";
import { runTournamentWait } from "./load/tournament";
import { runFloodBench } from "./load/flood";
import { runScaleBench } from "./scale/index";
import { stopAllDevServers, type SourceMode } from "./load/server";
import { machineLine } from "./machine";
import { updateSection } from "./report";

/** The command line's options: the load bench's own, plus what the other parts and the A/B take. */
interface PartOptions extends Omit<LoadOptions, "log" | "writeJson" | "countdownS" | "source"> {
  durationMs?: number;
  warmupMs?: number;
  source?: SourceMode;
  section?: string;
  fromJson?: string;
  abRevs?: string[];
  abNames?: string[];
  rounds?: number;
  write?: boolean;
}

type Part = (options: PartOptions) => Promise<string> | string;

const PARTS: Record<string, Part> = {
  engine: (o) => runEngineBench(o).markdown,
  load: async (o) => (o.fromJson ? renderLoadJson(o.fromJson) : (await runLoadBench({ ...o, writeJson: o.write })).markdown),
  ab: async (o) => {
    if (!o.abRevs?.length) throw new Error("--only ab needs --ab <rev>,<rev>[,...]");
    return (await runAb({ revs: o.abRevs, names: o.abNames, matches: o.matches, rounds: o.rounds, seconds: o.seconds, deflate: o.deflate, label: o.label })).markdown;
  },
  tournament: async () => (await runTournamentWait()).markdown,
  flood: async (o) => (await runFloodBench({ matches: o.matches?.[0], seconds: o.seconds })).markdown,
  client: async () => (await runClientBench()).markdown,
  profile: async (o) => (await runProfile({ ...o, deflate: o.deflate, label: o.label })).markdown,
  scale: async () => (await runScaleBench()).markdown,
};

/** Parts run when --only is not given (profile and ab are on demand: slow, or needing arguments). */
const DEFAULT_PARTS = ["engine", "load", "flood", "tournament", "client"];

/** The docs section a part writes (load runs may be kept apart with --section). */
const sectionOf = (part: string, o: PartOptions) => ((part === "load" || part === "ab") && o.section ? o.section : part);

function parseArgs(argv: string[]): { only: string[]; options: PartOptions; write: boolean } {
  let only = DEFAULT_PARTS;
  const options: PartOptions = {};
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.includes("=") ? arg.slice(0, arg.indexOf("=")) : arg;
    const value = () => {
      const v = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const num = () => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) throw new Error(`${name} needs a non-negative number`);
      return v;
    };
    const choice = <T extends string>(allowed: readonly T[]): T => {
      const v = value();
      if (!(allowed as readonly string[]).includes(v)) throw new Error(`${name} takes ${allowed.join(" or ")}`);
      return v as T;
    };
    switch (name) {
      case "--only":
        only = value().split(",").map((s) => s.trim()).filter(Boolean);
        break;
      case "--duration-ms":
        options.durationMs = num();
        break;
      case "--warmup-ms":
        options.warmupMs = num();
        break;
      case "--matches":
        options.matches = value().split(",").map((s) => Number(s.trim()));
        if (options.matches.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--matches takes positive integers, e.g. 10,50,100");
        break;
      case "--seconds":
        options.seconds = num();
        break;
      case "--warmup":
        options.warmupS = num();
        break;
      case "--bot-procs":
        options.botProcs = num();
        break;
      case "--ai":
        options.aiLevel = choice(["easy", "medium", "hard"] as const);
        break;
      case "--no-deflate-matches":
        options.noDeflateMatches = num();
        break;
      case "--floor-matches":
        options.floorMatches = value().split(",").map((s) => Number(s.trim()));
        if (options.floorMatches.some((n) => !Number.isInteger(n) || n < 0)) throw new Error("--floor-matches takes non-negative integers, e.g. 100 (0: none)");
        break;
      case "--floor-inputs-per-s":
        options.floorInputsPerS = num();
        if (!(options.floorInputsPerS > 0)) throw new Error("--floor-inputs-per-s must be above 0");
        break;
      case "--alarm-floor":
        options.alarmFloorObjects = num();
        break;
      case "--alarm-probe":
        options.alarmProbeObjects = num();
        if (!Number.isInteger(options.alarmProbeObjects) || options.alarmProbeObjects < 0 || options.alarmProbeObjects > 1000) throw new Error("--alarm-probe takes 0-1000 objects");
        break;
      case "--no-floor-each-step":
        options.floorEachStep = false;
        break;
      case "--keep-climbing":
        options.keepClimbing = true;
        break;
      case "--json-out":
        options.jsonOut = value();
        break;
      case "--no-deflate":
        options.deflate = false;
        break;
      case "--path":
        options.path = choice(["direct", "proxy"] as const);
        break;
      case "--state":
        options.stateOn = choice(["disk", "tmpfs"] as const);
        break;
      case "--local-observability":
        options.localObservability = true;
        break;
      case "--other-path-matches":
        options.otherPathMatches = num();
        break;
      case "--quiet-wait":
        options.quietWaitS = num();
        break;
      case "--retry-noisy-pct":
        options.retryNoisyPct = num();
        break;
      case "--quiet-pct":
        options.quietPct = num();
        break;
      case "--source":
        options.source = value(); // worktree, head, or any git tree-ish (server.ts extracts it)
        break;
      case "--from-json":
        options.fromJson = value();
        break;
      case "--ab":
        options.abRevs = value().split(",").map((x) => x.trim()).filter(Boolean);
        break;
      case "--ab-names":
        options.abNames = value().split(",").map((x) => x.trim());
        break;
      case "--rounds":
        options.rounds = num();
        break;
      case "--label":
        options.label = value().replace(/[^A-Za-z0-9_-]/g, "");
        break;
      case "--section":
        options.section = value().replace(/[^A-Za-z0-9_-]/g, "");
        break;
      case "--no-write":
        write = false;
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  for (const name of only) if (!PARTS[name]) throw new Error(`unknown bench part "${name}" (known: ${Object.keys(PARTS).join(", ")})`);
  options.write = write;
  return { only, options, write };
}

async function main(): Promise<void> {
  const { only, options, write } = parseArgs(process.argv.slice(2));
  const docs = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));
  console.log(`machine: ${machineLine()}`);
  for (const name of only) {
    console.log(`\n== ${name} ==`);
    const markdown = await PARTS[name](options);
    if (write) {
      updateSection(docs, sectionOf(name, options), markdown);
      console.log(`wrote section "${sectionOf(name, options)}" of ${docs}`);
    } else {
      console.log(markdown);
    }
  }
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    console.error(`${sig}: stopping wrangler dev`);
    void stopAllDevServers().finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
