/** Server-side sessions (issue 12.10): logout and password change end tokens before their exp. */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, PASSWORD, errorOf, get, postJson, register } from "../helpers";
import { players } from "../../game/client";

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function login(username: string, password: string): Promise<string> {
  const res = await postJson("/api/auth/login", { username, password });
  expect(res.status).toBe(200);
  return (await res.json<{ token: string }>()).token;
}

function changePassword(token: string, body: unknown): Promise<Response> {
  return postJson("/api/me/password", body, bearer(token));
}

describe("logout revokes", () => {
  it("a copied token stops working after logout (cookie logout, bearer copy), other sessions stay", async () => {
    const u = await register();
    const other = await login(u.username, u.password);
    expect((await get("/api/me", u.token)).status).toBe(200);
    const out = await SELF.fetch(`${BASE}/api/auth/logout`, { method: "POST", headers: { Cookie: `session=${u.token}`, Origin: BASE } });
    expect(out.status).toBe(204);
    const copied = await get("/api/me", u.token);
    expect(copied.status).toBe(401);
    expect(await errorOf(copied)).toMatchObject({ code: "unauthorized" });
    expect((await get("/api/me", other)).status).toBe(200);
  });

  it("a revoked token cannot open a game socket (WebSocket upgrades check the handle too)", async () => {
    const [u] = await players(1);
    const play = await postJson("/api/play", { mode: "2p" }, bearer(u.token));
    expect(play.status).toBe(200);
    const { gameId } = await play.json<{ gameId: string }>();
    expect((await postJson("/api/auth/logout", undefined as unknown as object, bearer(u.token))).status).toBe(204);
    const res = await SELF.fetch(`${BASE}/ws/game/${gameId}`, { headers: { Upgrade: "websocket", ...bearer(u.token) } });
    expect(res.status).toBe(401);
  });
});

describe("POST /api/me/password", () => {
  it("changes the password and ends every other session, keeping this one", async () => {
    const u = await register();
    const laptop = await login(u.username, u.password);
    const res = await changePassword(u.token, { currentPassword: PASSWORD, newPassword: "a brand new passphrase" });
    expect(res.status).toBe(204);
    expect((await get("/api/me", laptop)).status).toBe(401);
    expect((await get("/api/me", u.token)).status).toBe(200);
    expect((await postJson("/api/auth/login", { username: u.username, password: PASSWORD })).status).toBe(401);
    await login(u.username, "a brand new passphrase");
  });

  it("refuses a wrong current password (401, field), a weak or unchanged new one (400), and no session (401); nothing changes", async () => {
    const u = await register();
    const wrong = await changePassword(u.token, { currentPassword: "not my password", newPassword: "another good one" });
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toMatchObject({ code: "invalid_credentials", field: "currentPassword" });
    const short = await changePassword(u.token, { currentPassword: PASSWORD, newPassword: "short" });
    expect(short.status).toBe(400);
    expect(await errorOf(short)).toMatchObject({ code: "invalid_field", field: "newPassword" });
    const same = await changePassword(u.token, { currentPassword: PASSWORD, newPassword: PASSWORD });
    expect(same.status).toBe(400);
    expect(await errorOf(same)).toMatchObject({ field: "newPassword" });
    expect((await postJson("/api/me/password", { currentPassword: PASSWORD, newPassword: "another good one" })).status).toBe(401);
    await login(u.username, PASSWORD);
  });
});
