/**
 * The AI opponent. It plays like a person at a keyboard who may only glance at the screen once per
 * second:
 *  - `observe(state)` is its only window on the game, and it is ignored unless at least
 *    AI_VIEW_INTERVAL (60) ticks passed since the last accepted view (or the game restarted, i.e.
 *    the tick went backwards). An accepted view is distilled into a plan right away; nothing else
 *    from the state is kept.
 *  - WHEN it looks is its own choice, made from its last view only (like a player who knows the
 *    rules): it may look later than a second, never sooner. Looking blindly every 60 ticks let a
 *    look land just before a serve, and the next one came after the served ball had arrived (the
 *    old AI lost 4 of 13 points that way). So:
 *      - a view during the serve pause tells it when the serve comes (serveIn): it looks again
 *        just after the serve (LOOK_AFTER_SERVE), or a second later if that is later;
 *      - a view in play tells it when the ball next reaches a paddle plane (either side): it looks
 *        again just after that moment (LOOK_AFTER_CROSSING), so it sees the outcome (return or
 *        point) while the serve pause that follows a point is still young.
 *    Together these keep every look shortly after the last crossing or serve, which bounds how
 *    long a served ball can travel unseen (the rally test measures it).
 *  - `decide(tick)` returns the direction key to hold for this tick. The caller feeds it through the
 *    same input path as a human's key. Between views the AI knows where its paddle is only by dead
 *    reckoning from its own key presses (`paddleSpeed` per tick held, clamped to the side).
 *
 * The plan: when the ball is in play, `predictCrossing` follows it through wall bounces (and, when
 * it is moving away, through the opponents' returns, assuming they keep their paddles where they
 * were seen) to where it will cross this seat's paddle plane; aim there plus a level-dependent
 * error. Before the predicted arrival it goes to that point; after it, or when no crossing is
 * expected (ball stopped / lost elsewhere), it drifts back to the centre. A return predicted off an
 * opponent is uncertain, so the AI only goes part of the way there (RETURN_TRUST).
 * A new plan takes effect `reactionTicks` after its view; the previous plan runs meanwhile.
 *
 * Deterministic: the same seed and the same sequence of calls give the same keys.
 */
import { Rng, clampPaddlePos, cloneState, stepInPlace, type GameEvent, paddleHome, sideOfSeat, type Dir, type GameConfig, type GameState, type Side } from "../engine";
import { AI_LEVEL_PARAMS, AI_VIEW_INTERVAL, type AiLevel, type AiLevelParams } from "./levels";
import { predictCrossing } from "./predict";

/** How far towards a predicted opponent return the AI moves (0 = stay centred, 1 = all the way). */
export const RETURN_TRUST = 0.8;
/** Ticks after a serve at which the AI wants its next look (the ball has visibly left the centre). */
export const LOOK_AFTER_SERVE = 2;
/** Ticks after the ball reaches a paddle plane at which the AI wants its next look (return or point is settled). */
export const LOOK_AFTER_CROSSING = 8;
/** Ticks the AI plays the rules forward to find when a ball no paddle can reach leaves the field. */
const EXIT_LOOKAHEAD = 120;
/** A paddle-plane crossing this close (ticks) is judged from the paddles as seen: is the ball lost there? */
const LOST_SOON = 25;

interface Plan {
  /** Tick from which this plan applies (view tick + reaction). */
  from: number;
  /** Paddle centre to reach. */
  target: number;
  /** After this tick the ball has come and gone: drift home. */
  until: number;
}

export class AiPlayer {
  readonly params: AiLevelParams;
  private readonly rng: Rng;
  private config: GameConfig | null = null;
  private side: Side | null = null;
  private home = 0;
  private viewTick = -1;
  /** Earliest tick of the next look (>= viewTick + AI_VIEW_INTERVAL). */
  private nextLook = 0;
  /** Dead-reckoned paddle centre as of tick `posTick`. */
  private pos = 0;
  private posTick = -1;
  private lastDir: Dir = 0;
  private current: Plan | null = null;
  private pending: Plan | null = null;

  constructor(
    readonly level: AiLevel,
    readonly seat: number,
    seed: number,
  ) {
    const params = AI_LEVEL_PARAMS[level];
    if (!params) throw new Error(`unknown AI level ${JSON.stringify(level)}`);
    this.params = params;
    this.rng = new Rng(seed);
  }

  /**
   * Offers a view of the game. Returns true if it was accepted: at least 60 ticks since the last one
   * and not before the look the AI scheduled (decided from its previous view, never from this one).
   */
  observe(state: GameState): boolean {
    if (this.viewTick >= 0 && state.tick >= this.viewTick && state.tick < this.nextLook) return false;
    const config = state.config;
    const side = sideOfSeat(config.mode, this.seat);
    this.config = config;
    this.side = side;
    this.home = paddleHome(config, side);
    this.viewTick = state.tick;
    this.pos = state.paddles[this.seat].pos;
    this.posTick = state.tick;
    this.lastDir = 0;
    this.nextLook = state.tick + AI_VIEW_INTERVAL;
    const wanted = this.wantedLook(state, config);
    if (wanted > this.nextLook) this.nextLook = wanted;
    const plan = this.plan(state, config, side);
    if (this.params.reactionTicks <= 0 || this.current === null) this.current = plan;
    else this.pending = plan;
    return true;
  }

  /** Key to hold during tick `tick` (call once per tick, after `observe`). */
  decide(tick: number): Dir {
    const config = this.config;
    const side = this.side;
    if (!config || !side) return 0;
    if (this.posTick >= 0 && tick > this.posTick) {
      this.pos = clampPaddlePos(config, side, this.pos + this.lastDir * config.paddleSpeed * (tick - this.posTick));
    }
    this.posTick = tick;
    if (this.pending && tick >= this.pending.from) {
      this.current = this.pending;
      this.pending = null;
    }
    const plan = this.current;
    const target = plan && tick <= plan.until ? plan.target : this.home;
    const diff = clampPaddlePos(config, side, target) - this.pos;
    const dir: Dir = Math.abs(diff) <= config.paddleSpeed / 2 ? 0 : diff > 0 ? 1 : -1;
    this.lastDir = dir;
    return dir;
  }

  /** Where the AI believes its paddle is (for tests and debugging). */
  believedPos(): number {
    return this.pos;
  }

  /** When the next look is most useful, from this view alone (see the header). */
  private wantedLook(state: GameState, config: GameConfig): number {
    if (state.phase === "serving") return state.tick + state.serveIn + LOOK_AFTER_SERVE;
    if (state.phase !== "playing") return state.tick;
    let first = Infinity;
    for (const paddle of state.paddles) {
      if (!paddle.active) continue;
      const crossing = predictCrossing(config, state.ball, paddle.side);
      if (crossing && crossing.ticks < first) first = crossing.ticks;
    }
    // The ball leaves soon (no paddle can reach it any more, or it reaches a paddle plane within
    // LOST_SOON ticks where, paddles as seen, nobody is in its way): a look a second from now
    // would fall late in the serve pause, and the one after it too late for the serve. Look just
    // after the re-serve instead. Played forward with the rules, paddles held still.
    if (first === Infinity || first <= LOST_SOON) {
      const serve = this.reServeTick(state, first === Infinity ? EXIT_LOOKAHEAD : Math.ceil(first) + LOOK_AFTER_CROSSING);
      if (serve >= 0) return serve + LOOK_AFTER_SERVE;
    }
    return first === Infinity ? state.tick : state.tick + Math.ceil(first) + LOOK_AFTER_CROSSING;
  }

  /** Tick of the next serve if the ball is out within `within` ticks with every paddle still, else -1. */
  private reServeTick(state: GameState, within: number): number {
    const ahead = cloneState(state);
    const still: Dir[] = ahead.paddles.map(() => 0);
    const events: GameEvent[] = [];
    for (let t = 0; t < within && ahead.phase === "playing"; t++) stepInPlace(ahead, still, events);
    return ahead.phase === "serving" ? ahead.tick + ahead.serveIn : -1;
  }

  private plan(state: GameState, config: GameConfig, side: Side): Plan {
    const from = state.tick + this.params.reactionTicks;
    const error = this.rng.signed() * this.params.errorPx;
    if (state.phase !== "playing") return { from, target: this.home, until: Infinity };
    const crossing = predictCrossing(config, state.ball, side, { paddles: state.paddles });
    if (!crossing) return { from, target: this.home, until: Infinity };
    let target = crossing.pos + error;
    if (crossing.paddleBounces > 0) target = this.home + (target - this.home) * RETURN_TRUST;
    return { from, target, until: state.tick + Math.ceil(crossing.ticks) + 2 };
  }
}
