import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { logstashOutbound } from "./test/observability/support/logstash-receiver";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          APP_ENV: "test",
          JWT_SECRET: "test-only-jwt-secret-0123456789abcdef-not-for-production",
          // Generous in the suite; rate-limit tests pass their own small limits/windows.
          LOGIN_RATE_LIMIT: "1000",
          LOGIN_RATE_WINDOW_S: "60",
          REGISTER_RATE_LIMIT: "1000",
          REGISTER_RATE_WINDOW_S: "60",
          REGISTER_GLOBAL_RATE_LIMIT: "100000",
          LOGIN_FAILURE_LIMIT: "1000",
          TOURNAMENT_CREATE_RATE_LIMIT: "1000",
          // Observability (test/observability/): the /metrics token, and a stand-in Logstash that
          // outboundService below answers. Forwarding stays off unless a test file turns it on.
          METRICS_TOKEN: "test-only-metrics-token-0123456789",
          LOGSTASH_URL: "http://logstash.test/ingest",
          LOGSTASH_USER: "pong-test",
          LOGSTASH_PASSWORD: "test-only-logstash-password-42",
          LOG_FORWARDING: "off",
          LOG_BATCH_SIZE: "5",
          LOG_BATCH_MAX_AGE_MS: "200",
          LOG_BUFFER_MAX: "20",
          LOG_RETRY_BASE_MS: "100",
          LOG_RETRY_MAX_MS: "400",
          // Applied to the local D1 by test/setup.ts.
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          // Property tests (fast-check): empty draws a fresh seed each run (printed on failure);
          // a number replays that run. .ci/run pins one so the merge gate is reproducible.
          FC_SEED: process.env.FC_SEED ?? "",
        },
        // Outbound fetches to logstash.test reach a Node-side receiver; all other hosts pass through.
        outboundService: logstashOutbound,
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
}));
