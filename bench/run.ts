/**
 * Bench entry point (`npm run bench`). Runs the bench parts and rewrites their sections of
 * docs/benchmarks.md. Parts: engine. Options:
 *   --only engine[,other]   run only these parts
 *   --duration-ms N         measured time per row (default 2000)
 *   --warmup-ms N           warm-up per row (default 500)
 *   --no-write              print only, leave docs/benchmarks.md alone
 * To add a part (e.g. a load bench), register it in PARTS: it returns the markdown of its section.
 */
import { fileURLToPath } from "node:url";
import { runEngineBench } from "./engine";
import { machineLine } from "./machine";
import { updateSection } from "./report";

interface PartOptions {
  durationMs?: number;
  warmupMs?: number;
}

type Part = (options: PartOptions) => Promise<string> | string;

const PARTS: Record<string, Part> = {
  engine: (o) => runEngineBench(o).markdown,
};

function parseArgs(argv: string[]): { only: string[]; options: PartOptions; write: boolean } {
  let only = Object.keys(PARTS);
  const options: PartOptions = {};
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg.startsWith("--only")) only = value().split(",").map((s) => s.trim()).filter(Boolean);
    else if (arg.startsWith("--duration-ms")) options.durationMs = Number(value());
    else if (arg.startsWith("--warmup-ms")) options.warmupMs = Number(value());
    else if (arg === "--no-write") write = false;
    else throw new Error(`unknown argument ${arg}`);
  }
  for (const name of only) if (!PARTS[name]) throw new Error(`unknown bench part "${name}" (known: ${Object.keys(PARTS).join(", ")})`);
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
      updateSection(docs, name, markdown);
      console.log(`wrote section "${name}" of ${docs}`);
    }
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
