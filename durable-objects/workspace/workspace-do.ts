/**
 * WorkspaceDO: one per workspace, created in the workspace's home region (and jurisdiction). It will
 * hold the workspace's configuration of record — activities, task channels, task queues, workflows,
 * API keys, channel credentials — and push every change to the workspace's Router DOs.
 *
 * For now it is a shell: it migrates its storage on start-up and answers `ping()`.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/env";
import { applyMigrations, type Migration } from "../shared/migrations";
import type { PingReply } from "../shared/ping";

/** Append-only: never edit or renumber a shipped migration. */
const MIGRATIONS: readonly Migration[] = [];

export class WorkspaceDO extends DurableObject<Env> {
  private schemaVersion = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, MIGRATIONS);
    });
  }

  ping(): PingReply {
    return { class: "WorkspaceDO", version: this.schemaVersion };
  }
}
