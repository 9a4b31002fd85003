// Types of `env` in tests (from "cloudflare:workers" / "cloudflare:test"): the Worker's Env plus
// the test-only bindings set in vitest.config.ts.
import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../src/worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** fast-check seed for property tests; "" = a fresh one per run. */
      FC_SEED: string;
    }
  }
}
