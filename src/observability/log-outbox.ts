/**
 * The per-isolate outbox between logEvent() and the LogShipper object.
 *
 * logEvent() prints the line and hands it here. Lines logged in the same turn of the event loop
 * are sent together, in one RPC to the LogShipper, from a microtask: nothing is awaited by the
 * code that logged, no timer is started (a pending timer would keep a game object from
 * hibernating), and in a Worker request the RPC is kept alive with waitUntil. The outbox is
 * bounded: if the LogShipper cannot be reached, lines are kept (at most MAX_OUTBOX, oldest
 * dropped and counted) and retried with the next line logged in this isolate.
 *
 * Sharding: the LogShipper is LOG_SHARDS objects ("log-shipper-<i>"). Each isolate sends to the
 * shard its own random key hashes to, so the lines of one isolate stay in order in one buffer and
 * the load spreads over the shards; every shard ships its own batches to Logstash (the fan-in is
 * Logstash's). Raising LOG_SHARDS needs no migration: a shard no longer chosen drains its buffer.
 *
 * Forwarding is on when LOGSTASH_URL is set and LOG_FORWARDING is not "off"; the outbox is
 * wired to logEvent() by installLogForwarding() (explicit, no side effect on import).
 */
import { env as globalEnv, waitUntil } from "cloudflare:workers";
import { shardCount, shardOf } from "../shared/shard";
import { logLocal, setLogSink, setSecretValues, type LogLine } from "./log";
import type { ObservabilityEnv } from "./env";
import { trimKeepingAudit } from "./audit";

/** Shards when LOG_SHARDS is unset. */
export const DEFAULT_LOG_SHARDS = 4;

export function logShipperShardName(i: number): string {
  return `log-shipper-${i}`;
}

/** This isolate's key: random, drawn once (an isolate is one Worker instance or one object's). */
let isolateKey: string | null = null;

/** The LogShipper shard this isolate sends to. */
export function logShipperName(): string {
  isolateKey ??= crypto.randomUUID();
  return logShipperShardName(shardOf(isolateKey, shardCount(env()?.LOG_SHARDS, DEFAULT_LOG_SHARDS)));
}
export const MAX_OUTBOX = 1_000;

type Env = ObservabilityEnv & { JWT_SECRET?: string };

let queue: LogLine[] = [];
let droppedAtSource = 0;
let scheduled = false;
let override: boolean | null = null;

function env(): Env {
  return globalEnv as unknown as Env;
}

/** Tests: force forwarding on/off in this isolate regardless of the variables (null: back to them). */
export function setLogForwardingOverride(on: boolean | null): void {
  override = on;
}

export function forwardingEnabled(): boolean {
  const e = env();
  if (!e?.LOG_SHIPPER) return false;
  if (override !== null) return override;
  return typeof e.LOGSTASH_URL === "string" && e.LOGSTASH_URL.trim() !== "" && e.LOG_FORWARDING !== "off";
}

/** Lines waiting in this isolate (tests). */
export function outboxSize(): number {
  return queue.length;
}

function enqueue(line: LogLine): void {
  if (!forwardingEnabled()) return;
  queue.push(line);
  // Bounded, but a flood of ordinary lines never pushes audit lines out (audit.ts).
  droppedAtSource += trimKeepingAudit(queue, MAX_OUTBOX);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(() => void flushOutbox());
  }
}

/** Sends what is queued to the LogShipper. Resolves when delivered (or failed and re-queued). */
export function flushOutbox(): Promise<void> {
  scheduled = false;
  const ns = env()?.LOG_SHIPPER;
  if (!ns || (queue.length === 0 && droppedAtSource === 0)) return Promise.resolve();
  const batch = queue;
  const dropped = droppedAtSource;
  queue = [];
  droppedAtSource = 0;
  const p = ns
    .get(ns.idFromName(logShipperName()))
    .ingest(batch, dropped)
    .then(
      () => undefined,
      (err: unknown) => {
        // Put the batch back in front of anything newer; the next logged line retries.
        queue = batch.concat(queue);
        droppedAtSource += dropped;
        droppedAtSource += trimKeepingAudit(queue, MAX_OUTBOX);
        logLocal("warn", "log_forwarder.outbox_failed", { message: `${batch.length} events kept for retry`, error: err }, "log-shipper");
      },
    );
  try {
    waitUntil(p);
  } catch {
    // No request context to extend (e.g. inside a Durable Object): the object stays alive anyway.
  }
  return p;
}

let installed = false;

/**
 * Makes this isolate's logEvent() lines go to the outbox (and masks the environment's secret
 * values in every line). Called once by the Worker entry (src/index.ts), which every isolate
 * of this script loads, Worker and Durable Objects alike; a second call does nothing.
 */
export function installLogForwarding(): void {
  if (installed) return;
  installed = true;
  setLogSink(enqueue);
  setSecretValues(() => {
    const e = env();
    return [e?.JWT_SECRET, e?.LOGSTASH_PASSWORD, e?.METRICS_TOKEN];
  });
}
