/**
 * The Logstash pipeline's event time (issue 13, item 4), replayed with the model of Logstash's own
 * code in support/logstash-time.ts on the date filters read from logstash.conf. Logstash itself
 * is NOT run here (no JVM/Docker); the end-to-end test replays the same on the documents the
 * Worker really shipped.
 */
import { describe, expect, it } from "vitest";
import { read } from "./support/repo";
import { dateFilters, ingest, LsTimestamp } from "./support/logstash-time";

const CONF = read("observability/logstash/logstash.conf");
const RECEIVED = Date.parse("2026-12-04T12:00:00.000Z");
const doc = (ts: unknown) => ({ "@timestamp": ts, level: "info", event: "game.over", service: "game" });
const time = (e: { fields: Record<string, unknown> }) => (e.fields["@timestamp"] as LsTimestamp).epochMs;

describe("the pipeline's event time (logstash.conf, replayed on Logstash's documented behaviour)", () => {
  it("a Worker document keeps its own time and gets no tag", () => {
    const e = ingest(CONF, doc("2026-12-04T11:59:58.123Z"), RECEIVED);
    expect(time(e)).toBe(Date.parse("2026-12-04T11:59:58.123Z"));
    expect(e.tags).toEqual([]);
    expect(e.fields).not.toHaveProperty("_@timestamp");
  });

  it("an epoch-milliseconds time (not parsed by the codec) is recovered by the fallback, its failure tag removed", () => {
    const ms = Date.parse("2026-12-04T11:00:00.000Z");
    const e = ingest(CONF, doc(ms), RECEIVED);
    expect(time(e)).toBe(ms);
    expect(e.tags).toEqual([]);
    expect(e.fields).not.toHaveProperty("_@timestamp");
  });

  it("a time nothing can parse keeps the receive time, the raw value in _@timestamp (mapped) and both tags", () => {
    const e = ingest(CONF, doc("yesterday-ish"), RECEIVED);
    expect(time(e)).toBe(RECEIVED);
    expect(e.fields["_@timestamp"]).toBe("yesterday-ish");
    expect(e.tags.sort()).toEqual(["_pong_timestamp_unparsed", "_timestampparsefailure"]);
    const template = JSON.parse(read("observability/elasticsearch/index-template.json")) as { template: { mappings: { properties: Record<string, { type: string }> } } };
    expect(template.template.mappings.properties["_@timestamp"]?.type).toBe("keyword");
  });

  it("a document without a time gets the receive time and no tag", () => {
    const e = ingest(CONF, { level: "info", event: "x" }, RECEIVED);
    expect(time(e)).toBe(RECEIVED);
    expect(e.tags).toEqual([]);
  });

  it("no date filter reads @timestamp: after the codec it is a Timestamp object, which the date filter cannot parse", () => {
    const filters = dateFilters(CONF);
    expect(filters.length).toBeGreaterThan(0);
    expect(filters.map((f) => f.source)).not.toContain("@timestamp");
  });

  it("(the bug this pins) a date filter on @timestamp, as the pipeline had, tags EVERY event, valid times included", () => {
    const buggy = `filter { date { match => ["@timestamp", "ISO8601"] target => "@timestamp" tag_on_failure => ["_pong_timestamp_unparsed"] } }`;
    const e = ingest(buggy, doc("2026-12-04T11:59:58.123Z"), RECEIVED);
    expect(time(e)).toBe(Date.parse("2026-12-04T11:59:58.123Z"));
    expect(e.tags).toEqual(["_pong_timestamp_unparsed"]);
  });
});
