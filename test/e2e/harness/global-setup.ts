import type { TestProject } from "vitest/node";
import { startDevServer, type DevServer } from "./server";

let server: DevServer | null = null;

export async function setup(project: TestProject): Promise<void> {
  server = await startDevServer();
  project.provide("baseURL", server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
  }
}
