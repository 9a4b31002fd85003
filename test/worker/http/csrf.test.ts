/** CSRF (issue 12.9): every cookie-authenticated state change needs a trusted Origin. */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, errorOf, fetchWithEnv, register } from "../helpers";

const FOREIGN = "http://evil.example.com";

function send(path: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
}

describe("CSRF guard", () => {
  it("refuses cookie-authenticated POSTs without a body from a foreign Origin (join, leave, game join, logout): 403 forbidden_origin", async () => {
    const u = await register();
    const cookie = { Cookie: `session=${u.token}`, Origin: FOREIGN };
    for (const path of ["/api/tournaments/join", "/api/tournaments/ABCDEFGH/leave", "/api/games/ABCDEFGH/join", "/api/play", "/api/auth/logout"]) {
      const res = await send(path, "POST", cookie);
      expect(res.status, path).toBe(403);
      expect(await errorOf(res)).toMatchObject({ code: "forbidden_origin" });
    }
    // Nothing happened: the session still works (logout was refused) and no tournament holds the user.
    expect((await send("/api/me", "GET", { Cookie: `session=${u.token}` })).status).toBe(200);
  });

  it("refuses a cookie-authenticated state change with no Origin at all, and a foreign Origin on PUT/PATCH/DELETE too", async () => {
    const u = await register();
    expect((await send("/api/tournaments", "POST", { Cookie: `session=${u.token}` }, { name: "x" })).status).toBe(403);
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      expect((await send("/api/me", method, { Cookie: `session=${u.token}`, Origin: FOREIGN })).status, method).toBe(403);
    }
  });

  it("lets the app's own origin and ALLOWED_ORIGINS through with the cookie; bearer requests need no Origin", async () => {
    const u = await register();
    const own = await send("/api/tournaments", "POST", { Cookie: `session=${u.token}`, Origin: BASE }, { name: "Own" });
    expect(own.status).toBe(201);
    const { tournamentId } = await own.json<{ tournamentId: string }>();
    const allowed = await fetchWithEnv(
      new Request(`${BASE}/api/tournaments/${tournamentId}/leave`, { method: "POST", headers: { Cookie: `session=${u.token}`, Origin: "https://pong.example.org" } }),
      { ALLOWED_ORIGINS: "https://other.example.net, https://pong.example.org" },
    );
    expect(allowed.status).toBe(204);
    // A bearer request is not cookie-authenticated: a foreign page cannot make the browser add it.
    expect((await send("/api/tournaments", "POST", { Authorization: `Bearer ${u.token}`, Origin: FOREIGN }, { name: "B" })).status).toBe(201);
  });

  it("sign-in from a foreign page is refused (login CSRF); without Origin (scripts) it works", async () => {
    const u = await register();
    const body = { username: u.username, password: u.password };
    const foreign = await send("/api/auth/login", "POST", { Origin: FOREIGN }, body);
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("Set-Cookie")).toBeNull();
    expect((await send("/api/auth/login", "POST", {}, body)).status).toBe(200);
    expect((await send("/api/auth/login", "POST", { Origin: BASE }, body)).status).toBe(200);
  });
});
