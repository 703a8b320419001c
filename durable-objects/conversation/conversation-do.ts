/**
 * ConversationDO: one per conversation. It will own the participants, the messages and their
 * delivery state per channel, inbound idempotency keys, the flow execution attached to the
 * conversation, and the customer's and agents' WebSockets.
 *
 * For now it is a shell: it migrates its storage on start-up and answers `ping()`.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/env";
import { applyMigrations, type Migration } from "../common/migrations";
import type { PingReply } from "../common/ping";

/** Append-only: never edit or renumber a shipped migration. */
const MIGRATIONS: readonly Migration[] = [];

export class ConversationDO extends DurableObject<Env> {
  private schemaVersion = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, MIGRATIONS);
    });
  }

  ping(): PingReply {
    return { class: "ConversationDO", version: this.schemaVersion };
  }
}
