/** NetPlay: the browser's glue between protocol 5 messages and the rollback session (no socket, no DOM). */
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../../src/shared/engine";
import { NetPlay } from "../../../src/client/online/netplay";
import type { ClientMessage, SyncMsg, WelcomeMsg } from "../../../src/shared/protocol/messages";
import { MatchTimeline, tickAt } from "../../../src/shared/timeline";

const OFFSET = 1_000_000; // server epoch ms minus local ms
const ONE_WAY = 40;
const T0 = OFFSET + 500; // the match clock started at local 500

function welcome(role: "player" | "spectator"): WelcomeMsg {
  return {
    type: "welcome",
    gameId: "G",
    mode: "2p",
    phase: "playing",
    you: { userId: "u", username: "u", seat: role === "player" ? 0 : -1, side: role === "player" ? "left" : null, role, ack: -1 },
    players: [],
    config: { engine: defaultConfig("2p", { winScore: 50 }), tickHz: 60, maxLeadTicks: 30, snapshotHz: 0, rejoinTimeoutS: 20, countdownS: 1 },
    protocol: 4,
    tick: 0,
    serverTime: 0,
    tournamentId: null,
    isPrivate: false,
  };
}

function sync(): SyncMsg {
  const tl = MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 9);
  return { type: "sync", tick: 0, t0: T0, running: true, timeline: tl.checkpoint(), digest: tl.digest(), acks: [-1, -1], reason: "join" };
}

/** A NetPlay with a measured clock (five symmetric samples) at local time `now`. */
function started(role: "player" | "spectator", now: number): { net: NetPlay; sent: ClientMessage[] } {
  const sent: ClientMessage[] = [];
  const net = new NetPlay(welcome(role), (m) => sent.push(m), now, 0);
  net.onSync(sync());
  for (let i = 0; i < 5; i++) {
    const c = now - 1000 + i * 100;
    net.onTime(c, c + ONE_WAY + OFFSET, c + 2 * ONE_WAY);
  }
  return { net, sent };
}

const serverTick = (localNow: number) => tickAt({ t0: T0, tickHz: 60 }, localNow + OFFSET);

describe("NetPlay", () => {
  it("a player runs ahead of the server by one-way latency plus a margin and stamps inputs with its own tick", () => {
    const { net, sent } = started("player", 2000);
    net.frame(2000);
    const ahead = net.state!.tick - serverTick(2000);
    // 40 ms one way + 20 ms margin = 60 ms = 3.6 ticks.
    expect(ahead).toBeGreaterThanOrEqual(3);
    expect(ahead).toBeLessThanOrEqual(4);
    net.steer(-1, 2001);
    const input = sent.find((m) => m.type === "input");
    expect(input).toEqual({ type: "input", seq: 0, tick: net.state!.tick, dir: -1 });
    // The press shows on the next frame: the paddle is drawn moving before the step that applies it.
    const before = net.state!.paddles[0].pos;
    expect(net.frame(2002)!.paddles[0].pos).toBeLessThan(before);
    // Same direction again: nothing new is sent.
    net.steer(-1, 2003);
    expect(sent.filter((m) => m.type === "input")).toHaveLength(1);
  });

  it("a spectator runs behind the server and applies relays without rewinding", () => {
    const { net } = started("spectator", 2000);
    net.frame(2000);
    expect(net.state!.tick).toBeLessThan(serverTick(2000));
    net.onRelay({ kind: "input", tick: serverTick(2000), seat: 1, dir: 1 }, 2000 + ONE_WAY);
    net.frame(2100);
    expect(net.stats.rewinds).toBe(0);
    expect(net.stats.relays).toBe(1);
  });

  it("a relay for a past tick rewinds the player's simulation; the server's matching digest checks pass", () => {
    const { net } = started("player", 2000);
    net.frame(2000);
    const past = serverTick(2000) - 2;
    net.onRelay({ kind: "input", tick: past, seat: 1, dir: 1 }, 2000);
    expect(net.stats.relays).toBe(1);
    net.frame(2001);
    expect(net.stats.rewinds).toBe(1);
    // The server's state at `past + 5` with that input:
    const server = MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 9);
    server.addInput({ tick: past, seat: 1, dir: 1 });
    server.stepTo(past + 5);
    net.onRelay({ kind: "check", tick: past + 5, digest: server.digest(), acks: [-1, -1] }, 2200);
    net.frame(2600);
    expect(net.stats.digestsMatched).toBe(1);
    expect(net.stats.mismatches).toBe(0);
  });

  it("a digest that disagrees asks for a sync (once), and input_moved raises the lead", () => {
    const { net, sent } = started("player", 2000);
    net.frame(2000);
    const lead = net.stats.leadMs;
    net.onRelay({ kind: "check", tick: serverTick(2000), digest: 12345, acks: [-1, -1] }, 2000);
    // No own input of this client is missing from it: compared at the next frame.
    net.frame(2001);
    expect(sent.filter((m) => m.type === "resync")).toEqual([{ type: "resync", tick: serverTick(2000), digest: expect.any(Number) }]);
    expect(net.stats.mismatches).toBe(1);
    net.steer(1, 2401);
    const input = sent.find((m) => m.type === "input")!;
    net.onInputMoved({ type: "input_moved", seq: 0, stamp: (input as { tick: number }).tick, tick: (input as { tick: number }).tick + 3 }, 2500);
    net.frame(2501);
    expect(net.stats.moved).toBe(1);
    expect(net.stats.leadMs).toBeGreaterThan(lead + 3 * (1000 / 60));
  });

  it("a digest taken before an own input arrived waits for that input's notice, however late a latency spike makes it", () => {
    const { net, sent } = started("player", 2000);
    net.frame(2000);
    net.steer(-1, 2001);
    const stamp = (sent.find((m) => m.type === "input") as { tick: number }).tick;
    // The server took its digest at a tick past the stamp before the input reached it (ack -1)...
    const server = MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 9);
    const at = stamp + 2;
    server.stepTo(at);
    net.onRelay({ kind: "check", tick: at, digest: server.digest(), acks: [-1, -1] }, 2010);
    // ...and the spike holds the input's notice for far longer than a round trip plus jitter.
    net.frame(2300);
    net.frame(2590);
    expect(net.stats.mismatches).toBe(0);
    expect(sent.filter((m) => m.type === "resync")).toHaveLength(0);
    expect(net.stats.digestsMatched).toBe(0);
    net.onInputMoved({ type: "input_moved", seq: 0, stamp, tick: at }, 2600);
    net.frame(2601);
    expect(net.stats.digestsMatched).toBe(1);
    expect(net.stats.mismatches).toBe(0);
  });

  it("a digest taken after the server applied an own input is compared at once, and a real difference asks for a sync", () => {
    const { net, sent } = started("player", 2000);
    net.frame(2000);
    net.steer(-1, 2001);
    const stamp = (sent.find((m) => m.type === "input") as { tick: number }).tick;
    // The server applied it at its stamp (ack 0), but claims a state the client cannot have.
    net.onRelay({ kind: "check", tick: stamp + 1, digest: 12345, acks: [0, -1] }, 2010);
    net.frame(2011);
    expect(net.stats.mismatches).toBe(1);
    expect(sent.filter((m) => m.type === "resync")).toEqual([{ type: "resync", tick: stamp + 1, digest: expect.any(Number) }]);
  });

  it("never sends more inputs than half the server's frame budget, however often the direction flips", () => {
    const { net, sent } = started("player", 2000);
    for (let f = 0; f < 120; f++) net.steer(f % 2 ? 1 : -1, 2000 + f * (1000 / 60));
    const inputs = sent.filter((m) => m.type === "input").length;
    expect(inputs).toBeGreaterThan(40);
    expect(inputs).toBeLessThanOrEqual(30 + 60);
  });

  it("a sync after a mismatch replaces the simulation and keeps the own inputs still on their way", () => {
    const { net, sent } = started("player", 2000);
    net.frame(2000);
    net.steer(-1, 2001);
    const stamp = (sent.find((m) => m.type === "input") as { tick: number }).tick;
    // The server is behind (its present) and has not received the input yet.
    const server = MatchTimeline.start(defaultConfig("2p", { winScore: 50 }), 9);
    server.stepTo(serverTick(2001));
    net.onSync({ type: "sync", tick: server.tick, t0: T0, running: true, timeline: server.checkpoint(), digest: server.digest(), acks: [-1, -1], reason: "mismatch" });
    expect(net.stats.syncs).toBe(2);
    net.frame(2300);
    // The own input is applied at its stamp in the new simulation too: same as the server will have.
    server.addInput({ tick: stamp, seat: 0, dir: -1 });
    server.stepTo(net.state!.tick);
    expect(net.state!.paddles[0].pos).toBe(server.state.paddles[0].pos);
    expect(net.state!.paddles[0].pos).toBeLessThan(300);
  });
});
