/**
 * `npm run deploy`: the one command that puts the game in production (docs/observability.md,
 * "First deploy"). In order, and stopping at the first problem with a message that says what to do:
 *
 *   1. wrangler is logged in (`wrangler whoami`);
 *   2. the D1 database: wrangler.toml keeps the placeholder id "local-pong" for local development
 *      and the tests, so the real id comes from PONG_D1_DATABASE_ID or from `wrangler d1 list`
 *      (the database named in wrangler.toml); a generated copy of wrangler.toml carries it
 *      (.wrangler/pong-deploy/wrangler.toml, git-ignored);
 *   3. the secrets the Worker refuses to run without exist (`wrangler secret list`), checked
 *      before anything changes, so a deploy never serves traffic without them;
 *   4. the client is built, remote D1 migrations are applied, the Worker is deployed.
 *
 * Options: --check  stop after step 3 (nothing is changed).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { d1Database, deployConfig, findDatabaseId, isDatabaseId, missingSecrets, PLACEHOLDER_DATABASE_ID, secretNames } from "./deploy-lib";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const CHECK_ONLY = process.argv.includes("--check");

function fail(msg: string): never {
  console.error(`\ndeploy: ${msg}\n`);
  process.exit(1);
}

function wrangler(args: string[], opts: { capture?: boolean } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("wrangler", args, { cwd: ROOT, encoding: "utf8", stdio: opts.capture ? ["inherit", "pipe", "pipe"] : "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function step(title: string): void {
  console.log(`\n== ${title}`);
}

const toml = readFileSync(`${ROOT}/wrangler.toml`, "utf8");

step("1/5 Cloudflare login");
const who = wrangler(["whoami"], { capture: true });
if (who.status !== 0 || /not authenticated|You are not logged in/i.test(who.stdout + who.stderr)) {
  fail("wrangler is not logged in. Run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID), then `npm run deploy` again.");
}
console.log("logged in");

step("2/5 D1 database");
const db = d1Database(toml);
let databaseId = db.id;
if (databaseId === PLACEHOLDER_DATABASE_ID) {
  const fromEnv = process.env.PONG_D1_DATABASE_ID?.trim();
  if (fromEnv) {
    if (!isDatabaseId(fromEnv)) fail(`PONG_D1_DATABASE_ID is not a D1 database id (a UUID): "${fromEnv}".`);
    databaseId = fromEnv;
  } else {
    const list = wrangler(["d1", "list", "--json"], { capture: true });
    if (list.status !== 0) fail(`\`wrangler d1 list\` failed:\n${list.stderr || list.stdout}`);
    const found = findDatabaseId(list.stdout, db.name);
    if (!found) {
      fail(
        `wrangler.toml's database_id is the local placeholder "${PLACEHOLDER_DATABASE_ID}" and this account has no D1 database named "${db.name}".\n` +
          `Create it once:  npx wrangler d1 create ${db.name}\n` +
          `then run \`npm run deploy\` again (it finds the database by name; or set PONG_D1_DATABASE_ID=<its id>). Keep wrangler.toml's placeholder: local development and the tests need it.`,
      );
    }
    databaseId = found;
  }
} else if (!isDatabaseId(databaseId)) {
  fail(`wrangler.toml's database_id "${databaseId}" is neither the placeholder "${PLACEHOLDER_DATABASE_ID}" nor a D1 id.`);
}
// Not .wrangler/deploy/: wrangler reserves that folder for redirected configs (config.json).
const configDir = `${ROOT}/.wrangler/pong-deploy`;
const config = `${configDir}/wrangler.toml`;
mkdirSync(configDir, { recursive: true });
writeFileSync(config, deployConfig(toml, databaseId, ROOT));
console.log(`database "${db.name}" = ${databaseId} (deploying ${config.slice(ROOT.length + 1)})`);

step("3/5 secrets");
const secrets = wrangler(["secret", "list", "--format", "json", "--config", config], { capture: true });
let existing = new Set<string>();
if (secrets.status === 0) {
  existing = secretNames(secrets.stdout);
} else if (!/not found|does not exist|10007/i.test(secrets.stdout + secrets.stderr)) {
  fail(`\`wrangler secret list\` failed:\n${secrets.stderr || secrets.stdout}`);
}
const missing = missingSecrets(toml, existing);
if (missing.length > 0) {
  fail(
    `the Worker is missing ${missing.length === 1 ? "a secret" : "secrets"}: ${missing.join(", ")}. Nothing was deployed. Set ${missing.length === 1 ? "it" : "each"} with\n` +
      missing.map((s) => `  npx wrangler secret put ${s}`).join("\n") +
      "\n(JWT_SECRET: 32+ random characters, e.g. `openssl rand -hex 32`; METRICS_TOKEN: 16+, the same value as PONG_WORKER_METRICS_TOKEN in the stack's .env;\n" +
      " LOGSTASH_USER / LOGSTASH_PASSWORD: LOGSTASH_HTTP_USER / LOGSTASH_HTTP_PASSWORD of the stack's .env). Then `npm run deploy` again.",
  );
}
console.log(`present: ${[...existing].sort().join(", ")}`);
if (CHECK_ONLY) {
  console.log("\n--check: stopping here, nothing changed.");
  process.exit(0);
}

step("4/5 client build and remote D1 migrations");
if (spawnSync("npm", ["run", "build:client"], { cwd: ROOT, stdio: "inherit" }).status !== 0) fail("the client build failed.");
if (wrangler(["d1", "migrations", "apply", "DB", "--remote", "--config", config]).status !== 0) fail("applying the remote D1 migrations failed (nothing deployed).");

step("5/5 deploy");
if (wrangler(["deploy", "--config", config]).status !== 0) fail("`wrangler deploy` failed.");
console.log("\ndeploy: done. Next: docs/observability.md, \"Connect the stack to the deployed Worker\".");
