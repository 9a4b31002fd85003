/** The Metrics object's aggregate (pure) and the object's persistence. */
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MetricsAggregate } from "../../src/observability/metrics/aggregate";
import { MetricsBatch } from "../../src/observability/metrics/batch";
import { MAX_OPEN_LABEL_VALUES } from "../../src/observability/metrics/registry";
import { parseExposition, value } from "./support/prom";

const T0 = 1_800_000_000_000;

describe("gauges over reporters that come and go", () => {
  it("sums each source's own value; set replaces, add accumulates; a silent source expires; negatives clamp to 0", () => {
    const agg = new MetricsAggregate();
    agg.apply({ source: "game:A", ttlS: 60, gaugeSet: [{ n: "pong_games_active", l: { mode: "2p" }, v: 1 }], gaugeAdd: [{ n: "pong_websockets_open", l: {}, v: 2 }] }, T0);
    agg.apply({ source: "game:B", ttlS: 60, gaugeSet: [{ n: "pong_games_active", l: { mode: "2p" }, v: 1 }] }, T0);
    agg.apply({ source: "game:B", ttlS: 60, gaugeAdd: [{ n: "pong_websockets_open", l: {}, v: 1 }] }, T0 + 1000);
    agg.apply({ source: "game:B", ttlS: 60, gaugeAdd: [{ n: "pong_websockets_open", l: {}, v: 1 }] }, T0 + 2000);
    let exp = parseExposition(agg.render(T0 + 2000));
    expect(value(exp, "pong_games_active", { mode: "2p" })).toBe(2);
    expect(value(exp, "pong_websockets_open")).toBe(4);
    expect(value(exp, "pong_metrics_reporters")).toBe(2);
    // A's lease (60 s from T0) runs out; B reported later.
    exp = parseExposition(agg.render(T0 + 61_000));
    expect(value(exp, "pong_games_active", { mode: "2p" })).toBe(1);
    expect(value(exp, "pong_websockets_open")).toBe(2);
    // A double-counted close makes a source negative: it contributes 0, not -1.
    agg.apply({ source: "game:B", ttlS: 60, gaugeAdd: [{ n: "pong_websockets_open", l: {}, v: -3 }] }, T0 + 62_000);
    exp = parseExposition(agg.render(T0 + 62_000));
    expect(value(exp, "pong_websockets_open")).toBe(0);
    // A set after the drift heals it.
    agg.apply({ source: "game:B", ttlS: 60, gaugeSet: [{ n: "pong_websockets_open", l: {}, v: 2 }] }, T0 + 63_000);
    expect(value(parseExposition(agg.render(T0 + 63_000)), "pong_websockets_open")).toBe(2);
    // A source whose gauges are all zero is forgotten.
    agg.apply({ source: "game:B", gaugeSet: [{ n: "pong_websockets_open", l: {}, v: 0 }, { n: "pong_games_active", l: { mode: "2p" }, v: 0 }] }, T0 + 64_000);
    expect(agg.reporters.has("game:B")).toBe(false);
    expect(agg.prune(T0 + 120_000)).toEqual(["game:A"]);
  });

  it("takes the largest value of a \"max\" gauge (a lag), not the sum, and drops an expired reporter's", () => {
    const agg = new MetricsAggregate();
    const age = (source: string, v: number, at: number, ttlS = 60) =>
      agg.apply(
        {
          source,
          ttlS,
          gaugeSet: [
            { n: "pong_log_forwarder_oldest_event_age_seconds", l: {}, v },
            { n: "pong_log_forwarder_retry_attempt", l: {}, v: v > 0 ? 3 : 0 },
            { n: "pong_log_forwarder_buffered_events", l: {}, v: 10 },
          ],
        },
        at,
      );
    age("log-shipper:log-shipper-0", 30, T0);
    age("log-shipper:log-shipper-1", 120, T0, 10);
    age("log-shipper:log-shipper-2", 0, T0);
    let exp = parseExposition(agg.render(T0));
    expect(value(exp, "pong_log_forwarder_oldest_event_age_seconds")).toBe(120);
    expect(value(exp, "pong_log_forwarder_retry_attempt")).toBe(3); // two shippers on their 3rd attempt: 3, not 6
    expect(value(exp, "pong_log_forwarder_buffered_events")).toBe(30); // a "sum" gauge still sums
    exp = parseExposition(agg.render(T0 + 11_000)); // shipper 1's lease ran out
    expect(value(exp, "pong_log_forwarder_oldest_event_age_seconds")).toBe(30);
  });
});

describe("label and sample hygiene", () => {
  it("maps unknown enum values to other, caps open labels, rejects unknown metrics / label sets / bad numbers", () => {
    const agg = new MetricsAggregate();
    const b = new MetricsBatch();
    b.inc("pong_games_started_total", { mode: "9p" });
    for (let i = 0; i < MAX_OPEN_LABEL_VALUES + 10; i++) b.inc("pong_http_requests_total", { route: `/r/${i}`, method: "GET", status: "200" });
    b.inc("pong_not_a_metric_total");
    b.inc("pong_games_started_total", { mode: "2p", extra: "x" });
    b.inc("pong_games_started_total", {});
    const report = b.take("t");
    report.counters!.push({ n: "pong_game_desyncs_total", l: {}, v: -1 }, { n: "pong_game_desyncs_total", l: {}, v: Number.NaN });
    // Removed with the fixed-rate loop (issue 13): a reporter of an older version is refused, and counted.
    report.counters!.push({ n: "pong_ticks_skipped_total", l: {}, v: 1 });
    report.histograms = [{ n: "pong_tick_lateness_seconds", l: {}, b: [1, 2], s: 1, c: 3 }];
    report.gaugeSet = [{ n: "pong_games_started_total", l: { mode: "2p" }, v: 1 }];
    agg.apply(report, T0);
    const exp = parseExposition(agg.render(T0));
    expect(value(exp, "pong_games_started_total", { mode: "other" })).toBe(1);
    const routes = new Set(exp.samples.filter((s) => s.name === "pong_http_requests_total").map((s) => s.labels.route));
    expect(routes.size).toBe(MAX_OPEN_LABEL_VALUES + 1);
    expect(value(exp, "pong_http_requests_total", { route: "other" })).toBe(10);
    expect(value(exp, "pong_metrics_rejected_samples_total")).toBe(8);
    expect(exp.samples.some((s) => s.name === "pong_ticks_skipped_total")).toBe(false);
  });

  it("escapes label values and renders cumulative histograms", () => {
    const agg = new MetricsAggregate();
    const b = new MetricsBatch();
    b.inc("pong_http_requests_total", { route: 'we"ird\\route\nx', method: "GET", status: "200" });
    for (const s of [0, 0.0005, 0.003, 0.02, 5]) b.observe("pong_tick_lateness_seconds", {}, s);
    agg.apply(b.take("t"), T0);
    const text = agg.render(T0);
    expect(text).toContain('route="we\\"ird\\\\route\\nx"');
    const exp = parseExposition(text);
    expect(value(exp, "pong_tick_lateness_seconds_bucket", { le: "0.001" })).toBe(2);
    expect(value(exp, "pong_tick_lateness_seconds_bucket", { le: "0.004" })).toBe(3);
    expect(value(exp, "pong_tick_lateness_seconds_bucket", { le: "0.025" })).toBe(4);
    expect(value(exp, "pong_tick_lateness_seconds_bucket", { le: "+Inf" })).toBe(5);
    expect(value(exp, "pong_tick_lateness_seconds_count")).toBe(5);
    expect(value(exp, "pong_tick_lateness_seconds_sum")).toBeCloseTo(5.0235, 6);
  });

  it("restores an undelivered batch under newer data without losing counts", () => {
    const b = new MetricsBatch();
    b.inc("pong_game_desyncs_total", {}, 2);
    b.setGauge("pong_websockets_open", {}, 5);
    const failed = b.take("s");
    b.inc("pong_game_desyncs_total", {}, 1);
    b.setGauge("pong_websockets_open", {}, 7);
    b.restore(failed);
    const r = b.take("s");
    expect(r.counters).toEqual([{ n: "pong_game_desyncs_total", l: {}, v: 3 }]);
    expect(r.gaugeSet).toEqual([{ n: "pong_websockets_open", l: {}, v: 7 }]);
  });
});

describe("the Metrics object", () => {
  it("persists its aggregate (alarm-debounced) and keeps counting after a restart", async () => {
    const id = env.METRICS.idFromName("persistence-test");
    let stub = env.METRICS.get(id);
    const b = new MetricsBatch();
    b.inc("pong_games_started_total", { mode: "4p" }, 3);
    b.observe("pong_game_duration_seconds", { mode: "4p" }, 42);
    await stub.report(b.take("test"));
    await stub.report({ source: "game:P", ttlS: 600, gaugeSet: [{ n: "pong_games_active", l: { mode: "4p" }, v: 1 }] });
    expect(await runDurableObjectAlarm(stub)).toBe(true); // the debounced persist
    // Tear the instance down (memory gone, storage kept): the next call rebuilds from SQLite.
    await evictDurableObject(stub);
    stub = env.METRICS.get(id);
    const merged = new MetricsAggregate();
    merged.absorb(await stub.snapshot());
    const exp = parseExposition(merged.render(Date.now()));
    expect(value(exp, "pong_games_started_total", { mode: "4p" })).toBe(3);
    expect(value(exp, "pong_game_duration_seconds_count", { mode: "4p" })).toBe(1);
    expect(value(exp, "pong_games_active", { mode: "4p" })).toBe(1);
    expect(value(exp, "pong_metrics_reports_total")).toBe(2);
  });
});
