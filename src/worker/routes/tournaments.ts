/**
 * Tournaments: create, auto-join the oldest open one, join/leave a named one, list, chart, and the
 * hall WebSocket (`/ws/tournament/:id`). The bracket itself lives in the Tournament object.
 */
import { Hono } from "hono";
import { gameIdFromBytes, isGameId } from "../../shared/ids";
import {
  CreateTournamentBody,
  type TournamentChartAnswer,
  type TournamentJoinAnswer,
  type TournamentJoinResult,
  type TournamentListAnswer,
} from "../../shared/protocol/http";
import { liveTournamentOf, liveTournaments, oldestOpenTournamentIds } from "../../db/tournaments";
import { requireUser, type AppEnv } from "../auth/session";
import { jsonBody, validJson } from "../http/body";
import { ApiError } from "../http/errors";
import { noSuch, refusal } from "../http/refusals";
import { enforceRateLimits, tournamentCreateLimits } from "../http/rate-limit";
import { forwardUpgrade } from "../ws/upgrade";

function tournament(env: Env, id: string) {
  return env.TOURNAMENT.get(env.TOURNAMENT.idFromName(id));
}

function joinResponse(id: string, r: TournamentJoinResult): TournamentJoinAnswer {
  if (r.ok) return { tournamentId: id, position: r.position, outcome: r.outcome };
  throw refusal("tournament", r.reason);
}

/**
 * A new tournament with the user as its first player. Checked before anything is created: a user
 * already in a live tournament gets 409 and costs nothing (not even a creation from their budget);
 * then the per-user creation budget; then the object writes both D1 rows in one batch, so a user
 * who joined another tournament meanwhile still leaves nothing behind.
 */
async function createAndJoin(env: Env, user: { id: string; username: string }, name: string) {
  if ((await liveTournamentOf(env.DB, user.id)) !== null) throw refusal("tournament", "in_another_tournament");
  await enforceRateLimits(env, [{ key: `tournament:create:user:${user.id}`, ...tournamentCreateLimits(env) }]);
  const id = gameIdFromBytes(crypto.getRandomValues(new Uint8Array(8)));
  return joinResponse(id, await tournament(env, id).create({ id, name: name || `Tournament ${id}` }, user));
}

function tournamentIdParam(raw: string): string {
  const id = raw.toUpperCase();
  if (!isGameId(id)) throw noSuch("tournament");
  return id;
}

export const tournamentRoutes = new Hono<AppEnv>()
  // Public and read-only: the chart a finished or running tournament shows (links from profiles).
  .get("/:id", async (c) => {
    const id = tournamentIdParam(c.req.param("id"));
    try {
      return c.json({ chart: await tournament(c.env, id).chart() } satisfies TournamentChartAnswer);
    } catch {
      throw noSuch("tournament");
    }
  })
  .use(requireUser)
  .get("/", async (c) => {
    const list: TournamentListAnswer = { tournaments: await liveTournaments(c.env.DB) };
    return c.json(list);
  })
  .post("/", jsonBody, validJson(CreateTournamentBody), async (c) => {
    const { name } = c.req.valid("json");
    return c.json(await createAndJoin(c.env, c.var.user, name), 201);
  })
  .post("/join", async (c) => {
    // The oldest open tournament with a free seat, else a new one.
    for (const id of await oldestOpenTournamentIds(c.env.DB)) {
      const r = await tournament(c.env, id).join(c.var.user);
      if (r.ok) return c.json(joinResponse(id, r));
      if (r.reason === "in_another_tournament") joinResponse(id, r);
    }
    return c.json(await createAndJoin(c.env, c.var.user, ""), 201);
  })
  .post("/:id/join", async (c) => {
    const id = tournamentIdParam(c.req.param("id"));
    return c.json(joinResponse(id, await tournament(c.env, id).join(c.var.user)));
  })
  .post("/:id/leave", async (c) => {
    const id = tournamentIdParam(c.req.param("id"));
    const left = await tournament(c.env, id).leave(c.var.user.id);
    if (!left) throw new ApiError(409, "cannot_leave", "Only a tournament that has not started can be left.");
    return c.body(null, 204);
  });

/** `GET /ws/tournament/:id`: the hall. Checked here, then handed to the tournament's object. */
export function tournamentSocket(request: Request, env: Env, id: string): Promise<Response> {
  return forwardUpgrade(request, env, id.toUpperCase(), (e, tid) => (isGameId(tid) ? tournament(e, tid) : null), "tournament");
}
