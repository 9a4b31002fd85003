/** The outbox's trimming rule (src/observability/audit.ts): audit lines outlive a flood. */
import { describe, expect, it } from "vitest";
import { isAuditEvent, trimKeepingAudit } from "../../src/observability/audit";

const line = (event: string, n: number) => ({ event, n });

describe("trimKeepingAudit", () => {
  it("drops the oldest non-audit lines first and keeps every audit line while others remain", () => {
    const q = [line("auth.login_failed", 0), ...Array.from({ length: 50 }, (_, i) => line("http.request", i + 1)), line("security.csrf_refused", 51)];
    expect(trimKeepingAudit(q, 10)).toBe(42);
    expect(q).toHaveLength(10);
    expect(q[0]).toEqual(line("auth.login_failed", 0));
    expect(q[9]).toEqual(line("security.csrf_refused", 51));
    expect(q.slice(1, 9).map((l) => l.n)).toEqual([43, 44, 45, 46, 47, 48, 49, 50]);
  });

  it("drops the oldest audit lines only when audit lines alone exceed the bound", () => {
    const q = Array.from({ length: 5 }, (_, i) => line("auth.login_failed", i));
    expect(trimKeepingAudit(q, 3)).toBe(2);
    expect(q.map((l) => l.n)).toEqual([2, 3, 4]);
    expect(trimKeepingAudit(q, 3)).toBe(0);
  });

  it("knows audit events by name", () => {
    expect(isAuditEvent("auth.login_succeeded")).toBe(true);
    expect(isAuditEvent("ratelimit.unavailable")).toBe(true);
    expect(isAuditEvent("authx")).toBe(false);
    expect(isAuditEvent(undefined)).toBe(false);
  });
});
