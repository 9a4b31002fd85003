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

  it("ten wrong passwords from ten addresses do not lock the real user out (issue 12.8)", async () => {
    const reg = await register();
    const strict = { ...small, LOGIN_FAILURE_LIMIT: "3", LOGIN_FAILURE_WINDOW_S: "900" };
    const loginWith = (username: string, password: string, from: string) =>
      fetchWithEnv(
        new Request(`${BASE}/api/auth/login`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": from },
          body: JSON.stringify({ username, password }),
        }),
        strict,
      );
    for (let i = 0; i < 10; i++) expect((await loginWith(reg.username, "wrong password", ip())).status).toBe(401);
    // The owner, from their own address, right after the stranger's ten tries.
    expect((await loginWith(reg.username, PASSWORD, ip())).status).toBe(200);
  });

  it("wrong passwords are limited per (username, address), case-insensitively; that address's other names and other addresses are not", async () => {
    const reg = await register();
    const other = await register();
    const from = ip();
    const env = { LOGIN_RATE_LIMIT: "100", LOGIN_RATE_WINDOW_S: "60", LOGIN_FAILURE_LIMIT: "3", LOGIN_FAILURE_WINDOW_S: "900" };
    const loginWith = (username: string, password: string, at: string) =>
      fetchWithEnv(
        new Request(`${BASE}/api/auth/login`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": at },
          body: JSON.stringify({ username, password }),
        }),
        env,
      );
    expect((await loginWith(reg.username, "nope-nope", from)).status).toBe(401);
    expect((await loginWith(reg.username.toUpperCase(), "nope-nope", from)).status).toBe(401);
    expect((await loginWith(reg.username.toLowerCase(), "nope-nope", from)).status).toBe(401);
    const held = await loginWith(reg.username, "guess-four", from);
    expect(held.status).toBe(429);
    expect((await errorOf(held)).message).toMatch(/^Too many attempts\. Try again in 1[45] minutes\.$/);
    // Successful logins do not count: the other account from the same address, many times.
    for (let i = 0; i < 4; i++) expect((await loginWith(other.username, PASSWORD, from)).status).toBe(200);
    expect((await loginWith(reg.username, PASSWORD, ip())).status).toBe(200);
  });

  it("counts per IP across usernames (unknown ones too)", async () => {
    const from = ip();
    for (let i = 0; i < 3; i++) expect((await login(uniqueName("nobody"), "whatever1", from)).status).toBe(401);
    const reg = await register();
    expect((await login(reg.username, PASSWORD, from)).status).toBe(429);
    expect((await login(reg.username, PASSWORD, ip())).status).toBe(200);
  });

  it("registration is limited per IP, and the 429 says the wait in words", async () => {
    const from = ip();
    const reg = () =>
      fetchWithEnv(
        new Request(`${BASE}/api/auth/register`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": from },
          body: JSON.stringify({ username: uniqueName("rl"), password: PASSWORD }),
        }),
        { REGISTER_RATE_LIMIT: "2", REGISTER_RATE_WINDOW_S: "1800" },
      );
    expect((await reg()).status).toBe(201);
    expect((await reg()).status).toBe(201);
    const third = await reg();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("Retry-After"))).toBeGreaterThan(1700);
    expect((await errorOf(third)).message).toBe("Too many attempts. Try again in 30 minutes.");
  });
});

describe("sign-up limits (issue 15.7)", () => {
  const signUp = (from: string, overrides: Partial<Env> = {}) =>
    fetchWithEnv(
      new Request(`${BASE}/api/auth/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": from },
        body: JSON.stringify({ username: uniqueName("cls"), password: PASSWORD }),
      }),
      overrides,
    );
  const ip = () => `203.0.113.${Math.floor(Math.random() * 250)}-${crypto.randomUUID().slice(0, 6)}`;

  it("a classroom of 30 behind one address signs up within minutes with the shipped limits (burst 5, refilling per minute)", async () => {
    const shipped = { REGISTER_RATE_LIMIT: "5", REGISTER_RATE_WINDOW_S: "60" } as Partial<Env>;
    const nat = ip();
    // The first five at once; the sixth waits at most a minute, not an hour.
    for (let i = 0; i < 5; i++) expect((await signUp(nat, shipped)).status).toBe(201);
    const sixth = await signUp(nat, shipped);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
    expect((await errorOf(sixth)).message).toMatch(/^Too many attempts\. Try again in (\d+ seconds?|1 minute)\.$/);
    // The same limits with a 1 s window (time compressed 60x): 30 sign-ups complete in about 6 windows.
    const fast = ip();
    const t0 = Date.now();
    let done = 0;
    while (done < 30) {
      const r = await signUp(fast, { REGISTER_RATE_LIMIT: "5", REGISTER_RATE_WINDOW_S: "1" });
      if (r.status === 201) done += 1;
      else {
        expect(r.status).toBe(429);
        await new Promise((res) => setTimeout(res, 200));
      }
    }
    expect(Date.now() - t0).toBeLessThan(12_000);
  }, 30_000);

  it("a global budget bounds sign-ups from many addresses together", async () => {
    // One "register:all" object for the whole suite: a budget of 1 per 3 s, four new addresses.
    const tiny = { REGISTER_RATE_LIMIT: "100", REGISTER_GLOBAL_RATE_LIMIT: "1", REGISTER_GLOBAL_RATE_WINDOW_S: "3" } as Partial<Env>;
    let refused = 0;
    for (let i = 0; i < 4; i++) if ((await signUp(ip(), tiny)).status === 429) refused += 1;
    expect(refused).toBeGreaterThanOrEqual(3);
  });
});
