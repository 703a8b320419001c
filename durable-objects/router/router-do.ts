/**
 * RouterDO: one per workspace × region, created with the region's `locationHint` from regions.json.
 * It will own the workers homed in that region, their tasks and reservations, the timers (one alarm
 * at the earliest deadline) and the agents' WebSockets — a thin shell around the pure routing core
 * in this folder (expression/, workflow/, matcher/), which it loads, calls and persists.
 *
 * For now it is a shell: it migrates its storage on start-up and answers `ping()`.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/env";
import { applyMigrations, type Migration } from "../shared/migrations";
import type { PingReply } from "../shared/ping";

/** Append-only: never edit or renumber a shipped migration. */
const MIGRATIONS: readonly Migration[] = [];

export class RouterDO extends DurableObject<Env> {
  private schemaVersion = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, MIGRATIONS);
    });
  }

  ping(): PingReply {
    return { class: "RouterDO", version: this.schemaVersion };
  }
}
