/**
 * `npm run bench -- --only profile --matches N`: one load step with a CPU profile of the app
 * workerd (V8 sampling profiler through its inspector) over the measured window. Prints self time
 * per function and inclusive time of the GameSession hot path, saves the .cpuprofile under
 * bench/results/tmp/ (open it in Chrome DevTools).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Api } from "./api";
import { Cdp, inclusiveOf, selfTimes, type CpuProfile } from "./cdp";
import { benchVars, METRICS_TOKEN } from "./index";
import { registerAccounts, runStep, type NetPath, type StepResult } from "./load";
import { REPO, startDevServer, type SourceMode } from "./server";
import { machineLine } from "../machine";

export interface ProfileOptions {
  matches?: number[];
  seconds?: number;
  path?: NetPath;
  deflate?: boolean;
  source?: SourceMode;
  botProcs?: number;
  label?: string;
  log?: (s: string) => void;
}

export interface ProfileResult {
  step: StepResult;
  self: ReturnType<typeof selfTimes>;
  hot: ReturnType<typeof inclusiveOf>;
  file: string;
  markdown: string;
}

export async function runProfile(o: ProfileOptions = {}): Promise<ProfileResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const n = o.matches?.[0] ?? 100;
  const server = await startDevServer({ vars: benchVars(3), source: o.source, log });
  try {
    const api = new Api(server.appEntryUrl ?? server.baseUrl, METRICS_TOKEN);
    const accounts = await registerAccounts(api, 2 * n, `p${Date.now().toString(36).slice(-5)}`, log);
    const cdp = await Cdp.connect(server.inspectorPort); // wrangler's inspector proxy (the app workerd's own inspector port did not answer Profiler.* here)
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    let profile: CpuProfile | null = null;
    const step = await runStep(server, api, accounts, {
      mode: "game",
      matches: n,
      path: o.path ?? "direct",
      seconds: o.seconds ?? 10,
      warmupS: 2,
      deflate: o.deflate ?? true,
      botProcs: o.botProcs ?? 2,
      aiLevel: "medium",
      floorInputsPerS: 4,
      metricsToken: METRICS_TOKEN,
      log,
      onWindowStart: async () => {
        await cdp.send("Profiler.start");
      },
      onWindowStop: async () => {
        profile = (await cdp.send<{ profile: CpuProfile }>("Profiler.stop")).profile;
      },
    });
    cdp.close();
    if (!profile) throw new Error("no profile");
    const prof = profile as CpuProfile;
    mkdirSync(`${REPO}/bench/results/tmp`, { recursive: true });
    const file = `bench/results/tmp/${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}-app-workerd-N${n}${o.label ? `-${o.label}` : ""}.cpuprofile`;
    writeFileSync(`${REPO}/${file}`, JSON.stringify(prof));
    const self = selfTimes(prof, 30);
    const hot = inclusiveOf(prof, /^(webSocketMessage|onFrame|catchUp|advance|stepTo|stepInPlace|predictNextPoint|plan|checkpoint|send|broadcast|save|setAlarm|onSent|onReceived|flush|report|fetch|alarm|loopStats|parseClientMessage|encodeRelayInput|digest|stateDigest)$/);
    const wallMs = (prof.endTime - prof.startTime) / 1000;
    const lines = [
      "## CPU profile of the app workerd under load",
      "",
      `Machine: ${machineLine()}. Run on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, sources ${server.source}@${server.gitCommit}.`,
      "",
      `CPU profile of the app workerd, N=${n} ${o.path ?? "direct"}, ${(wallMs / 1000).toFixed(1)} s window (saved locally as ${file}, not committed). Note: JS samples only; time in workerd's C++ outside JS shows as (program)/(garbage collector) or not at all.`,
      "",
      "| self time | share | function |",
      "| ---: | ---: | --- |",
      ...self.map((x) => `| ${x.selfMs.toFixed(0)} ms | ${(x.share * 100).toFixed(1)}% | \`${x.fn}\` |`),
      "",
      "| inclusive | share | hot-path function |",
      "| ---: | ---: | --- |",
      ...hot.map((x) => `| ${x.totalMs.toFixed(0)} ms | ${(x.share * 100).toFixed(1)}% | \`${x.fn}\` |`),
    ];
    const markdown = lines.join("\n");
    log(markdown);
    return { step, self, hot, file, markdown };
  } finally {
    await server.stop();
  }
}
