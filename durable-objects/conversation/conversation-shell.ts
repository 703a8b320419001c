/**
 * The ConversationDO's machinery, apart from its RPC surface (conversation-do.ts): one operation in one
 * transaction with its post-event requests (`mutate`), then its effects (`settle`: frames to the
 * sockets, the directory's entry, the first task, deliveries and webhooks in the background, the
 * alarm), and the I/O around it — the Router as a {@link TaskPort}, the delivery drain to the
 * customer's channel through the {@link Deliver} port, attachments in R2, the webhooks' configuration
 * and pre-events, and the workspace events (supervisors' actions, survey answers) handed to the Router
 * (lifecycle/workspace-events.ts).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import { directoryFor, followMoves, routerFor, workspaceFor } from "../../platform/objects";
import { recordingsFor } from "../../platform/stores";
import { channelDelivery } from "../../channels/outbound";
import { mediaKey } from "../../channels/media";
import { applyMigrations } from "../kit/migrations";
import { defined, ok, type ApiResult } from "../common/rpc";
import { Rollback } from "../kit/sql-host";
import type { AddMessageInput, InboundContext, ResolvedInbound } from "../common/conversations";
import type { ChannelConfig } from "../../channels/channel-config";
import type { Deliver, OutboundMessage } from "../../channels/messages";
import type { DeliveryReceiptRecord, MediaRef } from "../../contract/conversations";
import { SYSTEM_SOURCE, type ActionSource } from "../common/conversation-webhooks";
import { CONVERSATION_MIGRATIONS } from "./store/schema";
import {
  conversationRecord,
  conversationRow,
  participantRecord,
  participantRows,
  pastParticipants,
  pendingRegistration,
  saveConversation,
  saveRegistration,
  type ConversationRow,
} from "./store/conversation-rows";
import { newOp, noEffects, type Effects, type MediaEffect, type Op } from "./lifecycle/conversation-operation";
import { liveKitCallMedia, type CallMedia } from "./call-media";
import { abandonIfGone, ABANDON_TIMER, latestCallRecord } from "./lifecycle/calls";
import { liveKitRecorder, recordingEffect, taskQueueOf, type RecordingPorts } from "./call-recording";
import * as conversations from "./lifecycle/conversation";
import * as participants from "./lifecycle/participants";
import { drainDeliveries, hasDeliveries } from "./lifecycle/delivery";
import { HOOKS_TOPIC, queueHooks, type HookContext } from "./lifecycle/hooks";
import { createPendingTask, type TaskPort } from "./lifecycle/tasks";
import { clearTimer, dueTimers, setTimer, TimerAlarm, timerDueAt } from "../kit/timers";
import { ConversationWebhooks } from "./webhooks";
import { broadcast, CLOSE, close, openSockets, send, staffIdentity, stateOf } from "./sockets";
import { Outbox, OUTBOX_TIMER, type OutboxRow } from "../kit/outbox";
import type { ConversationHost } from "./conversation-host";
import { taskPortFor } from "./task-port";
import { retryPolicy } from "../../platform/backoff";
import { WORKSPACE_EVENTS_TOPIC, type WorkspaceEventMessage } from "./lifecycle/workspace-events";
import { messagesSince } from "./lifecycle/messages";
import type { SocketState } from "./socket-commands";
import { FlowRuns } from "./flow-runs";
import { CALL_FLOW_TOPIC, conversationFlow, FLOW_TIMER, FLOW_TOPIC } from "./lifecycle/flows";
import { CALL_START_TIMER } from "./lifecycle/call-flows";

const INDEX_RETRY_MS = 5_000;
/** How long after a directory update a message's refresh of its last activity waits, for the timer to write it. */
const INDEX_TOUCH_MS = 1_000;
/** A workspace event the Router could not take is handed over again after this long (then longer). */
const WORKSPACE_EVENT_RETRIES = retryPolicy({ baseDelayMs: 5_000, maxDelayMs: 60_000 });

export abstract class ConversationShell extends DurableObject<Env> {
  protected schemaVersion = 0;
  /** The one alarm, at the earliest timer (kit/timers.ts). */
  private readonly timerAlarm = new TimerAlarm(this.ctx.storage);
  /** The delivery drains, one after another. */
  private draining: Promise<void> = Promise.resolve();
  /** What calls asked of LiveKit and the media service after their commits, chained (see mediaEffects). */
  private mediaChain: Promise<void> = Promise.resolve();
  /** The directory updates in flight, chained (see syncIndex). */
  private indexing: Promise<void> = Promise.resolve();
  /** The directory update waiting for the one in flight, which every later change joins (see syncIndex). */
  private indexQueued: Promise<void> | null = null;
  /** When the last directory update started (epoch ms; 0 after a wake): a message's refresh waits a second after it. */
  private indexWrittenAt = 0;
  /** The changes the directory's entry is to show, counted: a write clears the timer only if none came after it began. */
  private indexChanges = 0;
  protected readonly webhooks: ConversationWebhooks;
  /** How a message reaches the customer's channel: the channels' adapters (a test may swap in a fake). */
  protected deliver: Deliver;
  /** Supervisors' actions and survey answers on their way to the Router's events (lifecycle/workspace-events.ts). */
  protected readonly workspaceEvents: Outbox;

  /** Self-service: the flow's start, the customer's messages to it, its end (flow-runs.ts, issue 16). */
  protected readonly flows: FlowRuns;

  /** What the object's parts (conversation-changes.ts, socket-session.ts, staff-actions.ts) get of it. */
  protected readonly host: ConversationHost;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.deliver = channelDelivery(env);
    this.webhooks = new ConversationWebhooks(ctx.storage, env, () => this.sid);
    this.workspaceEvents = new Outbox(ctx.storage, WORKSPACE_EVENTS_TOPIC, (rows) => this.handOverEvent(rows), WORKSPACE_EVENT_RETRIES, 1);
    this.host = this.hostOf(ctx);
    this.flows = new FlowRuns(
      ctx.storage,
      env,
      () => this.sid,
      () => this.routeWithoutFlow(),
    );
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, CONVERSATION_MIGRATIONS);
      await this.timerAlarm.load();
    });
  }

  private hostOf(ctx: DurableObjectState): ConversationHost {
    // The name is known once the object is addressed (getByName), which is before any call reaches it.
    const sid = (): string => this.sid;
    return {
      get sid() {
        return sid();
      },
      ctx,
      webhooks: this.webhooks,
      workspaceEvents: this.workspaceEvents,
      op: () => this.op(),
      loaded: (accountSid) => this.loaded(accountSid),
      loadedIn: (op, accountSid) => this.loadedIn(op, accountSid),
      mutate: (fn, hooks) => this.mutate(fn, hooks),
      apply: (fn, hooks) => this.apply(fn, hooks),
      settle: (effects) => this.settle(effects),
      messageToAdd: (accountSid, request, source) => this.messageToAdd(accountSid, request, source),
      sendSnapshot: (ws, state, since) => this.sendSnapshot(ws, state, since),
      directory: (workspaceSid) => this.directory(workspaceSid),
      call: (what, fn) => this.call(what, fn),
      flushHooks: () => this.flushHooks(),
      wipe: async () => {
        await ctx.storage.deleteAll();
        await this.timerAlarm.clear();
        applyMigrations(ctx.storage, CONVERSATION_MIGRATIONS);
      },
    };
  }

  /** Runs every retry due at the time the alarm was set for (tests fire it early with `runDurableObjectAlarm`). */
  override async alarm(): Promise<void> {
    const at = this.timerAlarm.fired();
    const now = () => Math.max(Date.now(), at);
    const row = conversationRow(this.ctx.storage);
    if (row) {
      const indexDue = timerDueAt(this.ctx.storage, "index", "");
      if (indexDue !== null && indexDue <= now()) await this.syncIndex(row.account_sid);
      await createPendingTask(this.ctx.storage, this.taskPort(row), now);
      // A call whose customer (waiting: the caller; connected or held: either side) dropped out and did not come
      // back within the grace: abandoned while waiting, ended otherwise (lifecycle/calls.ts).
      for (const timer of dueTimers(this.ctx.storage, now()))
        if (timer.kind === ABANDON_TIMER) await this.apply((op) => abandonIfGone(op, timer.sid));
        else if (timer.kind === CALL_START_TIMER) await this.callFlowStartDue(row, timer.sid);
      await this.deliverInOrder(now);
      const flowDue = [
        timerDueAt(this.ctx.storage, FLOW_TIMER, ""),
        timerDueAt(this.ctx.storage, OUTBOX_TIMER, FLOW_TOPIC),
        timerDueAt(this.ctx.storage, OUTBOX_TIMER, CALL_FLOW_TOPIC),
      ];
      if (flowDue.some((due) => due !== null && due <= now())) await this.flows.run();
    }
    // Post-events still waiting for the queue (also after a deletion, whose last event outlives the row).
    const hooksDue = timerDueAt(this.ctx.storage, OUTBOX_TIMER, HOOKS_TOPIC);
    if (hooksDue !== null && hooksDue <= now()) await this.webhooks.outbox.drain();
    const eventsDue = timerDueAt(this.ctx.storage, OUTBOX_TIMER, WORKSPACE_EVENTS_TOPIC);
    if (eventsDue !== null && eventsDue <= now()) await this.workspaceEvents.drain();
    await this.syncAlarm();
  }

  /** A call's execution start is due again (lifecycle/call-flows.ts): the subclass has the call's ports. */
  protected abstract callFlowStartDue(row: ConversationRow, callSid: string): Promise<void>;

  /** Runs the delivery drains one after another (see deliverPending). */
  protected deliverInOrder(now: () => number = Date.now): Promise<void> {
    this.draining = this.draining.then(() => this.drain(now));
    return this.draining;
  }

  protected get sid(): string {
    return this.ctx.id.name ?? "";
  }

  protected op(): Op {
    return newOp(this.ctx.storage, this.sid, Date.now());
  }

  protected loaded(accountSid: string): ApiResult<ConversationRow> {
    return this.loadedIn(this.op(), accountSid);
  }

  protected loadedIn(op: Op, accountSid: string): ApiResult<ConversationRow> {
    const row = conversationRow(op.host);
    return row && row.account_sid === accountSid
      ? ok(row)
      : { ok: false, status: 404, code: 20404, message: `The requested resource Conversation ${op.sid} was not found` };
  }

  /**
   * One operation in one transaction: all of it, or (on a failure result) nothing — with its post-event
   * webhook requests written to the outbox in the same transaction (none without `hooks`).
   */
  protected mutate<T>(fn: (op: Op) => ApiResult<T>, hooks: HookContext | null = null): { result: ApiResult<T>; effects: Effects } {
    const op = this.op();
    try {
      const result = this.ctx.storage.transactionSync(() => {
        const answer = fn(op);
        if (!answer.ok) throw new Rollback(answer);
        const row = conversationRow(op.host);
        // The timer first: a change committed but not yet queued is queued by the alarm after an eviction.
        const queued = row ? queueHooks(op.host, row.account_sid, op.effects.hooks, hooks, op.now) : 0;
        if (queued > 0) this.webhooks.outbox.guard(op.host, op.now);
        if (op.effects.workspaceEvents) this.workspaceEvents.guard(op.host, op.now);
        return answer;
      });
      return { result, effects: op.effects };
    } catch (error) {
      if (error instanceof Rollback) return { result: error.failure, effects: noEffects() };
      throw error;
    }
  }

  protected async apply<T>(fn: (op: Op) => ApiResult<T>, hooks: HookContext | null = null): Promise<ApiResult<T>> {
    const { result, effects } = this.mutate(fn, hooks);
    await this.settle(effects);
    return result;
  }

  /** Carries out a committed operation's effects. */
  protected async settle(effects: Effects): Promise<void> {
    broadcast(this.ctx, effects.frames);
    if (effects.left.length > 0) this.letGo(effects.left);
    const row = conversationRow(this.ctx.storage);
    if (row) {
      // A withdrawn message's attachments: the bytes go too (a failure leaves an unreferenced object, logged).
      for (const sid of effects.deleteMedia)
        await recordingsFor(this.env, row.workspace_sid)
          .delete(mediaKey(row.workspace_sid, sid))
          .catch((error: unknown) =>
            console.error(`ConversationDO ${this.sid}: deleting the attachment ${sid} of a withdrawn message failed`, error),
          );
      // The task first: an agent is rung without waiting on the directory (the workspace's home region).
      const port = this.taskPort(row);
      for (const taskSid of effects.wrapTasks) await this.call(`wrapping up task ${taskSid}`, () => port.wrapTask(taskSid));
      for (const { taskSid, reason } of effects.cancelTasks)
        await this.call(`canceling task ${taskSid}`, () => port.cancelTask(taskSid, reason));
      // In the background, one after another: a start of hold music never overtakes the stop that followed it.
      if (effects.media.length > 0) {
        const wanted = effects.media;
        this.mediaChain = this.mediaChain.then(() => this.mediaEffects(row, wanted));
        this.ctx.waitUntil(this.mediaChain);
      }
      if (effects.createTask) await createPendingTask(this.ctx.storage, port, Date.now);
      if (effects.flow || row.state === "closed") await this.flows.run();
      // The timer first, so an eviction before the call still gets the entry written by the alarm; one
      // already set (a write in flight or due again) stays where it is, and a new one is due when the
      // alarm already fires, if that is sooner: the alarm need not move (a storage call) for each message.
      // Only the last activity changed (a customer's message) within a second of the last write: the
      // timer writes it, at most a second later, so a burst of messages costs one write a second.
      const now = Date.now();
      const wait = effects.touch && !effects.index ? this.indexWrittenAt + INDEX_TOUCH_MS - now : 0;
      if (effects.index || effects.touch) {
        this.indexChanges++;
        const due = timerDueAt(this.ctx.storage, "index", "");
        const wanted = wait > 0 ? now + wait : now + INDEX_RETRY_MS;
        if (due === null || due > wanted) setTimer(this.ctx.storage, "index", "", this.timerAlarm.aligned(wanted));
      }
      if (effects.index) {
        // The alarm on the timer before waiting for the write: an eviction meanwhile still gets it written.
        await this.syncAlarm();
        await this.syncIndex(row.account_sid);
      } else if (effects.touch && wait <= 0) this.ctx.waitUntil(this.syncIndex(row.account_sid));
      for (const workerSid of effects.notedWorkers)
        await this.call("noting the last worker", () => this.directory(row.workspace_sid).noteWorker(row.account_sid, row.sid, workerSid));
      if (effects.deliver) this.ctx.waitUntil(this.deliverInOrder());
    }
    await this.syncAlarm();
    if (this.webhooks.outbox.hasUnsent()) this.ctx.waitUntil(this.flushHooks());
    if (effects.workspaceEvents || this.workspaceEvents.hasUnsent()) this.ctx.waitUntil(this.flushWorkspaceEvents());
  }

  /** A conversation whose flow could not start or ended without a task: its workflow's task, as without a flow. */
  private async routeWithoutFlow(): Promise<void> {
    const row = conversationRow(this.ctx.storage);
    if (row) await createPendingTask(this.ctx.storage, this.taskPort(row), Date.now);
    await this.syncAlarm();
  }

  /**
   * The sockets of participants who left: closed — but a supervisor who barged out keeps watching (their
   * socket becomes read-only again and gets a fresh snapshot saying so).
   */
  private letGo(left: readonly string[]): void {
    for (const ws of openSockets(this.ctx)) {
      const state = stateOf(ws);
      if (state === null || state.participantSid === null || !left.includes(state.participantSid)) continue;
      if (state.role !== "supervisor") {
        close(ws, CLOSE.left, "You left the conversation");
        continue;
      }
      const watching: SocketState = { ...state, participantSid: null };
      ws.serializeAttachment(watching);
      this.sendSnapshot(ws, watching, null);
    }
  }

  /** The snapshot a socket starts from: the conversation, who is and was in it, the messages it may see after `since`. */
  protected sendSnapshot(ws: WebSocket, state: SocketState, since: number | null): void {
    const op = this.op();
    const row = conversationRow(op.host);
    if (!row) return;
    send(ws, {
      type: "conversation.snapshot",
      conversation: { ...conversationRecord(row), flow: conversationFlow(op) },
      participants: participantRows(op.host).map((p) => participantRecord(row, p)),
      past_participants: pastParticipants(op.host),
      messages: messagesSince(op, row, since, state.role !== "customer"),
      // A watching supervisor is no participant: `supervisor:` and the identity their whispers are written as.
      you: state.participantSid ?? `supervisor:${staffIdentity(state) ?? ""}`,
      call: latestCallRecord(op.host, row.sid),
    });
  }

  /** Hands the workspace events to the Router, then points the alarm at what is left to retry. */
  protected async flushWorkspaceEvents(): Promise<void> {
    await this.workspaceEvents.drain();
    await this.syncAlarm();
  }

  /**
   * One workspace event to the Router holding the conversation's task (followed to the region it was
   * handed over to), or the home region's when it has none. A refusal is final (logged); a Router that
   * cannot be reached, or fails, is tried again from the alarm.
   */
  private async handOverEvent(batch: readonly OutboxRow[]): Promise<number> {
    const { accountSid, workspaceSid, event } = JSON.parse(batch[0]!.body) as WorkspaceEventMessage;
    const result =
      event.taskSid === null
        ? await routerFor(this.env, workspaceSid).recordConversationEvent(accountSid, event)
        : await followMoves(this.env, workspaceSid, event.taskSid, (router) => router.recordConversationEvent(accountSid, event));
    if (!result.ok && result.status >= 500) throw new Error(`the Router failed to record ${event.type}: ${result.message}`);
    if (!result.ok) console.error(`ConversationDO ${this.sid}: the Router refused ${event.type}: ${result.message}`);
    return 1;
  }

  /** Sends the post-event outbox to the queue, then points the alarm at what is left to retry. */
  protected async flushHooks(): Promise<void> {
    await this.webhooks.outbox.drain();
    await this.syncAlarm();
  }

  /** The stored conversation; only where a check just found it (before any await). */
  protected where(): ConversationRow {
    return conversationRow(this.ctx.storage)!;
  }

  /**
   * A message about to be added (REST or socket): its attachments resolved, the onMessageAdd pre-event
   * asked, and the answer's changes applied; with the context its post-events go out with.
   */
  protected async messageToAdd(
    accountSid: string,
    request: AddMessageInput,
    source: ActionSource,
  ): Promise<ApiResult<{ input: AddMessageInput; hooks: HookContext | null }>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const media = await this.withMedia(row.value.workspace_sid, request);
    if (!media.ok) return media;
    const hooks = await this.webhooks.context(row.value, source);
    const author = request.participantSid ? participants.findParticipant(this.op(), request.participantSid) : undefined;
    const pre = await this.webhooks.pre(hooks, accountSid, {
      type: "onMessageAdd",
      conversation: conversationRecord(row.value),
      author: request.author ?? author?.identity ?? author?.binding_address ?? null,
      body: request.body ?? null,
      attributes: request.attributes,
      participantSid: request.participantSid ?? null,
      media: media.value.media ?? [],
      visibility: request.visibility,
    });
    if (!pre.ok) return pre;
    const { body, author: newAuthor, attributes } = pre.value;
    return ok({ input: { ...media.value, ...defined({ body, author: newAuthor, attributes }) }, hooks });
  }

  /**
   * Writes the directory's entry from the stored row; on failure the alarm tries again. Calls run one
   * after another (each reads the row when its turn comes), so an older entry never lands after a newer;
   * and coalesce: while one waits for its turn, later calls join it — it reads the row after their changes,
   * so at most one write is in flight and one waits, however fast messages come (latest wins).
   */
  protected syncIndex(accountSid: string): Promise<void> {
    if (this.indexQueued !== null) return this.indexQueued;
    const queued = this.indexing.then(() => {
      // Its turn: a change from now on is not sure to be read by this write, so it queues the next.
      this.indexQueued = null;
      this.indexWrittenAt = Date.now();
      return this.writeIndex(accountSid);
    });
    this.indexQueued = queued;
    this.indexing = queued;
    return queued;
  }

  private async writeIndex(accountSid: string): Promise<void> {
    if (!conversationRow(this.ctx.storage)) return;
    const changes = this.indexChanges;
    const done =
      (await this.register(accountSid)) &&
      (await this.call("updating the directory", () =>
        this.directory(this.where().workspace_sid).upsert(accountSid, conversations.indexEntry(this.op(), this.where())),
      ));
    if (!done) {
      setTimer(this.ctx.storage, "index", "", Date.now() + INDEX_RETRY_MS);
      // This may run in the background, after the change set the alarm for the retry it replaces.
      await this.syncAlarm();
    } else if (this.indexChanges === changes) clearTimer(this.ctx.storage, "index", "");
    // Else a change came while this one was in flight (its write queued, or left to the timer): the timer stays.
  }

  /**
   * Tells the DirectoryDO of a customer it has not heard of yet (a new web chat visitor's first message,
   * which came straight here): it claims the address for this conversation and makes the profile under
   * the SID minted ahead, as `resolveInbound` would have before the message. True once it is told (or
   * nothing was pending). The profile it answers becomes the conversation's, should it differ (a profile
   * merged meanwhile); an address it says is another conversation's is logged: this one stays, listed.
   */
  private async register(accountSid: string): Promise<boolean> {
    const pending = pendingRegistration(this.ctx.storage);
    if (pending === undefined) return true;
    const input = JSON.parse(pending) as NonNullable<InboundContext["register"]>;
    let resolved: ApiResult<ResolvedInbound>;
    try {
      resolved = await this.directory(input.workspaceSid).resolveInbound(accountSid, { ...input, newConversationSid: this.sid });
    } catch (error) {
      console.error(`ConversationDO ${this.sid}: registering the customer with the directory failed`, error);
      return false;
    }
    if (!resolved.ok && resolved.status >= 500) {
      console.warn(`ConversationDO ${this.sid}: registering the customer with the directory failed: ${resolved.message}`);
      return false;
    }
    // A refusal would be the same next time: the conversation keeps its entry (upsert) without the profile.
    if (!resolved.ok) console.error(`ConversationDO ${this.sid}: the directory refused the customer's registration: ${resolved.message}`);
    else if (resolved.value.conversationSid !== this.sid)
      console.error(`ConversationDO ${this.sid}: the directory holds ${resolved.value.conversationSid} as the visitor's open conversation`);
    const profileSid = resolved.ok ? resolved.value.customer.profileSid : null;
    this.ctx.storage.transactionSync(() => {
      const row = conversationRow(this.ctx.storage);
      if (row && profileSid !== null && row.profile_sid !== profileSid)
        saveConversation(this.ctx.storage, { ...row, profile_sid: profileSid });
      saveRegistration(this.ctx.storage, null);
    });
    return true;
  }

  /** An RPC whose failure is logged (without content) and answered as false. */
  protected async call(what: string, fn: () => Promise<ApiResult<unknown>>): Promise<boolean> {
    try {
      const result = await fn();
      if (!result.ok) console.warn(`ConversationDO ${this.sid}: ${what} failed: ${result.message}`);
      return result.ok;
    } catch (error) {
      console.error(`ConversationDO ${this.sid}: ${what} failed`, error);
      return false;
    }
  }

  protected syncAlarm(): Promise<void> {
    return this.timerAlarm.sync();
  }

  private async drain(now: () => number): Promise<void> {
    const row = conversationRow(this.ctx.storage);
    if (!row || row.channel_sid === null) return;
    let config: Promise<ApiResult<ChannelConfig>> | null = null;
    const send = async (message: OutboundMessage) => {
      // The send's in-flight guard was just written: arm the alarm on it first, or a send lost with an
      // evicted object would leave the message "sending" with nothing to retry it.
      await this.syncAlarm();
      config ??= workspaceFor(this.env, row.workspace_sid).channelConfig(row.account_sid, row.channel_sid!);
      const found = await config;
      if (!found.ok) {
        return found.status === 404
          ? ({ kind: "failed", error: `Channel ${row.channel_sid} no longer exists`, errorCode: null } as const)
          : ({ kind: "retry", error: found.message } as const);
      }
      const outcome = await this.deliver(message, found.value);
      // A mail we sent is part of the thread: the customer's reply to it (or a colleague's) comes back here.
      if (outcome.kind === "sent" && row.channel === "email") {
        await this.call("recording the mail's Message-ID", () =>
          this.directory(row.workspace_sid).recordThread(row.account_sid, row.sid, [outcome.providerMessageId]),
        );
      }
      return outcome;
    };
    // Delivery receipts are announced (onDeliveryUpdated) in the transaction that moves them.
    const hooks = hasDeliveries(this.ctx.storage) ? await this.webhooks.context(row, SYSTEM_SOURCE) : null;
    const receipted = (receipt: DeliveryReceiptRecord) => {
      if (queueHooks(this.ctx.storage, row.account_sid, [{ type: "onDeliveryUpdated", receipt }], hooks, now()) > 0)
        this.webhooks.outbox.guard(this.ctx.storage, now());
    };
    try {
      await drainDeliveries(this.ctx.storage, this.sid, send, now, (frame) => broadcast(this.ctx, [frame]), receipted);
      if (this.webhooks.outbox.hasUnsent()) await this.webhooks.outbox.drain();
    } catch (error) {
      console.error(`ConversationDO ${this.sid}: delivering messages failed; the alarm retries`, error);
    }
    await this.syncAlarm();
  }

  /**
   * What a call's change asks of LiveKit and the media service, best effort: the call's state is
   * already committed; a room left open closes by its own timeouts, missing music is logged.
   */
  private async mediaEffects(row: ConversationRow, wanted: readonly MediaEffect[]): Promise<void> {
    const media = this.callMedia(row);
    for (const effect of wanted) {
      try {
        if (effect.kind === "close-room") await media.closeRoom(this.sid);
        else if (effect.kind === "remove-participant") await media.removeParticipant(this.sid, effect.identity);
        else if (effect.kind === "separate") await media.separate(this.sid, effect.apart);
        else if (effect.kind === "record") await recordingEffect(this.host, this.recordingPorts(row), row, effect.callSid, effect.on);
        else if (effect.kind === "stop-voice") await media.stopVoice(this.sid);
        else await media.holdMusic(this.sid, effect.on);
      } catch (error) {
        console.warn(`ConversationDO ${this.sid}: ${effect.kind} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** LiveKit and the media service for this conversation's calls (call-media.ts; a workers test may swap in a double). */
  protected callMedia(row: ConversationRow): CallMedia {
    return liveKitCallMedia(this.env, row);
  }

  /** LiveKit's egress and the task's queue for this conversation's recordings (call-recording.ts; a workers test may swap in a double). */
  protected recordingPorts(row: ConversationRow): RecordingPorts {
    return {
      recorder: liveKitRecorder(this.env, row.workspace_sid, row.sid),
      queueOf: taskQueueOf(this.env, row.account_sid, row.workspace_sid),
    };
  }

  protected taskPort(row: ConversationRow): TaskPort {
    return taskPortFor(this.env, row, () => this.syncAlarm());
  }

  protected directory(workspaceSid: string) {
    return directoryFor(this.env, workspaceSid);
  }

  /**
   * The input with its `mediaSids` resolved to stored attachments of the workspace (400 naming an unknown one).
   */
  private async withMedia(workspaceSid: string, input: AddMessageInput): Promise<ApiResult<AddMessageInput>> {
    if (!input.mediaSids || input.mediaSids.length === 0) return ok(input);
    const media: MediaRef[] = [...(input.media ?? [])];
    for (const sid of input.mediaSids) {
      const head = /^ME[0-9a-f]{32}$/.test(sid) ? await recordingsFor(this.env, workspaceSid).head(mediaKey(workspaceSid, sid)) : null;
      if (!head) return { ok: false, status: 400, code: 20001, message: `Invalid parameter MediaSid: no media ${sid} in this workspace` };
      media.push({
        sid,
        content_type: head.httpMetadata?.contentType ?? "application/octet-stream",
        filename: head.customMetadata?.filename ?? null,
        size: head.size,
      });
    }
    return ok({ ...input, media });
  }
}
