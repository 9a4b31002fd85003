// Runs inside workerd before each test file: brings the local D1 up to the latest migration and
// applies FC_SEED (from the environment, via vitest.config.ts) to every property test.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

if (env.FC_SEED !== "") {
  const seed = Number(env.FC_SEED);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(env.FC_SEED)}`);
  fc.configureGlobal({ seed });
}
