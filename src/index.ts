/**
 * The Worker's entry (wrangler.toml `main`), the one place that sees every layer: it serves HTTP
 * with the Worker's app and exports the Durable Object classes, so src/worker and src/objects
 * never import each other (docs/architecture.md, "Layers").
 */
import { installLogForwarding } from "./observability/log-outbox";
import { createApp } from "./worker/app";

// Named, not `export *`: `wrangler types` reads the entry's exports to type the bindings in
// worker-configuration.d.ts. Adding a class: export it here, in src/objects/index.ts, and bind it
// in wrangler.toml.
export { GameSession, LogShipper, Matchmaker, Metrics, PlayerDirectory, RateLimiter, Tournament } from "./objects";

// Every isolate of this script (Worker requests and each Durable Object) loads this module first:
// wire logEvent() to the forwarding outbox once per isolate.
installLogForwarding();

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
