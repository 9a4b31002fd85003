/**
 * The one mapping from an object's refusal (Matchmaker.play/join, Tournament.join) to the API's
 * error: status, code from the shared union, and the message players read.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiErrorCode } from "../../shared/protocol/api-errors";
import type { PlayRefusal, TournamentJoinRefusal } from "../../shared/protocol/http";
import { ApiError } from "./errors";

type Refusal = readonly [ContentfulStatusCode, ApiErrorCode, string];

const REFUSALS = {
  game: {
    not_found: [404, "not_found", "No such game."],
    full: [409, "game_full", "This game has no free seat."],
    finished: [409, "game_finished", "This game is over."],
    reserved: [403, "seat_reserved", "The seats of this game are reserved for its players."],
    already_playing: [409, "already_playing", "You are already seated in another live game."],
  },
  tournament: {
    not_found: [404, "not_found", "No such tournament."],
    full: [409, "tournament_full", "This tournament already has four players."],
    closed: [409, "tournament_closed", "This tournament has already started or ended."],
    in_another_tournament: [409, "already_in_tournament", "You are already in a tournament that has not ended."],
  },
} as const satisfies { game: Record<PlayRefusal, Refusal>; tournament: Record<TournamentJoinRefusal, Refusal> };

export function refusal<K extends keyof typeof REFUSALS>(kind: K, reason: keyof (typeof REFUSALS)[K]): ApiError {
  const [status, code, message] = REFUSALS[kind][reason] as Refusal;
  return new ApiError(status, code, message);
}

/** 404 for an id that cannot exist (not 8 characters of the id alphabet): same answer as an unknown one. */
export const noSuch = (kind: keyof typeof REFUSALS): ApiError => refusal(kind, "not_found");
