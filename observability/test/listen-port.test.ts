// The port helper every Node-side harness uses to start servers (scripts/listen-port.ts): the bench's
// wrangler dev, the browser e2e server, and this suite's wrangler dev, Prometheus and Logstash stand-in.
// It lives in this Node suite because the workerd suite cannot open sockets.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { candidateRange, ephemeralRange, listenPort } from "../../scripts/listen-port";

const held: Server[] = [];
const hold = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(port, "127.0.0.1", () => resolve());
    held.push(s);
  });
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe("listenPort", () => {
  it("reads the kernel's ephemeral range, and falls back to Linux's default without the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "pong-ports-"));
    writeFileSync(join(dir, "range"), "40000\t50000\n");
    expect(ephemeralRange(join(dir, "range"))).toEqual([40000, 50000]);
    expect(ephemeralRange(join(dir, "missing"))).toEqual([32768, 60999]);
  });

  it("draws below the ephemeral range, above it when there is no room below, and refuses when neither fits", () => {
    expect(candidateRange([32768, 60999])).toEqual([22768, 32767]);
    expect(candidateRange([1024, 50000])).toEqual([50001, 60000]);
    expect(() => candidateRange([1500, 65000])).toThrow(/no port range/);
  });

  it("hands out distinct ports outside this machine's ephemeral range that can be listened on", async () => {
    const [lo, hi] = ephemeralRange();
    const ports = [];
    for (let i = 0; i < 20; i++) ports.push(await listenPort());
    expect(new Set(ports).size).toBe(20);
    for (const p of ports) expect(p < lo || p > hi).toBe(true);
    await Promise.all(ports.slice(0, 3).map(hold)); // each really is free
  });

  it("never returns a port another process listens on", async () => {
    // Above the ephemeral range: the default draws never go there, so nothing here was handed out.
    const taken = ephemeralRange()[1] + 1 + Math.floor(Math.random() * 1000) * 2;
    const free = taken + 1;
    await hold(taken);
    expect(await listenPort([taken, free])).toBe(free);
    await expect(listenPort([taken, taken])).rejects.toThrow(/no free port/);
  });

  it("does not hand out the same port twice, even once it is free again", async () => {
    const p = await listenPort();
    await expect(listenPort([p, p])).rejects.toThrow(/no free port/);
  });
});
