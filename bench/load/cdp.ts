/**
 * A minimal Chrome DevTools Protocol client for workerd's inspector (the app workerd that
 * `wrangler dev` starts listens with --inspector-addr): CPU profiles and counting breakpoints.
 */
import WebSocket from "ws";

export class Cdp {
  private id = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private listeners: ((method: string, params: Record<string, unknown>) => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (raw) => {
      const msg = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: Record<string, unknown> };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.error) p.reject(new Error(msg.error.message));
        else p.resolve(msg.result);
      } else if (msg.method) {
        for (const l of this.listeners) l(msg.method, msg.params ?? {});
      }
    });
  }

  /** Connects to the first target the inspector at 127.0.0.1:port lists (the Worker's isolate). */
  static async connect(port: number): Promise<Cdp> {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl?: string; id?: string; title?: string }[];
    const target = list.find((t) => t.webSocketDebuggerUrl) ?? list[0];
    const url = target?.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target?.id ?? ""}`;
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new Cdp(ws);
  }

  on(fn: (method: string, params: Record<string, unknown>) => void): void {
    this.listeners.push(fn);
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.id;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function (ms and share of all samples), heaviest first. */
export function selfTimes(p: CpuProfile, top = 25): { fn: string; selfMs: number; share: number }[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const ms = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) ms.set(samples[i], (ms.get(samples[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
  const totals = new Map<string, number>();
  let all = 0;
  for (const [id, t] of ms) {
    const n = byId.get(id);
    if (!n) continue;
    const url = n.callFrame.url.split("/").slice(-1)[0];
    const key = `${n.callFrame.functionName || "(anonymous)"}${url ? ` ${url}:${n.callFrame.lineNumber + 1}` : ""}`;
    totals.set(key, (totals.get(key) ?? 0) + t);
    all += t;
  }
  return [...totals.entries()]
    .map(([fn, selfMs]) => ({ fn, selfMs, share: all ? selfMs / all : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
}

/** Inclusive time of the heaviest call paths under functions whose name matches `re`. */
export function inclusiveOf(p: CpuProfile, re: RegExp): { fn: string; totalMs: number; share: number }[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  let all = 0;
  for (let i = 0; i < samples.length; i++) {
    const t = (deltas[i] ?? 0) / 1000;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + t);
    all += t;
  }
  const totals = new Map<string, number>();
  for (const [id, t] of self) {
    // Credit each matching function once per sample path.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      const name = n.callFrame.functionName;
      if (name && re.test(name) && !seen.has(name)) {
        seen.add(name);
        totals.set(name, (totals.get(name) ?? 0) + t);
      }
    }
  }
  return [...totals.entries()].map(([fn, totalMs]) => ({ fn, totalMs, share: all ? totalMs / all : 0 })).sort((a, b) => b.totalMs - a.totalMs);
}
