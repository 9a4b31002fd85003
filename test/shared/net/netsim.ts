/**
 * A discrete-event model of one match on the new netcode, for the property tests: a server that
 * orders stamped inputs with the shared MatchTimeline and acceptance rule (as the GameSession
 * does), and clients that run RollbackSessions ahead of it (players) or behind it (spectators).
 * Time in ms on one clock (clock offsets are ClockSync's business, tested on their own). Every
 * link keeps message order (a WebSocket is a TCP stream); delays are drawn per message.
 */
import { defaultConfig, type Dir, type Mode } from "../../../src/shared/engine";
import { acceptInputTick, MatchTimeline, tickAt, type TickClock } from "../../../src/shared/timeline";
import { DigestChecks, RollbackSession } from "../../../src/shared/net";

export const TICK_HZ = 60;
const CLOCK: TickClock = { t0: 0, tickHz: TICK_HZ };

export interface ClientSpec {
  /** Ticks ahead of the server (players) or behind it (negative: spectators). */
  lead: number;
  /** Per-message one-way delays (ms), used round-robin: server -> client and client -> server. */
  down: number[];
  up: number[];
  /** Players: (time ms, dir) presses. */
  presses: { at: number; dir: Dir }[];
}

export interface SimSpec {
  mode: Mode;
  seed: number;
  winScore: number;
  durationMs: number;
  /** Players in seat order, then spectators. */
  clients: ClientSpec[];
  /** 4P: seats taken out at these server times (their client sends nothing after `at - 1000`). */
  eliminations: { at: number; seat: number }[];
  /** The server sends a digest check every this many ms (and on every input with this chance). */
  checkEveryMs: number;
}

type Msg =
  | { kind: "relay"; tick: number; seat: number; dir: Dir }
  | { kind: "moved"; seq: number; tick: number }
  | { kind: "refused"; seq: number }
  | { kind: "check"; tick: number; digest: number; acks: number[] }
  | { kind: "out"; tick: number; seat: number; digest: number; acks: number[] }
  | { kind: "over"; tick: number; digest: number; acks: number[] };

interface Event {
  at: number;
  order: number;
  run: () => void;
}

export interface SimClient {
  spec: ClientSpec;
  seat: number;
  session: RollbackSession;
  checks: DigestChecks;
  tooOld: number;
}

export interface SimResult {
  serverTick: number;
  /** Digest of the server's state at every tick it computed (after that tick's eliminations). */
  serverDigests: Map<number, number>;
  clients: SimClient[];
  accepted: number;
  late: number;
  refused: number;
}

export function runSim(spec: SimSpec): SimResult {
  const config = defaultConfig(spec.mode, { winScore: spec.winScore });
  const seats = spec.mode === "2p" ? 2 : 4;
  const server = MatchTimeline.start(config, spec.seed);
  const serverDigests = new Map<number, number>([[0, server.digest()]]);
  const queue: Event[] = [];
  let order = 0;
  const at = (t: number, run: () => void) => queue.push({ at: t, order: order++, run });
  const result: SimResult = { serverTick: 0, serverDigests, clients: [], accepted: 0, late: 0, refused: 0 };
  const out = new Set<number>();

  // ---------------------------------------------------------------- server
  const acks = Array.from({ length: seats }, () => -1);
  let overSent = false;
  const serverAdvance = (now: number) => {
    const target = tickAt(CLOCK, now);
    while (server.tick < target && !server.over) {
      server.stepTo(server.tick + 1);
      serverDigests.set(server.tick, server.digest());
    }
    // game_over goes out at the first event that finds the end (the alarm set for it, or an input).
    if (server.over && !overSent) {
      overSent = true;
      clients.forEach((_, i) => send(i, now, { kind: "over", tick: server.tick, digest: server.digest(), acks: [...acks] }));
    }
  };
  const current = (now: number) => Math.max(server.tick, tickAt(CLOCK, now));

  const clients: SimClient[] = spec.clients.map((c, i) => ({
    spec: c,
    seat: i < seats ? i : -1,
    session: new RollbackSession(MatchTimeline.start(config, spec.seed)),
    checks: new DigestChecks(),
    tooOld: 0,
  }));
  result.clients = clients;
  const downAt = clients.map(() => 0);
  const downN = clients.map(() => 0);
  const send = (i: number, now: number, msg: Msg) => {
    const c = clients[i];
    const d = c.spec.down[downN[i]++ % c.spec.down.length];
    const arrive = (downAt[i] = Math.max(downAt[i], now + d));
    at(arrive, () => receive(i, arrive, msg));
  };
  const check = (now: number) => {
    serverAdvance(now);
    clients.forEach((_, i) => send(i, now, { kind: "check", tick: server.tick, digest: server.digest(), acks: [...acks] }));
  };

  const serverInput = (seat: number, seq: number, stamp: number, dir: Dir, now: number) => {
    serverAdvance(now);
    // After the end the sockets are closed: the input is lost, and game_over's acks say so. An
    // out seat's input gets seat_finished (nothing applied; the engine ignores an out side anyway).
    if (out.has(seat) || server.over) return;
    const v = acceptInputTick(stamp, current(now));
    if (v.kind === "too_early") {
      result.refused++;
      send(seat, now, { kind: "refused", seq });
      return;
    }
    result.accepted++;
    acks[seat] = seq;
    server.addInput({ tick: v.tick, seat, dir });
    if (v.kind === "late") {
      result.late++;
      send(seat, now, { kind: "moved", seq, tick: v.tick });
    }
    clients.forEach((_, i) => i !== seat && send(i, now, { kind: "relay", tick: v.tick, seat, dir }));
  };

  // ---------------------------------------------------------------- clients
  const target = (c: SimClient, now: number) => Math.max(0, tickAt(CLOCK, now) + c.spec.lead);
  // Claims wait by cause (DigestChecks: an own input above the digest's ack not yet reported), not by time.
  const frame = (c: SimClient, now: number) => {
    c.session.advanceTo(target(c, now));
    const bad = c.checks.run(c.session, c.seat);
    if (bad) throw new Error(`client ${c.seat} disagrees with the server at tick ${bad.tick} (${bad.source})`);
  };
  const note = (c: SimClient, r: unknown) => {
    if (r === "too_old") c.tooOld++;
  };
  const receive = (i: number, now: number, msg: Msg) => {
    const c = clients[i];
    frame(c, now);
    switch (msg.kind) {
      case "relay":
        note(c, c.session.addInput(msg.tick, msg.seat, msg.dir));
        break;
      case "moved":
        note(c, c.session.moveOwnInput(msg.seq, msg.tick));
        break;
      case "refused":
        note(c, c.session.dropOwnInput(msg.seq));
        break;
      case "check":
        c.checks.add({ tick: msg.tick, digest: msg.digest, acks: msg.acks, source: "check" });
        break;
      case "out":
        note(c, c.session.eliminate(msg.tick, msg.seat));
        c.checks.add({ tick: msg.tick, digest: msg.digest, acks: msg.acks, source: "player_out" });
        break;
      case "over":
        // As NetPlay.onGameOver: own inputs above the ack were never applied.
        if (c.seat >= 0) note(c, c.session.dropOwnInputsAfter(msg.acks[c.seat]));
        c.checks.add({ tick: msg.tick, digest: msg.digest, acks: msg.acks, source: "game_over" });
        break;
    }
  };

  clients.forEach((c, i) => {
    if (c.seat < 0) return;
    let upAt = 0;
    let upN = 0;
    let seq = 0;
    const leaves = spec.eliminations.find((e) => e.seat === c.seat);
    for (const p of c.spec.presses) {
      if (leaves && p.at > leaves.at - 1000) continue;
      at(p.at, () => {
        frame(c, p.at);
        const stamp = c.session.tick;
        const s = seq++;
        c.session.addInput(stamp, c.seat, p.dir, s);
        const d = c.spec.up[upN++ % c.spec.up.length];
        upAt = Math.max(upAt, p.at + d);
        const arrive = upAt;
        at(arrive, () => serverInput(i, s, stamp, p.dir, arrive));
      });
    }
  });
  for (const e of spec.eliminations) {
    at(e.at, () => {
      serverAdvance(e.at);
      if (out.has(e.seat)) return;
      out.add(e.seat);
      server.eliminate(e.seat);
      serverDigests.set(server.tick, server.digest());
      clients.forEach((_, i) => send(i, e.at, { kind: "out", tick: server.tick, seat: e.seat, digest: server.digest(), acks: [...acks] }));
    });
  }
  for (let t = spec.checkEveryMs; t < spec.durationMs; t += spec.checkEveryMs) at(t, () => check(t));
  for (let t = 0; t < spec.durationMs; t += 1000 / 60) {
    const now = t;
    clients.forEach((c) => at(now, () => frame(c, now)));
  }

  // Run every event in time order (events may schedule later ones).
  for (;;) {
    if (!queue.length) break;
    let best = 0;
    for (let k = 1; k < queue.length; k++) if (queue[k].at < queue[best].at || (queue[k].at === queue[best].at && queue[k].order < queue[best].order)) best = k;
    const [ev] = queue.splice(best, 1);
    ev.run();
  }
  // Everything delivered: a last check at the server's present, and every client past it.
  const end = Math.max(spec.durationMs, ...downAt) + 1;
  serverAdvance(end);
  result.serverTick = server.tick;
  for (const c of clients) {
    c.session.advanceTo(Math.max(server.tick, target(c, end)));
    c.checks.add({ tick: server.tick, digest: server.digest(), acks: [...acks], source: "final" });
    const bad = c.checks.run(c.session, c.seat);
    if (bad) throw new Error(`client ${c.seat} disagrees with the server at tick ${bad.tick} (${bad.source})`);
  }
  return result;
}
