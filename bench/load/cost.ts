/**
 * Cloudflare cost of a game-hour (Durable Objects on Workers Paid, list prices), from units the
 * GameSessions counted during a load step and the CPU the server used. Pure.
 *
 * Assumptions, written out (the markdown repeats them under the table):
 * - Requests: incoming WebSocket messages are billed 20:1; every alarm invocation is a request.
 * - Rows written: every `setAlarm` and every storage `put` is one row (the objects count both).
 * - Duration: a match holds no timer, so between events its object is idle and hibernation-eligible,
 *   which is not billed ("idle and eligible for hibernation are not billed for duration", Durable
 *   Objects pricing). Billed duration is then the time handlers run. Estimated from CPU: the server's
 *   CPU seconds per match (whole wrangler dev process group / N, so the runtime's own socket work
 *   is included and the estimate is high), times 128 MB. Handlers await nothing remote (storage is
 *   local to the object), so wall time ≈ CPU time; `durationFloorMsPerEvent` adds a floor per event
 *   for the pessimistic line.
 * - Free allowances ignored (a marginal cost). The stateless Worker's own requests (API calls, the
 *   two upgrades) are per match, not per hour: shown apart.
 */
export const PRICES = {
  source: "Workers Paid list prices as noted in shared/reference/workers-notes.md",
  readOn: "2026-12-04",
  requestsPerMillionUsd: 0.15,
  gbSecondsPerMillionUsd: 12.5,
  rowsWrittenPerMillionUsd: 1.0,
  memoryGb: 0.125,
  wsMessagesPerRequest: 20,
} as const;

export interface Units {
  /** Incoming WebSocket messages. */
  messagesIn: number;
  alarms: number;
  /** Other billed requests (WebSocket upgrades, RPC calls into the object). */
  otherRequests: number;
  /** Rows written: setAlarm calls + puts. */
  rowsWritten: number;
  /** Seconds the object is billed as active. */
  activeSeconds: number;
}

export interface Cost {
  requests: number;
  gbSeconds: number;
  rowsWritten: number;
  usd: { requests: number; duration: number; rows: number; total: number };
}

export function costOf(u: Units): Cost {
  const requests = u.messagesIn / PRICES.wsMessagesPerRequest + u.alarms + u.otherRequests;
  const gbSeconds = u.activeSeconds * PRICES.memoryGb;
  const usd = {
    requests: (requests / 1e6) * PRICES.requestsPerMillionUsd,
    duration: (gbSeconds / 1e6) * PRICES.gbSecondsPerMillionUsd,
    rows: (u.rowsWritten / 1e6) * PRICES.rowsWrittenPerMillionUsd,
    total: 0,
  };
  usd.total = usd.requests + usd.duration + usd.rows;
  return { requests, gbSeconds, rowsWritten: u.rowsWritten, usd };
}

/** What a load step measured, per match (window rates scaled to one hour). */
export interface GameHourInput {
  messagesInPerHour: number;
  alarmsPerHour: number;
  rowsWrittenPerHour: number;
  /** Server CPU per concurrent match, % of one core (process group / N). */
  serverCpuPctPerMatch: number;
}

export interface GameHourCost {
  units: Units;
  cost: Cost;
  /** The same with every request (message or alarm) holding the object at least `floorMs`. */
  pessimistic: { floorMs: number; activeSeconds: number; cost: Cost };
}

/** Cost of one game-hour under the assumptions above. */
export function gameHourCost(m: GameHourInput, durationFloorMsPerEvent = 5): GameHourCost {
  const handlerSeconds = (m.serverCpuPctPerMatch / 100) * 3600;
  const units: Units = { messagesIn: m.messagesInPerHour, alarms: m.alarmsPerHour, otherRequests: 0, rowsWritten: m.rowsWrittenPerHour, activeSeconds: handlerSeconds };
  const events = m.messagesInPerHour + m.alarmsPerHour;
  const pessimisticSeconds = Math.max(handlerSeconds, (events * durationFloorMsPerEvent) / 1000);
  return {
    units,
    cost: costOf(units),
    pessimistic: { floorMs: durationFloorMsPerEvent, activeSeconds: pessimisticSeconds, cost: costOf({ ...units, activeSeconds: pessimisticSeconds }) },
  };
}

/** Per match outside play: two WebSocket upgrades and three RPCs into the GameSession (init, two claimSeat). */
export const PER_MATCH_REQUESTS = 5;

export function pricesLine(): string {
  return (
    `${PRICES.source} (read ${PRICES.readOn}): requests $${PRICES.requestsPerMillionUsd.toFixed(2)}/M ` +
    `(incoming WebSocket messages ${PRICES.wsMessagesPerRequest}:1, alarm invocations count), duration $${PRICES.gbSecondsPerMillionUsd.toFixed(2)}/M GB-s ` +
    `at ${PRICES.memoryGb * 1024} MB, rows written $${PRICES.rowsWrittenPerMillionUsd.toFixed(2)}/M; free allowances ignored`
  );
}
