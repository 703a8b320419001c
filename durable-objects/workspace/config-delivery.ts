/**
 * How the WorkspaceDO delivers a committed change — an outbox of its own shape, because its receivers
 * want different things of it: the full snapshot goes to the Router DO of every region the workspace
 * uses (`sb_regions`), with the undelivered events to the home region's alone (which keeps them for the
 * Events API, once), the events to the EVENTS queue (event callbacks), and the workspace record to the
 * account's directory (AccountDO). The change wrote its `sb_outbox` row and bumped `sb_sync`'s counters
 * in its own transaction (workspace-do.ts); a row leaves once every region's Router has its version and
 * its events are queued. Each region's version is kept apart, so one unreachable region holds back no
 * other, and a region that joins later is given the current snapshot by the same path. Deliveries run one at a time, so each receiver gets changes
 * in the order they were made; one that fails is retried by a `delivery` timer (kit/timers.ts) on the
 * one alarm.
 */
import type { EventMessage } from "../../platform/events-queue";
import type { Env } from "../../platform/env";
import { accountFor, routerFor } from "../../platform/objects";
import { retryDelay, retryPolicy } from "../../platform/backoff";
import type { EventRecord } from "../../contract/taskrouter";
import { clearTimer, setTimer, type TimerAlarm } from "../kit/timers";
import { workspaceRow, type WorkspaceRow } from "./workspace-rows";
import * as workspace from "./workspace";

/** The timer (kind; its SID is "") that retries a delivery that failed. */
export const DELIVERY_TIMER = "delivery";
/** A delivery that failed is retried after this long. */
const DELIVERY_RETRIES = retryPolicy({ baseDelayMs: 10_000, maxDelayMs: 10_000 });
/** Queues take at most 100 messages per batch. */
const QUEUE_BATCH = 100;

export class ConfigDelivery {
  /** The delivery in progress, so the next one starts after it. */
  private delivering: Promise<unknown> = Promise.resolve();
  private failures = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly alarm: TimerAlarm,
  ) {}

  /** Delivers what is pending, after any delivery already running; on failure, retries by alarm. */
  deliver(): Promise<void> {
    const run = this.delivering.then(async () => {
      // Independent: an unreachable Router must not hold back callbacks or the directory, nor the reverse.
      const outcomes = await Promise.allSettled([...this.pushToRouters(), this.sendToQueue(), this.syncDirectory()]);
      const { storage } = this.ctx;
      storage.sql.exec("DELETE FROM sb_outbox WHERE queued = 1 AND version <= (SELECT router_version FROM sb_sync)");
      const failures = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
      if (failures.length === 0) {
        clearTimer(storage, DELIVERY_TIMER, "");
      } else {
        this.failures++;
        const delay = retryDelay(DELIVERY_RETRIES, this.failures);
        console.error(`WorkspaceDO: delivery failed, retrying in ${delay} ms:`, ...failures);
        setTimer(storage, DELIVERY_TIMER, "", Date.now() + delay);
      }
      if (failures.length === 0) this.failures = 0;
      await this.alarm.sync();
    });
    this.delivering = run.catch(() => undefined); // a failed setAlarm must not stop later deliveries
    return run;
  }

  /** One push per region whose Router is behind, all at once. */
  private pushToRouters(): Promise<void>[] {
    const { sql } = this.ctx.storage;
    const ws = workspaceRow(sql);
    if (!ws) return [];
    const behind = sql
      .exec<{ region: string; position: number; router_version: number }>(
        "SELECT region, position, router_version FROM sb_regions WHERE router_version < ? ORDER BY position",
        ws.version,
      )
      .toArray();
    return behind.map((region) => this.pushTo(ws, region.region, region.position === 0, region.router_version));
  }

  private async pushTo(ws: WorkspaceRow, region: string, home: boolean, routerVersion: number): Promise<void> {
    const { sql } = this.ctx.storage;
    const pending = sql
      .exec<{ events: string; re_evaluate: string | null }>(
        "SELECT events, re_evaluate FROM sb_outbox WHERE version > ? ORDER BY seq",
        routerVersion,
      )
      .toArray();
    const events = home ? pending.flatMap((row) => JSON.parse(row.events) as EventRecord[]) : [];
    const reEvaluate = pending.findLast((row) => row.re_evaluate !== null)?.re_evaluate;
    const snapshot = workspace.loadSnapshot(sql, ws);
    // The Router keeps the highest version it has seen and ignores older pushes: a retried or reordered push is harmless.
    const answer = await routerFor(this.env, ws.sid, region).applyConfig(
      snapshot,
      events,
      reEvaluate ? { reEvaluateTasksOf: reEvaluate } : {},
    );
    if (!answer.ok) {
      throw new Error(`Router of ${region} refused configuration version ${snapshot.version}: ${answer.status} ${answer.message}`);
    }
    sql.exec("UPDATE sb_regions SET router_version = max(router_version, ?) WHERE region = ?", snapshot.version, region);
    sql.exec("UPDATE sb_sync SET router_version = (SELECT min(router_version) FROM sb_regions)");
  }

  /** Puts the events not yet queued on the EVENTS queue, for the workspace's event callbacks. */
  private async sendToQueue(): Promise<void> {
    const { sql } = this.ctx.storage;
    const pending = sql.exec<{ seq: number; events: string }>("SELECT seq, events FROM sb_outbox WHERE queued = 0 ORDER BY seq").toArray();
    const last = pending.at(-1)?.seq;
    if (last === undefined) return;
    const messages = pending.flatMap((row) =>
      (JSON.parse(row.events) as EventRecord[]).map((event) => ({
        body: { kind: "event", workspaceSid: event.workspace_sid, event } satisfies EventMessage,
      })),
    );
    for (let i = 0; i < messages.length; i += QUEUE_BATCH) await this.env.EVENTS.sendBatch(messages.slice(i, i + QUEUE_BATCH));
    sql.exec("UPDATE sb_outbox SET queued = 1 WHERE seq <= ?", last);
  }

  private async syncDirectory(): Promise<void> {
    const { sql } = this.ctx.storage;
    const ws = workspaceRow(sql);
    const [sync] = sql
      .exec<{ directory_wanted: number; directory_synced: number }>("SELECT directory_wanted, directory_synced FROM sb_sync")
      .toArray();
    if (!ws || !sync || sync.directory_wanted <= sync.directory_synced) return;
    const account = accountFor(this.env, ws.account_sid);
    if (ws.deleted_at !== null) await account.removeWorkspace(ws.sid);
    else await account.putWorkspace(workspace.currentRecord(sql, ws));
    sql.exec("UPDATE sb_sync SET directory_synced = max(directory_synced, ?)", sync.directory_wanted);
  }
}
