import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

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
          // Applied to the local D1 by test/setup.ts.
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
}));
