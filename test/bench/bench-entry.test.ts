/**
 * The bench-only build of the project (bench/load/bench-entry.ts): the app's config and entry are
 * wrapped, never changed, and the alarm probe is bound, migrated and routed before static assets.
 */
import { describe, expect, it } from "vitest";
import { BENCH_PROBE_BINDING, BENCH_PROBE_CLASS, BENCH_PROBE_PREFIX, benchEntrySource, benchWranglerToml, mainOf } from "../../bench/load/bench-entry";

const toml = `name = "pong-edge"
main = "src/index.ts"
compatibility_date = "2026-10-01"

[assets]
directory = "./dist/client"
run_worker_first = ["/api/*", "/ws/*"]

[[durable_objects.bindings]]
name = "GAME_SESSION"
class_name = "GameSession"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["GameSession"]
`;

describe("bench entry", () => {
  it("points main at the generated entry and adds the probe's binding, migration and route", () => {
    const out = benchWranglerToml(toml, "src/__bench_entry.ts");
    expect(mainOf(out)).toBe("src/__bench_entry.ts");
    expect(out).toContain(`run_worker_first = ["${BENCH_PROBE_PREFIX}/*", "/api/*", "/ws/*"]`);
    expect(out).toContain(`name = "${BENCH_PROBE_BINDING}"\nclass_name = "${BENCH_PROBE_CLASS}"`);
    expect(out).toMatch(/\[\[migrations\]\]\ntag = "bench-alarm-probe"\nnew_sqlite_classes = \["BenchAlarmProbe"\]\n$/);
    // The app's own bindings and migrations are kept as they were, in order.
    expect(out.indexOf('tag = "v1"')).toBeLessThan(out.indexOf('tag = "bench-alarm-probe"'));
    expect(out).toContain('class_name = "GameSession"');
  });

  it("adds run_worker_first when the assets list none", () => {
    const out = benchWranglerToml(toml.replace(/^run_worker_first.*\n/m, ""), "src/e.ts");
    expect(out).toContain(`[assets]\nrun_worker_first = ["${BENCH_PROBE_PREFIX}/*"]`);
  });

  it("leaves run_worker_first = true alone (every path reaches the Worker already)", () => {
    const out = benchWranglerToml(toml.replace(/^run_worker_first.*$/m, "run_worker_first = true"), "src/e.ts");
    expect(out.match(/run_worker_first/g)).toHaveLength(1);
    expect(out).toContain("run_worker_first = true");
  });

  it("refuses a config without main", () => {
    expect(() => benchWranglerToml(toml.replace(/^main.*\n/m, ""), "src/e.ts")).toThrow(/no main/);
  });

  it("re-exports the app's named exports, wraps its default and adds the probe class", () => {
    const src = benchEntrySource("./index", "./__bench/alarm-probe");
    expect(src).toContain('export * from "./index";');
    expect(src).toContain(`export { AlarmProbe as ${BENCH_PROBE_CLASS} };`);
    expect(src).toContain("...app,");
    expect(src).toContain("return app.fetch(request, env, ctx);");
    expect(src).toContain(`env.${BENCH_PROBE_BINDING}`);
  });
});
