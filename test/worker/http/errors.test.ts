import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, PASSWORD, fetchWithEnv, uniqueName } from "../helpers";

describe("API error handling", () => {
  it.each([
    ["GET", "/api/nope"],
    ["GET", "/api/auth/login"], // wrong method
    ["POST", "/api/leaderboard/extra"],
    ["DELETE", "/api/me"],
  ])("%s %s -> 404 JSON", async (method, path) => {
    const res = await SELF.fetch(`${BASE}${path}`, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("non-API paths still go to the static client", async () => {
    const res = await SELF.fetch(`${BASE}/leaderboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
  });

  it("a real failure is a 500 JSON that reveals nothing", async () => {
    const broken = {
      prepare() {
        throw new Error("D1 exploded: SELECT password_hash FROM users /secret/path.ts:12");
      },
      batch() {
        throw new Error("D1 exploded");
      },
    } as unknown as D1Database;
    const res = await fetchWithEnv(
      new Request(`${BASE}/api/auth/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: uniqueName(), password: PASSWORD }),
      }),
      { DB: broken },
    );
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal_error", message: expect.any(String) } });
    expect(text).not.toMatch(/D1|password_hash|secret|\.ts|Error/);
  });
});
