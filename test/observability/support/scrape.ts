/** Scraping GET /metrics from inside workerd, and waiting for values to arrive. */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { delta, parseExposition, value, type Exposition } from "./prom";

export const METRICS_URL = "http://example.com/metrics";

export async function scrape(): Promise<Exposition> {
  const res = await SELF.fetch(METRICS_URL, { headers: { Authorization: `Bearer ${env.METRICS_TOKEN}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${await res.text()}`);
  return parseExposition(await res.text());
}

/** Scrapes until `pred` holds (reports are asynchronous), or throws with the last values. */
export async function scrapeUntil(pred: (e: Exposition) => boolean, what: string, ms = 8000): Promise<Exposition> {
  const deadline = Date.now() + ms;
  let last: Exposition | null = null;
  while (Date.now() < deadline) {
    last = await scrape();
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  const pong = last ? last.samples.filter((s) => s.value !== 0 && s.name.startsWith("pong_")).map((s) => `${s.name}${JSON.stringify(s.labels)}=${s.value}`) : [];
  throw new Error(`timed out waiting for ${what}; non-zero: ${pong.join(" ")}`);
}

export { delta, value };
