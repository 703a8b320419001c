/**
 * ConversationDO: one per conversation, named by its SID (`env.CONVERSATION.getByName("CH…")`). A thin
 * shell around the pure lifecycle (lifecycle/*.ts), which owns the participants, the messages, their
 * delivery to the customer's channel, inbound idempotency keys and the conversation's tasks:
 * - on wake, inside `blockConcurrencyWhile`: migrate, and remember the alarm;
 * - on each RPC: one synchronous operation in one transaction (a failure rolls it back whole), then
 *   its effects: frames pushed to the sockets, the DirectoryDO's entry refreshed, the first task created
 *   through the Router, the delivery queue drained in the background (`ctx.waitUntil`), the alarm set;
 * - on the alarm: delivery and task-creation retries, and a directory entry that could not be written.
 *
 * The first `create` or `receive` fixes the account and workspace; another account's calls answer 404,
 * as for a conversation never created. `deleteConversation` wipes the storage and leaves a tombstone:
 * the SID is never reused (later calls 404, a later create 409).
 *
 * Sockets (Hibernation API): the Worker verifies the token and forwards the upgrade to `/socket` with
 * the identity in `x-switchboard-identity`; the customer and agents must be participants, supervisors
 * watch read-only. Frames are `ConversationFrame`, commands `ConversationCommand`.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/env";
import { routerFor } from "../../workers/locations";
import { deliverOutbound } from "../../workers/channels/outbound";
import { mediaKey } from "../../workers/channels/media";
import { applyMigrations } from "../common/migrations";
import type { PingReply } from "../common/ping";
import { ok, type ApiFailure, type ApiResult, type Page, type PageRequest } from "../common/taskrouter";
import {
  CONVERSATION_SUBPROTOCOL,
  type AddMessageInput,
  type AddParticipantInput,
  type ChannelConfig,
  type ConversationChannel,
  type ConversationRecord,
  type ConversationTaskEvent,
  type CreateConversationInput,
  type DeliveryReceiptRecord,
  type InboundContext,
  type InboundMessage,
  type MediaRef,
  type MessageRecord,
  type OutboundMessage,
  type ParticipantRecord,
  type StatusUpdate,
  type UpdateConversationInput,
  type UpdateMessageInput,
  type UpdateParticipantInput,
} from "../common/conversations";
import {
  restSource,
  SYSTEM_SOURCE,
  type ActionSource,
  type ScopedWebhookInput,
  type ScopedWebhookRecord,
} from "../common/conversation-webhooks";
import { CONVERSATION_MIGRATIONS } from "./store/schema";
import {
  chatServiceSid,
  conversationRecord,
  conversationRow,
  participantRecord,
  participantRows,
  type ConversationRow,
} from "./store/records";
import { newOp, noEffects, type Effects, type Op } from "./lifecycle/op";
import * as conversations from "./lifecycle/conversation";
import * as participants from "./lifecycle/participants";
import * as messages from "./lifecycle/messages";
import { applyStatus, drainDeliveries, hasDeliveries } from "./lifecycle/delivery";
import { outboxHooks, queueHooks, replayMessages, type HookContext, type HookEvent } from "./lifecycle/hooks";
import * as scopedWebhooks from "./lifecycle/scoped-webhooks";
import { receive, type Received } from "./lifecycle/inbound";
import { createPendingTask, onTaskEvent, transfer, type TaskPort, type TransferInput } from "./lifecycle/tasks";
import { clearTimer, earliestTimer, setTimer, timerDue } from "./lifecycle/timers";
import { IDENTITY_HEADER, parseCommand, readIdentity, sinceOf, type SocketState } from "./frames";
import { ConversationWebhooks, HOOKS_RETRY_MS } from "./webhooks";
import { CLOSE, SUPERVISOR_TAG, admit, broadcast, close, openSockets, participantTag, send, stateOf } from "./sockets";

/** A failed operation's result, thrown out of `transactionSync` so nothing it wrote is kept. */
class Rollback extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
  }
}

const INDEX_RETRY_MS = 5_000;

/** The fields of `values` that are set, for spreading over an input (a pre-event answer's changes). */
function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Who wrote an inbound message, as Twilio's `Source` names it (the web chat widget is Twilio's SDK). */
function channelSource(channel: ConversationChannel): ActionSource {
  const source = channel === "web" ? "SDK" : channel === "custom" ? "API" : channel.toUpperCase();
  return { source, webhooks: true };
}

export class ConversationDO extends DurableObject<Env> {
  private schemaVersion = 0;
  /** The alarm as last set: the time it fires for, or null. */
  private alarmAt: number | null = null;
  /** The delivery drains, one after another. */
  private draining: Promise<void> = Promise.resolve();
  /** The directory updates in flight, chained (see syncIndex). */
  private indexing: Promise<void> = Promise.resolve();
  private readonly webhooks: ConversationWebhooks;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.webhooks = new ConversationWebhooks(ctx.storage, env, () => this.sid);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, CONVERSATION_MIGRATIONS);
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  ping(): PingReply {
    return { class: "ConversationDO", version: this.schemaVersion };
  }

  // ── the conversation ────────────────────────────────────────────────────────────────────────────

  async create(
    accountSid: string,
    request: CreateConversationInput,
    source: ActionSource = restSource(false),
  ): Promise<ApiResult<ConversationRecord>> {
    const hooks = await this.webhooks.context({ account_sid: accountSid, workspace_sid: request.workspaceSid }, source);
    const pre = await this.webhooks.pre(hooks, accountSid, {
      type: "onConversationAdd",
      chatServiceSid: chatServiceSid(request.workspaceSid),
      friendlyName: request.friendlyName,
      uniqueName: request.uniqueName,
      attributes: request.attributes,
      state: request.state,
    });
    if (!pre.ok) return pre;
    const { friendlyName, uniqueName, attributes } = pre.value;
    const input: CreateConversationInput = { ...request, ...defined({ friendlyName, uniqueName, attributes }) };
    const checked = conversations.newConversation(this.op(), accountSid, input);
    if (!checked.ok) return checked;
    const initial = input.participants ?? [];
    const participantsOk = participants.checkInitialParticipants(initial);
    if (!participantsOk.ok) return participantsOk;
    // The directory holds the workspace's unique names: it answers 50353 for one already taken.
    const indexed = await this.directory(input.workspaceSid).upsert(accountSid, conversations.indexEntry(this.op(), checked.value));
    if (!indexed.ok) return indexed;
    const { result, effects } = this.mutate((op) => {
      const blocked = conversations.cannotCreate(op);
      if (!blocked.ok) return blocked;
      const record = conversations.storeConversation(op, checked.value);
      const row = conversationRow(op.host)!;
      for (const participant of initial) {
        const added = participants.insertParticipant(op, row, participant);
        if (!added.ok) return added;
      }
      return ok(record);
    }, hooks);
    if (!result.ok) {
      // Another create won meanwhile: put its entry back. Nothing was stored: take ours out again.
      if (conversationRow(this.ctx.storage)) effects.index = true;
      else
        await this.call("removing the refused conversation's entry", () => this.directory(input.workspaceSid).remove(accountSid, this.sid));
    }
    await this.settle(effects);
    return result;
  }

  getConversation(accountSid: string): ApiResult<ConversationRecord> {
    return conversations.getConversation(this.op(), accountSid);
  }

  async updateConversation(
    accountSid: string,
    request: UpdateConversationInput,
    source: ActionSource = restSource(false),
  ): Promise<ApiResult<ConversationRecord>> {
    const loaded = this.loaded(accountSid);
    if (!loaded.ok) return loaded;
    const hooks = await this.webhooks.context(loaded.value, source);
    const pre = await this.webhooks.pre(hooks, accountSid, {
      type: "onConversationUpdate",
      conversation: conversationRecord(loaded.value),
      ...request,
    });
    if (!pre.ok) return pre;
    const { friendlyName, uniqueName, attributes, state } = pre.value;
    const input: UpdateConversationInput = { ...request, ...defined({ friendlyName, uniqueName, attributes, state }) };
    // Read again: other requests ran while the pre-event webhook was asked.
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    if (input.uniqueName !== undefined && (input.uniqueName || null) !== row.value.unique_name) {
      const patched = conversations.patchedConversation(row.value, input, Date.now());
      if (!patched.ok) return patched;
      const indexed = await this.directory(row.value.workspace_sid).upsert(accountSid, conversations.indexEntry(this.op(), patched.value));
      if (!indexed.ok) return indexed;
    }
    return this.apply((op) => conversations.updateConversation(op, accountSid, input), hooks);
  }

  async deleteConversation(accountSid: string, source: ActionSource = restSource(false)): Promise<ApiResult<null>> {
    const before = this.loaded(accountSid);
    if (!before.ok) return before;
    const hooks = await this.webhooks.context(before.value, source);
    const pre = await this.webhooks.pre(hooks, accountSid, {
      type: "onConversationRemove",
      conversation: conversationRecord(before.value),
    });
    if (!pre.ok) return pre;
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    // Its requests are made now: the storage that would hold them is about to be wiped.
    const removed: HookEvent = { type: "onConversationRemoved", conversation: conversationRecord(row.value) };
    for (const ws of openSockets(this.ctx)) close(ws, CLOSE.deleted, "The conversation was deleted");
    const unlisted = await this.directory(row.value.workspace_sid)
      .remove(accountSid, this.sid)
      .catch((error: unknown) => ({ ok: false, message: String(error) }) as const);
    if (!unlisted.ok) console.error(`ConversationDO ${this.sid}: the directory entry could not be removed: ${unlisted.message}`);
    await this.ctx.storage.deleteAll();
    await this.ctx.storage.deleteAlarm();
    this.alarmAt = null;
    applyMigrations(this.ctx.storage, CONVERSATION_MIGRATIONS);
    conversations.writeTombstone(this.op(), accountSid);
    if (queueHooks(this.ctx.storage, accountSid, [removed], hooks, Date.now()) > 0) {
      setTimer(this.ctx.storage, "hooks", Date.now() + HOOKS_RETRY_MS);
      await this.flushHooks();
    }
    return ok(null);
  }

  // ── participants ────────────────────────────────────────────────────────────────────────────────

  async addParticipant(
    accountSid: string,
    request: AddParticipantInput,
    source: ActionSource = restSource(false),
  ): Promise<ApiResult<ParticipantRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const hooks = await this.webhooks.context(row.value, source);
    const pre = await this.webhooks.pre(hooks, accountSid, {
      type: "onParticipantAdd",
      conversation: conversationRecord(row.value),
      identity: request.identity ?? null,
      attributes: request.attributes,
      address: request.messagingBinding?.address ?? null,
      proxyAddress: request.messagingBinding?.proxyAddress ?? null,
    });
    if (!pre.ok) return pre;
    const input: AddParticipantInput = { ...request, ...defined({ attributes: pre.value.attributes }) };
    return this.apply((op) => participants.addParticipant(op, accountSid, input), hooks);
  }

  listParticipants(accountSid: string, page: PageRequest): ApiResult<Page<ParticipantRecord>> {
    return participants.listParticipants(this.op(), accountSid, page);
  }

  getParticipant(accountSid: string, sidOrIdentity: string): ApiResult<ParticipantRecord> {
    return participants.getParticipant(this.op(), accountSid, sidOrIdentity);
  }

  async updateParticipant(
    accountSid: string,
    sid: string,
    request: UpdateParticipantInput,
    source: ActionSource = restSource(false),
  ): Promise<ApiResult<ParticipantRecord>> {
    const current = participants.getParticipant(this.op(), accountSid, sid);
    if (!current.ok) return current;
    const hooks = await this.webhooks.context(this.where(), source);
    const pre = await this.webhooks.pre(hooks, accountSid, { type: "onParticipantUpdate", participant: current.value, ...request });
    if (!pre.ok) return pre;
    const input: UpdateParticipantInput = { ...request, ...defined({ attributes: pre.value.attributes }) };
    return this.apply((op) => participants.updateParticipant(op, accountSid, sid, input), hooks);
  }

  async removeParticipant(accountSid: string, sid: string, source: ActionSource = restSource(false)): Promise<ApiResult<null>> {
    const current = participants.getParticipant(this.op(), accountSid, sid);
    if (!current.ok) return current;
    const hooks = await this.webhooks.context(this.where(), source);
    const pre = await this.webhooks.pre(hooks, accountSid, { type: "onParticipantRemove", participant: current.value });
    if (!pre.ok) return pre;
    return this.apply((op) => participants.removeParticipant(op, accountSid, sid), hooks);
  }

  /** A participant (by SID or identity) with its conversation and the newest message's index. */
  membership(accountSid: string, sidOrIdentity: string): ApiResult<participants.MembershipView> {
    return participants.membership(this.op(), accountSid, sidOrIdentity);
  }

  // ── messages ────────────────────────────────────────────────────────────────────────────────────

  async addMessage(
    accountSid: string,
    input: AddMessageInput,
    source: ActionSource = restSource(false),
  ): Promise<ApiResult<MessageRecord>> {
    const checked = await this.messageToAdd(accountSid, input, source);
    if (!checked.ok) return checked;
    return this.apply((op) => messages.addMessage(op, accountSid, checked.value.input), checked.value.hooks);
  }

  listMessages(accountSid: string, page: PageRequest, order: "asc" | "desc"): ApiResult<Page<MessageRecord>> {
    return messages.listMessages(this.op(), accountSid, page, order);
  }

  getMessage(accountSid: string, sidOrIndex: string): ApiResult<MessageRecord> {
    return messages.getMessage(this.op(), accountSid, sidOrIndex);
  }

  async updateMessage(
    accountSid: string,
    sid: string,
    request: UpdateMessageInput,
    source: ActionSource = restSource(false),
  ): Promise<ApiResult<MessageRecord>> {
    const current = messages.getMessage(this.op(), accountSid, sid);
    if (!current.ok) return current;
    const hooks = await this.webhooks.context(this.where(), source);
    const pre = await this.webhooks.pre(hooks, accountSid, { type: "onMessageUpdate", message: current.value, ...request });
    if (!pre.ok) return pre;
    const input: UpdateMessageInput = { ...request, ...defined({ body: pre.value.body, attributes: pre.value.attributes }) };
    return this.apply((op) => messages.updateMessage(op, accountSid, sid, input), hooks);
  }

  async removeMessage(accountSid: string, sid: string, source: ActionSource = restSource(false)): Promise<ApiResult<null>> {
    const current = messages.getMessage(this.op(), accountSid, sid);
    if (!current.ok) return current;
    const hooks = await this.webhooks.context(this.where(), source);
    const pre = await this.webhooks.pre(hooks, accountSid, { type: "onMessageRemove", message: current.value });
    if (!pre.ok) return pre;
    return this.apply((op) => messages.removeMessage(op, accountSid, sid), hooks);
  }

  // ── conversation-scoped webhooks ────────────────────────────────────────────────────────────────

  async createWebhook(accountSid: string, input: ScopedWebhookInput): Promise<ApiResult<ScopedWebhookRecord>> {
    return this.apply((op) => {
      const made = scopedWebhooks.createScopedWebhook(op, accountSid, input);
      // replay_after: the stored messages from that index go to the new webhook, as onMessageAdded.
      if (made.ok && input.replayAfter !== undefined) {
        const replayed = replayMessages(op.host, accountSid, made.value.sid, input.replayAfter, op.now);
        if (replayed > 0) setTimer(op.host, "hooks", op.now + HOOKS_RETRY_MS);
      }
      return made;
    });
  }

  listWebhooks(accountSid: string, page: PageRequest): ApiResult<Page<ScopedWebhookRecord>> {
    return scopedWebhooks.listScopedWebhooks(this.op(), accountSid, page);
  }

  getWebhook(accountSid: string, sid: string): ApiResult<ScopedWebhookRecord> {
    return scopedWebhooks.getScopedWebhook(this.op(), accountSid, sid);
  }

  async updateWebhook(accountSid: string, sid: string, input: ScopedWebhookInput): Promise<ApiResult<ScopedWebhookRecord>> {
    return this.apply((op) => scopedWebhooks.updateScopedWebhook(op, accountSid, sid, input));
  }

  async deleteWebhook(accountSid: string, sid: string): Promise<ApiResult<null>> {
    return this.apply((op) => scopedWebhooks.deleteScopedWebhook(op, accountSid, sid));
  }

  listReceipts(accountSid: string, messageSidOrIndex: string, page: PageRequest): ApiResult<Page<DeliveryReceiptRecord>> {
    return messages.listReceipts(this.op(), accountSid, messageSidOrIndex, page);
  }

  getReceipt(accountSid: string, messageSidOrIndex: string, receiptSid: string): ApiResult<DeliveryReceiptRecord> {
    return messages.getReceipt(this.op(), accountSid, messageSidOrIndex, receiptSid);
  }

  // ── channels and TaskRouter ─────────────────────────────────────────────────────────────────────

  async receive(accountSid: string, context: InboundContext, message: InboundMessage): Promise<ApiResult<Received>> {
    const where = { account_sid: accountSid, workspace_sid: context.workspaceSid };
    const hooks = await this.webhooks.context(where, channelSource(message.channel), context.webhooks);
    return this.apply((op) => receive(op, accountSid, context, message), hooks);
  }

  async applyStatus(accountSid: string, update: StatusUpdate): Promise<ApiResult<{ messageSid: string | null }>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const hooks = await this.webhooks.context(row.value, SYSTEM_SOURCE);
    return this.apply((op) => {
      const loaded = this.loadedIn(op, accountSid);
      return loaded.ok ? ok({ messageSid: applyStatus(op, update) }) : loaded;
    }, hooks);
  }

  async onTaskEvent(accountSid: string, event: ConversationTaskEvent): Promise<ApiResult<void>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const hooks = await this.webhooks.context(row.value, SYSTEM_SOURCE);
    return this.apply((op) => onTaskEvent(op, accountSid, event), hooks);
  }

  async transfer(accountSid: string, input: TransferInput): Promise<ApiResult<{ taskSid: string }>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    return transfer(this.ctx.storage, this.sid, accountSid, input, this.taskPort(row.value), Date.now);
  }

  /** Sends what waits in the delivery queue (also run in the background after every change; tests await it). */
  deliverPending(now: () => number = Date.now): Promise<void> {
    this.draining = this.draining.then(() => this.drain(now));
    return this.draining;
  }

  // ── sockets ─────────────────────────────────────────────────────────────────────────────────────

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== "/socket") return new Response("Not found", { status: 404 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const identity = readIdentity(request.headers.get(IDENTITY_HEADER));
    if (!identity) return new Response("The upgrade carries no verified identity", { status: 400 });
    const since = sinceOf(url.searchParams.get("since"));
    const admission = admit(this.ctx.storage, identity);
    const { 0: client, 1: server } = new WebSocketPair();
    const tag = admission.ok && admission.state.participantSid !== null ? participantTag(admission.state.participantSid) : SUPERVISOR_TAG;
    this.ctx.acceptWebSocket(server, [tag]);
    if (!admission.ok) close(server, admission.code, admission.reason);
    else if (since === -1) close(server, CLOSE.badRequest, "since must be a message index");
    else {
      server.serializeAttachment(admission.state);
      this.sendSnapshot(server, admission.state, since);
    }
    const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
    const headers: HeadersInit = offered.includes(CONVERSATION_SUBPROTOCOL) ? { "Sec-WebSocket-Protocol": CONVERSATION_SUBPROTOCOL } : {};
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override async webSocketMessage(ws: WebSocket, text: string | ArrayBuffer): Promise<void> {
    const state = stateOf(ws);
    if (!state) return close(ws, CLOSE.forbidden, "This connection has no identity");
    const command = parseCommand(text);
    if (command.type === "error") return send(ws, command);
    if (state.participantSid === null) {
      const clientId = command.type === "message.send" ? command.clientId : null;
      return send(ws, { type: "error", clientId, status: 403, message: "A supervisor watches this conversation read-only" });
    }
    const participantSid = state.participantSid;
    switch (command.type) {
      case "message.send": {
        const key = `socket:${participantSid}:${command.clientId}`;
        // A resend of a message already stored is answered from storage, without asking any webhook again.
        const earlier = messages.keyedMessage(this.op(), key);
        if (earlier) return send(ws, { type: "ack", clientId: command.clientId, messageSid: earlier.sid });
        const input = { participantSid, body: command.body, mediaSids: command.mediaSids };
        const source: ActionSource = { source: "SDK", webhooks: true, clientIdentity: state.identity };
        const checked = await this.messageToAdd(state.accountSid, input, source);
        if (!checked.ok) return send(ws, { type: "error", clientId: command.clientId, status: checked.status, message: checked.message });
        const { result, effects } = this.mutate((op) => {
          const conversation = this.loadedIn(op, state.accountSid);
          if (!conversation.ok) return conversation;
          return messages.insertMessage(op, conversation.value, checked.value.input, key);
        }, checked.value.hooks);
        // The ack goes before the message.added broadcast, so the sender's client knows the stored copy
        // is its own when it arrives and never shows the message twice (sent, and still "sending").
        if (result.ok) send(ws, { type: "ack", clientId: command.clientId, messageSid: result.value.sid });
        else send(ws, { type: "error", clientId: command.clientId, status: result.status, message: result.message });
        await this.settle(effects);
        return;
      }
      case "typing":
        return broadcast(this.ctx, [{ type: "typing", participantSid, displayName: state.displayName }]);
      case "read": {
        // Announced (onParticipantUpdated), but never asked about: a read is not something to refuse.
        const row = this.loaded(state.accountSid);
        const hooks = row.ok
          ? await this.webhooks.context(row.value, { source: "SDK", webhooks: true, clientIdentity: state.identity })
          : null;
        const result = await this.apply(
          (op) => participants.updateParticipant(op, state.accountSid, participantSid, { lastReadMessageIndex: command.index }),
          hooks,
        );
        if (!result.ok) send(ws, { type: "error", clientId: null, status: result.status, message: result.message });
        return;
      }
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  }

  override async webSocketClose(): Promise<void> {
    // Nothing to keep: presence in a conversation is the socket itself (the runtime answers the close frame).
  }

  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    console.warn("ConversationDO: a WebSocket failed", error);
  }

  // ── the alarm ───────────────────────────────────────────────────────────────────────────────────

  /** Runs every retry due at the time the alarm was set for (tests fire it early with `runDurableObjectAlarm`). */
  override async alarm(): Promise<void> {
    const at = Math.max(Date.now(), this.alarmAt ?? 0);
    this.alarmAt = null;
    const now = () => Math.max(Date.now(), at);
    const row = conversationRow(this.ctx.storage);
    if (row) {
      const indexDue = timerDue(this.ctx.storage, "index");
      if (indexDue !== null && indexDue <= now()) await this.syncIndex(row.account_sid);
      await createPendingTask(this.ctx.storage, this.taskPort(row), now);
      await this.deliverPending(now);
    }
    // Post-events still waiting for the queue (also after a deletion, whose last event outlives the row).
    const hooksDue = timerDue(this.ctx.storage, "hooks");
    if (hooksDue !== null && hooksDue <= now()) await this.webhooks.flush();
    await this.syncAlarm();
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────

  private get sid(): string {
    return this.ctx.id.name ?? "";
  }

  private op(): Op {
    return newOp(this.ctx.storage, this.sid, Date.now());
  }

  private loaded(accountSid: string): ApiResult<ConversationRow> {
    return this.loadedIn(this.op(), accountSid);
  }

  private loadedIn(op: Op, accountSid: string): ApiResult<ConversationRow> {
    const row = conversationRow(op.host);
    return row && row.account_sid === accountSid
      ? ok(row)
      : { ok: false, status: 404, code: 20404, message: `The requested resource Conversation ${op.sid} was not found` };
  }

  /**
   * One operation in one transaction: all of it, or (on a failure result) nothing — with its post-event
   * webhook requests written to the outbox in the same transaction (none without `hooks`).
   */
  private mutate<T>(fn: (op: Op) => ApiResult<T>, hooks: HookContext | null = null): { result: ApiResult<T>; effects: Effects } {
    const op = this.op();
    try {
      const result = this.ctx.storage.transactionSync(() => {
        const answer = fn(op);
        if (!answer.ok) throw new Rollback(answer);
        const row = conversationRow(op.host);
        // The timer first: a change committed but not yet queued is queued by the alarm after an eviction.
        if (row && queueHooks(op.host, row.account_sid, op.effects.hooks, hooks, op.now) > 0)
          setTimer(op.host, "hooks", op.now + HOOKS_RETRY_MS);
        return answer;
      });
      return { result, effects: op.effects };
    } catch (error) {
      if (error instanceof Rollback) return { result: error.failure, effects: noEffects() };
      throw error;
    }
  }

  private async apply<T>(fn: (op: Op) => ApiResult<T>, hooks: HookContext | null = null): Promise<ApiResult<T>> {
    const { result, effects } = this.mutate(fn, hooks);
    await this.settle(effects);
    return result;
  }

  /** Carries out a committed operation's effects. */
  private async settle(effects: Effects): Promise<void> {
    broadcast(this.ctx, effects.frames);
    for (const participantSid of effects.left)
      for (const ws of openSockets(this.ctx, participantSid)) close(ws, CLOSE.left, "You left the conversation");
    const row = conversationRow(this.ctx.storage);
    if (row) {
      if (effects.index) await this.syncIndex(row.account_sid);
      else if (effects.touch) {
        // The timer first, so an eviction before the call still gets the entry refreshed by the alarm.
        setTimer(this.ctx.storage, "index", Date.now() + INDEX_RETRY_MS);
        this.ctx.waitUntil(this.syncIndex(row.account_sid));
      }
      for (const workerSid of effects.notedWorkers)
        await this.call("noting the last worker", () => this.directory(row.workspace_sid).noteWorker(row.account_sid, row.sid, workerSid));
      const port = this.taskPort(row);
      for (const taskSid of effects.wrapTasks) await this.call(`wrapping up task ${taskSid}`, () => port.wrapTask(taskSid));
      if (effects.createTask) await createPendingTask(this.ctx.storage, port, Date.now);
      if (effects.deliver) this.ctx.waitUntil(this.deliverPending());
    }
    await this.syncAlarm();
    if (outboxHooks(this.ctx.storage, 1).length > 0) this.ctx.waitUntil(this.flushHooks());
  }

  /** Sends the post-event outbox to the queue, then points the alarm at what is left to retry. */
  private async flushHooks(): Promise<void> {
    await this.webhooks.flush();
    await this.syncAlarm();
  }

  /** The stored conversation; only where a check just found it (before any await). */
  private where(): ConversationRow {
    return conversationRow(this.ctx.storage)!;
  }

  /**
   * A message about to be added (REST or socket): its attachments resolved, the onMessageAdd pre-event
   * asked, and the answer's changes applied; with the context its post-events go out with.
   */
  private async messageToAdd(
    accountSid: string,
    request: AddMessageInput,
    source: ActionSource,
  ): Promise<ApiResult<{ input: AddMessageInput; hooks: HookContext | null }>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const media = await this.withMedia(accountSid, request);
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
    });
    if (!pre.ok) return pre;
    const { body, author: newAuthor, attributes } = pre.value;
    return ok({ input: { ...media.value, ...defined({ body, author: newAuthor, attributes }) }, hooks });
  }

  /**
   * Writes the directory's entry from the stored row; on failure the alarm tries again. Calls run one
   * after another (each reads the row when its turn comes), so an older entry never lands after a newer.
   */
  private syncIndex(accountSid: string): Promise<void> {
    this.indexing = this.indexing.then(() => this.writeIndex(accountSid));
    return this.indexing;
  }

  private async writeIndex(accountSid: string): Promise<void> {
    const row = conversationRow(this.ctx.storage);
    if (!row) return;
    const done = await this.call("updating the directory", () =>
      this.directory(row.workspace_sid).upsert(accountSid, conversations.indexEntry(this.op(), row)),
    );
    if (done) clearTimer(this.ctx.storage, "index");
    else setTimer(this.ctx.storage, "index", Date.now() + INDEX_RETRY_MS);
  }

  /** An RPC whose failure is logged (without content) and answered as false. */
  private async call(what: string, fn: () => Promise<ApiResult<unknown>>): Promise<boolean> {
    try {
      const result = await fn();
      if (!result.ok) console.warn(`ConversationDO ${this.sid}: ${what} failed: ${result.message}`);
      return result.ok;
    } catch (error) {
      console.error(`ConversationDO ${this.sid}: ${what} failed`, error);
      return false;
    }
  }

  private async syncAlarm(): Promise<void> {
    const next = earliestTimer(this.ctx.storage);
    if (next === this.alarmAt) return;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
    this.alarmAt = next;
  }

  private async drain(now: () => number): Promise<void> {
    const row = conversationRow(this.ctx.storage);
    if (!row || row.channel_sid === null) return;
    let config: Promise<ApiResult<ChannelConfig>> | null = null;
    const deliver = async (message: OutboundMessage) => {
      // The send's in-flight guard was just written: arm the alarm on it first, or a send lost with an
      // evicted object would leave the message "sending" with nothing to retry it.
      await this.syncAlarm();
      config ??= this.env.WORKSPACE.getByName(row.workspace_sid).channelConfig(row.account_sid, row.channel_sid!);
      const found = await config;
      if (!found.ok) {
        return found.status === 404
          ? ({ kind: "failed", error: `Channel ${row.channel_sid} no longer exists`, errorCode: null } as const)
          : ({ kind: "retry", error: found.message } as const);
      }
      const outcome = await deliverOutbound(this.env, found.value, message);
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
        setTimer(this.ctx.storage, "hooks", now() + HOOKS_RETRY_MS);
    };
    try {
      await drainDeliveries(this.ctx.storage, this.sid, deliver, now, (frame) => broadcast(this.ctx, [frame]), receipted);
      if (outboxHooks(this.ctx.storage, 1).length > 0) await this.webhooks.flush();
    } catch (error) {
      console.error(`ConversationDO ${this.sid}: delivering messages failed; the alarm retries`, error);
    }
    await this.syncAlarm();
  }

  private taskPort(row: ConversationRow): TaskPort {
    const router = () => routerFor(this.env, row.workspace_sid);
    return {
      oldestWorkflow: async () => {
        const page = await this.env.WORKSPACE.getByName(row.workspace_sid).listWorkflows(row.account_sid, {}, { pageSize: 1, page: 0 });
        return page.ok ? (page.value.items[0]?.sid ?? null) : null;
      },
      createTask: async (input) => {
        // As for a send: the pending task's retry timer is armed before the Router is called.
        await this.syncAlarm();
        const created = await router().createTask(row.account_sid, input);
        return created.ok ? ok({ taskSid: created.value.task.sid }) : created;
      },
      wrapTask: (taskSid) => router().updateTask(row.account_sid, taskSid, { assignmentStatus: "wrapping" }),
      cancelTask: (taskSid) => router().updateTask(row.account_sid, taskSid, { assignmentStatus: "canceled", reason: "not needed" }),
    };
  }

  private directory(workspaceSid: string) {
    return this.env.DIRECTORY.getByName(workspaceSid);
  }

  /** The input with its `mediaSids` resolved to stored attachments of the workspace (400 naming an unknown one). */
  private async withMedia(accountSid: string, input: AddMessageInput): Promise<ApiResult<AddMessageInput>> {
    if (!input.mediaSids || input.mediaSids.length === 0) return ok(input);
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const media: MediaRef[] = [...(input.media ?? [])];
    for (const sid of input.mediaSids) {
      const head = /^ME[0-9a-f]{32}$/.test(sid) ? await this.env.RECORDINGS.head(mediaKey(row.value.workspace_sid, sid)) : null;
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

  private sendSnapshot(ws: WebSocket, state: SocketState, since: number | null): void {
    const op = this.op();
    const row = conversationRow(op.host);
    if (!row) return;
    send(ws, {
      type: "conversation.snapshot",
      conversation: conversationRecord(row),
      participants: participantRows(op.host).map((p) => participantRecord(row, p)),
      messages: messages.messagesSince(op, row, since),
      you: state.participantSid ?? `supervisor:${state.identity ?? ""}`,
    });
  }
}
