import { createApp } from "./app";
import type { Env } from "./env";

// Durable Object classes must be exported by the entry module (list in src/objects/index.ts).
export * from "../objects";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
