/**
 * The Metrics object as K shards: a reporter's source picks its shard, GET /metrics merges every
 * shard, and raising K keeps what the old shards hold (readers fan in from 0..K-1).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MetricsAggregate } from "../../src/observability/metrics/aggregate";
import { MetricsBatch } from "../../src/observability/metrics/batch";
import { metricsShardName, sendMetrics } from "../../src/observability/metrics/client";
import { renderAllShards } from "../../src/observability/metrics/fan-in";
import { shardOf } from "../../src/shared/shard";
import { parseExposition, value } from "./support/prom";

const T0 = 1_800_000_000_000;

function report(source: string, started: number, active: number) {
  const b = new MetricsBatch();
  b.inc("pong_games_started_total", { mode: "4p" }, started);
  b.observe("pong_game_duration_seconds", { mode: "4p" }, 30);
  const r = b.take(source);
  r.ttlS = 600;
  r.gaugeSet = [{ n: "pong_games_active", l: { mode: "4p" }, v: active }];
  return r;
}

describe("shard hashing", () => {
  it("is stable and spreads sources over the shards", () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8_000; i++) counts[shardOf(`game:G${i}`, 8)] += 1;
    expect(shardOf("game:ABC", 8)).toBe(shardOf("game:ABC", 8));
    for (const c of counts) expect(c).toBeGreaterThan(800); // within 20 % of the mean of 1000
    expect(shardOf("x", 1)).toBe(0);
  });
});

describe("merging shard snapshots", () => {
  it("renders the same totals as one aggregate that saw every report", () => {
    const one = new MetricsAggregate();
    const shards = [new MetricsAggregate(), new MetricsAggregate(), new MetricsAggregate()];
    for (let i = 0; i < 30; i++) {
      const r = report(`game:S${i}`, 1, 1);
      one.apply(r, T0);
      shards[shardOf(r.source, 3)].apply(report(`game:S${i}`, 1, 1), T0);
    }
    const merged = new MetricsAggregate();
    for (const s of shards) merged.absorb(s.snapshot(T0));
    const a = parseExposition(one.render(T0));
    const b = parseExposition(merged.render(T0));
    for (const [name, labels] of [
      ["pong_games_started_total", { mode: "4p" }],
      ["pong_games_active", { mode: "4p" }],
      ["pong_game_duration_seconds_count", { mode: "4p" }],
      ["pong_metrics_reporters", {}],
      ["pong_metrics_reports_total", {}],
    ] as const) {
      expect(value(b, name, labels), name).toBe(value(a, name, labels));
    }
    expect(value(b, "pong_games_active", { mode: "4p" })).toBe(30);
  });
});

describe("the Metrics shards in workerd", () => {
  it("route each source to its shard, and GET /metrics's fan-in sums them; raising the shard count loses nothing", async () => {
    const k2 = { ...env, METRICS_SHARDS: "2" };
    const before = parseExposition(await renderAllShards(k2));
    const started0 = value(before, "pong_games_started_total", { mode: "4p" }) ?? 0;
    const sources = Array.from({ length: 6 }, (_, i) => `game:SHARD${i}`);
    expect(new Set(sources.map((s) => shardOf(s, 2))).size).toBe(2);
    for (const s of sources) expect(await sendMetrics(k2, report(s, 2, 1))).toBe(true);
    // Each shard holds only its own sources.
    for (let i = 0; i < 2; i++) {
      const snap = await env.METRICS.get(env.METRICS.idFromName(metricsShardName(i))).snapshot();
      const mine = snap.reporters.map((r) => r.source).filter((s) => s.startsWith("game:SHARD"));
      expect(mine.sort()).toEqual(sources.filter((s) => shardOf(s, 2) === i).sort());
    }
    const after = parseExposition(await renderAllShards(k2));
    expect(value(after, "pong_games_started_total", { mode: "4p" })).toBe(started0 + 12);
    // Raise K to 16: new reports spread over more shards, the old shards 0 and 1 are still read.
    const k16 = { ...env, METRICS_SHARDS: "16" };
    for (let i = 0; i < 10; i++) await sendMetrics(k16, report(`game:MORE${i}`, 1, 1));
    const raised = parseExposition(await renderAllShards(k16));
    expect(value(raised, "pong_games_started_total", { mode: "4p" })).toBe(started0 + 22);
    expect(value(raised, "pong_games_active", { mode: "4p" })).toBeGreaterThanOrEqual(16);
  });
});
