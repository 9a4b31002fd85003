/**
 * Remote play: matchmaking (`/api/play`), private games (`/api/games`), the list of live games
 * for spectators, and the game WebSocket upgrade (`/ws/game/:gameId`).
 */
import { Hono } from "hono";
import type { Mode } from "../../shared/engine/types";
import { isGameId } from "../../shared/ids";
import type { PlayAnswer } from "../../shared/protocol/http";
import { requireUser, type AppEnv } from "../auth/session";
import type { Env } from "../env";
import { readJsonObject } from "../http/body";
import { ApiError } from "../http/errors";
import type { PlayResult } from "../../objects/matchmaker/matchmaker";
import { forwardUpgrade } from "../ws/upgrade";

function matchmaker(env: Env) {
  return env.MATCHMAKER.get(env.MATCHMAKER.idFromName("global"));
}

function readMode(body: Record<string, unknown>): Mode {
  const mode = body.mode ?? "2p";
  if (mode !== "2p" && mode !== "4p") throw new ApiError(400, "invalid_field", 'mode must be "2p" or "4p".', "mode");
  return mode;
}

type CfLocation = { continent?: string; country?: string; longitude?: string };
function location(request: Request): CfLocation | undefined {
  const cf = (request as Request & { cf?: Record<string, unknown> }).cf;
  if (!cf) return undefined;
  return {
    continent: typeof cf.continent === "string" ? cf.continent : undefined,
    country: typeof cf.country === "string" ? cf.country : undefined,
    longitude: typeof cf.longitude === "string" ? cf.longitude : undefined,
  };
}

function playResponse(result: PlayResult): PlayAnswer {
  if (result.ok) return { gameId: result.gameId, seat: result.seat, status: result.status };
  switch (result.reason) {
    case "not_found":
      throw new ApiError(404, "not_found", "No such game.");
    case "full":
      throw new ApiError(409, "game_full", "This game has no free seat.");
    case "finished":
      throw new ApiError(409, "game_finished", "This game is over.");
    case "reserved":
      throw new ApiError(403, "seat_reserved", "The seats of this game are reserved for its players.");
    case "already_playing":
      throw new ApiError(409, "already_playing", "You are already seated in another live game.");
  }
}

export const playRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .post("/", async (c) => {
    const mode = readMode(await readJsonObject(c));
    const result = await matchmaker(c.env).play(c.var.user, mode, location(c.req.raw));
    return c.json(playResponse(result), 200);
  })
  .delete("/", async (c) => {
    const result = await matchmaker(c.env).leave(c.var.user);
    if (!result.left && result.gameId) throw new ApiError(409, "already_matched", "The match has already started.");
    return c.body(null, 204);
  });

export const gameRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/live", async (c) => c.json({ games: await matchmaker(c.env).liveGames() }))
  .post("/", async (c) => {
    const mode = readMode(await readJsonObject(c));
    const result = await matchmaker(c.env).createPrivate(c.var.user, mode, location(c.req.raw));
    return c.json(playResponse(result), 201);
  })
  .post("/:gameId/join", async (c) => {
    const gameId = c.req.param("gameId").toUpperCase();
    if (!isGameId(gameId)) throw new ApiError(404, "not_found", "No such game.");
    return c.json(playResponse(await matchmaker(c.env).join(c.var.user, gameId)), 200);
  })
  .get("/:gameId", async (c) => {
    const gameId = c.req.param("gameId").toUpperCase();
    if (!isGameId(gameId)) throw new ApiError(404, "not_found", "No such game.");
    try {
      return c.json(await c.env.GAME_SESSION.get(c.env.GAME_SESSION.idFromName(gameId)).status());
    } catch {
      throw new ApiError(404, "not_found", "No such game.");
    }
  });

/** `GET /ws/game/:gameId`: checked here, then handed to the game's object. */
export function gameSocket(request: Request, env: Env, gameId: string): Promise<Response> {
  return forwardUpgrade(request, env, gameId, (e, id) => (isGameId(id) ? e.GAME_SESSION.get(e.GAME_SESSION.idFromName(id)) : null), "game");
}
