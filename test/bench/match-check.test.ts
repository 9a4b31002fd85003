/**
 * The load bench's protocol-2 checker (bench/load/match-check.ts): against a faithful model of the
 * server (accept each input at its stamp or move it to the present, relay it, announce digests), an
 * honest server gives 0 desyncs whatever the order in which its frames reach the two sockets, and a
 * wrong digest or a wrongly placed input is caught.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultConfig, type Dir } from "../../src/shared/engine";
import { acceptInputTick, MatchTimeline } from "../../src/shared/timeline";
import { MatchCheck } from "../../bench/load/match-check";

const config = defaultConfig("2p", { winScore: 99 });

/** A server model: a timeline stepped lazily, inputs accepted by the shared rule, frames queued per socket. */
class ServerModel {
  readonly tl: MatchTimeline;
  /** Frames for socket 0 and socket 1, in send order. */
  readonly out: { kind: "relay" | "check"; tick: number; seat?: number; dir?: Dir; digest?: number }[][] = [[], []];

  constructor(seed: number) {
    this.tl = MatchTimeline.start(config, seed);
  }

  input(seat: number, stamp: number, dir: Dir, now: number): void {
    this.tl.stepTo(now);
    const v = acceptInputTick(stamp, this.tl.tick);
    if (v.kind === "too_early") return;
    this.tl.addInput({ tick: v.tick, seat, dir });
    this.out[1 - seat].push({ kind: "relay", tick: v.tick, seat, dir });
  }

  check(now: number, tamper = false): void {
    this.tl.stepTo(now);
    const digest = (this.tl.digest() ^ (tamper ? 1 : 0)) >>> 0;
    for (const q of this.out) q.push({ kind: "check", tick: this.tl.tick, digest });
  }
}

/** Feeds both sockets' frames to the checker, interleaving the two sockets as `order` says (each socket stays in order). */
function deliver(server: ServerModel, check: MatchCheck, order: boolean[]): void {
  const pos = [0, 0];
  let k = 0;
  while (pos[0] < server.out[0].length || pos[1] < server.out[1].length) {
    let sock = order[k++ % Math.max(1, order.length)] ? 1 : 0;
    if (pos[sock] >= server.out[sock].length) sock = 1 - sock;
    const f = server.out[sock][pos[sock]++];
    if (f.kind === "relay") check.relayed(f.seat!, f.tick, f.dir!);
    else check.authoritative({ seat: sock, tick: f.tick, digest: f.digest!, kind: "check" });
  }
}

describe("MatchCheck", () => {
  it("an honest server gives 0 desyncs, for any inputs, lateness and delivery order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.array(fc.record({ seat: fc.integer({ min: 0, max: 1 }), dir: fc.constantFrom<Dir>(-1, 0, 1), lead: fc.integer({ min: -5, max: 5 }), gap: fc.integer({ min: 0, max: 20 }), check: fc.boolean() }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        (seed, events, order) => {
          const server = new ServerModel(seed);
          const check = new MatchCheck(2);
          check.sync(server.tl.checkpoint());
          let now = 0;
          let seq = 0;
          for (const e of events) {
            now += e.gap;
            // The client stamps from its view of the present; a negative lead arrives late and is moved.
            const stamp = Math.max(0, now + e.lead);
            check.inputSent(e.seat, ++seq, stamp, e.dir, now);
            server.input(e.seat, stamp, e.dir, now);
            if (e.check) server.check(now);
          }
          server.check(now + 30);
          deliver(server, check, order);
          expect(check.totals.desyncs).toBe(0);
          expect(check.totals.badRelays).toBe(0);
          expect(check.totals.checked).toBeGreaterThan(0);
          expect(check.totals.exact + check.totals.moved).toBe(events.length);
          expect(check.waitingCount).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a wrong digest is a desync", () => {
    const server = new ServerModel(7);
    const check = new MatchCheck(2);
    check.sync(server.tl.checkpoint());
    check.inputSent(0, 1, 10, 1, 0);
    server.input(0, 10, 1, 5);
    server.check(40, true);
    deliver(server, check, [false]);
    // Each socket's copy is checked: both disagree.
    expect(check.totals.desyncs).toBe(2);
    expect(check.samples[0]).toMatch(/check at tick 40/);
    // The report says what the model knew: the server's acks (unknown here) and its inputs still unresolved (none).
    expect(check.samples[0]).toMatch(/seat 0: server ack \?, pending here \[\]; seat 1: server ack \?/);
  });

  it("a point's late copy is not re-checked against a state a forfeit at the same tick already changed", () => {
    // The load bench's ending: seat 0 resigns as a point falls due, so the server announces the point
    // at T and then game_over (forfeit: seat 0 out) at the same T. Seat 1's socket hears both before
    // seat 0's socket delivers its copy of the point.
    const server = new ServerModel(5);
    const check = new MatchCheck(2);
    check.sync(server.tl.checkpoint());
    server.tl.stepTo(40);
    const point = server.tl.digest();
    const out = server.tl.clone();
    out.eliminate(0);
    check.authoritative({ seat: 1, tick: 40, digest: point, kind: "point" });
    check.authoritative({ seat: 1, tick: 40, digest: out.digest(), kind: "game_over (forfeit)", eliminate: [0] });
    check.authoritative({ seat: 0, tick: 40, digest: point, kind: "point" });
    check.authoritative({ seat: 0, tick: 40, digest: out.digest(), kind: "game_over (forfeit)", eliminate: [0] });
    expect(check.totals).toMatchObject({ checked: 4, desyncs: 0 });
    // A copy with another digest is still a desync.
    check.authoritative({ seat: 0, tick: 40, digest: (point ^ 1) >>> 0, kind: "point" });
    expect(check.totals.desyncs).toBe(1);
  });

  it("an input placed at the wrong tick by the server is a desync", () => {
    const server = new ServerModel(11);
    const check = new MatchCheck(2);
    check.sync(server.tl.checkpoint());
    check.inputSent(1, 1, 20, -1, 0);
    // The server applies it at 20 but relays 21: its digests no longer match the relayed story.
    server.tl.addInput({ tick: 20, seat: 1, dir: -1 });
    server.out[0].push({ kind: "relay", tick: 21, seat: 1, dir: -1 });
    server.check(25); // before the paddle reaches the wall either way
    deliver(server, check, [false]);
    expect(check.totals.desyncs).toBe(2);
  });

  it("waits for an input still in flight before checking a later digest", () => {
    const server = new ServerModel(3);
    const check = new MatchCheck(2);
    check.sync(server.tl.checkpoint());
    // Seat 0 stamps 50; the server reaches 60 (a check goes out) before the input arrives and moves it to 60.
    check.inputSent(0, 1, 50, 1, 0);
    server.check(60);
    check.authoritative({ seat: 0, tick: 60, digest: server.out[0][0].digest!, kind: "check" });
    expect(check.totals.checked).toBe(0);
    expect(check.waitingCount).toBe(1);
    server.input(0, 50, 1, 60);
    server.check(120);
    const relay = server.out[1].find((f) => f.kind === "relay")!;
    expect(relay.tick).toBe(60);
    const sent = check.relayed(0, relay.tick, relay.dir!);
    expect(sent?.at).toBe(0);
    check.authoritative({ seat: 1, tick: 120, digest: server.out[1][server.out[1].length - 1].digest!, kind: "check" });
    expect(check.totals).toMatchObject({ checked: 2, desyncs: 0, moved: 1, exact: 0 });
  });

  it("a refused input releases the digests waiting for it; a relay of nothing sent is counted", () => {
    const server = new ServerModel(5);
    const check = new MatchCheck(2);
    check.sync(server.tl.checkpoint());
    check.inputSent(0, 1, 500, 1, 0);
    server.check(30);
    check.authoritative({ seat: 1, tick: 30, digest: server.out[1][0].digest!, kind: "check" });
    expect(check.totals.checked).toBe(1); // stamped after 30: cannot change it
    server.check(600);
    check.authoritative({ seat: 1, tick: 600, digest: server.out[1][1].digest!, kind: "check" });
    expect(check.waitingCount).toBe(1);
    check.refused(0, 1);
    expect(check.totals).toMatchObject({ checked: 2, desyncs: 0, refused: 1 });
    expect(check.relayed(1, 700, 1)).toBeNull();
    expect(check.totals.badRelays).toBe(1);
  });

  it("a forfeit's game_over is checked after taking the loser out", () => {
    const server = new ServerModel(9);
    const check = new MatchCheck(2);
    check.sync(server.tl.checkpoint());
    server.tl.stepTo(100);
    server.tl.eliminate(0);
    check.authoritative({ seat: 1, tick: 100, digest: server.tl.digest(), kind: "game_over", eliminate: [0] });
    expect(check.totals).toMatchObject({ checked: 1, desyncs: 0 });
  });
});
