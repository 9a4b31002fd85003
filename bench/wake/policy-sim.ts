/**
 * Offline model of the GameSession's point alarms (no wrangler, no sockets; deterministic):
 * two tapping medium-AI bots steered as bench/load/bot-process.ts steers them, their inputs
 * arriving at the tick they were sent, against the real LiveMatch prediction, counting what each
 * arming policy costs per game-hour (alarms fired, setAlarm calls = rows written).
 *
 *   npx tsx bench/wake/policy-sim.ts keep  [games] [seconds]        every predicted point armed; an earlier alarm kept (protocol 2)
 *   npx tsx bench/wake/policy-sim.ts exact [games] [seconds]        the alarm moved to every new prediction
 *   npx tsx bench/wake/policy-sim.ts nudge [games] [seconds] [W]    armed only within W ticks, the bots asking at P - W/2 (a design tried on the way)
 *
 * It reproduced the bench's protocol-2 figures (1,579 alarms and 1,910 setAlarm per game-hour
 * here, 1,594 and 1,876 measured). "nudge" (W = 15: 610 alarms, 610 setAlarm) showed that arming
 * late enough makes the waste vanish, but measured in wrangler it still cost two setAlarm per point
 * (the point's, then the far deadline's again), so protocol 3 arms none: the client of the side
 * that conceded sends `wake` just after the point is due (shared/net/wake-asker.ts).
 */
import { AiPlayer, AI_VIEW_INTERVAL } from "../../src/shared/ai";
import { defaultConfig, Rng, type Dir, type GameState } from "../../src/shared/engine";
import { MatchTimeline } from "../../src/shared/timeline";
import { LiveMatch } from "../../src/objects/game-session/live-match";

const HZ = 60, NUDGE_AFTER = 30, NUDGE_TICKS = 3, LEAD = 2;
const policy = process.argv[2] ?? "keep";
const W = Number(process.argv[5] ?? 15); // ticks: the window within which a predicted point is armed (nudge policy)
const games = Number(process.argv[3] ?? 20), seconds = Number(process.argv[4] ?? 300);
let nudges = 0;
let alarms = 0, sets = 0, points = 0, wasted = 0, predictions = 0, predSteps = 0, late = 0;
for (let g = 0; g < games; g++) {
  const tl = MatchTimeline.start(defaultConfig("2p", { winScore: 10000 }), 1000 + g);
  const live = new LiveMatch(tl.checkpoint(), null, [0, 0], HZ);
  live.run(0);
  const bots = [0, 1].map((seat) => ({ seat, ai: new AiPlayer("medium", seat, 77 + g * 2 + seat), held: 0 as Dir, lastInput: 0, lastView: -1e9, nudgeUntil: -1, nudgeDir: 0 as Dir, rng: new Rng(5 + g * 3 + seat), seq: 0 }));
  let alarmTick: number | null = null;
  const inflight: { at: number; seat: number; seq: number; stamp: number; dir: Dir }[] = [];
  const plan = (tick: number) => {
    const p = live.nextPointAt(); // epoch ms with t0=0
    const wantTick = p === null ? live.horizonAt() : p;
    const want = wantTick === null ? null : Math.round((wantTick * HZ) / 1000);
    if (policy === "keep") {
      if (want === null) return;
      if (alarmTick !== null && alarmTick <= want) return;
      alarmTick = want; sets++;
    } else if (policy === "nudge") {
      if (want === null || p === null || want - tick > W) return;
      if (alarmTick !== null && alarmTick <= want) return;
      alarmTick = want; sets++;
    } else if (policy === "exact") {
      if (want === alarmTick) return;
      alarmTick = want; if (want !== null) sets++;
    }
  };
  let nudgeAt: number[] = [-1, -1];

  const renudge = (t: number) => {
    if (policy !== "nudge") return;
    const probe = MatchTimeline.restore(live.timeline.checkpoint());
    probe.stepTo(t);
    const pr = probe.predictNextPoint(300);
    const at = pr.tick === null ? -1 : Math.max(t + 1, pr.tick - Math.floor(W / 2));
    nudgeAt = [at, at];
  };
  for (let t = 0; t < seconds * HZ; t++) {
    const now = Math.ceil((t * 1000) / HZ);
    // alarm
    if (alarmTick !== null && t >= alarmTick) {
      alarms++; alarmTick = null;
      const h = live.advance(now);
      if (h.length === 0) wasted++;
      points += h.length;
      plan(t);
      renudge(t);
    }
    // inputs arriving now
    for (let i = inflight.length - 1; i >= 0; i--) {
      const x = inflight[i];
      if (x.at > t) continue;
      inflight.splice(i, 1);
      const h = live.advance(now);
      if (h.length) { late += h.length; points += h.length; }
      live.input(x.seat, x.seq, x.stamp, x.dir, now, true);
      plan(t);
      renudge(t);
    }
    for (let i = 0; i < 2; i++) if (nudgeAt[i] === t) {
      nudges++;
      const h = live.advance(now);
      if (h.length) { late += h.length; points += h.length; }
      plan(t);
      nudgeAt[i] = -1;
    }
    // bots decide (they see the true state at t)
    for (const b of bots) {
      if (t - b.lastView >= AI_VIEW_INTERVAL) {
        const probe = MatchTimeline.restore(live.timeline.checkpoint());
        probe.stepTo(t);
        b.ai.observe(probe.state as GameState);
        b.lastView = t;
      }
      let dir = b.ai.decide(t);
      if (t < b.nudgeUntil) dir = b.nudgeDir;
      else if (dir === b.held && t - b.lastInput >= NUDGE_AFTER) {
        b.nudgeDir = b.held !== 0 ? 0 : b.rng.next() < 0.5 ? -1 : 1;
        b.nudgeUntil = t + NUDGE_TICKS; dir = b.nudgeDir;
      }
      if (dir === b.held) continue;
      b.held = dir; b.lastInput = t;
      inflight.push({ at: t, seat: b.seat, seq: ++b.seq, stamp: t + LEAD, dir });
    }
  }
  predictions += live.predictions; predSteps += live.predictionSteps;
}
const hours = (games * seconds) / 3600;
console.log(policy, { pointsPerH: Math.round(points / hours), alarmsPerH: Math.round(alarms / hours), wastedPerH: Math.round(wasted / hours), setsPerH: Math.round(sets / hours), predictionsPerH: Math.round(predictions / hours), stepsPerPrediction: Math.round(predSteps / predictions), latePoints: late, nudgesPerH: Math.round(nudges / hours) });
