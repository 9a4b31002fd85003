import { env } from "cloudflare:workers";
import { SignJWT, base64url } from "jose";
import { describe, expect, it } from "vitest";
import { DEV_ONLY_JWT_SECRET, isLocalHost, resolveJwtSecret } from "../../../src/worker/auth/secret";
import { JWT_AUDIENCE, JWT_ISSUER, readSession, signSession } from "../../../src/worker/auth/session";
import { BASE, PASSWORD, errorOf, fetchWithEnv, get, register, uniqueName } from "../helpers";

const key = (secret = env.JWT_SECRET as string) => new TextEncoder().encode(secret);
const nowS = () => Math.floor(Date.now() / 1000);

/** The server-side session id (`sid`) inside a token we issued. */
function sidOf(token: string): string {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split(".")[1]))).sid;
}

/** A token with the claims of `user`'s real session (so only the property under test differs). */
function tokenFor(user: { id: string; username: string; token: string }) {
  return new SignJWT({ name: user.username, sid: sidOf(user.token) }).setSubject(user.id).setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCE).setIssuedAt();
}

function unsigned(header: object, payload: object): string {
  const enc = (o: object) => base64url.encode(JSON.stringify(o));
  return `${enc(header)}.${enc(payload)}.`;
}

async function meStatus(token: string): Promise<number> {
  return (await get("/api/me", token)).status;
}

describe("session tokens", () => {
  it("a token we signed is accepted, carrying sub/name/iat/exp/iss/aud", async () => {
    const reg = await register();
    const [, payload] = reg.token.split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    expect(claims).toMatchObject({ sub: reg.id, name: reg.username, iss: JWT_ISSUER, aud: JWT_AUDIENCE, sid: expect.any(String) });
    expect(claims.exp - claims.iat).toBe(7 * 24 * 3600);
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(reg.token.split(".")[0])))).toMatchObject({ alg: "HS256" });
    expect(await meStatus(reg.token)).toBe(200);
  });

  it("401 for a forged signature (other key)", async () => {
    const reg = await register();
    const forged = await tokenFor(reg).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(key("x".repeat(40)));
    expect(await meStatus(forged)).toBe(401);
  });

  it("401 for a tampered payload (signature of another token)", async () => {
    const a = await register();
    const b = await register();
    const [h, , s] = a.token.split(".");
    const bPayload = b.token.split(".")[1];
    expect(await meStatus(`${h}.${bPayload}.${s}`)).toBe(401);
  });

  it("401 for an expired token", async () => {
    const reg = await register();
    const expired = await tokenFor(reg)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt(nowS() - 8 * 86400)
      .setExpirationTime(nowS() - 86400)
      .sign(key());
    expect(await meStatus(expired)).toBe(401);
    // control: the same construction, unexpired, is accepted
    const fresh = await tokenFor(reg).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(key());
    expect(await meStatus(fresh)).toBe(200);
  });

  it("401 for alg:none (with or without a signature part)", async () => {
    const reg = await register();
    const claims = { sub: reg.id, name: reg.username, iss: JWT_ISSUER, aud: JWT_AUDIENCE, iat: nowS(), exp: nowS() + 3600 };
    const none = unsigned({ alg: "none", typ: "JWT" }, claims);
    expect(await meStatus(none)).toBe(401);
    const realSig = reg.token.split(".")[2];
    expect(await meStatus(none + realSig)).toBe(401);
  });

  it("401 for another HMAC algorithm with the right key (alg pinned to HS256)", async () => {
    const reg = await register();
    const hs512 = await tokenFor(reg).setProtectedHeader({ alg: "HS512" }).setExpirationTime("1h").sign(key());
    expect(await meStatus(hs512)).toBe(401);
  });

  it("401 for a wrong issuer or audience, or missing claims", async () => {
    const reg = await register();
    const base = () => new SignJWT({ name: reg.username, sid: sidOf(reg.token) }).setProtectedHeader({ alg: "HS256" }).setSubject(reg.id).setIssuedAt().setExpirationTime("1h");
    expect(await meStatus(await base().setIssuer("evil").setAudience(JWT_AUDIENCE).sign(key()))).toBe(401);
    expect(await meStatus(await base().setIssuer(JWT_ISSUER).setAudience("other-app").sign(key()))).toBe(401);
    expect(await meStatus(await base().setIssuer(JWT_ISSUER).setAudience(JWT_AUDIENCE).sign(key()))).toBe(200);
    const noName = await new SignJWT({ sid: sidOf(reg.token) })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(reg.id)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(key());
    expect(await meStatus(noName)).toBe(401);
  });

  it("401 for garbage in the header or cookie", async () => {
    for (const token of ["garbage", "a.b.c", "x".repeat(5000)]) expect(await meStatus(token)).toBe(401);
    const res = await get("/api/me", undefined, { Cookie: "session=not-a-jwt" });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toMatchObject({ code: "unauthorized" });
    expect((await get("/api/me", undefined, { Authorization: "Basic dXNlcjpwYXNz" })).status).toBe(401);
  });
});

describe("readSession (shared with WebSocket upgrades)", () => {
  it("reads the Bearer header, else the cookie, and returns {id, username, sessionId}", async () => {
    const reg = await register();
    const e = env as Env;
    expect(await readSession(new Request(BASE, { headers: { Authorization: `Bearer ${reg.token}` } }), e)).toEqual({
      id: reg.id,
      username: reg.username,
      sessionId: sidOf(reg.token),
    });
    expect(await readSession(new Request(BASE, { headers: { Cookie: `session=${reg.token}` } }), e)).toEqual({
      id: reg.id,
      username: reg.username,
      sessionId: sidOf(reg.token),
    });
    expect(await readSession(new Request(BASE), e)).toBeNull();
    // A bad Bearer header is not rescued by a good cookie.
    expect(
      await readSession(new Request(BASE, { headers: { Authorization: "Bearer nope", Cookie: `session=${reg.token}` } }), e),
    ).toBeNull();
  });
});

describe("JWT secret policy", () => {
  const body = () => JSON.stringify({ username: uniqueName("cfg"), password: PASSWORD });
  const registerReq = (payload = body(), origin = BASE) =>
    new Request(`${origin}/api/auth/register`, { method: "POST", headers: { "Content-Type": "application/json" }, body: payload });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["short", "too-short-secret-31-chars-xxxxx"],
    ["the dev-only default", DEV_ONLY_JWT_SECRET],
  ])("production refuses a %s secret: 500 server_misconfigured, no account written", async (_label, secret) => {
    const payload = body();
    const res = await fetchWithEnv(registerReq(payload), { APP_ENV: "production", JWT_SECRET: secret });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "server_misconfigured", message: expect.any(String) } });
    if (secret) expect(text).not.toContain(secret);
    const name = JSON.parse(payload).username.toLowerCase();
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE username_lower = ?").bind(name).first("n")).toBe(0);
  });

  it("production refuses to verify too (no forgeable sessions)", async () => {
    const reg = await register();
    const req = new Request(`${BASE}/api/me`, { headers: { Authorization: `Bearer ${reg.token}` } });
    const res = await fetchWithEnv(req, { APP_ENV: "production", JWT_SECRET: "" });
    expect(res.status).toBe(500);
    expect(await errorOf(res)).toMatchObject({ code: "server_misconfigured" });
  });

  it("production works with a strong secret", async () => {
    const res = await fetchWithEnv(registerReq(), { APP_ENV: "production", JWT_SECRET: "p".repeat(48) });
    expect(res.status).toBe(201);
  });

  it("development without JWT_SECRET, on a local host, uses the dev-only secret (works without .dev.vars)", async () => {
    const dev = { APP_ENV: "development", JWT_SECRET: undefined };
    const local = "http://localhost:8787";
    const res = await fetchWithEnv(registerReq(body(), local), dev);
    expect(res.status).toBe(201);
    const { token } = await res.json<{ token: string }>();
    const me = await fetchWithEnv(new Request(`${local}/api/me`, { headers: { Authorization: `Bearer ${token}` } }), dev);
    expect(me.status).toBe(200);
    // ...and such a token means nothing to a server with a real secret.
    expect(await meStatus(token)).toBe(401);
    expect(resolveJwtSecret(dev, "http://127.0.0.1:8787/")).toBe(DEV_ONLY_JWT_SECRET);
    expect(resolveJwtSecret(dev, "http://192.168.1.20:8787/")).toBe(DEV_ONLY_JWT_SECRET);
  });

  it("development without JWT_SECRET on a public host (a deploy of the shipped [vars]) still refuses", async () => {
    const dev = { APP_ENV: "development", JWT_SECRET: undefined };
    const res = await fetchWithEnv(registerReq(body(), "https://pong.example.com"), dev);
    expect(res.status).toBe(500);
    expect(await errorOf(res)).toMatchObject({ code: "server_misconfigured" });
    const short = await fetchWithEnv(registerReq(body(), "https://pong.example.com"), { APP_ENV: "development", JWT_SECRET: "short" });
    expect(short.status).toBe(500);
    expect(() => resolveJwtSecret(dev)).toThrow();
    expect(() => resolveJwtSecret(dev, "https://localhost.evil.com/")).toThrow();
  });

  it("isLocalHost", () => {
    for (const h of ["localhost", "app.localhost", "127.0.0.1", "[::1]", "10.1.2.3", "172.20.0.5", "192.168.0.9"]) expect(isLocalHost(h)).toBe(true);
    for (const h of ["example.com", "localhost.evil.com", "172.32.0.1", "8.8.8.8", "192.169.0.1", "pong.workers.dev"]) expect(isLocalHost(h)).toBe(false);
  });

  it("signSession refuses directly as well", async () => {
    await expect(signSession({ id: "x", username: "y" }, { ...(env as Env), APP_ENV: "staging", JWT_SECRET: "short" })).rejects.toMatchObject({
      status: 500,
      code: "server_misconfigured",
    });
  });
});
