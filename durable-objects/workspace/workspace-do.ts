/**
 * WorkspaceDO: one per workspace (named by its SID), holding the workspace's configuration of record —
 * the workspace settings, activities, task channels, task queues and workflows — and a `version` that
 * every change bumps. A thin shell: each RPC checks that the workspace exists and belongs to the
 * calling account (anything else is a 404, so one account cannot probe another's SIDs), runs one of
 * the mutations of this folder in a single transaction, and then delivers the change.
 *
 * Delivery is an outbox (config-delivery.ts). The change's events are written in the same transaction
 * as the change; then the snapshot goes to the Router DO, the events to the EVENTS queue and the
 * workspace record to the AccountDO. All are awaited, so a client that creates a workflow and then a
 * task finds the Router already knows the workflow. If one is unreachable the change still stands — it
 * is committed — and the alarm retries until everything has caught up.
 */
import { DurableObject } from "cloudflare:workers";
import type { CallbackSettings } from "../../callbacks/policy";
import { regions } from "../../platform/regions";
import { homeRegionOf } from "../../platform/region-sids";
import type { Env } from "../../platform/env";
import { openSecret, sealSecret } from "../account/api-keys";
import { webhookPath, type ChannelConfig, type ChannelRecord } from "../../channels/channel-config";
import { applyMigrations } from "../kit/migrations";
import type { PingReply } from "../common/ping";
import { newSid } from "../../contract/ids";
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { Rollback } from "../kit/sql-host";
import type { ActivityRecord, TaskChannelRecord, TaskQueueRecord, WorkflowRecord, WorkspaceRecord } from "../../contract/taskrouter";
import * as activities from "./activities";
import * as calendars from "./calendars";
import * as channels from "./channels";
import type { Change, Scope } from "./config-change";
import type {
  ActivityFilters,
  CreateActivityInput,
  CreateTaskChannelInput,
  CreateTaskQueueInput,
  CreateWorkflowInput,
  CreateWorkspaceInput,
  TaskQueueFilters,
  UpdateActivityInput,
  UpdateTaskChannelInput,
  UpdateTaskQueueInput,
  UpdateWorkflowInput,
  UpdateWorkspaceInput,
  WorkflowFilters,
} from "./config-inputs";
import { workflowRow, workspaceRegions, workspaceRow, type WorkspaceRow } from "./workspace-rows";
import { ConfigDelivery } from "./config-delivery";
import { TimerAlarm } from "../kit/timers";
import { WORKSPACE_MIGRATIONS } from "./schema";
import * as taskChannels from "./task-channels";
import * as taskQueues from "./task-queues";
import * as workflows from "./workflows";
import * as workspace from "./workspace";

import type { CalendarStatus, Classification } from "../flow/engine/types";
import { validateDefinition } from "../flow/engine/engine";
import * as flows from "./flows";
import type { PublishedFlow } from "./flows";
import * as bot from "./bot-store";
import { classifyExternally } from "./bot-endpoint";
import { loadClassifier, trainModel, type Classifier } from "./bot/classifier";
import { BOT_LIMITS } from "./bot/corpus";

/** The associated data the bot endpoint's secret is sealed under. */
const BOT_SECRET_ID = "bot:endpoint_secret";

export type { PublishedFlow } from "./flows";

export type * from "./config-inputs";
export type { CreateChannelInput, UpdateChannelInput } from "./channels";

type ReadScope = Pick<Scope, "sql" | "ws">;

export class WorkspaceDO extends DurableObject<Env> {
  private schemaVersion = 0;
  /** The bot's loaded model, while it is the stored one (bot section). */
  private botModel: { trainedAt: number; classifier: Classifier } | null = null;
  private readonly delivery: ConfigDelivery;
  /** The one alarm, at the earliest timer (kit/timers.ts): the delivery's retry. */
  private readonly timerAlarm: TimerAlarm;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.timerAlarm = new TimerAlarm(ctx.storage);
    this.delivery = new ConfigDelivery(ctx, env, this.timerAlarm);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, WORKSPACE_MIGRATIONS);
      await this.timerAlarm.load();
    });
  }

  ping(): PingReply {
    return { class: "WorkspaceDO", version: this.schemaVersion };
  }

  // ── workspace ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Creates the workspace this object is named for. The Worker picks the SID (`regionalSid("WS", home)`,
   * which names the home region, platform/region-sids.ts, and so its jurisdiction, if any) and calls the
   * object of that name; a SID that was ever used, even if deleted, is refused.
   */
  async createWorkspace(accountSid: string, sid: string, input: CreateWorkspaceInput): Promise<ApiResult<WorkspaceRecord>> {
    const sql = this.ctx.storage.sql;
    return this.change(() => {
      if (workspaceRow(sql)) return { ok: false, status: 409, code: 20409, message: `Workspace ${sid} already exists` };
      return workspace.createWorkspace(sql, accountSid, sid, input, Date.now(), homeRegionOf(sid));
    });
  }

  /** The regions the workspace uses, home first, then in the order they joined. */
  workspaceRegions(accountSid: string): ApiResult<string[]> {
    return this.read(accountSid, (scope) => ok(workspaceRegions(scope.sql)));
  }

  /**
   * Makes `region` one of the workspace's regions, before the first worker or task is created there:
   * idempotent, and it answers only once that region's Router has the current configuration (503 if it
   * cannot be reached: then nothing should be created there yet; the alarm keeps trying).
   */
  async useRegion(accountSid: string, region: string): Promise<ApiResult<string[]>> {
    if (!regions.regions.some((r) => r.id === region)) return invalid("Region", `no region ${JSON.stringify(region)} in this deployment`);
    const listed = this.workspaceRegions(accountSid);
    if (!listed.ok) return listed;
    if (!listed.value.includes(region)) {
      const joined = await this.write(accountSid, (scope) => workspace.addRegion(scope, region));
      if (!joined.ok) return joined;
    } else if (this.regionBehind(region)) {
      await this.delivery.deliver();
    }
    if (this.regionBehind(region)) return fail(503, 20503, `The Router of region ${region} cannot be reached; try again`);
    return this.workspaceRegions(accountSid);
  }

  /** Whether the Router of `region` lacks the current configuration. */
  private regionBehind(region: string): boolean {
    const { sql } = this.ctx.storage;
    const [row] = sql
      .exec<{ behind: number }>(
        "SELECT router_version < (SELECT version FROM workspace) AS behind FROM sb_regions WHERE region = ?",
        region,
      )
      .toArray();
    return row?.behind !== 0;
  }

  getWorkspace(accountSid: string): ApiResult<WorkspaceRecord> {
    return this.read(accountSid, (scope) => ok(workspace.currentRecord(scope.sql, scope.ws)));
  }

  updateWorkspace(accountSid: string, input: UpdateWorkspaceInput): Promise<ApiResult<WorkspaceRecord>> {
    return this.write(accountSid, (scope) => workspace.updateWorkspace(scope, input));
  }

  deleteWorkspace(accountSid: string): Promise<ApiResult<null>> {
    return this.write(accountSid, (scope) => workspace.deleteWorkspace(scope));
  }

  /**
   * Where the workspace's callbacks go, for the EVENTS queue consumer (workers/queue/), which has
   * no account to scope by: it names the workspace it was told about by the workspace's own events.
   */
  callbackSettings(workspaceSid: string, workflowSid?: string): ApiResult<CallbackSettings> {
    const ws = workspaceRow(this.ctx.storage.sql);
    if (!ws || ws.deleted_at !== null || ws.sid !== workspaceSid) return notFound("Workspace", workspaceSid);
    const workflow = workflowSid === undefined ? undefined : workflowRow(this.ctx.storage.sql, workflowSid);
    return ok({
      workspaceName: ws.friendly_name,
      eventCallbackUrl: ws.event_callback_url,
      eventsFilter: ws.events_filter,
      workflow: workflow
        ? {
            assignmentCallbackUrl: workflow.assignment_callback_url,
            fallbackAssignmentCallbackUrl: workflow.fallback_assignment_callback_url,
          }
        : null,
    });
  }

  /** The snapshot the Router was (or is about to be) given; for tests and operators. */
  getSnapshot(accountSid: string): ApiResult<ReturnType<typeof workspace.loadSnapshot>> {
    return this.read(accountSid, (scope) => ok(workspace.loadSnapshot(scope.sql, scope.ws)));
  }

  // ── activities ──────────────────────────────────────────────────────────────────────────────────

  createActivity(accountSid: string, input: CreateActivityInput): Promise<ApiResult<ActivityRecord>> {
    return this.write(accountSid, (scope) => activities.createActivity(scope, input));
  }
  getActivity(accountSid: string, sid: string): ApiResult<ActivityRecord> {
    return this.read(accountSid, (scope) => activities.getActivity(scope, sid));
  }
  updateActivity(accountSid: string, sid: string, input: UpdateActivityInput): Promise<ApiResult<ActivityRecord>> {
    return this.write(accountSid, (scope) => activities.updateActivity(scope, sid, input));
  }
  deleteActivity(accountSid: string, sid: string): Promise<ApiResult<null>> {
    return this.write(accountSid, (scope) => activities.deleteActivity(scope, sid));
  }
  listActivities(accountSid: string, filters: ActivityFilters, page: PageRequest): ApiResult<Page<ActivityRecord>> {
    return this.read(accountSid, (scope) => activities.listActivities(scope, filters, page));
  }

  // ── task channels ───────────────────────────────────────────────────────────────────────────────

  createTaskChannel(accountSid: string, input: CreateTaskChannelInput): Promise<ApiResult<TaskChannelRecord>> {
    return this.write(accountSid, (scope) => taskChannels.createTaskChannel(scope, input));
  }
  /** By SID (TC…) or unique name. */
  getTaskChannel(accountSid: string, sidOrUniqueName: string): ApiResult<TaskChannelRecord> {
    return this.read(accountSid, (scope) => taskChannels.getTaskChannel(scope, sidOrUniqueName));
  }
  updateTaskChannel(accountSid: string, sidOrUniqueName: string, input: UpdateTaskChannelInput): Promise<ApiResult<TaskChannelRecord>> {
    return this.write(accountSid, (scope) => taskChannels.updateTaskChannel(scope, sidOrUniqueName, input));
  }
  deleteTaskChannel(accountSid: string, sidOrUniqueName: string): Promise<ApiResult<null>> {
    return this.write(accountSid, (scope) => taskChannels.deleteTaskChannel(scope, sidOrUniqueName));
  }
  listTaskChannels(accountSid: string, page: PageRequest): ApiResult<Page<TaskChannelRecord>> {
    return this.read(accountSid, (scope) => taskChannels.listTaskChannels(scope, page));
  }

  // ── task queues ─────────────────────────────────────────────────────────────────────────────────

  createTaskQueue(accountSid: string, input: CreateTaskQueueInput): Promise<ApiResult<TaskQueueRecord>> {
    return this.write(accountSid, (scope) => taskQueues.createTaskQueue(scope, input));
  }
  getTaskQueue(accountSid: string, sid: string): ApiResult<TaskQueueRecord> {
    return this.read(accountSid, (scope) => taskQueues.getTaskQueue(scope, sid));
  }
  updateTaskQueue(accountSid: string, sid: string, input: UpdateTaskQueueInput): Promise<ApiResult<TaskQueueRecord>> {
    return this.write(accountSid, (scope) => taskQueues.updateTaskQueue(scope, sid, input));
  }
  deleteTaskQueue(accountSid: string, sid: string): Promise<ApiResult<null>> {
    return this.write(accountSid, (scope) => taskQueues.deleteTaskQueue(scope, sid));
  }
  listTaskQueues(accountSid: string, filters: TaskQueueFilters, page: PageRequest): ApiResult<Page<TaskQueueRecord>> {
    return this.read(accountSid, (scope) => taskQueues.listTaskQueues(scope, filters, page));
  }

  // ── workflows ───────────────────────────────────────────────────────────────────────────────────

  createWorkflow(accountSid: string, input: CreateWorkflowInput): Promise<ApiResult<WorkflowRecord>> {
    return this.write(accountSid, (scope) => workflows.createWorkflow(scope, input));
  }
  getWorkflow(accountSid: string, sid: string): ApiResult<WorkflowRecord> {
    return this.read(accountSid, (scope) => workflows.getWorkflow(scope, sid));
  }
  updateWorkflow(accountSid: string, sid: string, input: UpdateWorkflowInput): Promise<ApiResult<WorkflowRecord>> {
    return this.write(accountSid, (scope) => workflows.updateWorkflow(scope, sid, input));
  }
  deleteWorkflow(accountSid: string, sid: string): Promise<ApiResult<null>> {
    return this.write(accountSid, (scope) => workflows.deleteWorkflow(scope, sid));
  }
  listWorkflows(accountSid: string, filters: WorkflowFilters, page: PageRequest): ApiResult<Page<WorkflowRecord>> {
    return this.read(accountSid, (scope) => workflows.listWorkflows(scope, filters, page));
  }

  // ── channel configurations (see channels.ts) ─────────────────────────────────────────────────────

  /** Checks, seals the secrets it carries, then writes in one transaction that checks again. */
  async createChannel(accountSid: string, input: channels.CreateChannelInput): Promise<ApiResult<ChannelRecord>> {
    const sid = newSid("XC");
    const checked = this.read(accountSid, (scope) => channels.checkChannel(scope, input));
    if (!checked.ok) return checked;
    const sealed = await this.sealChannelSecrets(sid, checked.value.secrets);
    if (!sealed) return channels.NO_SEALING_KEY;
    return this.writeChannel(accountSid, sid, (scope) => channels.checkChannel(scope, input), sealed);
  }

  listChannels(accountSid: string, page: PageRequest): ApiResult<Page<ChannelRecord>> {
    return this.read(accountSid, (scope) => channels.listChannels(scope, page));
  }

  getChannel(accountSid: string, channelSid: string): ApiResult<ChannelRecord> {
    return this.read(accountSid, (scope) => channels.getChannel(scope, channelSid));
  }

  async updateChannel(accountSid: string, channelSid: string, input: channels.UpdateChannelInput): Promise<ApiResult<ChannelRecord>> {
    const check = (scope: ReadScope): ApiResult<channels.ChannelDraft> => {
      const row = channels.channelRow(scope.sql, channelSid);
      if (!row) return notFound("Channel", channelSid);
      return channels.checkChannel(scope, input, { row, secrets: channels.secretNames(scope.sql, channelSid) });
    };
    const checked = this.read(accountSid, check);
    if (!checked.ok) return checked;
    const sealed = await this.sealChannelSecrets(channelSid, checked.value.secrets);
    if (!sealed) return channels.NO_SEALING_KEY;
    return this.writeChannel(accountSid, channelSid, check, sealed);
  }

  deleteChannel(accountSid: string, channelSid: string): ApiResult<null> {
    return this.ctx.storage.transactionSync(() => this.read(accountSid, (scope) => channels.deleteChannel(scope, channelSid)));
  }

  /**
   * A channel configuration with its secrets opened, for the Worker's adapters and the ConversationDO.
   * Never returned by the API. A secret that no longer opens (the auth token was rotated) is left out.
   */
  async channelConfig(accountSid: string, channelSid: string): Promise<ApiResult<ChannelConfig>> {
    const found = this.read(accountSid, (scope) => {
      const row = channels.channelRow(scope.sql, channelSid);
      return row ? ok({ row, ws: scope.ws, sealed: channels.sealedSecrets(scope.sql, channelSid) }) : notFound("Channel", channelSid);
    });
    if (!found.ok) return found;
    const { row, ws, sealed } = found.value;
    const secrets: Record<string, string> = {};
    const authToken = this.env.AUTH_TOKEN;
    for (const [name, bytes] of sealed) {
      const opened = authToken ? await openSecret(bytes, authToken, channels.secretKeyId(channelSid, name)) : null;
      if (opened !== null) secrets[name] = opened;
      else console.error(`WorkspaceDO: secret ${name} of channel ${channelSid} does not open (was AUTH_TOKEN rotated?)`);
    }
    return ok({
      sid: row.sid,
      accountSid: ws.account_sid,
      workspaceSid: ws.sid,
      kind: row.kind,
      friendlyName: row.friendly_name,
      workflowSid: row.workflow_sid,
      taskChannel: row.task_channel,
      region: row.region,
      flowSid: row.flow_sid,
      settings: JSON.parse(row.settings) as ChannelConfig["settings"],
      secrets,
      version: row.version,
      ...(row.public_origin ? { webhookUrl: row.public_origin + webhookPath(ws.sid, row.sid) } : {}),
    });
  }

  /** A channel's version, which every change bumps: how the Worker's cached configuration is told stale (nothing is unsealed). */
  channelVersion(accountSid: string, channelSid: string): ApiResult<number> {
    return this.read(accountSid, (scope) => {
      const row = channels.channelRow(scope.sql, channelSid);
      return row ? ok(row.version) : notFound("Channel", channelSid);
    });
  }

  /** Each secret sealed under the deployment's auth token (null stays null: clear it); null without a token. */
  private async sealChannelSecrets(
    channelSid: string,
    secrets: ReadonlyMap<string, string | null>,
  ): Promise<Map<string, ArrayBuffer | null> | null> {
    const authToken = this.env.AUTH_TOKEN;
    const out = new Map<string, ArrayBuffer | null>();
    for (const [name, value] of secrets) {
      if (value === null) out.set(name, null);
      else if (!authToken) return null;
      else out.set(name, await sealSecret(value, authToken, channels.secretKeyId(channelSid, name)));
    }
    return out;
  }

  /** Re-runs the check against what is stored now (other requests may have run while sealing), then writes. */
  private writeChannel(
    accountSid: string,
    channelSid: string,
    check: (scope: ReadScope) => ApiResult<channels.ChannelDraft>,
    sealed: ReadonlyMap<string, ArrayBuffer | null>,
  ): ApiResult<ChannelRecord> {
    return this.ctx.storage.transactionSync(() =>
      this.read(accountSid, (scope) => {
        const draft = check(scope);
        if (!draft.ok) return draft;
        return ok(channels.writeChannel({ ...scope, now: Date.now() }, channelSid, draft.value, sealed));
      }),
    );
  }

  // ── flows (issue 16: the Studio routes' flows and revisions) ────────────────────────────────────

  // Flows are not part of the Router's snapshot: their changes bump no workspace version (flows.ts).

  createFlow(accountSid: string, input: flows.CreateFlowInput): ApiResult<flows.FlowRecord> {
    const sid = newSid("FW");
    return this.flowChange(accountSid, (scope) => flows.createFlow(scope, sid, input));
  }
  getFlow(accountSid: string, flowSid: string): ApiResult<flows.FlowRecord> {
    return this.read(accountSid, (scope) => flows.getFlow(scope, flowSid));
  }
  listFlows(accountSid: string, page: PageRequest): ApiResult<Page<flows.FlowRecord>> {
    return this.read(accountSid, (scope) => flows.listFlows(scope, page));
  }
  updateFlow(accountSid: string, flowSid: string, input: flows.UpdateFlowInput): ApiResult<flows.FlowRecord> {
    return this.flowChange(accountSid, (scope) => flows.updateFlow(scope, flowSid, input));
  }
  deleteFlow(accountSid: string, flowSid: string): ApiResult<null> {
    return this.flowChange(accountSid, (scope) => flows.deleteFlow(scope, flowSid));
  }
  listFlowRevisions(accountSid: string, flowSid: string, page: PageRequest): ApiResult<Page<flows.FlowRevisionRecord>> {
    return this.read(accountSid, (scope) => flows.listRevisions(scope, flowSid, page));
  }
  getFlowRevision(accountSid: string, flowSid: string, revision: flows.RevisionRef): ApiResult<flows.FlowRevisionRecord> {
    return this.read(accountSid, (scope) => flows.getRevision(scope, flowSid, revision));
  }

  /** The flow an execution runs: its published revision (409 naming the flow when it has none). */
  flowForExecution(accountSid: string, flowSid: string): ApiResult<PublishedFlow> {
    return this.read(accountSid, (scope) => flows.flowForExecution({ ...scope, now: Date.now(), validate: validateDefinition }, flowSid));
  }

  /** One flow change in one transaction; a refusal writes nothing (the store checks before it writes). */
  private flowChange<T>(accountSid: string, change: (scope: flows.FlowScope) => ApiResult<T>): ApiResult<T> {
    return this.ctx.storage.transactionSync(() =>
      this.read(accountSid, (scope) => change({ ...scope, now: Date.now(), validate: validateDefinition })),
    );
  }

  // ── bot (issue 16: intents, training, classification) ─────────────────────────────────────────────

  /**
   * What the workspace's bot makes of `text`: the team's endpoint when one is set (bot-endpoint.ts), else
   * the last trained model (kept loaded while its training time is the same); null when it has neither
   * (then flows see no intent) or the endpoint gave no valid answer.
   */
  async classify(accountSid: string, text: string, language?: string): Promise<ApiResult<Classification | null>> {
    const found = this.read(accountSid, () => ok(bot.settingsRow(this.ctx.storage.sql)));
    if (!found.ok) return found;
    if (text.length > BOT_LIMITS.textLength) return invalid("Text", `must be at most ${BOT_LIMITS.textLength} characters`);
    const row = found.value;
    if (row.endpoint_url !== null && row.endpoint_secret !== null) {
      const secret = this.env.AUTH_TOKEN ? await openSecret(row.endpoint_secret, this.env.AUTH_TOKEN, BOT_SECRET_ID) : null;
      if (secret === null) {
        console.error("WorkspaceDO: the bot endpoint's secret does not open (was AUTH_TOKEN rotated?)");
        return ok(null);
      }
      const endpoint = { url: row.endpoint_url, secret, timeoutMs: row.endpoint_timeout_ms, threshold: row.threshold };
      return ok(await classifyExternally(endpoint, text, language));
    }
    if (row.trained_at === null) return ok(null);
    if (this.botModel?.trainedAt !== row.trained_at) {
      const model = bot.loadModel(this.ctx.storage.sql);
      if (model === null) return ok(null);
      this.botModel = { trainedAt: row.trained_at, classifier: loadClassifier(model) };
    }
    // Dates in words count from now, in UTC: the workspace has no time zone of its own (yet).
    const options = { ...(language ? { language } : {}), threshold: row.threshold, reference: { at: Date.now() } };
    return ok(await this.botModel.classifier.classify(text, options));
  }

  /**
   * Trains the bot on its intents and entities and stores the model. CPU in this object's turn (no I/O,
   * so other requests wait for it: 0.1–0.3 s for 150 phrases, BENCHMARKS.md); a change made meanwhile leaves
   * the stored model `stale`.
   */
  async trainBot(accountSid: string): Promise<ApiResult<bot.BotSettingsRecord>> {
    const read = this.read(accountSid, () => ok(bot.corpusOf(this.ctx.storage.sql)));
    if (!read.ok) return read;
    const { corpus, version } = read.value;
    if (corpus.intents.length === 0) return fail(400, 20001, "The bot has no intents to train on: add one first");
    const started = performance.now();
    const model = await trainModel(corpus);
    const took = Math.round(performance.now() - started);
    return this.ctx.storage.transactionSync(() =>
      this.read(accountSid, () => {
        bot.saveModel(this.ctx.storage.sql, model, version, Date.now(), took);
        return ok(bot.settingsRecord(this.ctx.storage.sql));
      }),
    );
  }

  listBotIntents(accountSid: string, request: PageRequest): ApiResult<Page<bot.BotIntentRecord>> {
    return this.read(accountSid, () => bot.pageIntents(this.ctx.storage.sql, request));
  }
  getBotIntent(accountSid: string, sid: string): ApiResult<bot.BotIntentRecord> {
    return this.read(accountSid, () => bot.getIntent(this.ctx.storage.sql, sid));
  }
  createBotIntent(accountSid: string, input: bot.IntentInput): ApiResult<bot.BotIntentRecord> {
    return this.botChange(accountSid, (sql) => bot.createIntent(sql, Date.now(), input));
  }
  updateBotIntent(accountSid: string, sid: string, input: bot.IntentInput): ApiResult<bot.BotIntentRecord> {
    return this.botChange(accountSid, (sql) => bot.updateIntent(sql, Date.now(), sid, input));
  }
  deleteBotIntent(accountSid: string, sid: string): ApiResult<null> {
    return this.botChange(accountSid, (sql) => bot.deleteIntent(sql, sid));
  }
  listBotEntities(accountSid: string): ApiResult<bot.BotEntityRecord[]> {
    return this.read(accountSid, () => ok(bot.listEntities(this.ctx.storage.sql)));
  }
  putBotEntity(accountSid: string, name: string, pattern: string): ApiResult<{ record: bot.BotEntityRecord; created: boolean }> {
    return this.botChange(accountSid, (sql) => bot.putEntity(sql, Date.now(), name, pattern));
  }
  deleteBotEntity(accountSid: string, name: string): ApiResult<null> {
    return this.botChange(accountSid, (sql) => bot.deleteEntity(sql, name));
  }
  getBotSettings(accountSid: string): ApiResult<bot.BotSettingsRecord> {
    return this.read(accountSid, () => ok(bot.settingsRecord(this.ctx.storage.sql)));
  }
  /** `endpointSecret`: undefined leaves it, a string is sealed under the auth token before it is stored. */
  async updateBotSettings(
    accountSid: string,
    input: bot.SettingsInput & { endpointSecret?: string },
  ): Promise<ApiResult<bot.BotSettingsRecord>> {
    let sealed: ArrayBuffer | undefined;
    if (input.endpointSecret !== undefined) {
      if (!this.env.AUTH_TOKEN) return channels.NO_SEALING_KEY;
      sealed = await sealSecret(input.endpointSecret, this.env.AUTH_TOKEN, BOT_SECRET_ID);
    }
    return this.botChange(accountSid, (sql) => bot.updateSettings(sql, input, sealed));
  }

  /** A bot change in one transaction, rolled back whole when refused. */
  private botChange<T>(accountSid: string, mutate: (sql: SqlStorage) => ApiResult<T>): ApiResult<T> {
    try {
      return this.ctx.storage.transactionSync(() =>
        this.read(accountSid, () => {
          const result = mutate(this.ctx.storage.sql);
          if (!result.ok) throw new Rollback(result);
          return result;
        }),
      );
    } catch (error) {
      if (error instanceof Rollback) return error.failure;
      throw error;
    }
  }

  // ── business calendars (issue 16: hours, holidays, exceptions) ───────────────────────────────────

  /** Whether each of the workspace's business calendars is open at `at` (ms since epoch), by unique name. */
  calendarStatus(accountSid: string, at: number): ApiResult<CalendarStatus> {
    return this.read(accountSid, (scope) => calendars.calendarStatus(scope, at));
  }
  createCalendar(accountSid: string, input: calendars.CreateCalendarInput): Promise<ApiResult<calendars.CalendarRecord>> {
    return this.write(accountSid, (scope) => calendars.createCalendar(scope, input));
  }
  /** By SID (BC…) or unique name. */
  getCalendar(accountSid: string, sidOrUniqueName: string): ApiResult<calendars.CalendarRecord> {
    return this.read(accountSid, (scope) => calendars.getCalendar(scope, sidOrUniqueName));
  }
  listCalendars(accountSid: string, page: PageRequest): ApiResult<Page<calendars.CalendarRecord>> {
    return this.read(accountSid, (scope) => calendars.listCalendars(scope, page));
  }
  updateCalendar(
    accountSid: string,
    sidOrUniqueName: string,
    input: calendars.UpdateCalendarInput,
  ): Promise<ApiResult<calendars.CalendarRecord>> {
    return this.write(accountSid, (scope) => calendars.updateCalendar(scope, sidOrUniqueName, input));
  }
  deleteCalendar(accountSid: string, sidOrUniqueName: string): Promise<ApiResult<null>> {
    return this.write(accountSid, (scope) => calendars.deleteCalendar(scope, sidOrUniqueName));
  }
  /** One calendar's state at `at`: open, and the next change. */
  calendarStatusOf(accountSid: string, sidOrUniqueName: string, at: number): ApiResult<calendars.CalendarStatusRecord> {
    return this.read(accountSid, (scope) => calendars.calendarStatusOf(scope, sidOrUniqueName, at));
  }

  // ── delivery ────────────────────────────────────────────────────────────────────────────────────

  /** Retries a delivery that failed (config-delivery.ts). */
  override async alarm(): Promise<void> {
    this.timerAlarm.fired();
    await this.delivery.deliver();
  }

  /** The live workspace of this account, or the 404 every other caller gets. */
  private live(accountSid: string): ApiResult<WorkspaceRow> {
    const ws = workspaceRow(this.ctx.storage.sql);
    if (!ws || ws.deleted_at !== null || ws.account_sid !== accountSid) return notFound("Workspace", this.ctx.id.name ?? ws?.sid ?? "");
    return ok(ws);
  }

  private read<T>(accountSid: string, query: (scope: ReadScope) => ApiResult<T>): ApiResult<T> {
    const ws = this.live(accountSid);
    return ws.ok ? query({ sql: this.ctx.storage.sql, ws: ws.value }) : ws;
  }

  private write<T>(accountSid: string, mutate: (scope: Scope) => ApiResult<Change<T>>): Promise<ApiResult<T>> {
    return this.change(() => {
      const ws = this.live(accountSid);
      return ws.ok ? mutate({ sql: this.ctx.storage.sql, ws: ws.value, now: Date.now(), accountSid }) : ws;
    });
  }

  /**
   * Runs a mutation in one transaction that also bumps the version and records the events; an invalid
   * change is rolled back whole. Then delivers it (see the module comment).
   */
  private async change<T>(mutate: () => ApiResult<Change<T>>): Promise<ApiResult<T>> {
    const { sql } = this.ctx.storage;
    let result: ApiResult<T>;
    try {
      result = this.ctx.storage.transactionSync(() => {
        const before = workspaceRow(sql);
        const recordBefore = before && before.deleted_at === null ? JSON.stringify(workspace.currentRecord(sql, before)) : null;
        const outcome = mutate();
        if (!outcome.ok) throw new Rollback(outcome);
        sql.exec("UPDATE workspace SET version = version + 1");
        const after = workspaceRow(sql);
        if (!after) throw new Error("the workspace row disappeared during a change");
        sql.exec(
          "INSERT INTO sb_outbox (version, events, re_evaluate) VALUES (?, ?, ?)",
          after.version,
          JSON.stringify(outcome.value.events),
          outcome.value.reEvaluateTasksOf ?? null,
        );
        const recordAfter = after.deleted_at === null ? JSON.stringify(workspace.currentRecord(sql, after)) : null;
        if (recordAfter !== recordBefore) sql.exec("UPDATE sb_sync SET directory_wanted = directory_wanted + 1");
        return ok(outcome.value.value);
      });
    } catch (error) {
      if (error instanceof Rollback) return error.failure;
      throw error;
    }
    await this.delivery.deliver();
    return result;
  }
}
