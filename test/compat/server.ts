/**
 * Vitest globalSetup for the compat suite: one real `wrangler dev` for the whole run (see
 * test/support/dev-server.ts); tests read its address and credentials with `inject`.
 */
import type { TestProject } from "vitest/node";
import { startDevServer, type DevServer } from "../support/dev-server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    accountSid: string;
    authToken: string;
  }
}

let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startDevServer();
  project.provide("baseUrl", server.baseUrl);
  project.provide("accountSid", server.accountSid);
  project.provide("authToken", server.authToken);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
