/** HTTP calls the load bench makes against the app (accounts, games, admin stats). */
export interface Account {
  username: string;
  userId: string;
  token: string;
}

export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly metricsToken: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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

/** What GET /api/admin/games/:id/stats returns (src/objects/game-session/loop-stats.ts). */
export interface ServerStats {
  ticks: number;
  skippedTicks: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  latenessMaxMs: number;
  wakeups: number;
  alarms: number;
  storageWrites: number;
  setAlarms: number;
  messagesIn: number;
  bytesIn: number;
  framesOut: number;
  bytesOut: number;
  snapshots: number;
  activeSinceMs: number;
  gameId: string | null;
  phase: string | null;
  driver: string | null;
}

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
