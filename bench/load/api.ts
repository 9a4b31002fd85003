/** HTTP calls the load bench makes against the app (accounts, games, admin stats). */
import type { LoopStatsSnapshot } from "../../src/objects/game-session/loop-stats";

export interface Account {
  username: string;
  userId: string;
  token: string;
}

export class Api {
  constructor(
    readonly baseUrl: string,
    readonly metricsToken: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (err) {
        // A kept-alive connection the server closed while idle: retry on a new one. (Creating a
        // game twice is harmless: the matchmaker returns the user's existing live game.)
        if (attempt < 3) continue;
        throw err;
      }
      const text = await res.text();
      if (res.ok) return (text ? JSON.parse(text) : null) as T;
      if ((res.status === 503 || res.status === 429) && attempt < 5) {
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        continue;
      }
      throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    }
  }

  async register(username: string, password: string): Promise<Account> {
    const r = await this.call<{ user: { id: string; username: string }; token: string }>("POST", "/api/auth/register", { username, password });
    return { username: r.user.username, userId: r.user.id, token: r.token };
  }

  createGame(a: Account, mode: "2p" | "4p" = "2p") {
    return this.call<{ gameId: string; seat: number; status: string }>("POST", "/api/games", { mode }, a.token);
  }

  joinGame(a: Account, gameId: string) {
    return this.call<{ gameId: string; seat: number; status: string }>("POST", `/api/games/${gameId}/join`, undefined, a.token);
  }

  gameStatus(a: Account, gameId: string) {
    return this.call<{ phase: string; players: { userId: string }[] }>("GET", `/api/games/${gameId}`, undefined, a.token);
  }

  stats(gameId: string) {
    return this.call<ServerStats>("GET", `/api/admin/games/${gameId}/stats`, undefined, this.metricsToken);
  }

  createTournament(a: Account, name: string) {
    return this.call<{ tournamentId: string; position: number }>("POST", "/api/tournaments", { name }, a.token);
  }

  joinTournament(a: Account, id: string) {
    return this.call<{ tournamentId: string; position: number }>("POST", `/api/tournaments/${id}/join`, undefined, a.token);
  }

  tournament(a: Account, id: string) {
    return this.call<{ chart: { status: string; matches: { id: string; gameId: string | null; status: string; players: ({ userId: string } | null)[] }[] } }>(
      "GET",
      `/api/tournaments/${id}`,
      undefined,
      a.token,
    );
  }
}

/** What GET /api/admin/games/:id/stats returns: the object's own loop stats plus its identity. */
export type ServerStats = LoopStatsSnapshot & { gameId: string | null; phase: string | null; driver: string | null };

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}

/** Cumulative tick-lateness histogram of every game, from the Prometheus exposition at /metrics. */
export interface LatenessScrape {
  /** Upper bounds in ms (Infinity last) and cumulative counts. */
  le: number[];
  counts: number[];
  count: number;
  sumMs: number;
}

export async function scrapeLateness(baseUrl: string, token: string): Promise<LatenessScrape | null> {
  try {
    const res = await fetch(`${baseUrl}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) return null;
    const text = await res.text();
    const le: number[] = [];
    const counts: number[] = [];
    let count = 0;
    let sumMs = 0;
    for (const line of text.split("\n")) {
      let m = /^pong_tick_lateness_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\}\s+([0-9.e+-]+)/.exec(line);
      if (m) {
        le.push(m[1] === "+Inf" ? Infinity : Number(m[1]) * 1000);
        counts.push(Number(m[2]));
        continue;
      }
      m = /^pong_tick_lateness_seconds_count(?:\{[^}]*\})?\s+([0-9.e+-]+)/.exec(line);
      if (m) count = Number(m[1]);
      m = /^pong_tick_lateness_seconds_sum(?:\{[^}]*\})?\s+([0-9.e+-]+)/.exec(line);
      if (m) sumMs = Number(m[1]) * 1000;
    }
    return le.length ? { le, counts, count, sumMs } : null;
  } catch {
    return null;
  }
}

/** What happened between two scrapes: share of loop runs at or under each bound, and the p50/p99 bucket bounds. */
export function latenessBetween(a: LatenessScrape | null, b: LatenessScrape | null) {
  if (!a || !b || a.le.length !== b.le.length) return null;
  const n = b.count - a.count;
  if (n <= 0) return null;
  const cum = b.counts.map((c, i) => c - a.counts[i]);
  const share = (boundMs: number) => {
    const i = b.le.findIndex((x) => x >= boundMs - 1e-9);
    return i < 0 ? 1 : cum[i] / n;
  };
  const q = (p: number) => {
    const i = cum.findIndex((c) => c >= p * n);
    return i < 0 ? Infinity : b.le[i];
  };
  return { runs: n, meanMs: (b.sumMs - a.sumMs) / n, within1Ms: share(1), within2Ms: share(2), within4Ms: share(4), p50AtMostMs: q(0.5), p99AtMostMs: q(0.99), buckets: b.le.map((le, i) => ({ le, count: cum[i] })) };
}
