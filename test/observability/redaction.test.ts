/**
 * No secret ever reaches a log line: unit checks of the redaction layer. The end-to-end check
 * (register, login, sockets with every console line and shipped document searched for secrets)
 * is in log-forwarder.test.ts, which owns the stand-in Logstash (test files run in parallel).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildLogLine, logEvent, REDACTED } from "../../src/observability/log";

describe("the redaction layer", () => {
  it("replaces values under secret-looking keys at any depth, and masks JWTs, bearer/basic credentials, URL user-info", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    const line = buildLogLine("warn", "test.redaction", {
      gameId: "ABCD2345",
      password: "hunter2-hunter2",
      newPassword: "x",
      token: jwt,
      headers: { Authorization: `Bearer ${jwt}`, cookie: "session=abc", "content-type": "application/json" },
      nested: { deeper: { api_key: "k-123", clientSecret: "s-456", ok: "visible" } },
      message: `login with Bearer abcdef123456 then ${jwt} via https://user:pa55word@logs.example.com/x?token=abc&x=1`,
      error: new Error(`failed for ${jwt}`),
    });
    expect(line).toMatchObject({ level: "warn", event: "test.redaction", service: "game", gameId: "ABCD2345", password: REDACTED, newPassword: REDACTED, token: REDACTED });
    expect(line.headers).toEqual({ Authorization: REDACTED, cookie: REDACTED, "content-type": "application/json" });
    expect(line.nested).toEqual({ deeper: { api_key: REDACTED, clientSecret: REDACTED, ok: "visible" } });
    const text = JSON.stringify(line);
    for (const secret of [jwt, "hunter2", "abcdef123456", "pa55word", "token=abc", "k-123", "s-456", "session=abc"]) expect(text).not.toContain(secret);
    expect(line.message).toContain("Bearer [REDACTED]");
    expect(line.message).toContain("//[REDACTED]@logs.example.com");
    expect((line.error as { message: string }).message).toBe("failed for [REDACTED_JWT]");
  });

  it("masks the configured secret values wherever they appear", () => {
    const line = buildLogLine("error", "test.known_secrets", {
      message: `oops ${env.JWT_SECRET} ${env.METRICS_TOKEN} ${env.LOGSTASH_PASSWORD}`,
      error: new Error(`bad ${env.JWT_SECRET}`),
    });
    const text = JSON.stringify(line);
    for (const s of [env.JWT_SECRET!, env.METRICS_TOKEN!, env.LOGSTASH_PASSWORD!]) expect(text).not.toContain(s);
  });

  it("keeps the schema's own fields and never throws on odd input", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => logEvent("info", "test.odd", { cyclic, big: 10n, fn: () => 1, sym: Symbol("s") })).not.toThrow();
    const line = buildLogLine("info", "test.fields", { gameId: "G", tournamentId: "T", userId: "U", mode: "2p", durationMs: 12, "@timestamp": "spoofed", level: "spoofed" });
    expect(line).toMatchObject({ event: "test.fields", level: "info", gameId: "G", tournamentId: "T", userId: "U", mode: "2p", durationMs: 12 });
    expect(line["@timestamp"]).not.toBe("spoofed");
  });
});
