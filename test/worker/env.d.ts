// Types of `env` in tests (from "cloudflare:workers" / "cloudflare:test"): the generated Env
// (worker-configuration.d.ts) plus the test-only bindings set in vitest.config.ts.
import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      /** fast-check seed for property tests; "" = a fresh one per run. */
      FC_SEED: string;
    }
  }
}
