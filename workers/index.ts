/**
 * The Worker's entry point: the handlers Cloudflare calls (`fetch` for HTTP, `queue` for the events
 * queue) and the Durable Object classes wrangler.toml binds. It holds no logic of its own.
 */
import { app } from "./app";
import type { Env } from "./env";

export { ConversationDO } from "../durable-objects/conversation/conversation-do";
export { RouterDO } from "../durable-objects/router/router-do";
export { WorkspaceDO } from "../durable-objects/workspace/workspace-do";

export default {
  fetch: app.fetch,

  /**
   * Consumer of the `switchboard-events` queue. Nothing produces events yet, so it acknowledges
   * each batch; the real consumer (signed webhooks, reporting facts into D1) replaces this body.
   */
  async queue(batch: MessageBatch, _env: Env, _ctx: ExecutionContext): Promise<void> {
    console.log(`events: acknowledged ${batch.messages.length} message(s) from ${batch.queue}`);
    batch.ackAll();
  },
} satisfies ExportedHandler<Env>;
