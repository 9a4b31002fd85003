/**
 * A tiny discrete-event model of one paddle on the server and the predicting client, for the
 * netcode tests. Time in ms. The server steps at `serverPhase + k * tickMs`, applies an input from
 * its next step after arrival (as GameSession does) and sends a snapshot every `snapshotEvery`
 * ticks and on the first step after it applied an input (the input's ack goes out at once, and
 * the cadence restarts from that snapshot, as in GameSession.runDueTicks); the client steps at `clientPhase + k * tickMs` and sends inputs at its steps. Both
 * directions keep message order (a WebSocket is a TCP stream): an arrival is never earlier than
 * the previous one's.
 */
import { clampPaddlePos, defaultConfig, type Dir, type GameConfig, type Side } from "../../../src/shared/engine";
import type { InputMsg } from "../../../src/shared/protocol";
import { PaddlePredictor, type ReconcileResult, type ServerPaddle } from "../../../src/shared/net";

export const TICK_MS = 1000 / 60;

export interface SimOptions {
  config?: GameConfig;
  side?: Side;
  ticks: number;
  /** Client tick -> direction pressed at that client tick. */
  inputs: ReadonlyMap<number, Dir>;
  upMs: (n: number) => number;
  downMs: (n: number) => number;
  clientPhase?: number;
  serverPhase?: number;
  snapshotEvery?: number;
  /** Server tick at which the server side starts (the client counts from 0). */
  serverStartTick?: number;
}

export interface SimResult {
  /** Per client tick (index = tick): displayed position, predicted position, ideal local position. */
  display: number[];
  predicted: number[];
  ideal: number[];
  serverPos: number[];
  reconciles: ReconcileResult[];
  predictor: PaddlePredictor;
  finalServer: { pos: number; ack: number };
}

type Ev =
  | { at: number; order: number; kind: "client" }
  | { at: number; order: number; kind: "server" }
  | { at: number; order: number; kind: "input"; msg: InputMsg }
  | { at: number; order: number; kind: "snapshot"; snap: ServerPaddle };

export function simulate(o: SimOptions): SimResult {
  const config = o.config ?? defaultConfig("2p");
  const side = o.side ?? "left";
  const every = o.snapshotEvery ?? 2;
  const speed = config.paddleSpeed;
  const predictor = new PaddlePredictor({ config, side });
  const server = { tick: o.serverStartTick ?? 0, pos: predictor.pos, dir: 0 as Dir, ack: -1, ackPending: false, lastSnapTick: null as number | null };
  const events: Ev[] = [];
  let order = 0;
  type NewEv = Ev extends infer E ? (E extends Ev ? Omit<E, "order"> : never) : never;
  const push = (e: NewEv) => {
    events.push({ ...e, order: order++ } as Ev);
  };
  const end = (o.ticks + 40) * TICK_MS;
  for (let k = 1; k <= o.ticks; k++) push({ at: (o.clientPhase ?? 3.1) + k * TICK_MS, kind: "client" });
  for (let k = 1; (o.serverPhase ?? 9.7) + k * TICK_MS < end; k++) push({ at: (o.serverPhase ?? 9.7) + k * TICK_MS, kind: "server" });

  let lastUp = 0;
  let lastDown = 0;
  let nUp = 0;
  let nDown = 0;
  let ideal = predictor.pos;
  let idealDir: Dir = 0;
  const res: SimResult = { display: [predictor.displayPos], predicted: [predictor.pos], ideal: [ideal], serverPos: [], reconciles: [], predictor, finalServer: server };

  const next = (): Ev | undefined => {
    let best = -1;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (best < 0 || e.at < events[best].at || (e.at === events[best].at && e.order < events[best].order)) best = i;
    }
    return best < 0 ? undefined : events.splice(best, 1)[0];
  };

  for (let e = next(); e; e = next()) {
    switch (e.kind) {
      case "client": {
        const k = predictor.tick; // inputs pressed "at client tick k" apply from step k + 1
        const dir = o.inputs.get(k);
        if (dir !== undefined) {
          idealDir = dir;
          const msg = predictor.setDir(dir);
          if (msg) {
            lastUp = Math.max(lastUp, e.at + o.upMs(nUp++));
            push({ at: lastUp, kind: "input", msg });
          }
        }
        predictor.step();
        if (idealDir !== 0) ideal = clampPaddlePos(config, side, ideal + idealDir * speed);
        res.display.push(predictor.displayPos);
        res.predicted.push(predictor.pos);
        res.ideal.push(ideal);
        break;
      }
      case "input":
        if (e.msg.seq > server.ack) {
          server.ack = e.msg.seq;
          server.dir = e.msg.dir;
          server.ackPending = true;
        }
        break;
      case "server": {
        server.tick++;
        if (server.dir !== 0) server.pos = clampPaddlePos(config, side, server.pos + server.dir * speed);
        res.serverPos.push(server.pos);
        if (server.ackPending || server.lastSnapTick === null || server.tick - server.lastSnapTick >= every) {
          server.ackPending = false;
          server.lastSnapTick = server.tick;
          lastDown = Math.max(lastDown, e.at + o.downMs(nDown++));
          push({ at: lastDown, kind: "snapshot", snap: { tick: server.tick, pos: server.pos, dir: server.dir, ack: server.ack } });
        }
        break;
      }
      case "snapshot":
        res.reconciles.push(predictor.reconcile(e.snap));
        break;
    }
  }
  return res;
}

/** A deterministic pseudo-random sequence in [0, 1) (xorshift), for jitter. */
export function rand(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** Inputs from a list of [client tick, dir]. */
export function schedule(...pairs: [number, Dir][]): Map<number, Dir> {
  return new Map(pairs);
}
