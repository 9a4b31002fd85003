/**
 * The layering rule of src/ (docs/architecture.md, "Layers"), as a pure function over file
 * contents so it can be tested against fixtures (test/scripts/layers.test.ts) and run over the
 * real tree (scripts/check-layers.ts, part of `npm run typecheck`).
 *
 *   shared          <- everything (pure: no runtime, no I/O packages)
 *   db, observability  may import shared
 *   worker, objects    may import shared, db, observability; never each other, except that the
 *                      worker may `import type` a Durable Object class (a file declaring
 *                      `extends DurableObject`) for a binding's type
 *   client          may import shared only
 *   src/index.ts    the entry: may import every layer
 *
 * Also refused: an import circle between files, `import type` included (a type-only circle is
 * harmless at run time but is still two files that cannot be understood one without the other;
 * the global Env of worker-configuration.d.ts sits outside src/ and is not an import).
 */

export type Layer = "shared" | "db" | "observability" | "worker" | "objects" | "client" | "entry";

export const ALLOWED: Record<Layer, readonly Layer[]> = {
  shared: ["shared"],
  db: ["db", "shared"],
  observability: ["observability", "shared"],
  objects: ["objects", "db", "observability", "shared"],
  worker: ["worker", "db", "observability", "shared"],
  client: ["client", "shared"],
  entry: ["entry", "worker", "objects", "db", "observability", "shared"],
};

/** Packages src/shared may use: it must run unchanged in the browser, the Worker and Node. */
export const SHARED_PACKAGES: readonly string[] = ["valibot"];

export interface ImportRef {
  from: string;
  specifier: string;
  typeOnly: boolean;
  line: number;
}

export interface Violation {
  file: string;
  line: number;
  message: string;
}

/** Layer of a path relative to the repository root (posix separators), or null outside src/. */
export function layerOf(path: string): Layer | null {
  if (path === "src/index.ts") return "entry";
  const m = /^src\/([^/]+)\//.exec(path);
  if (!m) return null;
  const top = m[1];
  return (["shared", "db", "observability", "worker", "objects", "client"] as const).find((l) => l === top) ?? null;
}

// import ... from "x" / import "x" / export ... from "x" / import("x"), over several lines.
const STATIC = /(^|\n)[ \t]*(import|export)\s+(type\s+)?([^;'"]*?\sfrom\s+)?["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

export function importsOf(file: string, source: string): ImportRef[] {
  const out: ImportRef[] = [];
  const lineAt = (i: number) => source.slice(0, i).split("\n").length;
  for (const m of source.matchAll(STATIC)) {
    const clause = m[4] ?? "";
    // `import type {...}`, or `import { type A, type B }` where every name is a type.
    const names = /\{([^}]*)\}/.exec(clause)?.[1];
    const allTypeNames = names !== undefined && names.split(",").map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith("type "));
    const typeOnly = Boolean(m[3]) || (allTypeNames && !/^\s*\w+\s*,/.test(clause));
    out.push({ from: file, specifier: m[5], typeOnly, line: lineAt((m.index ?? 0) + m[1].length) });
  }
  for (const m of source.matchAll(DYNAMIC)) out.push({ from: file, specifier: m[1], typeOnly: false, line: lineAt(m.index ?? 0) });
  return out;
}

function normalize(parts: string[]): string {
  const out: string[] = [];
  for (const p of parts) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return out.join("/");
}

/** Resolves a relative specifier against the known files (extension and /index optional). */
export function resolve(from: string, specifier: string, files: ReadonlySet<string>): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = normalize([...from.split("/").slice(0, -1), ...specifier.split("/")]);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (files.has(candidate)) return candidate;
  }
  return null;
}

/** Every violation in `sources` (path relative to the repo root -> file text). */
export function checkLayers(sources: ReadonlyMap<string, string>): Violation[] {
  const files = new Set(sources.keys());
  const violations: Violation[] = [];
  const graph = new Map<string, { to: string; line: number }[]>();

  for (const [file, source] of sources) {
    const layer = layerOf(file);
    if (!layer) continue;
    const edges: { to: string; line: number }[] = [];
    graph.set(file, edges);
    for (const ref of importsOf(file, source)) {
      if (!ref.specifier.startsWith(".")) {
        const pkg = ref.specifier.startsWith("@") ? ref.specifier.split("/").slice(0, 2).join("/") : ref.specifier.split("/")[0];
        if (layer === "shared" && !ref.typeOnly && !SHARED_PACKAGES.includes(pkg)) {
          violations.push({ file, line: ref.line, message: `src/shared must stay pure: "${ref.specifier}" is not one of ${SHARED_PACKAGES.join(", ")}` });
        }
        continue;
      }
      if (/\.(css|svg|png|html|json)$/.test(ref.specifier)) continue; // assets the bundler handles
      const target = resolve(file, ref.specifier, files);
      if (!target) {
        violations.push({ file, line: ref.line, message: `"${ref.specifier}" does not resolve to a file under src/` });
        continue;
      }
      const to = layerOf(target);
      if (!to) continue;
      edges.push({ to: target, line: ref.line });
      if (ALLOWED[layer].includes(to)) continue;
      const doClass = /\bextends\s+DurableObject\b/.test(sources.get(target) ?? "");
      if (layer === "worker" && to === "objects" && ref.typeOnly && doClass) continue;
      violations.push({
        file,
        line: ref.line,
        message: `src/${layer} may not import src/${to} (${target})${layer === "worker" && to === "objects" ? ": only `import type` of a Durable Object class is allowed" : ""}`,
      });
    }
  }

  // Import circles, each reported once.
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (file: string) => {
    state.set(file, "active");
    stack.push(file);
    for (const { to, line } of graph.get(file) ?? []) {
      if (state.get(to) === "active") {
        const circle = stack.slice(stack.indexOf(to));
        const key = [...circle].sort().join("|");
        if (!reported.has(key)) {
          reported.add(key);
          violations.push({ file, line, message: `import circle: ${[...circle, to].join(" -> ")}` });
        }
      } else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return violations;
}
