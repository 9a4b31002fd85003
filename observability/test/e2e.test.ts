/**
 * End to end, for real on this machine: `wrangler dev` (fresh local D1), a real Prometheus
 * scraping it every second with the bearer token and evaluating the real alert rules, a stand-in
 * Logstash (a Node HTTP server with basic auth, started late so the forwarder first meets
 * connection failures and must retry), two bot players over real WebSockets playing a match to
 * the end. Then, through Prometheus's HTTP API: the scrape is up, the game metrics have the
 * expected values, every Grafana panel query parses and returns data, every alert rule evaluates;
 * `/metrics` passes `promtool check metrics` and is 401 without the token; the log documents
 * arrived, fit the index template, and nowhere (documents, Worker output) is a secret.
 *
 * Every process started here is killed afterwards, also on failure. Not run here: Elasticsearch,
 * Logstash, Kibana, Grafana (no Docker engine) — their parts are stand-ins or static checks.
 */
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { listenPort } from "../../scripts/listen-port";
import { encodeClientMessage } from "../../src/shared/protocol/messages";
import { validateAgainstMappings, type FieldMapping } from "../../test/observability/support/mapping";
import { parseExposition } from "../../test/observability/support/prom";
import { ingest, type LsTimestamp } from "./support/logstash-time";
import { json, OBS, read, ROOT, yaml } from "./support/repo";
import { start, stop, stopAll, tail, waitFor, type Proc } from "./support/procs";
import { has, need, NOT_RUN_HERE, REQUIRE_TOOLS, run } from "./support/tools";

const CAN_RUN = has("prometheus") && has("promtool");
if (!CAN_RUN) {
  if (REQUIRE_TOOLS) throw new Error("prometheus/promtool are not installed (Debian package prometheus)");
  console.warn("SKIPPED end-to-end: prometheus/promtool not installed (Debian package prometheus; .ci/run installs it)");
}

const METRICS_TOKEN = `e2e-metrics-${randomBytes(12).toString("hex")}`;
const JWT_SECRET = `e2e-jwt-${randomBytes(24).toString("hex")}`;
const LOGSTASH_USER = "e2e-shipper";
const LOGSTASH_PASSWORD = `e2e-logstash-${randomBytes(12).toString("hex")}`;
const PASSWORD = `Bot-Password-${randomBytes(6).toString("hex")}`;
const MAPPINGS = json<{ template: { mappings: { properties: Record<string, FieldMapping> } } }>("observability/elasticsearch/index-template.json").template.mappings.properties;

let dir = "";
let workerPort = 0;
let promPort = 0;
let logstashPort = 0;
let wrangler: Proc | null = null;
let prometheus: Proc | null = null;
let logstash: Server | null = null;
const received: { auth: string | undefined; docs: Record<string, unknown>[] }[] = [];
let refusedAuth = 0;
const sockets: WebSocket[] = [];

const env = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}`, CI: "1", FORCE_COLOR: "0" });
const worker = (path: string) => `http://127.0.0.1:${workerPort}${path}`;

async function promQuery(expr: string): Promise<{ status: string; error?: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } }> {
  const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await res.json()) as never;
}

/** What to show when a wait times out: the scrape, a few game series, and the Worker's recent output. */
function snapshot(): string {
  return `prometheus: ${tail(prometheus!, 10)}\nwrangler: ${tail(wrangler!, 30)}`;
}

/** The single value of a PromQL expression that should return one sample (NaN when empty). */
async function promValue(expr: string): Promise<number> {
  const r = await promQuery(expr);
  if (r.status !== "success") throw new Error(`${expr}: ${r.error}`);
  if (r.data.result.length === 0) return Number.NaN;
  return Number(r.data.result[0].value[1]);
}

async function postJson(path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(worker(path), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

function startLogstash(port: number): Promise<Server> {
  const expected = `Basic ${Buffer.from(`${LOGSTASH_USER}:${LOGSTASH_PASSWORD}`).toString("base64")}`;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.headers.authorization !== expected) {
        refusedAuth += 1;
        res.writeHead(401).end();
        return;
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
        received.push({ auth: req.headers.authorization, docs: (Array.isArray(body) ? body : [body]) as Record<string, unknown>[] });
        res.writeHead(200, { "Content-Type": "application/json" }).end('{"ok":true}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

interface Bot {
  ws: WebSocket;
  messages: { type: string; [k: string]: unknown }[];
  closed: Promise<number>;
}

function connect(gameId: string, token: string): Promise<Bot> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${workerPort}/ws/game/${gameId}`, { headers: { Authorization: `Bearer ${token}` } });
    sockets.push(ws);
    const messages: Bot["messages"] = [];
    const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        const text = data.toString();
        if (text !== "pong") messages.push(JSON.parse(text) as Bot["messages"][number]);
      }
    });
    ws.once("open", () => resolve({ ws, messages, closed }));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

function refusedUpgrade(gameId: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${workerPort}/ws/game/${gameId}`, { headers });
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once("open", () => {
      ws.close();
      reject(new Error("upgrade unexpectedly accepted"));
    });
    ws.once("error", () => undefined);
  });
}

const until = (bot: Bot, type: string, ms: number) =>
  waitFor(`${type} message`, async () => bot.messages.find((m) => m.type === type), ms, () => `got: ${bot.messages.map((m) => m.type).join(",")}`, 50);

const describeIf = CAN_RUN ? describe : describe.skip;

describeIf("end to end: wrangler dev + Prometheus + a bot match", () => {
  let gameId = "";
  const tokens: string[] = [];
  let failed = false;

  beforeAll(async () => {
    console.log(NOT_RUN_HERE);
    dir = mkdtempSync(`${tmpdir()}/pong-obs-e2e-`);
    [workerPort, promPort, logstashPort] = [await listenPort(), await listenPort(), await listenPort()];
    const persist = `${dir}/state`;
    // A snapshot of the Worker: `wrangler dev` reloads (and restarts every object, dropping the
    // game's sockets) whenever a watched source or asset file changes, which other people's edits
    // or builds in this tree would cause mid-match. So: bundle once (the production bundle, as
    // `wrangler deploy` would upload it), copy the client assets, and serve that copy.
    const bundle = run("bash", ["scripts/offline.sh", "wrangler", "deploy", "--dry-run", "--outdir", `${dir}/bundle`], { cwd: ROOT, env: env() });
    expect(bundle.status, bundle.stdout + bundle.stderr).toBe(0);
    mkdirSync(`${dir}/assets`);
    if (existsSync(`${ROOT}/dist/client`)) cpSync(`${ROOT}/dist/client`, `${dir}/assets`, { recursive: true });
    const toml = readFileSync(`${ROOT}/wrangler.toml`, "utf8");
    const config = toml
      .replace(/^main = .*$/m, `main = "${dir}/bundle/index.js"`)
      .replace(/^directory = .*$/m, `directory = "${dir}/assets"`)
      .replace(/^migrations_dir = .*$/m, `migrations_dir = "${ROOT}/migrations"`);
    for (const key of ["main", "directory", "migrations_dir"]) expect(config.match(new RegExp(`^${key} = .*${key === "migrations_dir" ? "migrations" : dir}`, "m")), key).toBeTruthy();
    writeFileSync(`${dir}/wrangler.toml`, config);

    const migrate = run("bash", [`${ROOT}/scripts/offline.sh`, "wrangler", "d1", "migrations", "apply", "DB", "--local", "--config", `${dir}/wrangler.toml`, "--persist-to", persist], { cwd: dir, env: env() });
    expect(migrate.status, migrate.stdout + migrate.stderr).toBe(0);

    const vars = {
      METRICS_TOKEN,
      JWT_SECRET,
      WIN_SCORE: "1",
      COUNTDOWN_S: "1",
      // The stand-in Logstash starts only later: the first deliveries fail and must be retried.
      LOGSTASH_URL: `http://127.0.0.1:${logstashPort}/`,
      LOGSTASH_USER,
      LOGSTASH_PASSWORD,
      LOG_BATCH_SIZE: "20",
      LOG_BATCH_MAX_AGE_MS: "300",
      LOG_RETRY_BASE_MS: "200",
      LOG_RETRY_MAX_MS: "1000",
    };
    const varArgs = Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
    wrangler = start("wrangler", "bash", [`${ROOT}/scripts/offline.sh`, "wrangler", "dev", "--config", `${dir}/wrangler.toml`, "--no-bundle", "--port", String(workerPort), "--ip", "127.0.0.1", "--persist-to", persist, "--inspector-port", String(await listenPort()), ...varArgs], {
      cwd: dir,
      env: env(),
      logFile: `${dir}/wrangler.log`,
    });
    await waitFor("wrangler dev", async () => (await fetch(worker("/healthz"))).ok, 90_000, () => tail(wrangler!));

    writeFileSync(`${dir}/token`, METRICS_TOKEN);
    writeFileSync(
      `${dir}/prometheus.yml`,
      [
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "  evaluation_interval: 1s",
        "rule_files:",
        `  - ${OBS}/prometheus/alert_rules.yml`,
        "scrape_configs:",
        "  - job_name: pong-worker",
        "    metrics_path: /metrics",
        "    authorization:",
        "      type: Bearer",
        `      credentials_file: ${dir}/token`,
        "    static_configs:",
        `      - targets: ["127.0.0.1:${workerPort}"]`,
        "        labels:",
        "          env: e2e",
        "",
      ].join("\n"),
    );
    prometheus = start(
      "prometheus",
      "prometheus",
      [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/prom-data`, `--web.listen-address=127.0.0.1:${promPort}`, "--log.level=warn"],
      { cwd: dir, env: env(), logFile: `${dir}/prometheus.log` },
    );
    await waitFor("Prometheus ready", async () => (await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok, 30_000, () => tail(prometheus!));
  }, 180_000);

  afterEach(({ task }) => {
    if (task.result?.state === "fail") failed = true;
  });

  afterAll(async () => {
    // Keep the processes' output of a failed run (test-results/ is git-ignored).
    if (failed && dir) {
      const out = `${ROOT}/test-results/observability-e2e`;
      mkdirSync(out, { recursive: true });
      for (const f of ["wrangler.log", "prometheus.log"]) if (existsSync(`${dir}/${f}`)) writeFileSync(`${out}/${f}`, readFileSync(`${dir}/${f}`));
      console.warn(`end-to-end failed: process output kept in ${out}`);
    }
    for (const s of sockets) s.terminate();
    if (logstash) await new Promise((r) => logstash!.close(r));
    if (prometheus) await stop(prometheus);
    if (wrangler) await stop(wrangler);
    await stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(NOT_RUN_HERE);
  }, 60_000);

  it("plays a bot match over real WebSockets (register, a failed and a good login, matchmaking, refused upgrades)", async () => {
    for (const name of ["e2ebotA", "e2ebotB"]) {
      const username = `${name}${randomBytes(3).toString("hex")}`;
      const res = await postJson("/api/auth/register", { username, password: PASSWORD });
      expect(res.status, await res.clone().text()).toBe(201);
      tokens.push(((await res.json()) as { token: string }).token);
      if (name === "e2ebotA") {
        expect((await postJson("/api/auth/login", { username, password: `${PASSWORD}-wrong` })).status).toBe(401);
        const ok = await postJson("/api/auth/login", { username, password: PASSWORD });
        expect(ok.status).toBe(200);
      }
    }
    const plays = [];
    for (const t of tokens) {
      const res = await postJson("/api/play", { mode: "2p" }, t);
      expect(res.status).toBe(200);
      plays.push((await res.json()) as { gameId: string });
    }
    gameId = plays[0].gameId;
    expect(plays[1].gameId).toBe(gameId);
    expect(await refusedUpgrade(gameId, {})).toBe(401);
    expect(await refusedUpgrade(gameId, { Authorization: `Bearer ${tokens[0]}`, Origin: "https://evil.example" })).toBe(403);

    const bots = [await connect(gameId, tokens[0]), await connect(gameId, tokens[1])];
    await until(bots[0], "game_started", 20_000);
    // Logstash comes up now: everything logged so far met a refused connection first.
    logstash = await startLogstash(logstashPort);
    // Park both paddles at the top: serves get through, points come fast. Stamped for tick 0, which
    // has passed: the server applies each at its current tick (protocol 2's rule for a late stamp).
    bots.forEach((b) => b.ws.send(encodeClientMessage({ type: "input", seq: 1, tick: 0, dir: -1 })));
    const over = await until(bots[0], "game_over", 40_000);
    expect(over.reason).toBe("normal");
    for (const b of bots) expect(await b.closed).toBe(1000);
  }, 90_000);

  it("Prometheus scrapes /metrics (up) and sees the match: started 1, finished 1 (normal), duration, sockets, frames, ticks, logins, rejects", async () => {
    await waitFor("the finished game in Prometheus", async () => (await promValue('sum(pong_games_finished_total{job="pong-worker",reason="normal"})')) === 1, 30_000, () => snapshot());
    await waitFor("gauges back to zero", async () => (await promValue("sum(pong_games_active)")) === 0 && (await promValue("sum(pong_websockets_open)")) === 0, 20_000);
    const expectations: [string, (v: number) => boolean, string][] = [
      ['up{job="pong-worker"}', (v) => v === 1, "== 1"],
      ["sum(pong_games_started_total)", (v) => v === 1, "== 1"],
      ['pong_games_started_total{mode="2p"}', (v) => v === 1, "== 1"],
      ['sum(pong_games_finished_total{reason="normal"})', (v) => v === 1, "== 1"],
      ['sum(pong_games_finished_total{reason=~"forfeit|abandoned"})', (v) => v === 0, "== 0"],
      ['pong_game_duration_seconds_count{mode="2p"}', (v) => v === 1, "== 1"],
      ['pong_game_duration_seconds_sum{mode="2p"}', (v) => v > 0 && v < 60, "in (0, 60)"],
      ['pong_websocket_connections_total{role="player"}', (v) => v === 2, "== 2"],
      ['pong_websocket_closes_total{reason="game_over"}', (v) => v === 2, "== 2"],
      ['pong_websocket_closes_total{reason="client"}', (v) => v === 0, "== 0 (an echoed close is not a second close)"],
      ['pong_websocket_rejections_total{reason="unauthorized",kind="game"}', (v) => v === 1, "== 1"],
      ['pong_websocket_rejections_total{reason="forbidden_origin",kind="game"}', (v) => v === 1, "== 1"],
      ['pong_websocket_messages_received_total{outcome="ok"}', (v) => v === 2, "== 2"],
      // Protocol 2 sends what a client cannot compute: each input relayed once (binary), and the
      // JSON events (countdown, game_started, points, game_over).
      ['pong_websocket_messages_sent_total{kind="binary"}', (v) => v >= 2, ">= 2 (the two relayed inputs)"],
      ['pong_websocket_messages_sent_total{kind="json"}', (v) => v > 10, "> 10"],
      // Each of the two inputs was relayed to the other player, and how long the object held it observed.
      ['pong_input_relay_latency_seconds_count{mode="2p"}', (v) => v === 2, "== 2"],
      ['pong_input_relay_latency_seconds_bucket{mode="2p",le="+Inf"}', (v) => v === 2, "== 2"],
      ["sum(pong_websocket_sent_bytes_total)", (v) => v > 1000, "> 1000"],
      // One observation per alarm the game ran (countdown, predicted points, checkpoints). How many
      // fall before the game's last metrics flush varies (2-4 seen in a 5-point match): at least one.
      ["pong_tick_lateness_seconds_count", (v) => v >= 1, ">= 1"],
      ["sum(pong_players_connected)", (v) => v === 0, "== 0"],
      ['pong_auth_logins_total{outcome="invalid_credentials"}', (v) => v === 1, "== 1"],
      ['pong_auth_logins_total{outcome="success"}', (v) => v === 1, "== 1"],
      ['pong_auth_registrations_total{outcome="success"}', (v) => v === 2, "== 2"],
      ['pong_http_requests_total{route="/api/play",method="POST",status="200"}', (v) => v === 2, "== 2"],
      ['pong_http_requests_total{route="/api/auth/login",method="POST",status="401"}', (v) => v === 1, "== 1"],
      ['sum(pong_http_request_duration_seconds_count{route="/api/auth/register"})', (v) => v === 2, "== 2"],
      ['pong_http_requests_total{route="/metrics",status="200"}', (v) => v >= 1, ">= 1"],
      ["pong_metrics_rejected_samples_total", (v) => v === 0, "== 0"],
    ];
    // Polled briefly: the last requests reach the Metrics object with the next scrape.
    let failures: string[] = [];
    await waitFor(
      "the expected values",
      async () => {
        failures = [];
        for (const [expr, ok, want] of expectations) {
          const v = await promValue(expr);
          if (!ok(v)) failures.push(`${expr} = ${v}, want ${want}`);
        }
        return failures.length === 0;
      },
      15_000,
      () => failures.join("\n"),
      500,
    ).catch(() => undefined);
    expect(failures).toEqual([]);
  }, 60_000);

  it("the forwarder retried through refused connections and delivered the logs; each document fits the index template; no secrets anywhere", async () => {
    await waitFor(
      "game.over shipped",
      async () => received.flatMap((b) => b.docs).some((d) => d.event === "game.over" && d.gameId === gameId),
      30_000,
      () => tail(wrangler!),
    );
    await waitFor("forwarder metrics", async () => (await promValue('pong_log_forwarder_batches_total{outcome="failed"}')) >= 1 && (await promValue('pong_log_forwarder_batches_total{outcome="sent"}')) >= 1, 20_000);
    expect(refusedAuth).toBe(0);
    const docs = received.flatMap((b) => b.docs);
    const events = new Set(docs.map((d) => d.event));
    for (const e of ["auth.registered", "auth.login_failed", "auth.login_succeeded", "match.opened", "game.created", "game.started", "game.over", "ws.rejected", "http.request"]) expect(events, e).toContain(e);
    // The access log names route patterns, never raw ids.
    expect(docs.filter((d) => d.event === "http.request").map((d) => d.route)).toContain("/ws/game/:gameId");
    const over = docs.find((d) => d.event === "game.over" && d.gameId === gameId)!;
    expect(over).toMatchObject({ level: "info", service: "game", mode: "2p", reason: "normal" });
    for (const d of docs) expect(validateAgainstMappings(d, MAPPINGS), JSON.stringify(d)).toEqual([]);
    // Replayed through the pipeline's event-time handling (support/logstash-time.ts): every
    // document keeps the time the Worker gave it, and none is tagged.
    const conf = read("observability/logstash/logstash.conf");
    for (const d of docs) {
      const e = ingest(conf, d, Date.now());
      expect(e.tags, JSON.stringify(d)).toEqual([]);
      expect((e.fields["@timestamp"] as LsTimestamp).epochMs).toBe(Date.parse(String(d["@timestamp"])));
    }
    expect(await promValue('pong_log_forwarder_events_total{outcome="dropped"}')).toBe(0);

    const secrets = [PASSWORD, METRICS_TOKEN, JWT_SECRET, LOGSTASH_PASSWORD, ...tokens];
    const shipped = JSON.stringify(docs);
    const workerOutput = readFileSync(wrangler!.logFile, "utf8");
    // wrangler prints the --var values it was given in its bindings table ("(hidden)" for none
    // of them); only the Worker's own log lines are checked, i.e. the JSON lines.
    const workerLogs = workerOutput.split("\n").filter((l) => l.includes('"event":')).join("\n");
    expect(workerLogs.length).toBeGreaterThan(100);
    for (const s of secrets) {
      expect(shipped.includes(s), `a shipped document contains a secret (${s.slice(0, 8)}…)`).toBe(false);
      expect(workerLogs.includes(s), `the Worker logged a secret (${s.slice(0, 8)}…)`).toBe(false);
    }
  }, 60_000);

  it("every Grafana panel query parses and returns data; the dashboards' env variable finds the target", async () => {
    const problems: string[] = [];
    let count = 0;
    for (const file of readdirSync(`${OBS}/grafana/dashboards`).filter((f) => f.endsWith(".json"))) {
      const d = JSON.parse(readFileSync(`${OBS}/grafana/dashboards/${file}`, "utf8")) as { panels: { type: string; title: string; targets?: { expr: string }[] }[] };
      for (const p of d.panels) {
        for (const t of p.targets ?? []) {
          count += 1;
          // Grafana's variables as Grafana would expand them for "All" (rate windows of 1 minute:
          // the whole run so far).
          const expr = t.expr.replaceAll("$__rate_interval", "1m").replaceAll("$__interval", "15s").replaceAll('"$env"', '".*"');
          const r = await promQuery(expr);
          if (r.status !== "success") problems.push(`${file} "${p.title}": ${r.error} in ${expr}`);
          else if (r.data.result.length === 0) problems.push(`${file} "${p.title}": no data for ${expr}`);
        }
      }
    }
    expect(count).toBeGreaterThan(25);
    expect(problems).toEqual([]);
    const envs = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/label/env/values?match[]=${encodeURIComponent('up{job=~"pong-worker.*"}')}`)).json()) as { data: string[] };
    expect(envs.data).toContain("e2e");
  }, 60_000);

  it("every alert rule evaluates without error against the live metrics (and none fires for a healthy match)", async () => {
    type Rules = { data: { groups: { rules: { name: string; health: string; lastError?: string; state: string; type: string }[] }[] } };
    const rules = await waitFor(
      "rules evaluated",
      async () => {
        const r = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/rules`)).json()) as Rules;
        const all = r.data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((x) => x.health !== "unknown") ? all : null;
      },
      20_000,
    );
    const declared = yaml<{ groups: { rules: unknown[] }[] }>("observability/prometheus/alert_rules.yml").groups.flatMap((g) => g.rules);
    expect(declared.length).toBeGreaterThanOrEqual(9);
    expect(rules.length).toBe(declared.length);
    for (const r of rules) expect(r.health, `${r.name}: ${r.lastError ?? ""}`).toBe("ok");
    expect(rules.filter((r) => r.state === "firing").map((r) => r.name)).toEqual([]);
  }, 30_000);

  it("/metrics: 401 without or with a wrong token; its text passes `promtool check metrics` and parses strictly", async () => {
    expect((await fetch(worker("/metrics"))).status).toBe(401);
    expect((await fetch(worker("/metrics"), { headers: { Authorization: "Bearer wrong-wrong-wrong-wrong" } })).status).toBe(401);
    const res = await fetch(worker("/metrics"), { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    parseExposition(text);
    if (need("promtool", "prometheus")) {
      const r = run("promtool", ["check", "metrics"], { input: text });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect((r.stdout + r.stderr).trim()).toBe("");
    }
  }, 30_000);
});
