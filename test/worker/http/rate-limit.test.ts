import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, PASSWORD, errorOf, fetchWithEnv, register, uniqueName } from "../helpers";

const limiter = (name: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));

describe("RateLimiter object", () => {
  it("allows `limit` hits per sliding window, then refuses with the time until one frees up", async () => {
    const rl = limiter(`unit:${crypto.randomUUID()}`);
    const t0 = 1_000_000;
    expect(await rl.hit(3, 1000, t0)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    expect(await rl.hit(3, 1000, t0 + 100)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await rl.hit(3, 1000, t0 + 200)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await rl.hit(3, 1000, t0 + 300)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 700 });
    expect(await rl.hit(3, 1000, t0 + 999)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1 });
    // the first hit leaves the window at t0+1000: one slot frees, refused hits were not counted
    expect(await rl.hit(3, 1000, t0 + 1000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await rl.hit(3, 1000, t0 + 1001)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 99 });
    expect(await rl.hit(3, 1000, t0 + 5000)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("keys are independent", async () => {
    const a = limiter(`unit:${crypto.randomUUID()}`);
    const b = limiter(`unit:${crypto.randomUUID()}`);
    expect((await a.hit(1, 60_000)).allowed).toBe(true);
    expect((await a.hit(1, 60_000)).allowed).toBe(false);
    expect((await b.hit(1, 60_000)).allowed).toBe(true);
  });

  it("clamps nonsense arguments instead of failing (limit >= 1, window >= 1 ms)", async () => {
    const rl = limiter(`unit:${crypto.randomUUID()}`);
    expect(await rl.hit(0, 1000, 5000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await rl.hit(Number.NaN, 1000, 5001)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 999 });
    const other = limiter(`unit:${crypto.randomUUID()}`);
    expect((await other.hit(1, -5, 100)).allowed).toBe(true);
    expect((await other.hit(1, -5, 101)).allowed).toBe(true); // 1 ms window: the first hit has left it
  });

  it("the alarm empties storage once the window has passed", async () => {
    const rl = limiter(`unit:${crypto.randomUUID()}`);
    expect((await rl.hit(1, 60_000)).allowed).toBe(true);
    expect((await rl.hit(1, 60_000)).allowed).toBe(false);
    expect(await runInDurableObject(rl, (_i, state) => state.storage.getAlarm())).toBeGreaterThan(Date.now());
    expect(await runDurableObjectAlarm(rl)).toBe(true);
    expect(await runInDurableObject(rl, (_i, state) => state.storage.sql.databaseSize)).toBeLessThan(8192);
    expect((await rl.hit(1, 60_000)).allowed).toBe(true);
    await runDurableObjectAlarm(rl); // leave no alarm behind
  });
});

describe("login rate limiting (HTTP)", () => {
  const small = { LOGIN_RATE_LIMIT: "3", LOGIN_RATE_WINDOW_S: "1" };
  const login = (username: string, password: string, ip: string) =>
    fetchWithEnv(
      new Request(`${BASE}/api/auth/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip },
        body: JSON.stringify({ username, password }),
      }),
      small,
    );
  const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}-${crypto.randomUUID().slice(0, 6)}`;

  it("429 with Retry-After after the threshold, then lets the user in after the window", async () => {
    const reg = await register();
    const from = ip();
    for (let i = 0; i < 3; i++) expect((await login(reg.username, "wrong password", from)).status).toBe(401);
    const limited = await login(reg.username, PASSWORD, from); // even the right password
    expect(limited.status).toBe(429);
    const retry = Number(limited.headers.get("Retry-After"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(1);
    expect(await errorOf(limited)).toMatchObject({ code: "rate_limited" });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await login(reg.username, PASSWORD, from)).status).toBe(200);
  });

  it("counts per username across IPs (case-insensitively)", async () => {
    const reg = await register();
    expect((await login(reg.username, "nope-nope", ip())).status).toBe(401);
    expect((await login(reg.username.toUpperCase(), "nope-nope", ip())).status).toBe(401);
    expect((await login(reg.username.toLowerCase(), "nope-nope", ip())).status).toBe(401);
    expect((await login(reg.username, PASSWORD, ip())).status).toBe(429);
  });

  it("counts per IP across usernames (unknown ones too)", async () => {
    const from = ip();
    for (let i = 0; i < 3; i++) expect((await login(uniqueName("nobody"), "whatever1", from)).status).toBe(401);
    const reg = await register();
    expect((await login(reg.username, PASSWORD, from)).status).toBe(429);
    expect((await login(reg.username, PASSWORD, ip())).status).toBe(200);
  });

  it("registration is limited per IP", async () => {
    const from = ip();
    const reg = () =>
      fetchWithEnv(
        new Request(`${BASE}/api/auth/register`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": from },
          body: JSON.stringify({ username: uniqueName("rl"), password: PASSWORD }),
        }),
        { REGISTER_RATE_LIMIT: "2", REGISTER_RATE_WINDOW_S: "60" },
      );
    expect((await reg()).status).toBe(201);
    expect((await reg()).status).toBe(201);
    const third = await reg();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("Retry-After"))).toBeGreaterThan(50);
  });
});
