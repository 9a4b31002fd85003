// The layering checker (scripts/layers.ts) against small fixture trees: it must pass a tree that
// follows docs/architecture.md and name every kind of crossing. `npm run typecheck` runs it over src/.
import { describe, expect, it } from "vitest";
import { checkLayers, importsOf, layerOf } from "../../scripts/layers";

const DO_CLASS = 'import { DurableObject } from "cloudflare:workers";\nexport class Game extends DurableObject {}\n';

/** A tree that follows the rules; each test adds or replaces one file. */
function tree(extra: Record<string, string> = {}): Map<string, string> {
  return new Map(
    Object.entries({
      "src/shared/rules.ts": 'import * as v from "valibot";\nexport const Name = v.string();\n',
      "src/db/users.ts": 'import { Name } from "../shared/rules";\nexport const q = Name;\n',
      "src/observability/log.ts": 'import type { Name } from "../shared/rules";\nexport function log() {}\n',
      "src/objects/game.ts": DO_CLASS + 'import { q } from "../db/users";\nimport { log } from "../observability/log";\n',
      "src/objects/result.ts": "export type Result = { ok: boolean };\n",
      "src/worker/app.ts": 'import type { Game } from "../objects/game";\nimport { log } from "../observability/log";\nimport { q } from "../db/users";\n',
      "src/client/form.ts": 'import { Name } from "../shared/rules";\nimport "./styles.css";\n',
      "src/index.ts": 'export { Game } from "./objects/game";\nimport { createApp } from "./worker/app";\n',
      ...extra,
    }),
  );
}

describe("checkLayers", () => {
  it("passes a tree that follows the layers (entry may import all; worker may type-import a DO class)", () => {
    expect(checkLayers(tree())).toEqual([]);
  });

  it.each([
    ["objects importing the worker", "src/objects/x.ts", 'import { createApp } from "../worker/app";', /src\/objects may not import src\/worker/],
    ["the worker importing an object's value", "src/worker/x.ts", 'import { Game } from "../objects/game";', /only `import type` of a Durable Object class/],
    ["the worker type-importing a non-DO type", "src/worker/x.ts", 'import type { Result } from "../objects/result";', /src\/worker may not import src\/objects/],
    ["db importing observability", "src/db/x.ts", 'import { log } from "../observability/log";', /src\/db may not import src\/observability/],
    ["observability importing objects", "src/observability/x.ts", 'import type { Game } from "../objects/game";', /src\/observability may not import src\/objects/],
    ["shared importing db", "src/shared/x.ts", 'import { q } from "../db/users";', /src\/shared may not import src\/db/],
    ["shared importing a runtime package", "src/shared/x.ts", 'import { Hono } from "hono";', /src\/shared must stay pure/],
    ["the client importing the worker", "src/client/x.ts", 'import type { Game } from "../worker/app";', /src\/client may not import src\/worker/],
    ["a dynamic import across layers", "src/client/x.ts", 'const m = () => import("../db/users");', /src\/client may not import src\/db/],
    ["an export-from across layers", "src/db/x.ts", 'export { log } from "../observability/log";', /src\/db may not import src\/observability/],
  ])("refuses %s", (_label, file, source, message) => {
    const violations = checkLayers(tree({ [file]: source }));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ file, line: 1 });
    expect(violations[0].message).toMatch(message);
  });

  it("refuses an import circle, type-only included", () => {
    const violations = checkLayers(
      tree({
        "src/objects/a.ts": 'import type { B } from "./b";\nexport type A = 1;\n',
        "src/objects/b.ts": 'import type { A } from "./a";\nexport type B = 2;\n',
      }),
    );
    expect(violations.map((v) => v.message)).toEqual(["import circle: src/objects/a.ts -> src/objects/b.ts -> src/objects/a.ts"]);
  });

  it("refuses an import that resolves to nothing (a stale path after a move)", () => {
    const violations = checkLayers(tree({ "src/worker/x.ts": 'import { gone } from "./db/client";' }));
    expect(violations[0].message).toMatch(/does not resolve/);
  });
});

describe("importsOf / layerOf", () => {
  it("reads multi-line and type-only imports with their line numbers", () => {
    const refs = importsOf("src/worker/a.ts", 'import {\n  a,\n  b,\n} from "./x";\nimport { type C, type D } from "./y";\nimport E, { type F } from "./z";\n');
    expect(refs.map((r) => [r.specifier, r.typeOnly, r.line])).toEqual([
      ["./x", false, 1],
      ["./y", true, 5],
      ["./z", false, 6],
    ]);
  });

  it("knows the layers", () => {
    expect(["src/index.ts", "src/shared/a.ts", "src/worker/routes/x.ts", "test/x.ts", "src/other/x.ts"].map(layerOf)).toEqual([
      "entry",
      "shared",
      "worker",
      null,
      null,
    ]);
  });
});
