// Public, read-only reads (issue 14): a profile and a tournament chart answer without a session,
// in the shapes of src/shared/protocol/http.ts; writes next to them stay behind a session.
import { env } from "cloudflare:workers";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { createDb } from "../../../src/db/client";
import { tournaments } from "../../../src/db/schema";
import { ApiErrorBody } from "../../../src/shared/protocol/api-errors";
import { ProfileAnswer, TournamentChartAnswer, TournamentJoinAnswer } from "../../../src/shared/protocol/http";
import { BASE, errorOf, get, postJson, register, uniqueName } from "../helpers";

describe("GET /api/users/:username without a session", () => {
  it("answers the profile, championships included", async () => {
    const champ = await register(uniqueName("Champ"));
    const id = `T${crypto.randomUUID().slice(0, 7).toUpperCase()}`;
    await createDb(env.DB)
      .insert(tournaments)
      .values({ id, name: "Winter Cup", status: "finished", createdAt: 1_750_000_000_000, championId: champ.id, endedAt: 1_750_000_600_000 })
      .run();

    const res = await get(`/api/users/${champ.username}`);
    expect(res.status).toBe(200);
    const body = v.parse(ProfileAnswer, await res.json());
    expect(body.user.username).toBe(champ.username);
    expect(body.championships).toEqual({ count: 1, recent: [{ id, name: "Winter Cup", endedAt: new Date(1_750_000_600_000).toISOString() }] });
  });

  it("is read-only: other methods on the path are a JSON 404", async () => {
    const a = await register();
    const { SELF } = await import("cloudflare:test");
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const res = await SELF.fetch(`${BASE}/api/users/${a.username}`, { method, headers: { Authorization: `Bearer ${a.token}` } });
      expect(res.status, method).toBe(404);
      expect(v.parse(ApiErrorBody, await res.json()).error.code).toBe("not_found");
    }
  });

  it("404 user_not_found for an unknown name, same without a session", async () => {
    const res = await get(`/api/users/${uniqueName("nobody")}`);
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toMatchObject({ code: "user_not_found" });
  });
});

describe("GET /api/tournaments/:id without a session", () => {
  it("answers the chart of a tournament someone created", async () => {
    const host = await register();
    const created = await postJson("/api/tournaments", { name: "Open Chart" }, { Authorization: `Bearer ${host.token}` });
    expect(created.status).toBe(201);
    const { tournamentId } = v.parse(TournamentJoinAnswer, await created.json());

    const res = await get(`/api/tournaments/${tournamentId.toLowerCase()}`);
    expect(res.status).toBe(200);
    const { chart } = v.parse(TournamentChartAnswer, await res.json());
    expect(chart).toMatchObject({ id: tournamentId, name: "Open Chart", status: "open" });
    expect(chart.players.map((p) => p.username)).toEqual([host.username]);
  });

  it("404 for an impossible id; the list and every write still need a session", async () => {
    const bad = await get("/api/tournaments/not-an-id");
    expect(bad.status).toBe(404);
    expect(await errorOf(bad)).toMatchObject({ code: "not_found" });
    expect((await get("/api/tournaments")).status).toBe(401);
    expect((await postJson("/api/tournaments", {})).status).toBe(401);
    expect((await postJson("/api/tournaments/join", {})).status).toBe(401);
  });
});
