/**
 * The Worker's entry point: the handlers Cloudflare calls (`fetch` for HTTP, `queue` for the events
 * queue, `email`) and the Durable Object classes wrangler.toml binds, which it also names in the Env.
 * It holds no logic of its own.
 */
import { app } from "./app";
import { callbackDepsFromEnv } from "./queue/bindings";
import { consumeCallbacks } from "./queue/consumer";
import { handleEmail } from "./inbound/email";
import type { Env } from "../platform/env";

export { AccountDO } from "../durable-objects/account/account-do";
export { ConversationDO } from "../durable-objects/conversation/conversation-do";
export { DirectoryDO } from "../durable-objects/directory/directory-do";
export { FlowDO } from "../durable-objects/flow/flow-do";
export { RouterDO } from "../durable-objects/router/router-do";
export { WorkspaceDO } from "../durable-objects/workspace/workspace-do";

// The classes by name, for the Env's namespaces (platform/env.ts imports no layer above it).
declare module "../platform/env" {
  interface DurableObjectClasses {
    AccountDO: import("../durable-objects/account/account-do").AccountDO;
    ConversationDO: import("../durable-objects/conversation/conversation-do").ConversationDO;
    DirectoryDO: import("../durable-objects/directory/directory-do").DirectoryDO;
    FlowDO: import("../durable-objects/flow/flow-do").FlowDO;
    RouterDO: import("../durable-objects/router/router-do").RouterDO;
    WorkspaceDO: import("../durable-objects/workspace/workspace-do").WorkspaceDO;
  }
}

export default {
  fetch: app.fetch,

  /**
   * Consumer of the `switchboard-events` queue: signed event and assignment callbacks, with retries
   * (workers/queue/). Reporting facts into D1 will join it here.
   */
  async queue(batch: MessageBatch, env: Env, _ctx: ExecutionContext): Promise<void> {
    await consumeCallbacks(batch, callbackDepsFromEnv(env));
  },

  /** Mail routed to the Worker by Cloudflare Email Routing: the email channel (workers/inbound/email.ts). */
  email: handleEmail,
} satisfies ExportedHandler<Env>;
