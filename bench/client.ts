/**
 * Client bench: the production bundle's JS and CSS bytes (raw, gzip -9, brotli), split into what
 * the home page loads up front and the lazily loaded chunks, and the time to the first rendered
 * frame of the home page in headless Chromium served by `wrangler dev` (first-paint and
 * first-contentful-paint paint entries, cold cache, median of several loads).
 * Builds into a temporary directory so a build running in the tree is not disturbed.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { machineLine } from "./machine";
import { benchVars } from "./load/index";
import { REPO, startDevServer } from "./load/server";

export interface ClientResult {
  files: { file: string; kind: "js" | "css"; initial: boolean; raw: number; gzip: number; brotli: number }[];
  totals: { jsGzip: number; cssGzip: number; initialJsGzip: number; initialCssGzip: number; jsRaw: number; cssRaw: number };
  paint: { runs: { firstPaint: number; fcp: number; domContentLoaded: number; load: number }[]; medianFcp: number; medianFirstPaint: number };
  browser: string;
  markdown: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

export async function runClientBench(opts: { loads?: number; log?: (s: string) => void } = {}): Promise<ClientResult> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const loads = opts.loads ?? 5;
  const out = mkdtempSync(join(tmpdir(), "pong-client-"));
  try {
    execFileSync(join(REPO, "node_modules/.bin/vite"), ["build", "--outDir", out, "--emptyOutDir", "--logLevel", "warn"], { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] });
    const html = readFileSync(join(out, "index.html"), "utf8");
    // What index.html loads up front: its module script, modulepreloads and stylesheets.
    const initialRefs = new Set([...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]));
    const files = walk(out)
      .filter((f) => /\.(js|css)$/.test(f))
      .map((f) => {
        const buf = readFileSync(f);
        const rel = relative(out, f);
        return {
          file: rel,
          kind: (f.endsWith(".js") ? "js" : "css") as "js" | "css",
          initial: initialRefs.has(rel),
          raw: buf.length,
          gzip: gzipSync(buf, { level: 9 }).length,
          brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        };
      })
      .sort((a, b) => b.gzip - a.gzip);
    const sum = (pred: (f: (typeof files)[number]) => boolean, key: "raw" | "gzip") => files.filter(pred).reduce((s, f) => s + f[key], 0);
    const totals = {
      jsGzip: sum((f) => f.kind === "js", "gzip"),
      cssGzip: sum((f) => f.kind === "css", "gzip"),
      initialJsGzip: sum((f) => f.kind === "js" && f.initial, "gzip"),
      initialCssGzip: sum((f) => f.kind === "css" && f.initial, "gzip"),
      jsRaw: sum((f) => f.kind === "js", "raw"),
      cssRaw: sum((f) => f.kind === "css", "raw"),
    };
    log(`client: JS ${totals.jsGzip} B gzip (${totals.initialJsGzip} B up front), CSS ${totals.cssGzip} B gzip`);

    // First paint, served by wrangler dev (assets binding, SPA fallback, the real /api/me).
    const server = await startDevServer({ vars: benchVars(3), assetsDir: out, log });
    const runs: ClientResult["paint"]["runs"] = [];
    let browserVersion = "?";
    try {
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      });
      browserVersion = browser.version();
      try {
        for (let i = 0; i < loads + 1; i++) {
          const ctx = await browser.newContext(); // fresh cache and storage: a first visit
          const page = await ctx.newPage();
          await page.goto(`${server.baseUrl}/`, { waitUntil: "load" });
          // Strings, not functions: tsx's transform would wrap functions in helpers the page lacks.
          await page.waitForFunction('performance.getEntriesByName("first-contentful-paint").length > 0', undefined, { timeout: 10_000 });
          const t = (await page.evaluate(`(() => {
            const p = (name) => { const e = performance.getEntriesByName(name)[0]; return e ? e.startTime : NaN; };
            const nav = performance.getEntriesByType("navigation")[0];
            return { firstPaint: p("first-paint"), fcp: p("first-contentful-paint"), domContentLoaded: nav ? nav.domContentLoadedEventEnd : NaN, load: nav ? nav.loadEventEnd : NaN };
          })()`)) as { firstPaint: number; fcp: number; domContentLoaded: number; load: number };
          if (i > 0) runs.push(t); // the first load warms wrangler dev (asset reads, Worker compile), not the browser
          await ctx.close();
        }
      } finally {
        await browser.close();
      }
    } finally {
      await server.stop();
    }
    const paint = { runs, medianFcp: median(runs.map((r) => r.fcp)), medianFirstPaint: median(runs.map((r) => r.firstPaint)) };
    log(`client: first-contentful-paint median ${paint.medianFcp.toFixed(0)} ms over ${runs.length} cold loads`);

    const kb = (b: number) => (b / 1000).toFixed(1);
    const markdown = [
      "## Client bundle and first paint",
      "",
      `Machine: ${machineLine()}; ${browserVersion.startsWith("?") ? "Chromium" : `Chromium ${browserVersion}`} headless. Run on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
      "",
      `Production build (\`vite build\`). gzip at level 9, brotli at quality 11, 1 KB = 1000 bytes. "Up front" = what \`index.html\` references (its module script, modulepreloads, stylesheets); the rest loads on demand.`,
      "",
      `**JS: ${kb(totals.jsGzip)} KB gzip in total, ${kb(totals.initialJsGzip)} KB up front; CSS: ${kb(totals.cssGzip)} KB gzip.**`,
      "",
      "| file | up front | raw KB | gzip KB | brotli KB |",
      "| --- | --- | ---: | ---: | ---: |",
      ...files.map((f) => `| \`${f.file}\` | ${f.initial ? "yes" : "lazy"} | ${kb(f.raw)} | ${kb(f.gzip)} | ${kb(f.brotli)} |`),
      "",
      `Home page (\`/\`) served by \`wrangler dev\` on loopback, fresh browser context per load (cold cache), ${runs.length} loads after one discarded warm-up load: ` +
        `**first-contentful-paint median ${paint.medianFcp.toFixed(0)} ms** (first-paint ${paint.medianFirstPaint.toFixed(0)} ms). Per load (first-paint / FCP / DOMContentLoaded / load, ms): ` +
        runs.map((r) => `${r.firstPaint.toFixed(0)}/${r.fcp.toFixed(0)}/${r.domContentLoaded.toFixed(0)}/${r.load.toFixed(0)}`).join(", ") +
        ". Loopback only: no network latency or bandwidth limit.",
    ].join("\n");
    return { files, totals, paint, browser: browserVersion, markdown };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
