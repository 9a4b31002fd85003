/** Tournament list spam and join races (issue 12.5, 12.6, 12.11 names), over HTTP with real D1 and objects. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, errorOf, fetchWithEnv, register } from "../helpers";

function api(path: string, token: string, method = "POST", body?: unknown): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
}

const tournamentCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM tournaments").first<{ n: number }>())!.n;
const liveRows = (userId: string) =>
  env.DB.prepare("SELECT tournament_id AS t FROM tournament_players WHERE user_id = ? AND active = 1").bind(userId).all<{ t: string }>();
const listed = async (token: string) =>
  (await (await api("/api/tournaments", token, "GET")).json<{ tournaments: { id: string; players: number }[] }>()).tournaments;

describe("tournament creation (12.5)", () => {
  it("a user already in a live tournament gets 409 and NOTHING is created, 15 times over", async () => {
    const a = await register();
    const first = await api("/api/tournaments", a.token, "POST", { name: "Mine" });
    expect(first.status).toBe(201);
    const { tournamentId } = await first.json<{ tournamentId: string }>();
    const before = await tournamentCount();
    for (let i = 0; i < 15; i++) {
      const res = await api("/api/tournaments", a.token, "POST", { name: `Spam ${i}` });
      expect(res.status).toBe(409);
      expect((await errorOf(res)).code).toBe("already_in_tournament");
    }
    // Other tests create tournaments in parallel files, so compare by name rather than by count alone.
    const spam = await env.DB.prepare("SELECT count(*) AS n FROM tournaments WHERE name LIKE 'Spam %'").first<{ n: number }>();
    expect(spam!.n).toBe(0);
    expect(await tournamentCount()).toBeGreaterThanOrEqual(before);
    expect((await liveRows(a.id)).results).toEqual([{ t: tournamentId }]);
  });

  it("creation is rate-limited per user (leave-and-recreate spam), with the wait in words", async () => {
    const a = await register();
    const create = (name: string) =>
      fetchWithEnv(
        new Request(`${BASE}/api/tournaments`, {
          method: "POST",
          headers: { Authorization: `Bearer ${a.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ name }),
        }),
        { TOURNAMENT_CREATE_RATE_LIMIT: "2", TOURNAMENT_CREATE_RATE_WINDOW_S: "600" },
      );
    for (let i = 0; i < 2; i++) {
      const res = await create(`Churn ${i}`);
      expect(res.status).toBe(201);
      const { tournamentId } = await res.json<{ tournamentId: string }>();
      expect((await api(`/api/tournaments/${tournamentId}/leave`, a.token)).status).toBe(204);
    }
    const third = await create("Churn 2");
    expect(third.status).toBe(429);
    expect((await errorOf(third)).message).toBe("Too many attempts. Try again in 10 minutes.");
  });

  it("8 parallel creates by one user: one tournament, seven clean 409s, nothing else listed", async () => {
    const a = await register();
    const tag = `Race-${crypto.randomUUID().slice(0, 6)}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => api("/api/tournaments", a.token, "POST", { name: tag })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const rows = await env.DB.prepare("SELECT id FROM tournaments WHERE name = ?").bind(tag).all();
    expect(rows.results).toHaveLength(1);
    expect((await listed(a.token)).filter((t) => t.players === 0)).toEqual([]);
  });

  it("an open tournament nobody is in is never listed", async () => {
    const a = await register();
    const id = `E${crypto.randomUUID().replace(/-/g, "").slice(0, 7).toUpperCase()}`.replace(/[^A-Z2-9]/g, "Z");
    await env.TOURNAMENT.get(env.TOURNAMENT.idFromName(id)).init({ id, name: "Empty" });
    expect((await listed(a.token)).some((t) => t.id === id)).toBe(false);
  });

  it("names with right-to-left override or other bidi/control characters are refused (400), nothing created", async () => {
    const a = await register();
    for (const name of ["Cup\u202Eexe.gpj", "\u2067Isolated\u2069", "Mark\u200F", "Bell\u0007", "Line\nbreak"]) {
      const res = await api("/api/tournaments", a.token, "POST", { name });
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatchObject({ code: "invalid_field", field: "name" });
    }
    expect((await liveRows(a.id)).results).toEqual([]);
    expect((await api("/api/tournaments", a.token, "POST", { name: "Plain Cup 🏓" })).status).toBe(201);
  });
});

describe("concurrent joins (12.6)", () => {
  it("8 parallel joins by one user: one seat taken, the others clean 409s (or 200 \"already\" once seated); the row survives and a second tournament is refused", async () => {
    const [owner, u] = [await register(), await register()];
    const created = await (await api("/api/tournaments", owner.token, "POST", { name: "Join race" })).json<{ tournamentId: string }>();
    const id = created.tournamentId;
    const answers = await Promise.all(Array.from({ length: 8 }, () => api(`/api/tournaments/${id}/join`, u.token)));
    // Exactly one join takes the seat. A call that arrives while it is in flight gets a clean 409;
    // one that arrives after it finished sees the user seated and gets the idempotent 200 "already".
    const outcomes: string[] = [];
    for (const r of answers) {
      if (r.status === 409) outcomes.push((await errorOf(r)).code);
      else {
        expect(r.status).toBe(200);
        outcomes.push((await r.json<{ outcome: string }>()).outcome);
      }
    }
    expect(outcomes.filter((o) => o === "joined")).toHaveLength(1);
    expect(outcomes.every((o) => ["joined", "already", "already_in_tournament"].includes(o))).toBe(true);
    // The winner's D1 row is still there, and the bracket has the user exactly once.
    expect((await liveRows(u.id)).results).toEqual([{ t: id }]);
    const chart = await (await api(`/api/tournaments/${id}`, u.token, "GET")).json<{ chart: { players: { userId: string }[] } }>();
    expect(chart.chart.players.filter((p) => p.userId === u.id)).toHaveLength(1);
    // One live tournament per player still holds: neither a new one nor another's.
    const other = await register();
    const second = await (await api("/api/tournaments", other.token, "POST", { name: "Second" })).json<{ tournamentId: string }>();
    expect((await api(`/api/tournaments/${second.tournamentId}/join`, u.token)).status).toBe(409);
    expect((await api("/api/tournaments", u.token, "POST", { name: "Third" })).status).toBe(409);
  });
});
