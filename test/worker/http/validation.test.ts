// Request bodies are checked by the shared schemas through hono's validator (src/worker/http/body.ts):
// a malformed body is a clear 400 whose code is one of the shared union, and nothing is created.
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ApiErrorBody } from "../../../src/shared/protocol/api-errors";
import { CreateTournamentBody, PlayBody, TournamentChartAnswer, TournamentJoinAnswer } from "../../../src/shared/protocol/http";
import { get, postJson, register } from "../helpers";

async function apiError(res: Response) {
  return v.parse(ApiErrorBody, await res.json()).error;
}

describe("JSON bodies against the shared schemas", () => {
  it.each([
    ["/api/play", { mode: "3p" }, "mode"],
    ["/api/play", { mode: 4 }, "mode"],
    ["/api/games", { mode: null }, "mode"],
    ["/api/tournaments", { name: 42 }, "name"],
    ["/api/tournaments", { name: "x".repeat(41) }, "name"],
  ])("%s %j: 400 invalid_field naming the field", async (path, body, field) => {
    const u = await register();
    const res = await postJson(path, body, { Authorization: `Bearer ${u.token}` });
    expect(res.status).toBe(400);
    const error = await apiError(res);
    expect(error).toMatchObject({ code: "invalid_field", field });
    expect(error.message.length).toBeGreaterThan(5);
  });

  it.each([
    ["malformed JSON", '{"mode": '],
    ["an array", '["2p"]'],
    ["null", "null"],
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ])("/api/play with %s: 400 invalid_body", async (_label, raw) => {
    const u = await register();
    const { SELF } = await import("cloudflare:test");
    const res = await SELF.fetch("http://example.com/api/play", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${u.token}` },
      body: raw,
    });
    expect(res.status).toBe(400);
    expect(await apiError(res)).toMatchObject({ code: "invalid_body" });
  });

  it("a refused tournament body creates nothing", async () => {
    const u = await register();
    const refused = await postJson("/api/tournaments", { name: 7 }, { Authorization: `Bearer ${u.token}` });
    expect(refused.status).toBe(400);
    // Had the refused call made a tournament with this player in it, quick-join would answer
    // "already" (or 409 already_in_tournament), not a fresh "joined".
    const joined = await postJson("/api/tournaments/join", {}, { Authorization: `Bearer ${u.token}` });
    expect([200, 201]).toContain(joined.status);
    expect(v.parse(TournamentJoinAnswer, await joined.json()).outcome).toBe("joined");
  });

  it("the tournament name schema refuses control and bidi characters (400, nothing created) and trims (what the chart then shows)", async () => {
    expect(v.safeParse(CreateTournamentBody, { name: "\u0007 Spring\u0000 Cup \n" }).success).toBe(false);
    expect(v.safeParse(CreateTournamentBody, { name: "Spring \u202ECup" }).success).toBe(false);
    expect(v.parse(CreateTournamentBody, { name: "  Spring Cup " })).toEqual({ name: "Spring Cup" });
    expect(v.parse(CreateTournamentBody, {})).toEqual({ name: "" });
    expect(v.parse(PlayBody, {})).toEqual({ mode: "2p" });

    const u = await register();
    const refused = await postJson("/api/tournaments", { name: "\u0007 Spring\u0000 Cup \n" }, { Authorization: `Bearer ${u.token}` });
    expect(refused.status).toBe(400);
    const res = await postJson("/api/tournaments", { name: "  Spring Cup " }, { Authorization: `Bearer ${u.token}` });
    const { tournamentId } = v.parse(TournamentJoinAnswer, await res.json());
    const { chart } = v.parse(TournamentChartAnswer, await (await get(`/api/tournaments/${tournamentId}`)).json());
    expect(chart.name).toBe("Spring Cup");
  });
});
