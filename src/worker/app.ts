import { Hono } from "hono";
import type { Env } from "./env";

/** The Hono application: API routes and health. Static assets are served by the assets binding. */
export function createApp() {
  const app = new Hono<{ Bindings: Env }>();
  app.get("/healthz", (c) => c.json({ ok: true, service: "pong-edge" }));
  // Anything not handled above: static client (SPA fallback is configured on the assets binding).
  app.all("*", (c) => c.env.ASSETS.fetch(c.req.raw));
  return app;
}
