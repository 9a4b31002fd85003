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

/** What GET /api/admin/games/:id/stats returns: the object's own counters (alarm lateness, billable units) plus its identity. */
export type ServerStats = LoopStatsSnapshot & { gameId: string | null; phase: string | null; driver: string | null; assisted?: boolean; unaskedPoints?: number; wakes?: number };

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

/** A counter summed over its series at /metrics (Prometheus text), or null if unreadable/absent. */
export async function scrapeCounter(baseUrl: string, token: string, name: string): Promise<number | null> {
  try {
    const res = await fetch(`${baseUrl}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) return null;
    let total = 0;
    let seen = false;
    for (const line of (await res.text()).split("\n")) {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.e+-]+)`).exec(line);
      if (m) {
        total += Number(m[1]);
        seen = true;
      }
    }
    return seen ? total : 0;
  } catch {
    return null;
  }
}
