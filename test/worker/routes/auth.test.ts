import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PASSWORD, errorOf, get, postJson, register, uniqueName } from "../helpers";

describe("POST /api/auth/register", () => {
  it("creates the account: 201, user, token, session cookie", async () => {
    const username = uniqueName("Reg");
    const res = await postJson("/api/auth/register", { username, password: PASSWORD });
    expect(res.status).toBe(201);
    const body = await res.json<{ user: { id: string; username: string }; token: string }>();
    expect(body.user.username).toBe(username);
    expect(body.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.token.split(".")).toHaveLength(3);
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toContain(`session=${body.token}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=604800/);
    expect(cookie).not.toMatch(/Secure/i); // plain http here
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("marks the cookie Secure on https", async () => {
    const res = await postJson("/api/auth/register", { username: uniqueName(), password: PASSWORD }).then(() =>
      // SELF keeps the URL's scheme: request over https.
      import("cloudflare:test").then(({ SELF }) =>
        SELF.fetch("https://example.com/api/auth/register", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ username: uniqueName(), password: PASSWORD }),
        }),
      ),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("Set-Cookie")).toMatch(/;\s*Secure/i);
  });

  it("stores the name verbatim, a salted PBKDF2 hash, and no plaintext password", async () => {
    const username = `a_-b${uniqueName("").slice(0, 12)}`;
    const password = "Robert'); DROP TABLE users;--";
    const reg = await register(username, password);
    expect(reg.username).toBe(username);
    const row = await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(reg.id).first<Record<string, unknown>>();
    expect(row).not.toBeNull();
    expect(row!.username).toBe(username);
    expect(row!.username_lower).toBe(username.toLowerCase());
    expect(row!.algorithm).toBe("pbkdf2-sha256");
    expect(row!.iterations).toBe(100000);
    expect(atob(row!.salt as string)).toHaveLength(16);
    expect(atob(row!.password_hash as string)).toHaveLength(32);
    expect(row!.rating).toBe(1000);
    expect(row!.wins).toBe(0);
    for (const value of Object.values(row!)) expect(String(value)).not.toContain("DROP TABLE");
    // ...and the SQL-looking password works as a password, the table is intact.
    const login = await postJson("/api/auth/login", { username, password });
    expect(login.status).toBe(200);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM users").first("n")).toBeGreaterThan(0);
  });

  it("uses a different salt per user (same password, different hashes)", async () => {
    const a = await register();
    const b = await register();
    const rows = await env.DB.prepare("SELECT salt, password_hash FROM users WHERE id IN (?, ?)").bind(a.id, b.id).all();
    expect(rows.results).toHaveLength(2);
    expect(rows.results[0].salt).not.toBe(rows.results[1].salt);
    expect(rows.results[0].password_hash).not.toBe(rows.results[1].password_hash);
  });

  it("409 for a taken name, case-insensitively (Alice vs alice)", async () => {
    const base = uniqueName("Alice");
    await register(base);
    for (const name of [base, base.toLowerCase(), base.toUpperCase()]) {
      const res = await postJson("/api/auth/register", { username: name, password: PASSWORD });
      expect(res.status).toBe(409);
      expect(await errorOf(res)).toEqual({ code: "username_taken", message: expect.any(String), field: "username" });
    }
  });

  it("two racing registrations of one name: one 201, one 409", async () => {
    const name = uniqueName("race");
    const responses = await Promise.all([
      postJson("/api/auth/register", { username: name, password: PASSWORD }),
      postJson("/api/auth/register", { username: name.toUpperCase(), password: PASSWORD }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE username_lower = ?").bind(name.toLowerCase()).first("n");
    expect(count).toBe(1);
  });

  it.each([
    ["too short", "ab"],
    ["too long", "a".repeat(21)],
    ["space", "has space"],
    ["unicode", "jösé"],
    ["SQL", "Robert'); DROP TABLE users;--"],
    ["HTML", "<img src=x onerror=alert(1)>"],
    ["HTML short", "<b>hi</b>"],
  ])("400 invalid_field username (%s), value not reflected", async (_label, username) => {
    const res = await postJson("/api/auth/register", { username, password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text).not.toContain(username);
    expect(text).not.toContain("<");
    expect(JSON.parse(text).error).toMatchObject({ code: "invalid_field", field: "username" });
  });

  it.each([
    ["7 chars", "1234567"],
    ["129 chars", "x".repeat(129)],
    ["empty", ""],
  ])("400 invalid_field password (%s)", async (_label, password) => {
    const res = await postJson("/api/auth/register", { username: uniqueName(), password });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: "invalid_field", field: "password" });
  });

  it("accepts passwords of exactly 8 and 128 characters", async () => {
    for (const password of ["12345678", "p".repeat(128)]) {
      const res = await postJson("/api/auth/register", { username: uniqueName(), password });
      expect(res.status).toBe(201);
    }
  });

  it.each([
    ["missing username", { password: PASSWORD }, "username"],
    ["missing password", { username: "validname" }, "password"],
    ["number username", { username: 12345, password: PASSWORD }, "username"],
    ["null username", { username: null, password: PASSWORD }, "username"],
    ["array password", { username: "validname", password: ["a", "b"] }, "password"],
    ["object password", { username: "validname", password: { $ne: "" } }, "password"],
    ["boolean password", { username: "validname", password: true }, "password"],
  ])("400 invalid_field for wrong types (%s)", async (_label, body, field) => {
    const res = await postJson("/api/auth/register", body);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: "invalid_field", field });
  });

  it.each([
    ["malformed JSON", '{"username": "abc", '],
    ["empty body", ""],
    ["array", "[1,2]"],
    ["null", "null"],
    ["string", '"hello"'],
    ["number", "42"],
  ])("400 invalid_body (%s)", async (_label, raw) => {
    const res = await postJson("/api/auth/register", raw);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: "invalid_body" });
  });

  it("415 when the body is not declared as JSON", async () => {
    const { SELF } = await import("cloudflare:test");
    const res = await SELF.fetch("http://example.com/api/auth/register", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ username: uniqueName(), password: PASSWORD }),
    });
    expect(res.status).toBe(415);
    expect(await errorOf(res)).toMatchObject({ code: "unsupported_media_type" });
  });

  it("413 for a body over 16 KB (declared or streamed)", async () => {
    const big = JSON.stringify({ username: uniqueName(), password: PASSWORD, pad: "x".repeat(17 * 1024) });
    const res = await postJson("/api/auth/register", big);
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toMatchObject({ code: "payload_too_large" });

    const { SELF } = await import("cloudflare:test");
    const chunk = new TextEncoder().encode("x".repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await SELF.fetch("http://example.com/api/auth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: stream,
    });
    expect(streamed.status).toBe(413);
  });

  it("accepts a body just under 16 KB", async () => {
    const body = { username: uniqueName(), password: PASSWORD, pad: "" };
    body.pad = "x".repeat(16 * 1024 - JSON.stringify(body).length);
    expect(JSON.stringify(body).length).toBe(16 * 1024);
    const res = await postJson("/api/auth/register", JSON.stringify(body));
    expect(res.status).toBe(201);
  });
});

describe("POST /api/auth/login", () => {
  it("200 with user, token and cookie; username is case-insensitive", async () => {
    const reg = await register(uniqueName("Log"));
    const res = await postJson("/api/auth/login", { username: reg.username.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    const body = await res.json<{ user: { id: string; username: string }; token: string }>();
    expect(body.user).toEqual({ id: reg.id, username: reg.username });
    expect(res.headers.get("Set-Cookie")).toContain(`session=${body.token}`);
  });

  it("401 with the same body for a wrong password and an unknown user", async () => {
    const reg = await register();
    const wrong = await postJson("/api/auth/login", { username: reg.username, password: "wrong password" });
    const unknown = await postJson("/api/auth/login", { username: uniqueName("ghost"), password: PASSWORD });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = await wrong.json();
    const b = await unknown.json();
    expect(a).toEqual(b);
    expect(a).toEqual({ error: { code: "invalid_credentials", message: "Wrong username or password." } });
    expect(wrong.headers.get("Set-Cookie")).toBeNull();
  });

  it("401 (not 500) for a SQL-looking username; the users table survives", async () => {
    const res = await postJson("/api/auth/login", { username: "Robert'); DROP TABLE users;--", password: PASSWORD });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toMatchObject({ code: "invalid_credentials" });
    const reg = await register();
    expect((await postJson("/api/auth/login", { username: reg.username, password: PASSWORD })).status).toBe(200);
  });

  it("400 for wrong types and oversize fields", async () => {
    for (const [body, field] of [
      [{ username: ["x"], password: PASSWORD }, "username"],
      [{ username: "someone" }, "password"],
      [{ username: "someone", password: 12345678 }, "password"],
      [{ username: "u".repeat(65), password: PASSWORD }, "username"],
      [{ username: "someone", password: "p".repeat(129) }, "password"],
    ] as const) {
      const res = await postJson("/api/auth/login", body);
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatchObject({ code: "invalid_field", field });
    }
    expect((await postJson("/api/auth/login", "{oops")).status).toBe(400);
  });
});

describe("session use: /api/me and logout", () => {
  it("GET /api/me with the Bearer token and with the cookie", async () => {
    const reg = await register();
    const viaBearer = await get("/api/me", reg.token);
    expect(viaBearer.status).toBe(200);
    const body = await viaBearer.json<{ user: Record<string, unknown> }>();
    expect(body.user).toEqual({
      id: reg.id,
      username: reg.username,
      wins: 0,
      losses: 0,
      rating: 1000,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const viaCookie = await get("/api/me", undefined, { Cookie: `other=1; session=${reg.token}` });
    expect(viaCookie.status).toBe(200);
  });

  it("GET /api/me without a session is 401 JSON", async () => {
    const res = await get("/api/me");
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toMatchObject({ code: "unauthorized" });
  });

  it("logout answers 204 and clears the cookie", async () => {
    const reg = await register();
    const { SELF } = await import("cloudflare:test");
    const res = await SELF.fetch("http://example.com/api/auth/logout", { method: "POST", headers: { Cookie: `session=${reg.token}`, Origin: "http://example.com" } });
    expect(res.status).toBe(204);
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^session=;/);
    expect(cookie).toMatch(/Max-Age=0/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(await res.text()).toBe("");
  });

  it("a token for a deleted account is no session", async () => {
    const reg = await register();
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(reg.id).run();
    expect((await get("/api/me", reg.token)).status).toBe(401);
  });
});
