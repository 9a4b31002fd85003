import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { METRICS, allExposedNames } from "../../src/observability/metrics/registry";
import { DEV_METRICS_TOKEN, PROMETHEUS_CONTENT_TYPE } from "../../src/worker/routes/metrics";
import { fetchWithEnv } from "../worker/helpers";
import { parseExposition } from "./support/prom";
import { METRICS_URL, scrape, scrapeUntil, value } from "./support/scrape";

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("GET /metrics access", () => {
  it("is 401 without a token, with a wrong one, or with another scheme; 200 with the right one", async () => {
    const none = await SELF.fetch(METRICS_URL);
    expect(none.status).toBe(401);
    expect(none.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect((await SELF.fetch(METRICS_URL, { headers: auth("wrong-token-wrong-token") })).status).toBe(401);
    expect((await SELF.fetch(METRICS_URL, { headers: auth(`${env.METRICS_TOKEN}x`) })).status).toBe(401);
    expect((await SELF.fetch(METRICS_URL, { headers: { Authorization: `Basic ${btoa(`x:${env.METRICS_TOKEN}`)}` } })).status).toBe(401);
    // The dev default is not accepted when a token is configured.
    expect((await SELF.fetch(METRICS_URL, { headers: auth(DEV_METRICS_TOKEN) })).status).toBe(401);
    const ok = await SELF.fetch(METRICS_URL, { headers: auth(env.METRICS_TOKEN!) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Content-Type")).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(ok.headers.get("Cache-Control")).toBe("no-store");
  });

  it("without METRICS_TOKEN: 503 in production, the documented dev token only on a local host in development", async () => {
    const req = (host: string, token?: string) => new Request(`http://${host}/metrics`, { headers: token ? auth(token) : {} });
    const prod = { APP_ENV: "production", METRICS_TOKEN: undefined };
    expect((await fetchWithEnv(req("pong.example.com", DEV_METRICS_TOKEN), prod)).status).toBe(503);
    expect((await fetchWithEnv(req("localhost:8787", DEV_METRICS_TOKEN), prod)).status).toBe(503);
    // A weak token counts as missing in production.
    expect((await fetchWithEnv(req("pong.example.com", "short"), { APP_ENV: "production", METRICS_TOKEN: "short" })).status).toBe(503);
    const dev = { APP_ENV: "development", METRICS_TOKEN: undefined };
    expect((await fetchWithEnv(req("localhost:8787", DEV_METRICS_TOKEN), dev)).status).toBe(200);
    expect((await fetchWithEnv(req("host.docker.internal:8787", DEV_METRICS_TOKEN), dev)).status).toBe(200);
    expect((await fetchWithEnv(req("localhost:8787"), dev)).status).toBe(401);
    expect((await fetchWithEnv(req("localhost:8787", "guess"), dev)).status).toBe(401);
    // A deployed Worker that still says development is not on a local host: refused.
    expect((await fetchWithEnv(req("pong.example.workers.dev", DEV_METRICS_TOKEN), dev)).status).toBe(503);
    // A configured production token works.
    const strong = "a-production-metrics-token-0123456789";
    expect((await fetchWithEnv(req("pong.example.com", strong), { APP_ENV: "production", METRICS_TOKEN: strong })).status).toBe(200);
  });
});

describe("the exposition", () => {
  it("declares every registered metric with HELP and TYPE, parses strictly, and pre-initialises known series", async () => {
    const exp = await scrape();
    for (const def of METRICS) {
      expect(exp.types.get(def.name), def.name).toBe(def.type);
      expect(exp.help.get(def.name), def.name).toBeTruthy();
      expect(def.name).toMatch(/^pong_[a-z0-9_]+$/);
      if (def.type === "counter") expect(def.name).toMatch(/_total$/);
      else expect(def.name).not.toMatch(/_total$/);
    }
    const names = allExposedNames();
    for (const s of exp.samples) expect(names.has(s.name), s.name).toBe(true);
    // Zero series exist before anything happened, so rate() and alerts have data.
    expect(exp.samples.some((s) => s.name === "pong_games_finished_total" && s.labels.reason === "forfeit" && s.labels.mode === "4p")).toBe(true);
    expect(exp.samples.some((s) => s.name === "pong_game_duration_seconds_bucket" && s.labels.le === "+Inf")).toBe(true);
  });

  it("counts HTTP requests by Hono route pattern (not the raw path), method and status, with latency", async () => {
    await SELF.fetch("http://example.com/healthz");
    await SELF.fetch("http://example.com/api/games/ZZZZ2345", { headers: { Authorization: "Bearer nope" } });
    await SELF.fetch("http://example.com/api/no-such-endpoint");
    await SELF.fetch("http://example.com/api/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    const exp = await scrapeUntil(
      (e) => value(e, "pong_http_requests_total", { route: "/healthz", method: "GET", status: "200" }) >= 1,
      "healthz count",
    );
    expect(value(exp, "pong_http_requests_total", { route: "/api/auth/login", method: "POST", status: "400" })).toBeGreaterThanOrEqual(1);
    expect(value(exp, "pong_http_requests_total", { route: "/api/*", status: "404" })).toBeGreaterThanOrEqual(1);
    const routes = new Set(exp.samples.filter((s) => s.name === "pong_http_requests_total").map((s) => s.labels.route));
    for (const r of routes) expect(r, "no raw ids in route labels").not.toMatch(/ZZZZ2345|no-such-endpoint/);
    expect(value(exp, "pong_http_request_duration_seconds_count", { route: "/healthz", method: "GET" })).toBeGreaterThanOrEqual(1);
    expect(value(exp, "pong_auth_logins_total", { outcome: "bad_request" })).toBeGreaterThanOrEqual(1);
  });

  it("is what promtool's rules would accept: label values escaped, no duplicate series", async () => {
    const text = await (await SELF.fetch(METRICS_URL, { headers: auth(env.METRICS_TOKEN!) })).text();
    const exp = parseExposition(text);
    const seen = new Set<string>();
    for (const s of exp.samples) {
      const key = `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });
});
