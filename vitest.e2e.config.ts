import { defineConfig } from "vitest/config";

// Browser end-to-end tests: Node drives Debian's Chromium against `wrangler dev` (started once
// by the global setup). Run with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["test/e2e/harness/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 90_000,
  },
});
