/**
 * A loopback TCP port for a server that a test or the bench is about to start (wrangler dev, its
 * inspector, Prometheus, the stand-in Logstash). One helper for the bench, the browser e2e harness
 * and the observability tests.
 *
 * Why not `listen(0)` and close: the kernel picks that port from the ephemeral range, the range every
 * outgoing connection takes its local port from. wrangler needs seconds to bind the port it is
 * given, and in that time a bot's, Chromium's or workerd's own outgoing connection can take it. CI
 * failed on exactly that ("Address already in use (127.0.0.1:33525)", the bench smoke's second
 * wrangler dev). A port below the ephemeral range is never handed to an outgoing connection, so only
 * another explicit listener could take it; ports handed out by this process are not handed out twice.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** How many ports below the ephemeral range to draw from. */
const SPAN = 10_000;
const handedOut = new Set<number>();

/** The kernel's ephemeral port range (Linux); the usual default where it cannot be read. */
export function ephemeralRange(file = "/proc/sys/net/ipv4/ip_local_port_range"): [number, number] {
  try {
    const [lo, hi] = readFileSync(file, "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // not Linux: fall through
  }
  return [32768, 60999];
}

/** The ports to draw from: below the ephemeral range, else above it, at least 1024. */
export function candidateRange([lo, hi]: [number, number]): [number, number] {
  if (lo - 1 - 1024 >= 1000) return [Math.max(1024, lo - SPAN), lo - 1];
  if (65535 - hi >= 1000) return [hi + 1, Math.min(65535, hi + SPAN)];
  throw new Error(`no port range outside the ephemeral range ${lo}-${hi} is wide enough`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.unref();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A port that is free on 127.0.0.1 now, outside the ephemeral range, not handed out before here. */
export async function listenPort(range = candidateRange(ephemeralRange())): Promise<number> {
  const [lo, hi] = range;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found in ${lo}-${hi} after 200 tries`);
}
