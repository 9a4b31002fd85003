import { describe, expect, it } from "vitest";
import { LIVE_SCORE_EVERY_MS, liveListUpdate, NOTHING_TOLD, type ToldLive } from "../../../src/objects/game-session/live-list";
import { sessionConfigFromVars } from "../../../src/objects/game-session/config";
import type { SessionRecord } from "../../../src/objects/game-session/record";
import * as rules from "../../../src/objects/game-session/rules";
import { defaultConfig } from "../../../src/shared/engine";
import { MatchTimeline } from "../../../src/shared/timeline";

const NOW = 5_000_000;

function playing(): SessionRecord {
  const r = rules.newRecord({ gameId: "G", mode: "2p" }, sessionConfigFromVars({}, "2p"), MatchTimeline.start(defaultConfig("2p"), 1).checkpoint(), NOW);
  rules.claimSeat(r, { userId: "a", username: "A" }, NOW);
  rules.claimSeat(r, { userId: "b", username: "B" }, NOW);
  r.phase = "playing";
  return r;
}

describe("liveListUpdate (what the live-games list is told)", () => {
  it("tells the first save, then nothing while nothing it shows changed", () => {
    const r = playing();
    const told = liveListUpdate(r, NOTHING_TOLD, NOW)!;
    expect(told).not.toBeNull();
    expect(liveListUpdate(r, told, NOW + 60_000)).toBeNull();
  });

  it("tells a new score only once LIVE_SCORE_EVERY_MS passed since the last telling (not once per point)", () => {
    const r = playing();
    let told: ToldLive = liveListUpdate(r, NOTHING_TOLD, NOW)!;
    r.timeline.state.scores[0] = 1;
    expect(liveListUpdate(r, told, NOW + 3_000)).toBeNull();
    r.timeline.state.scores[0] = 2;
    expect(liveListUpdate(r, told, NOW + LIVE_SCORE_EVERY_MS - 1)).toBeNull();
    told = liveListUpdate(r, told, NOW + LIVE_SCORE_EVERY_MS)!;
    expect(told).toMatchObject({ scores: "2,0", at: NOW + LIVE_SCORE_EVERY_MS });
  });

  it("tells a phase or seat change at once, whatever the time (a paused or finished game, a new player)", () => {
    const r = playing();
    const told = liveListUpdate(r, NOTHING_TOLD, NOW)!;
    r.timeline.state.scores[1] = 3;
    r.phase = "finished";
    expect(liveListUpdate(r, told, NOW + 1)).toMatchObject({ scores: "0,3" });
    r.phase = "playing";
    r.seats[1] = { ...r.seats[1]!, userId: "c" };
    expect(liveListUpdate(r, told, NOW + 1)).not.toBeNull();
  });
});
