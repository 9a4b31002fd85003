/**
 * Cloudflare cost of a match from counted billable units (Durable Objects on Workers Paid).
 * Prices: Workers Paid list prices as noted in shared/reference/workers-notes.md (read 2026-11-25):
 * requests $0.15 per million (incoming WebSocket messages count 20:1, alarm invocations count),
 * duration $12.50 per million GB-s (128 MB per object while active, i.e. not hibernated),
 * SQLite storage rows written $1.00 per million (each setAlarm is one, each put is one).
 * Included monthly allowances are ignored (a marginal cost).
 */
export const PRICES = {
  source: "Workers Paid list prices as noted in shared/reference/workers-notes.md",
  readOn: "2026-11-25",
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
  /** Seconds the object is active in memory. */
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

export function pricesLine(): string {
  return (
    `${PRICES.source} (read ${PRICES.readOn}): requests $${PRICES.requestsPerMillionUsd.toFixed(2)}/M ` +
    `(incoming WebSocket messages ${PRICES.wsMessagesPerRequest}:1, alarm invocations count), duration $${PRICES.gbSecondsPerMillionUsd.toFixed(2)}/M GB-s ` +
    `at ${PRICES.memoryGb * 1024} MB, rows written $${PRICES.rowsWrittenPerMillionUsd.toFixed(2)}/M; free allowances ignored`
  );
}
