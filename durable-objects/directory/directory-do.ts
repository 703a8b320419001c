/**
 * DirectoryDO: one per workspace. It will own the index of the workspace's conversations, the open
 * conversation of each customer address, email threads and customer profiles.
 *
 * For now it is a shell: it migrates its storage on start-up and answers `ping()`.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/env";
import { applyMigrations, type Migration } from "../common/migrations";
import type { PingReply } from "../common/ping";

/** Append-only: never edit or renumber a shipped migration. */
const MIGRATIONS: readonly Migration[] = [];

export class DirectoryDO extends DurableObject<Env> {
  private schemaVersion = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, MIGRATIONS);
    });
  }

  ping(): PingReply {
    return { class: "DirectoryDO", version: this.schemaVersion };
  }
}
