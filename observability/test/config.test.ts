/**
 * Static validation of everything in observability/ and the compose file, as strictly as this
 * machine allows: promtool, amtool and docker-compose (v1.29) run for real; Elasticsearch,
 * Logstash, Kibana and Grafana cannot run here, so their files are checked against hand-written
 * schemas and against each other (mappings vs. visualizations, metric names vs. the registry...).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allExposedNames, METRICS } from "../../src/observability/metrics/registry";
import type { FieldMapping } from "../../test/observability/support/mapping";
import { json, OBS, read, ROOT, yaml } from "./support/repo";
import {
  compile,
  DURATION,
  errorsOf,
  GRAFANA_DASHBOARD_PROVIDERS_SCHEMA,
  GRAFANA_DASHBOARD_SCHEMA,
  GRAFANA_DATASOURCES_SCHEMA,
  ILM_POLICY_SCHEMA,
  INDEX_TEMPLATE_SCHEMA,
  KIBANA_SCHEMAS,
} from "./support/schemas";
import { need, NOT_RUN_HERE, run } from "./support/tools";

const COMPOSE = "docker-compose.observability.yml";
const EXPORTED = allExposedNames();

beforeAll(() => console.log(NOT_RUN_HERE));
afterAll(() => console.log(NOT_RUN_HERE));

/** Metric names (pong_*) an expression refers to. */
function metricNames(expr: string): string[] {
  return [...new Set(expr.match(/\bpong_[a-z0-9_]+\b/g) ?? [])];
}

function expectValid(validate: ReturnType<typeof compile>, data: unknown, what: string): void {
  const ok = validate(data);
  expect(ok ? [] : errorsOf(validate), what).toEqual([]);
}

/** Elasticsearch duration in ms. */
function durationMs(d: string): number {
  const m = new RegExp(DURATION).exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  const n = Number.parseInt(d, 10);
  const unit = m[1];
  const f: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1, micros: 0.001, nanos: 0.000001 };
  return n * f[unit];
}

// ------------------------------------------------------------------ Prometheus and Alertmanager

describe("Prometheus", () => {
  it("promtool check config (paths mapped to temporary copies of the files the stack mounts)", () => {
    if (!need("promtool", "prometheus")) return;
    const dir = mkdtempSync(`${tmpdir()}/pong-promcheck-`);
    try {
      mkdirSync(`${dir}/secrets`);
      mkdirSync(`${dir}/targets`);
      writeFileSync(`${dir}/secrets/metrics_token_local`, "x");
      writeFileSync(`${dir}/secrets/metrics_token`, "x");
      writeFileSync(`${dir}/targets/pong-worker.json`, "[]");
      writeFileSync(`${dir}/targets/pong-worker-local.json`, "[]");
      const cfg = read("observability/prometheus/prometheus.yml")
        .replaceAll("/etc/prometheus/alert_rules.yml", `${OBS}/prometheus/alert_rules.yml`)
        .replaceAll("/etc/prometheus/secrets/", `${dir}/secrets/`)
        .replaceAll("/etc/prometheus/targets/", `${dir}/targets/`);
      writeFileSync(`${dir}/prometheus.yml`, cfg);
      const r = run("promtool", ["check", "config", `${dir}/prometheus.yml`]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("scrapes the Worker with a bearer token from a file (never inline), production over HTTPS, each target only when configured, and the stack itself", () => {
    type Job = {
      job_name: string;
      metrics_path?: string;
      scheme?: string;
      authorization?: { type?: string; credentials?: string; credentials_file?: string };
      static_configs?: { targets: string[]; labels?: Record<string, string> }[];
      file_sd_configs?: { files: string[] }[];
      dns_sd_configs?: { names: string[] }[];
      relabel_configs?: { target_label?: string; replacement?: string }[];
    };
    const cfg = yaml<{ scrape_configs: Job[]; rule_files: string[] }>("observability/prometheus/prometheus.yml");
    const jobs = new Map(cfg.scrape_configs.map((j) => [j.job_name, j]));
    for (const name of ["pong-worker-local", "pong-worker"]) {
      const j = jobs.get(name)!;
      expect(j, name).toBeDefined();
      expect(j.metrics_path).toBe("/metrics");
      expect(j.authorization?.type).toBe("Bearer");
      expect(j.authorization?.credentials_file).toMatch(/^\/etc\/prometheus\/secrets\//);
      expect(j.authorization?.credentials).toBeUndefined();
    }
    // No fixed Worker target: both come from files the setup service writes from .env (an empty
    // list when unset), so "scrape down" is not red before there is a Worker to scrape.
    expect(jobs.get("pong-worker")!.scheme).toBe("https");
    expect(jobs.get("pong-worker")!.file_sd_configs![0].files).toEqual(["/etc/prometheus/targets/pong-worker.json"]);
    expect(jobs.get("pong-worker-local")!.file_sd_configs![0].files).toEqual(["/etc/prometheus/targets/pong-worker-local.json"]);
    for (const name of ["pong-worker-local", "pong-worker"]) expect(jobs.get(name)!.static_configs, name).toBeUndefined();
    const setup = read("observability/setup/setup-secrets.sh");
    expect(setup).toContain("targets pong-worker.json");
    expect(setup).toContain("targets pong-worker-local.json");
    for (const name of ["prometheus", "alertmanager", "node", "grafana"]) expect(jobs.has(name), name).toBe(true);
    // node-exporter is an opt-in profile: found by DNS, so no target (rather than a down one) without it.
    expect(jobs.get("node")!.dns_sd_configs![0].names).toEqual(["node-exporter"]);
    // Every job carries an env label (the dashboards' $env variable).
    for (const j of cfg.scrape_configs) {
      for (const sc of j.static_configs ?? []) expect(sc.labels?.env, j.job_name).toBeTruthy();
      if (j.dns_sd_configs) expect(j.relabel_configs?.some((r) => r.target_label === "env" && r.replacement), j.job_name).toBe(true);
    }
    expect(cfg.rule_files).toEqual(["/etc/prometheus/alert_rules.yml"]);
  });

  it("promtool check rules and promtool test rules pass", () => {
    if (!need("promtool", "prometheus")) return;
    const check = run("promtool", ["check", "rules", `${OBS}/prometheus/alert_rules.yml`]);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const test = run("promtool", ["test", "rules", `${OBS}/prometheus/alert_rules.test.yml`]);
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain("SUCCESS");
  });

  it("alerts use only exported metrics, are documented and unit-tested, and cover what must be watched", () => {
    type Rule = { alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    const rules = yaml<{ groups: { name: string; rules: Rule[] }[] }>("observability/prometheus/alert_rules.yml").groups.flatMap((g) => g.rules);
    const tests = yaml<{ tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] }>("observability/prometheus/alert_rules.test.yml");
    const tested = new Map<string, { fires: boolean; quiet: boolean }>();
    for (const t of tests.tests) {
      for (const a of t.alert_rule_test ?? []) {
        const cur = tested.get(a.alertname) ?? { fires: false, quiet: false };
        if (a.exp_alerts.length > 0) cur.fires = true;
        else cur.quiet = true;
        tested.set(a.alertname, cur);
      }
    }
    const names = rules.map((r) => r.alert);
    for (const r of rules) {
      expect(r.alert, r.expr).toBeTruthy();
      for (const m of metricNames(r.expr)) expect(EXPORTED.has(m), `${r.alert} uses ${m}, which the Worker does not export`).toBe(true);
      expect(r.for, r.alert).toBeDefined();
      expect(r.labels?.severity, r.alert).toMatch(/critical|warning/);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      expect(r.annotations?.description, r.alert).toBeTruthy();
      expect(tested.get(r.alert!)?.fires, `${r.alert} has a promtool test where it fires`).toBe(true);
    }
    for (const a of tested.keys()) expect(names, `test for unknown alert ${a}`).toContain(a);
    const exprs = rules.map((r) => r.expr).join("\n");
    // The brief: no scrape, error rate, tick lateness, forfeits, forwarder dropping, login failures.
    expect(exprs).toMatch(/up\{job=~"pong-worker/);
    // Issue 13: what players feel (desyncs, results waiting to be recorded, input relay latency).
    for (const m of ["pong_http_requests_total", "pong_tick_lateness_seconds_bucket", "pong_games_finished_total", "pong_log_forwarder_events_total", "pong_auth_logins_total", "pong_game_desyncs_total", "pong_results_pending", "pong_input_relay_latency_seconds_bucket", "pong_log_forwarder_oldest_event_age_seconds"]) {
      expect(exprs).toContain(m);
    }
  });
});

describe("Alertmanager", () => {
  const CONFIGS = ["alertmanager.yml", "alertmanager.slack.yml", "alertmanager.email.yml"];
  type Receiver = { name: string; [integration: string]: unknown };
  type AmConfig = { global?: Record<string, unknown>; route: { receiver: string; routes?: { receiver: string }[] }; receivers: Receiver[]; inhibit_rules?: { target_matchers: string[] }[] };

  it("amtool check-config passes for the default and both documented options (and rejects a broken copy)", () => {
    if (!need("amtool", "prometheus-alertmanager")) return;
    for (const f of CONFIGS) {
      const r = run("amtool", ["check-config", `${OBS}/alertmanager/${f}`]);
      expect(r.status, f + r.stdout + r.stderr).toBe(0);
    }
    const dir = mkdtempSync(`${tmpdir()}/pong-amcheck-`);
    try {
      writeFileSync(`${dir}/bad.yml`, read("observability/alertmanager/alertmanager.yml").replace("receiver: ui-only", "receiver: nobody"));
      expect(run("amtool", ["check-config", `${dir}/bad.yml`]).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the default sends nowhere (a receiver without integrations: nothing retries and fails); the options read their secrets from files", () => {
    const def = yaml<AmConfig>("observability/alertmanager/alertmanager.yml");
    const receivers = new Map(def.receivers.map((r) => [r.name, r]));
    expect(Object.keys(receivers.get(def.route.receiver)!)).toEqual(["name"]);
    for (const r of def.route.routes ?? []) expect(Object.keys(receivers.get(r.receiver)!)).toEqual(["name"]);
    const slack = read("observability/alertmanager/alertmanager.slack.yml");
    expect(slack).not.toMatch(/hooks\.slack\.com|api_url:\s/);
    expect(slack).toContain("api_url_file: /etc/alertmanager/secrets/slack_webhook_url");
    const email = yaml<AmConfig>("observability/alertmanager/alertmanager.email.yml");
    expect(email.global?.smtp_auth_password_file).toBe("/etc/alertmanager/secrets/smtp_password");
    expect(read("observability/alertmanager/alertmanager.email.yml")).not.toMatch(/smtp_auth_password:/);
    // The files the setup service writes are the ones the options read; the compose file picks the option.
    const setup = read("observability/setup/setup-secrets.sh");
    expect(setup).toContain('"$AM_SECRETS/slack_webhook_url"');
    expect(setup).toContain('"$AM_SECRETS/smtp_password"');
    for (const f of CONFIGS) expect(setup, f).toContain(f);
    expect(read(COMPOSE)).toContain("--config.file=/etc/alertmanager/config/${ALERTMANAGER_CONFIG:-alertmanager.yml}");
    // Inhibitions name real alerts.
    const alerts = yaml<{ groups: { rules: { alert: string }[] }[] }>("observability/prometheus/alert_rules.yml").groups.flatMap((g) => g.rules.map((r) => r.alert));
    for (const f of CONFIGS) {
      for (const rule of yaml<AmConfig>(`observability/alertmanager/${f}`).inhibit_rules ?? []) {
        for (const name of rule.target_matchers.join(" ").match(/Pong[A-Za-z]+/g) ?? []) expect(alerts, `${f} inhibits ${name}`).toContain(name);
      }
    }
  });
});

describe("Caddy (public-ingest profile)", () => {
  it("`caddy validate` accepts the Caddyfile; it proxies POST / to Logstash's input port and keeps no access log", () => {
    const text = read("observability/caddy/Caddyfile");
    expect(text).toContain("reverse_proxy logstash:8080");
    expect(read("observability/logstash/logstash.conf")).toMatch(/port => 8080/);
    expect(text.replace(/#[^\n]*/g, "")).not.toMatch(/\blog\b/);
    if (!need("caddy", "caddy")) return;
    const env = { ...process.env, LOGSTASH_PUBLIC_HOST: "logs.example.com", HOME: tmpdir(), XDG_DATA_HOME: tmpdir(), XDG_CONFIG_HOME: tmpdir() };
    const ok = run("caddy", ["validate", "--adapter", "caddyfile", "--config", `${OBS}/caddy/Caddyfile`], { env });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const dir = mkdtempSync(`${tmpdir()}/pong-caddy-`);
    try {
      writeFileSync(`${dir}/Caddyfile`, text.replace("reverse_proxy logstash:8080", "reverse_proxi logstash:8080"));
      expect(run("caddy", ["validate", "--adapter", "caddyfile", "--config", `${dir}/Caddyfile`], { env }).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ------------------------------------------------------------------ compose

type Service = {
  image: string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: Record<string, unknown>;
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  logging?: unknown;
  [k: string]: unknown;
};
type Compose = { services: Record<string, Service>; volumes: Record<string, unknown>; [k: string]: unknown };

const ONE_SHOT = new Set(["setup-secrets", "es-setup", "kibana-setup"]);
const EXPECTED_SERVICES = ["elasticsearch", "logstash", "kibana", "prometheus", "alertmanager", "grafana", "node-exporter", "caddy", "es-setup", "kibana-setup", "setup-secrets"];
/** Opt-in services and their profile; everything else starts with a plain `up`. */
const PROFILES: Record<string, string> = { caddy: "public-ingest", "node-exporter": "host-metrics" };
/** The only ports published beyond loopback: the public-ingest entry (ACME challenge, HTTPS). */
const PUBLIC_PORTS: Record<string, string[]> = { caddy: ["80:80", "443:443"] };

/** A copy of the compose file in a fresh directory, with `envText` as its .env (null: none). */
function composeDir(envText: string | null): string {
  const dir = mkdtempSync(`${tmpdir()}/pong-compose-`);
  writeFileSync(`${dir}/${COMPOSE}`, read(COMPOSE));
  if (envText !== null) writeFileSync(`${dir}/.env`, envText);
  return dir;
}

/** .env.example with every empty secret filled in, as an operator would. */
function filledEnv(): string {
  return read("observability/.env.example").replace(/^([A-Z_]*(?:PASSWORD|_KEY))=$/gm, "$1=filled-in-0123456789abcdefghijklmnopqrstuvwxyz");
}

/** The environment without anything that could stand in for .env values. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !/PASSWORD|_KEY|_USER|TOKEN|^COMPOSE_|^ELASTIC|^KIBANA|^LOGSTASH|^GRAFANA|^PONG_|^ALERT/.test(k)));

describe("the compose file", () => {
  const compose = yaml<Compose>(COMPOSE);

  it("the plain `docker-compose -f docker-compose.observability.yml config -q` (Debian's v1.29) passes with a filled-in .env beside the file, no --env-file", () => {
    if (!need("docker-compose", "docker-compose")) return;
    const dir = composeDir(filledEnv());
    try {
      const ok = run("docker-compose", ["-f", COMPOSE, "config", "-q"], { cwd: dir, env: cleanEnv() });
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout + ok.stderr).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start, naming the variable, without a .env, with the example's empty secrets, and with each secret left empty", () => {
    if (!need("docker-compose", "docker-compose")) return;
    const attempt = (envText: string | null) => {
      const dir = composeDir(envText);
      try {
        return run("docker-compose", ["-f", COMPOSE, "config", "-q"], { cwd: dir, env: cleanEnv() });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    for (const envText of [null, read("observability/.env.example")]) {
      const r = attempt(envText);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/set [A-Z_]+ in \.env \(cp observability\/\.env\.example \.env\)/);
    }
    // Every required variable, one at a time: the message names exactly that one.
    const required = [...new Set([...read(COMPOSE).matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]))];
    expect(required.length).toBeGreaterThanOrEqual(12);
    for (const v of required) {
      const r = attempt(filledEnv().replace(new RegExp(`^${v}=.*$`, "m"), `${v}=`));
      expect(r.status, v).not.toBe(0);
      expect(r.stderr, v).toContain(`set ${v} in .env`);
    }
  });

  it("opt-in services sit in their profiles; every other service starts with a plain `up`", () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (PROFILES[name]) expect(s.profiles, name).toEqual([PROFILES[name]]);
      else expect(s.profiles, name).toBeUndefined();
    }
    // node-exporter's host mount lives only in its profile.
    for (const [name, s] of Object.entries(compose.services)) if ((s.volumes ?? []).some((v) => v.startsWith("/:"))) expect(PROFILES[name], name).toBe("host-metrics");
    // The profiles are documented where the operator sets them.
    const example = read("observability/.env.example");
    for (const p of Object.values(PROFILES)) expect(example, p).toContain(p);
  });

  it("is Compose-spec shaped for v2 too: no top-level name, no healthcheck.start_interval, no version key", () => {
    expect(Object.keys(compose).sort()).toEqual(["services", "volumes", "x-logging"]);
    for (const [name, s] of Object.entries(compose.services)) expect(s.healthcheck?.start_interval, name).toBeUndefined();
  });

  it("runs every component, pinned, with health checks, restart policies, and ports on loopback only", () => {
    expect(Object.keys(compose.services).sort()).toEqual([...EXPECTED_SERVICES].sort());
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.image, name).toMatch(/^[a-z0-9./_-]+:v?\d+\.\d+\.\d+$/);
      expect(s.logging, name).toBeDefined();
      if (ONE_SHOT.has(name)) {
        expect(s.restart, name).toBe("no");
      } else {
        expect(s.healthcheck, `${name} has a health check`).toBeDefined();
        expect(s.restart, name).toBe("unless-stopped");
      }
      for (const p of s.ports ?? []) {
        if (PUBLIC_PORTS[name]?.includes(p)) continue;
        expect(p, `${name} publishes only on 127.0.0.1`).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      }
    }
    // Setup order: es-setup after a healthy Elasticsearch; its consumers after it completed.
    expect(compose.services["es-setup"].depends_on?.elasticsearch.condition).toBe("service_healthy");
    for (const s of ["logstash", "kibana", "grafana"]) expect(compose.services[s].depends_on?.["es-setup"].condition, s).toBe("service_completed_successfully");
    expect(compose.services["kibana-setup"].depends_on?.kibana.condition).toBe("service_healthy");
    for (const s of ["prometheus", "alertmanager"]) expect(compose.services[s].depends_on?.["setup-secrets"].condition, s).toBe("service_completed_successfully");
  });

  it("takes every credential from the environment (.env), none written in the file", () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [k, v] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD|SECRET|TOKEN|ENCRYPTIONKEY|_KEY$|WEBHOOK/.test(k)) expect(String(v), `${name}.${k}`).toMatch(/^\$\{[A-Z_]+(:[?-][^}]*)?\}$/);
      }
    }
    const code = read(COMPOSE)
      .split("\n")
      .filter((l) => !l.trim().startsWith("#"))
      .join("\n");
    expect(code).not.toMatch(/CHANGE_ME/);
    expect(code, "a literal password value").not.toMatch(/^\s*[A-Za-z_.]*password:\s*["']?[^$\s]/im);
  });

  it("documents every variable it uses in observability/.env.example (and nothing unused)", () => {
    const used = new Set([...read(COMPOSE).matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]));
    const documented = new Set(
      read("observability/.env.example")
        .split("\n")
        .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
        .map((l) => l.split("=")[0]),
    );
    expect([...used].filter((v) => !documented.has(v)), "used but not in .env.example").toEqual([]);
    // COMPOSE_PROFILES is read by compose itself, not interpolated.
    expect([...documented].filter((v) => !used.has(v) && v !== "COMPOSE_PROFILES"), "in .env.example but unused").toEqual([]);
    // Example secrets are empty: compose refuses them (previous test) until the operator fills them in.
    for (const line of read("observability/.env.example").split("\n")) {
      if (/^[A-Z_]*(PASSWORD|_KEY)=/.test(line)) expect(line, line).toMatch(/=$/);
    }
    // The operator's copy lives at the repository root and is never committed.
    expect(read(".gitignore")).toMatch(/^\.env$/m);
  });

  it("mounts only files and folders that exist", () => {
    const missing: string[] = [];
    let count = 0;
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const host = v.split(":")[0];
        if (host.startsWith("./") || host.startsWith("/")) {
          count += 1;
          const path = host.startsWith("./") ? `${ROOT}/${host.slice(2)}` : host;
          if (!existsSync(path)) missing.push(`${name}: ${host}`);
        } else {
          expect(compose.volumes, `${name} uses named volume ${host}`).toHaveProperty(host);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(14);
    // Alertmanager's three configurations are mounted as a folder; the one chosen must be in it.
    expect(existsSync(`${OBS}/alertmanager/alertmanager.yml`)).toBe(true);
  });

  it("mounts what the configs expect where they expect it", () => {
    const vol = (svc: string) => compose.services[svc].volumes ?? [];
    expect(vol("prometheus")).toContain("./observability/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    expect(vol("prometheus")).toContain("./observability/prometheus/alert_rules.yml:/etc/prometheus/alert_rules.yml:ro");
    expect(vol("logstash")).toContain("./observability/logstash/logstash.conf:/usr/share/logstash/pipeline/logstash.conf:ro");
    expect(vol("kibana-setup")).toContain("./observability/kibana/saved-objects.ndjson:/setup/kibana/saved-objects.ndjson:ro");
    expect(vol("es-setup")).toContain("./observability/elasticsearch/ilm-policy.json:/setup/elasticsearch/ilm-policy.json:ro");
    expect(vol("es-setup")).toContain("./observability/elasticsearch/index-template.json:/setup/elasticsearch/index-template.json:ro");
    expect(vol("alertmanager")).toContain("./observability/alertmanager:/etc/alertmanager/config:ro");
    expect(vol("caddy")).toContain("./observability/caddy/Caddyfile:/etc/caddy/Caddyfile:ro");
    const providers = yaml<{ providers: { options: { path: string } }[] }>("observability/grafana/provisioning/dashboards/dashboard_provisioning.yml").providers;
    expect(vol("grafana")).toContain(`./observability/grafana/dashboards:${providers[0].options.path}:ro`);
    // Every variable Logstash's pipeline reads is in its environment.
    const lsEnv = Object.keys(compose.services.logstash.environment ?? {});
    for (const m of read("observability/logstash/logstash.conf").matchAll(/\$\{([A-Z_]+)(:[^}]*)?\}/g)) {
      if (!m[2]) expect(lsEnv, `logstash needs ${m[1]}`).toContain(m[1]);
    }
    // And Grafana's provisioning.
    const gfEnv = Object.keys(compose.services.grafana.environment ?? {});
    for (const m of read("observability/grafana/provisioning/datasources/datasources.yml").matchAll(/\$\{([A-Z_]+)\}/g)) expect(gfEnv).toContain(m[1]);
  });

  it("setup-secrets.sh, run for real: Worker targets only when configured, valid file_sd JSON, and clear refusals", () => {
    const runSetup = (env: Record<string, string>) => {
      const out = mkdtempSync(`${tmpdir()}/pong-setup-`);
      const r = run("sh", [`${OBS}/setup/setup-secrets.sh`], { env: { PATH: process.env.PATH ?? "", SETUP_OUT: out, ...env } });
      const result = { ...r, targets: (f: string) => JSON.parse(readFileSync(`${out}/prometheus-targets/${f}`, "utf8")) as unknown };
      return { result, cleanup: () => rmSync(out, { recursive: true, force: true }) };
    };
    // Nothing configured: no Worker target at all (nothing can be "down"), the default Alertmanager.
    let s = runSetup({});
    try {
      expect(s.result.status, s.result.stderr).toBe(0);
      expect(s.result.targets("pong-worker.json")).toEqual([]);
      expect(s.result.targets("pong-worker-local.json")).toEqual([]);
    } finally {
      s.cleanup();
    }
    // Both Workers configured.
    s = runSetup({ PONG_WORKER_HOST: "pong-edge.example.workers.dev", PONG_WORKER_METRICS_TOKEN: "t0ken-t0ken-t0ken", PONG_LOCAL_WORKER: "host.docker.internal:8787" });
    try {
      expect(s.result.status, s.result.stderr).toBe(0);
      expect(s.result.targets("pong-worker.json")).toEqual([{ targets: ["pong-edge.example.workers.dev"], labels: { env: "production" } }]);
      expect(s.result.targets("pong-worker-local.json")).toEqual([{ targets: ["host.docker.internal:8787"], labels: { env: "local" } }]);
      expect(s.result.stdout + s.result.stderr).not.toContain("t0ken");
    } finally {
      s.cleanup();
    }
    // Refusals, each naming what to set.
    for (const [env, msg] of [
      [{ PONG_WORKER_HOST: "pong.example.com" }, "PONG_WORKER_METRICS_TOKEN is empty"],
      [{ PONG_WORKER_HOST: "https://pong.example.com/", PONG_WORKER_METRICS_TOKEN: "x" }, "PONG_WORKER_HOST must be a host[:port]"],
      [{ ALERTMANAGER_CONFIG: "alertmanager.slack.yml" }, "needs ALERT_SLACK_WEBHOOK_URL"],
      [{ ALERTMANAGER_CONFIG: "alertmanager.email.yml" }, "needs ALERT_SMTP_PASSWORD"],
      [{ ALERTMANAGER_CONFIG: "other.yml" }, "ALERTMANAGER_CONFIG must be"],
    ] as [Record<string, string>, string][]) {
      s = runSetup(env);
      try {
        expect(s.result.status, JSON.stringify(env)).not.toBe(0);
        expect(s.result.stderr, JSON.stringify(env)).toContain(msg);
      } finally {
        s.cleanup();
      }
    }
  });

  it("setup scripts are valid shell and never echo a secret", () => {
    for (const [sh, file] of [
      ["sh", "observability/setup/setup-secrets.sh"],
      ["bash", "observability/setup/setup-elasticsearch.sh"],
      ["bash", "observability/setup/setup-kibana.sh"],
    ]) {
      const r = run(sh, ["-n", `${ROOT}/${file}`]);
      expect(r.status, file + r.stderr).toBe(0);
      const text = read(file);
      expect(text, file).not.toMatch(/set -x|echo[^\n]*\$\{?[A-Z_]*(PASSWORD|TOKEN|WEBHOOK)/);
      expect(text, file).not.toMatch(/curl[^\n]*-u /);
    }
  });
});

// ------------------------------------------------------------------ Elasticsearch

describe("Elasticsearch ILM policy and index template", () => {
  const policy = json<{ policy: { phases: Record<string, { min_age: string; actions: Record<string, Record<string, string>> }> } }>("observability/elasticsearch/ilm-policy.json");
  const template = json<{ index_patterns: string[]; priority: number; template: { settings: { index: { lifecycle: { name: string } } }; mappings: { properties: Record<string, FieldMapping> } } }>(
    "observability/elasticsearch/index-template.json",
  );

  it("the ILM policy validates: hot rollover by age and size, then warm, then delete, with real increasing min_age values", () => {
    expectValid(compile(ILM_POLICY_SCHEMA), policy, "ilm-policy.json");
    const phases = policy.policy.phases;
    const order = ["hot", "warm", "cold", "delete"].filter((p) => p in phases);
    expect(order).toEqual(["hot", "warm", "delete"]);
    const ages = order.map((p) => durationMs(phases[p].min_age));
    for (let i = 1; i < ages.length; i++) expect(ages[i], `${order[i]} after ${order[i - 1]}`).toBeGreaterThan(ages[i - 1]);
    expect(durationMs(phases.delete.min_age)).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(durationMs(phases.hot.actions.rollover.max_age)).toBeLessThanOrEqual(durationMs(phases.warm.min_age));
    // The strict schema really is strict.
    const bad = structuredClone(policy) as unknown as Record<string, unknown>;
    bad.unknown = 1;
    expect(compile(ILM_POLICY_SCHEMA)(bad)).toBe(false);
  });

  it("the index template validates, uses that policy, and maps the log schema with real types", () => {
    expectValid(compile(INDEX_TEMPLATE_SCHEMA), template, "index-template.json");
    expect(template.template.settings.index.lifecycle.name).toBe("pong-logs");
    expect(read("observability/setup/setup-elasticsearch.sh")).toContain("/_ilm/policy/pong-logs");
    expect(read("observability/setup/setup-elasticsearch.sh")).toContain("/_index_template/pong-logs");
    const p = template.template.mappings.properties;
    const type = (f: string) => f.split(".").reduce<FieldMapping | undefined>((m, k, i) => (i === 0 ? p[k] : m?.properties?.[k]), undefined)?.type;
    expect(type("@timestamp")).toBe("date");
    for (const f of ["level", "event", "service", "gameId", "tournamentId", "userId", "mode", "reason"]) expect(type(f), f).toBe("keyword");
    expect(type("durationMs")).toBe("long");
    expect(type("message")).toBe("text");
    expect(p.error.type).toBe("object");
    expect(type("error.type")).toBe("keyword");
    expect(type("error.message")).toBe("text");
    expect(type("error.stack")).toBe("text");
    for (const f of ["type", "dataset", "namespace"]) expect(type(`data_stream.${f}`)).toBe("constant_keyword");
    // Logstash writes logs-pong-<namespace>: the template must match it, above the built-in logs template.
    const conf = read("observability/logstash/logstash.conf");
    expect(conf).toMatch(/data_stream_type => "logs"/);
    expect(conf).toMatch(/data_stream_dataset => "pong"/);
    expect(template.index_patterns).toEqual(["logs-pong-*"]);
    expect(template.priority).toBeGreaterThan(100);
  });
});

describe("the Logstash pipeline", () => {
  const conf = read("observability/logstash/logstash.conf");
  it("has an http input with basic auth from the environment, the json codec, the fallback date filter on _@timestamp, and an ES data-stream output with credentials from the environment", () => {
    expect(conf).toMatch(/input\s*\{\s*http\s*\{/);
    expect(conf).toMatch(/user => "\$\{LOGSTASH_HTTP_USER\}"/);
    expect(conf).toMatch(/password => "\$\{LOGSTASH_HTTP_PASSWORD\}"/);
    expect(conf).toMatch(/codec => json/);
    expect(conf).toMatch(/date \{[^}]*match => \["_@timestamp", "ISO8601", "UNIX_MS"\]/);
    expect(conf).toMatch(/elasticsearch \{/);
    expect(conf).toMatch(/user => "\$\{LOGSTASH_ES_USER\}"/);
    expect(conf).toMatch(/password => "\$\{LOGSTASH_ES_PASSWORD\}"/);
    expect(conf).toMatch(/data_stream => "true"/);
    expect(conf).toMatch(/manage_template => false/);
    // The basic-auth header the http input copies into [headers] is removed before indexing.
    expect(conf).toMatch(/remove_field => \["headers"/);
    // Only environment references after user/password, never literals.
    for (const m of conf.matchAll(/(?:user|password) => "([^"]*)"/g)) expect(m[1]).toMatch(/^\$\{[A-Z_]+\}$/);
    // Balanced braces: the file at least parses structurally.
    let depth = 0;
    for (const ch of conf.replace(/#[^\n]*/g, "").replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
      if (ch === "{") depth++;
      if (ch === "}") depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });
});

// ------------------------------------------------------------------ Kibana

type LensState = {
  datasourceStates: { formBased: { layers: Record<string, { columns: Record<string, { label: string; operationType: string; sourceField: string; isBucketed: boolean; params?: unknown }>; columnOrder: string[] }> } };
  visualization: unknown;
  query: { query: string; language: string };
};

describe("Kibana saved objects", () => {
  const lines = read("observability/kibana/saved-objects.ndjson").trim().split("\n");
  const objects = lines.map((l) => JSON.parse(l) as { type: string; id: string; attributes: Record<string, unknown>; references: { name: string; type: string; id: string }[] });
  const props = json<{ template: { mappings: { properties: Record<string, FieldMapping> } } }>("observability/elasticsearch/index-template.json").template.mappings.properties;
  const fieldType = (f: string) => f.split(".").reduce<FieldMapping | undefined>((m, k, i) => (i === 0 ? props[k] : m?.properties?.[k] ?? m?.fields?.[k]), undefined)?.type;

  it("the charts are Lens objects, none a legacy aggregation-based visualization", () => {
    expect(objects.filter((o) => o.type === "visualization").map((o) => o.id)).toEqual([]);
    expect(objects.filter((o) => o.type === "lens").length).toBeGreaterThanOrEqual(5);
  });

  it("each Lens object is internally consistent: a data-view reference per layer, column order = columns, every accessor a column", () => {
    for (const o of objects.filter((x) => x.type === "lens")) {
      const state = o.attributes.state as LensState;
      const layers = state.datasourceStates.formBased.layers;
      for (const [layerId, layer] of Object.entries(layers)) {
        expect(o.references, `${o.id} ${layerId}`).toContainEqual({ type: "index-pattern", id: "pong-logs", name: `indexpattern-datasource-layer-${layerId}` });
        expect([...layer.columnOrder].sort(), o.id).toEqual(Object.keys(layer.columns).sort());
        for (const c of Object.values(layer.columns)) {
          const orderBy = (c.params as { orderBy?: { type: string; columnId?: string } } | undefined)?.orderBy;
          if (orderBy?.type === "column") expect(Object.keys(layer.columns), `${o.id} orderBy`).toContain(orderBy.columnId);
          expect(c.isBucketed, `${o.id} ${c.label}`).toBe(["date_histogram", "terms"].includes(c.operationType));
        }
      }
      const vis = state.visualization as { layerId?: string; columns?: { columnId: string }[]; layers?: { layerId: string; xAccessor?: string; accessors: string[]; splitAccessor?: string }[] };
      const visLayers = o.attributes.visualizationType === "lnsXY" ? vis.layers! : [{ layerId: vis.layerId!, accessors: vis.columns!.map((c) => c.columnId) }];
      expect(visLayers.length, o.id).toBeGreaterThan(0);
      for (const l of visLayers) {
        const cols = Object.keys(layers[l.layerId]?.columns ?? {});
        expect(cols.length, `${o.id}: visualization layer ${l.layerId} has a datasource layer`).toBeGreaterThan(0);
        for (const a of [...l.accessors, ...("xAccessor" in l && l.xAccessor ? [l.xAccessor] : []), ...("splitAccessor" in l && l.splitAccessor ? [l.splitAccessor] : [])]) expect(cols, `${o.id} accessor ${a}`).toContain(a);
      }
    }
    // Dashboard panels are typed like what they reference.
    const dash = objects.find((o) => o.type === "dashboard")!;
    for (const p of JSON.parse(dash.attributes.panelsJSON as string) as { type: string; panelRefName: string }[]) {
      expect(p.type, p.panelRefName).toBe(dash.references.find((r) => r.name === p.panelRefName)!.type);
    }
  });

  it("validate per type; ids are unique; every reference resolves", () => {
    const ids = new Set<string>();
    for (const o of objects) {
      const schema = KIBANA_SCHEMAS[o.type];
      expect(schema, `unexpected type ${o.type}`).toBeDefined();
      expectValid(compile(schema), o, `${o.type} ${o.id}`);
      expect(ids.has(`${o.type}:${o.id}`)).toBe(false);
      ids.add(`${o.type}:${o.id}`);
    }
    for (const o of objects) for (const r of o.references) expect(ids.has(`${r.type}:${r.id}`), `${o.id} -> ${r.type}:${r.id}`).toBe(true);
  });

  it("a data view on the data stream, a dashboard with games started/finished, forfeits, login failures, errors by event", () => {
    const dv = objects.find((o) => o.type === "index-pattern")!;
    expect(dv.attributes.title).toBe("logs-pong-*");
    expect(fieldType(dv.attributes.timeFieldName as string)).toBe("date");
    const dash = objects.find((o) => o.type === "dashboard")!;
    const panels = JSON.parse(dash.attributes.panelsJSON as string) as { panelRefName: string; gridData: { x: number; w: number } }[];
    for (const p of panels) {
      expect(dash.references.map((r) => r.name)).toContain(p.panelRefName);
      expect(p.gridData.x + p.gridData.w).toBeLessThanOrEqual(48);
    }
    const titles = dash.references.map((r) => objects.find((o) => o.id === r.id)!.attributes.title as string).join(" | ");
    for (const t of ["Games started and finished", "Forfeits", "Login failures", "Errors by event"]) expect(titles).toContain(t);
  });

  it("visualizations and searches only use mapped fields with the right types", () => {
    for (const o of objects) {
      const meta = o.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string } | undefined;
      if (meta) {
        const ss = JSON.parse(meta.searchSourceJSON) as { query: { query: string; language: string }; indexRefName?: string };
        expect(ss.query.language).toBe("kuery");
        for (const m of ss.query.query.matchAll(/([A-Za-z@_.]+)\s*:/g)) expect(fieldType(m[1]), `${o.id}: KQL field ${m[1]}`).toBeDefined();
        if (ss.indexRefName) expect(o.references.map((r) => r.name)).toContain(ss.indexRefName);
      }
      if (o.type === "lens") {
        const state = o.attributes.state as LensState;
        for (const m of state.query.query.matchAll(/([A-Za-z@_.]+)\s*:/g)) expect(fieldType(m[1]), `${o.id}: KQL field ${m[1]}`).toBeDefined();
        for (const layer of Object.values(state.datasourceStates.formBased.layers)) {
          for (const [id, c] of Object.entries(layer.columns)) {
            if (c.operationType === "count") expect(c.sourceField, `${o.id} ${id}`).toBe("___records___");
            if (c.operationType === "date_histogram") expect(fieldType(c.sourceField), `${o.id} ${id}`).toBe("date");
            if (c.operationType === "terms") expect(fieldType(c.sourceField), `${o.id}: terms on ${c.sourceField}`).toBe("keyword");
          }
        }
      }
      if (o.type === "search") for (const c of o.attributes.columns as string[]) expect(fieldType(c), `${o.id} column ${c}`).toBeDefined();
    }
  });
});

// ------------------------------------------------------------------ Grafana

describe("Grafana provisioning and dashboards", () => {
  const datasources = yaml<{ datasources: { uid: string; type: string }[] }>("observability/grafana/provisioning/datasources/datasources.yml");
  const dashboards = readdirSync(`${OBS}/grafana/dashboards`).filter((f) => f.endsWith(".json"));

  it("provisioning files validate", () => {
    expectValid(compile(GRAFANA_DATASOURCES_SCHEMA), datasources, "datasources.yml");
    expectValid(compile(GRAFANA_DASHBOARD_PROVIDERS_SCHEMA), yaml("observability/grafana/provisioning/dashboards/dashboard_provisioning.yml"), "dashboard_provisioning.yml");
    expect(datasources.datasources.map((d) => d.uid)).toContain("prometheus");
  });

  it("every dashboard validates; every panel has a provisioned datasource and targets whose metrics the Worker exports", () => {
    expect(dashboards.length).toBeGreaterThanOrEqual(2);
    const validate = compile(GRAFANA_DASHBOARD_SCHEMA);
    const uids = new Set<string>();
    const covered = new Set<string>();
    for (const file of dashboards) {
      const d = json<{ uid: string; panels: { id: number; type: string; title: string; datasource?: { uid: string }; targets?: { expr: string }[] }[] }>(`observability/grafana/dashboards/${file}`);
      expectValid(validate, d, file);
      expect(uids.has(d.uid), file).toBe(false);
      uids.add(d.uid);
      const ids = new Set<number>();
      for (const p of d.panels) {
        expect(ids.has(p.id), `${file}: duplicate panel id ${p.id}`).toBe(false);
        ids.add(p.id);
        if (p.type === "row") continue;
        expect(datasources.datasources.map((ds) => ds.uid), `${file}: ${p.title}`).toContain(p.datasource!.uid);
        for (const t of p.targets!) {
          for (const m of metricNames(t.expr)) {
            expect(EXPORTED.has(m), `${file} "${p.title}" uses ${m}, which the Worker does not export`).toBe(true);
            covered.add(m.replace(/_(bucket|sum|count)$/, ""));
          }
        }
      }
    }
    // The brief's dashboard topics: games, players online, tick lateness, WebSocket traffic, HTTP, auth, log forwarder.
    // Issue 13, what players feel: desyncs, rejoins and forfeits, abuse closes, results waiting to be recorded, input relay latency.
    for (const m of [
      "pong_games_started_total",
      "pong_players_connected",
      "pong_tick_lateness_seconds",
      "pong_websocket_messages_sent_total",
      "pong_http_requests_total",
      "pong_auth_logins_total",
      "pong_log_forwarder_events_total",
      "pong_game_desyncs_total",
      "pong_rejoin_attempts_total",
      "pong_player_forfeits_total",
      "pong_websocket_closes_total",
      "pong_results_pending",
      "pong_results_record_failures_total",
      "pong_input_relay_latency_seconds",
      "pong_log_forwarder_oldest_event_age_seconds",
    ]) {
      expect(covered.has(m), `a panel shows ${m}`).toBe(true);
    }
    // The schema rejects unknown top-level keys and panels without targets.
    const bad = { ...json<object>(`observability/grafana/dashboards/${dashboards[0]}`), bogus: true };
    expect(validate(bad)).toBe(false);
  });
});

// ------------------------------------------------------------------ docs

describe("docs/observability.md", () => {
  const doc = existsSync(`${ROOT}/docs/observability.md`) ? read("docs/observability.md") : "";

  it("documents every metric, every alert, and says what was not run here", () => {
    for (const m of METRICS) expect(doc, `metric ${m.name}`).toContain(`\`${m.name}\``);
    for (const g of yaml<{ groups: { rules: { alert: string }[] }[] }>("observability/prometheus/alert_rules.yml").groups) for (const r of g.rules) expect(doc, r.alert).toContain(r.alert);
    expect(doc).toMatch(/not run here/i);
  });

  it("documents the log events the code emits (warning only: other teams add events)", () => {
    const events = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = `${dir}/${e.name}`;
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".ts")) for (const m of read(p.slice(ROOT.length + 1)).matchAll(/log(?:Event|Local)\(\s*"(?:debug|info|warn|error)",\s*"([a-z_.]+)"/g)) events.add(m[1]);
      }
    };
    walk(`${ROOT}/src`);
    expect(events.size).toBeGreaterThan(20);
    const undocumented = [...events].filter((e) => !doc.includes(`\`${e}\``));
    if (undocumented.length) console.warn(`WARNING: log events not in docs/observability.md: ${undocumented.join(", ")}`);
    for (const e of ["game.started", "game.over", "player.left", "player.rejoined", "auth.login_failed", "ws.rejected"]) expect(doc, e).toContain(`\`${e}\``);
  });
});
