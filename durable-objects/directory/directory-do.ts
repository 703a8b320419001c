/**
 * DirectoryDO: one per workspace (`directoryFor(env, workspaceSid)`). A thin shell around the
 * Directory (directory.ts), which owns the index of the workspace's conversations, the open
 * conversation of each customer address, email threads and customer profiles — and, the workspace being
 * one chat service, its Conversations users, who is in which conversation and its webhook configuration.
 * It migrates its storage on start-up and forwards each RPC to one synchronous, transactional
 * operation: its RPC methods are the Directory's own, named once in OPERATIONS.
 *
 * RPC methods take the caller's account SID first (the first caller binds the object; any other
 * account is answered 404) and return `ApiResult`s: client errors are values, because RPC keeps only
 * an error's message.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import { applyMigrations } from "../kit/migrations";
import type { PingReply } from "../common/ping";
import { Directory } from "./directory";
import { DIRECTORY_MIGRATIONS } from "./schema";
import { dueTimers, setTimer, TimerAlarm } from "../kit/timers";
import { RETENTION_TIMER } from "./recordings";
import type { ApiResult } from "../common/rpc";
import type { RecordingRecord } from "../../contract/recordings";
import { recordingsFor } from "../../platform/stores";

export type { ListFilter, MembershipQuery, ProfileInput, ProfileQuery, WebhookScope } from "./directory";
export type { EgressReport, OpenInput, RecordingEffects, RecordingFilter, SettingsInput } from "./directory";
export type { ExecutionFilter } from "./executions";

/** The Directory's operations, in its order: each is an RPC method of the DirectoryDO that calls it. */
const OPERATIONS = [
  ...["resolveInbound", "findOpen", "findLatest", "upsert", "remove", "list", "byUniqueName", "recordThread", "noteWorker"],
  ...["createProfile", "getProfile", "updateProfile", "deleteProfile", "listProfiles", "profileConversations", "findProfile"],
  ...["createUser", "getUser", "updateUser", "deleteUser", "listUsers", "memberships"],
  ...["webhookConfig", "setWebhookConfig", "webhookConfigs"],
  ...["recordingSettings", "listRecordings", "getRecording", "recordingMediaKey"],
  ...["recordExecution", "removeExecution", "listExecutions"],
] as const satisfies readonly (keyof Directory)[];

/** The recording operations that may set or clear a retention timer: the alarm follows each. */
const TIMED = [
  ...["setRecordingSettings", "openRecording", "recordingPartStarted", "changeRecording", "callRecordingEnded", "applyEgressReport"],
] as const satisfies readonly (keyof Directory)[];

/** How long before the alarm tries again to delete media R2 refused. */
const RETRY_DELETE_MS = 60_000;

class DirectoryShell extends DurableObject<Env> {
  private schemaVersion = 0;
  private directory!: Directory;
  /** The one alarm, at the earliest retention timer (kit/timers.ts). */
  private readonly timerAlarm = new TimerAlarm(this.ctx.storage);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, DIRECTORY_MIGRATIONS);
      // Named by the workspace SID.
      this.directory = new Directory(ctx.storage, ctx.id.name ?? "");
      await this.timerAlarm.load();
    });
  }

  ping(): PingReply {
    return { class: "DirectoryDO", version: this.schemaVersion };
  }

  /**
   * Deletes a finished recording's media from the workspace's bucket, then marks it `deleted` (the record
   * stays). R2 first: a failure leaves the record as it was, so asking again finishes the job.
   */
  async deleteRecording(accountSid: string, recordingSid: string): Promise<ApiResult<RecordingRecord>> {
    const keys = this.directory.recordingMediaKeys(accountSid, recordingSid);
    if (!keys.ok) return keys;
    if (keys.value.length > 0) await recordingsFor(this.env, this.workspaceSid).delete(keys.value);
    const deleted = this.directory.recordingDeleted(accountSid, recordingSid);
    await this.syncAlarm();
    return deleted;
  }

  /** Retention: each recording whose time is up loses its media, as a DELETE through the API would. */
  override async alarm(): Promise<void> {
    this.timerAlarm.fired(); // retention reads the real clock, not the time the alarm was set for
    const account = this.directory.boundAccount();
    for (const timer of dueTimers(this.ctx.storage, Date.now())) {
      if (timer.kind !== RETENTION_TIMER || account === null) continue;
      try {
        const deleted = await this.deleteRecording(account, timer.sid);
        if (!deleted.ok) console.warn(`retention: recording ${timer.sid} not deleted: ${deleted.message}`);
      } catch (error) {
        console.error(`retention: deleting recording ${timer.sid}'s media failed; retrying`, error);
        setTimer(this.ctx.storage, RETENTION_TIMER, timer.sid, Date.now() + RETRY_DELETE_MS);
      }
    }
    await this.syncAlarm();
  }

  private get workspaceSid(): string {
    return this.ctx.id.name ?? "";
  }

  private syncAlarm(): Promise<void> {
    return this.timerAlarm.sync();
  }

  // Methods on the prototype, as RPC requires, each passing its arguments on as they are.
  static {
    for (const name of OPERATIONS) {
      Object.defineProperty(this.prototype, name, {
        value(this: DirectoryShell, ...args: unknown[]): unknown {
          return (this.directory[name] as (...args: unknown[]) => unknown).apply(this.directory, args);
        },
      });
    }
    for (const name of TIMED) {
      Object.defineProperty(this.prototype, name, {
        async value(this: DirectoryShell, ...args: unknown[]): Promise<unknown> {
          const result = (this.directory[name] as (...args: unknown[]) => unknown).apply(this.directory, args);
          await this.syncAlarm();
          return result;
        },
      });
    }
  }
}

export type DirectoryDO = DirectoryShell & Pick<Directory, (typeof OPERATIONS)[number] | (typeof TIMED)[number]>;
export const DirectoryDO = DirectoryShell as new (ctx: DurableObjectState, env: Env) => DirectoryDO;
