/**
 * `npm run deploy` (scripts/deploy.ts): its decisions (scripts/deploy-lib.ts) on the real
 * wrangler.toml, and the real script run with the real wrangler on this machine, which has no
 * Cloudflare account: it must stop at the login step, changing nothing. The steps that talk to
 * Cloudflare (d1 list, secret list, remote migrations, deploy) were NOT run here.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { d1Database, deployConfig, findDatabaseId, missingSecrets, PLACEHOLDER_DATABASE_ID, requiredSecrets, secretNames } from "../../scripts/deploy-lib";
import { read, ROOT } from "./support/repo";
import { run } from "./support/tools";

const TOML = read("wrangler.toml");
const ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

describe("npm run deploy: decisions", () => {
  it("wrangler.toml keeps the local placeholder database id (local development and the tests need no account)", () => {
    expect(d1Database(TOML)).toEqual({ name: "pong", id: PLACEHOLDER_DATABASE_ID });
  });

  it("finds the real database by name in `wrangler d1 list --json` output", () => {
    const list = JSON.stringify([
      { uuid: "11111111-2222-3333-4444-555555555555", name: "other", created_at: "2026-01-01T00:00:00Z" },
      { uuid: ID, name: "pong", created_at: "2026-01-02T00:00:00Z" },
    ]);
    expect(findDatabaseId(list, "pong")).toBe(ID);
    expect(findDatabaseId("[]", "pong")).toBeUndefined();
    expect(() => findDatabaseId('{"error":1}', "pong")).toThrow(/not an array/);
  });

  it("the deployed copy carries the real id and absolute paths; everything else is wrangler.toml unchanged", () => {
    const out = deployConfig(TOML, ID, "/repo");
    expect(out).toContain(`database_id = "${ID}"`);
    expect(out).not.toContain(PLACEHOLDER_DATABASE_ID);
    expect(out).toMatch(/^main = "\/repo\/src\/index\.ts"$/m);
    expect(out).toMatch(/^directory = "\/repo\/dist\/client"$/m);
    expect(out).toMatch(/^migrations_dir = "\/repo\/migrations"$/m);
    const changed = (t: string) => t.split("\n").filter((l) => !/^(database_id|main|directory|migrations_dir) = /.test(l) && !l.startsWith("# GENERATED"));
    expect(changed(out)).toEqual(changed(TOML));
    expect(() => deployConfig(TOML, PLACEHOLDER_DATABASE_ID, "/repo")).toThrow(/not a D1 database id/);
  });

  it("requires JWT_SECRET and METRICS_TOKEN always, the Logstash credentials once forwarding is on", () => {
    const none = new Set<string>();
    expect(requiredSecrets(TOML, none)).toEqual(["JWT_SECRET", "METRICS_TOKEN"]);
    expect(missingSecrets(TOML, secretNames('[{"name":"JWT_SECRET","type":"secret_text"}]'))).toEqual(["METRICS_TOKEN"]);
    expect(missingSecrets(TOML, new Set(["JWT_SECRET", "METRICS_TOKEN"]))).toEqual([]);
    // LOGSTASH_URL as a secret, or in [vars]: forwarding is on.
    expect(missingSecrets(TOML, new Set(["JWT_SECRET", "METRICS_TOKEN", "LOGSTASH_URL"]))).toEqual(["LOGSTASH_USER", "LOGSTASH_PASSWORD"]);
    const withUrl = TOML.replace(/^LOGSTASH_URL = ""$/m, 'LOGSTASH_URL = "https://logs.example.com/"');
    expect(withUrl).not.toBe(TOML);
    expect(missingSecrets(withUrl, new Set(["JWT_SECRET", "METRICS_TOKEN", "LOGSTASH_USER"]))).toEqual(["LOGSTASH_PASSWORD"]);
  });

  it("package.json's deploy runs this script (not a bare `wrangler deploy`)", () => {
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(pkg.scripts.deploy).toBe("tsx scripts/deploy.ts");
  });
});

describe("npm run deploy: the generated configuration", () => {
  it("is accepted by `wrangler deploy --dry-run` from its own folder (absolute paths resolve, the D1 binding with a real-shaped id)", () => {
    const dir = mkdtempSync(`${tmpdir()}/pong-deploycfg-`);
    try {
      // The client build may not exist in this checkout: an empty assets folder stands in for it.
      mkdirSync(`${dir}/assets`);
      writeFileSync(`${dir}/assets/index.html`, "<!doctype html>");
      const cfg = deployConfig(TOML, ID, ROOT).replace(/^directory = ".*"$/m, `directory = "${dir}/assets"`);
      writeFileSync(`${dir}/wrangler.toml`, cfg);
      const r = run("bash", [`${ROOT}/scripts/offline.sh`, "wrangler", "deploy", "--dry-run", "--config", `${dir}/wrangler.toml`, "--outdir", `${dir}/out`], {
        cwd: dir,
        env: { ...process.env, PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}` },
      });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain("env.DB (pong)");
      expect(existsSync(`${dir}/out/index.js`)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("npm run deploy: the real script without a Cloudflare account", () => {
  it("stops at the login step with what to do, exit code 1, and writes no deploy config", () => {
    const xdg = mkdtempSync(`${tmpdir()}/pong-deploy-`);
    const generated = `${ROOT}/.wrangler/pong-deploy/wrangler.toml`;
    const before = existsSync(generated) ? readFileSync(generated, "utf8") : null;
    try {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CLOUDFLARE_")));
      // offline.sh keeps wrangler off the network; a fresh config home means no stored login.
      const r = run("bash", ["scripts/offline.sh", "tsx", "scripts/deploy.ts", "--check"], {
        cwd: ROOT,
        env: { ...env, PATH: `${ROOT}/node_modules/.bin:${process.env.PATH}`, XDG_CONFIG_HOME_OVERRIDE: xdg },
      });
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toContain("wrangler is not logged in");
      expect(r.stderr).toContain("npx wrangler login");
      expect(r.stdout).not.toContain("2/5");
      expect(existsSync(generated) ? readFileSync(generated, "utf8") : null).toBe(before);
    } finally {
      rmSync(xdg, { recursive: true, force: true });
    }
  }, 60_000);
});
