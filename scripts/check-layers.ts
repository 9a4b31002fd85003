/** `npm run typecheck` runs this: fails when an import under src/ crosses the layers (scripts/layers.ts). */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { checkLayers } from "./layers";

// The repository root: npm scripts run from it; a path argument checks another tree.
const root = process.argv[2] ?? process.cwd();
const sources = new Map<string, string>();
const walk = (dir: string) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (/\.(ts|tsx)$/.test(entry.name)) sources.set(relative(root, path).split(sep).join("/"), readFileSync(path, "utf8"));
  }
};
walk(join(root, "src"));

const violations = checkLayers(sources);
for (const v of violations) console.error(`${v.file}:${v.line}: ${v.message}`);
if (violations.length > 0) {
  console.error(`\n${violations.length} layering violation(s); the rule is in docs/architecture.md ("Layers").`);
  process.exit(1);
}
console.log(`layers ok: ${sources.size} files under src/, no upward import, no import circle`);
