/**
 * Remote play: matchmaking (`/api/play`), private games (`/api/games`), the list of live games
 * for spectators, and the game WebSocket upgrade (`/ws/game/:gameId`).
 */
import { Hono } from "hono";
import { isGameId } from "../../shared/ids";
import { PlayBody, type GameStatus, type LiveGame, type PlayAnswer, type PlayResult } from "../../shared/protocol/http";
import { requireUser, type AppEnv } from "../auth/session";
import { jsonBody, validJson } from "../http/body";
import { ApiError } from "../http/errors";
import { noSuch, refusal } from "../http/refusals";
import { forwardUpgrade } from "../ws/upgrade";

/**
 * Every play/create/join/leave of a user goes through that user's own directory object (one live
 * game per player), which asks their region's matchmaking shard: no fixed object id on the path.
 */
function directory(env: Env, userId: string) {
  return env.PLAYER_DIRECTORY.get(env.PLAYER_DIRECTORY.idFromName(userId));
}

type CfLocation = { continent?: string; country?: string; longitude?: string };
/** Where the player connects from (request.cf); the directory maps it to a locationHint region. */
function location(request: Request): CfLocation | undefined {
  const cf = (request as Request & { cf?: Record<string, unknown> }).cf;
  if (!cf) return undefined;
  return {
    continent: typeof cf.continent === "string" ? cf.continent : undefined,
    country: typeof cf.country === "string" ? cf.country : undefined,
    longitude: typeof cf.longitude === "string" ? cf.longitude : undefined,
  };
}

/** Merges the live-games shards (LIVE_SHARDS; a shard not created yet answers empty). */
async function liveGames(env: Env, limit = 50): Promise<LiveGame[]> {
  const k = Math.max(1, Math.min(256, Math.floor(Number(env.LIVE_SHARDS)) || 4));
  const shards = await Promise.all(
    Array.from({ length: k }, (_, i) => env.MATCHMAKER.get(env.MATCHMAKER.idFromName(`live:${i}`)).liveGames(limit)),
  );
  return shards
    .flat()
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice(0, limit);
}

function playResponse(result: PlayResult): PlayAnswer {
  if (result.ok) return { gameId: result.gameId, seat: result.seat, status: result.status, ...(result.region ? { region: result.region } : {}) };
  throw refusal("game", result.reason);
}

export const playRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .post("/", jsonBody, validJson(PlayBody), async (c) => {
    const { mode } = c.req.valid("json");
    const result = await directory(c.env, c.var.user.id).play(c.var.user, mode, location(c.req.raw));
    return c.json(playResponse(result), 200);
  })
  .delete("/", async (c) => {
    const result = await directory(c.env, c.var.user.id).leave(c.var.user);
    if (!result.left && result.gameId) throw new ApiError(409, "already_matched", "The match has already started.");
    return c.body(null, 204);
  });

export const gameRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get("/live", async (c) => c.json({ games: (await liveGames(c.env)) satisfies LiveGame[] }))
  .post("/", jsonBody, validJson(PlayBody), async (c) => {
    const { mode } = c.req.valid("json");
    const result = await directory(c.env, c.var.user.id).createPrivate(c.var.user, mode, location(c.req.raw));
    return c.json(playResponse(result), 201);
  })
  .post("/:gameId/join", async (c) => {
    const gameId = c.req.param("gameId").toUpperCase();
    if (!isGameId(gameId)) throw noSuch("game");
    return c.json(playResponse(await directory(c.env, c.var.user.id).join(c.var.user, gameId)), 200);
  })
  .get("/:gameId", async (c) => {
    const gameId = c.req.param("gameId").toUpperCase();
    if (!isGameId(gameId)) throw noSuch("game");
    try {
      const status: GameStatus = await c.env.GAME_SESSION.get(c.env.GAME_SESSION.idFromName(gameId)).status();
      return c.json(status);
    } catch {
      throw noSuch("game");
    }
  });

/** `GET /ws/game/:gameId`: checked here, then handed to the game's object. */
export function gameSocket(request: Request, env: Env, gameId: string): Promise<Response> {
  return forwardUpgrade(request, env, gameId, (e, id) => (isGameId(id) ? e.GAME_SESSION.get(e.GAME_SESSION.idFromName(id)) : null), "game");
}
