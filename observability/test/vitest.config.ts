// Node-side observability tests (run by scripts/observability-check.sh, part of `npm test`):
// config validation with promtool/amtool/docker-compose and JSON schemas, and the end-to-end
// run of wrangler dev + a real Prometheus + a bot match. They live here rather than in
// test/observability/ because they need Node's types and the root tsconfig type-checks test/
// against the Workers runtime only (see tsconfig.json in this folder).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["observability/test/**/*.test.ts"],
    environment: "node",
    // The end-to-end test owns ports and processes: one file at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
