/**
 * ConversationDO: one per conversation, named by its SID (`conversationFor(env, "CH…")`). A thin
 * shell around the pure lifecycle (lifecycle/*.ts), which owns the participants, the messages, their
 * delivery to the customer's channel, inbound idempotency keys and the conversation's tasks:
 * - on wake, inside `blockConcurrencyWhile`: migrate, and remember the alarm;
 * - on each RPC: one synchronous operation in one transaction (a failure rolls it back whole), then
 *   its effects: frames pushed to the sockets, the DirectoryDO's entry refreshed, the first task created
 *   through the Router, the delivery queue drained in the background (`ctx.waitUntil`), the alarm set;
 * - on the alarm: delivery and task-creation retries, a directory entry that could not be written, and
 *   post-event webhooks the queue did not take.
 *
 * The first `create` or `receive` fixes the account and workspace; another account's calls answer 404,
 * as for a conversation never created. `deleteConversation` wipes the storage and leaves a tombstone:
 * the SID is never reused (later calls 404, a later create 409).
 *
 * Sockets (Hibernation API): the Worker verifies the token and forwards the upgrade to `/socket` with
 * the identity in `x-switchboard-identity`; the customer and agents must be participants, supervisors
 * watch read-only. Frames are `ConversationFrame`, commands `ConversationCommand`.
 *
 * Webhooks: every change names who made it (`ActionSource`; a REST call fires webhooks only with
 * `X-Twilio-Webhook-Enabled: true`); the REST and socket changes ask their pre-event first (a refusal is
 * the answer, changes are applied to the input), and every committed change's post-events leave through
 * the outbox. This file is the RPC surface; the machinery is conversation-shell.ts.
 */
import { applyMigrations } from "../kit/migrations";
import type { PingReply } from "../common/ping";
import { defined, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import {
  CONVERSATION_SUBPROTOCOL,
  type ConversationChannel,
  type ConversationCommand,
  type ConversationRecord,
  type DeliveryReceiptRecord,
  type MessageRecord,
  type ParticipantRecord,
} from "../../contract/conversations";
import type {
  AddMessageInput,
  AddParticipantInput,
  ConversationTaskEvent,
  CreateConversationInput,
  InboundContext,
  UpdateConversationInput,
  UpdateMessageInput,
  UpdateParticipantInput,
} from "../common/conversations";
import type { InboundMessage, MessageChange, StatusUpdate } from "../../channels/messages";
import {
  restSource,
  SYSTEM_SOURCE,
  type ActionSource,
  type ScopedWebhookInput,
  type ScopedWebhookRecord,
} from "../common/conversation-webhooks";
import { CONVERSATION_MIGRATIONS } from "./store/schema";
import { chatServiceSid, conversationRecord, conversationRow } from "./store/conversation-rows";
import * as conversations from "./lifecycle/conversation";
import * as participants from "./lifecycle/participants";
import * as messages from "./lifecycle/messages";
import { applyStatus } from "./lifecycle/delivery";
import { hookRequests, HOOKS_TOPIC, replayMessages, writeRequests } from "./lifecycle/hooks";
import type { HookEvent } from "./lifecycle/conversation-operation";
import * as scopedWebhooks from "./lifecycle/scoped-webhooks";
import { receive, type Received } from "./lifecycle/inbound";
import { applyChange } from "./lifecycle/changes";
import { createPendingTask, onTaskEvent, transfer, type TransferInput } from "./lifecycle/tasks";
import { answerSurvey } from "./lifecycle/survey";
import type { ConversationSurvey } from "../../contract/surveys";
import { timerDueAt } from "../kit/timers";
import { OUTBOX_TIMER, unsent } from "../kit/outbox";
import { IDENTITY_HEADER, parseCommand, readIdentity, sinceOf, type SocketState } from "./socket-commands";
import { ConversationShell } from "./conversation-shell";
import type { ConversationWebhookMessage } from "../../platform/events-queue";
import { CLOSE, admit, broadcast, close, closeUserSockets, openSockets, send, socketTags, staffIdentity, stateOf } from "./sockets";
import { recordSupervision, type Supervisor } from "./lifecycle/supervision";
import { WORKSPACE_EVENTS_TOPIC } from "./lifecycle/workspace-events";
import type { UserAccess } from "../common/user-access";

const READ_ONLY =
  "A supervisor watches this conversation read-only: whisper with a note, or barge in (barge.join) to write to the customer";
const NO_CUSTOMER_NOTES = "Internal notes are for staff: the customer cannot write one";

/** Who a supervisor's socket is, for their events. */
const supervisorOf = (state: SocketState, name: string | null = state.displayName): Supervisor => ({
  workerSid: state.identity,
  userSid: state.binding?.userSid ?? null,
  name,
});

/** What a deletion carries over of an outbox the queue could not take. */
const MAX_PENDING_HOOKS = 1_000;

/** Who wrote an inbound message, as Twilio's `Source` names it (the web chat widget is Twilio's SDK). */
function channelSource(channel: ConversationChannel): ActionSource {
  const source = channel === "web" ? "SDK" : channel === "custom" ? "API" : channel.toUpperCase();
  return { source, webhooks: true };
}

export class ConversationDO extends ConversationShell {
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
      const blocked = conversations.cannotCreate(op, input.workspaceSid);
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
    // Its requests are made now, while the scoped webhooks are still there: the storage is about to be wiped.
    const removed: HookEvent = { type: "onConversationRemoved", conversation: conversationRecord(row.value) };
    const requests = hookRequests(this.ctx.storage, accountSid, [removed], hooks, Date.now());
    for (const ws of openSockets(this.ctx)) close(ws, CLOSE.deleted, "The conversation was deleted");
    const unlisted = await this.directory(row.value.workspace_sid)
      .remove(accountSid, this.sid)
      .catch((error: unknown) => ({ ok: false, message: String(error) }) as const);
    if (!unlisted.ok) console.error(`ConversationDO ${this.sid}: the directory entry could not be removed: ${unlisted.message}`);
    // Earlier events not queued yet survive the wipe too (after any flush in flight, so its row ids are done with).
    await this.webhooks.outbox.drain();
    // Supervisors' actions and survey answers not yet recorded by the Router get one last try (a failure is logged by the outbox).
    await this.workspaceEvents.drain();
    const pending = unsent(this.ctx.storage, HOOKS_TOPIC, MAX_PENDING_HOOKS).map(
      (row) => JSON.parse(row.body) as ConversationWebhookMessage,
    );
    await this.ctx.storage.deleteAll();
    await this.ctx.storage.deleteAlarm();
    this.alarmAt = null;
    applyMigrations(this.ctx.storage, CONVERSATION_MIGRATIONS);
    conversations.writeTombstone(this.op(), accountSid);
    if (writeRequests(this.ctx.storage, [...pending, ...requests]) > 0) {
      this.webhooks.outbox.guard(this.ctx.storage, Date.now());
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

  /** `customer`: only what the customer may see (the widget's routes); staff read notes too. */
  listMessages(
    accountSid: string,
    page: PageRequest,
    order: "asc" | "desc",
    audience: "staff" | "customer" = "staff",
  ): ApiResult<Page<MessageRecord>> {
    return messages.listMessages(this.op(), accountSid, page, order, audience);
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
        if (replayed > 0) this.webhooks.outbox.guard(op.host, op.now);
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

  /** A customer's reaction to a message or withdrawal of one (Meta's channels); null when no message matches. */
  async applyChange(accountSid: string, change: MessageChange): Promise<ApiResult<{ messageSid: string | null }>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const hooks = await this.webhooks.context(row.value, row.value.channel ? channelSource(row.value.channel) : SYSTEM_SOURCE);
    return this.apply((op) => applyChange(op, accountSid, change), hooks);
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

  /** Hands the workspace events (supervisors' actions, survey answers) to the Router (also run in the background after each; tests await it). */
  sendWorkspaceEvents(): Promise<boolean> {
    return this.workspaceEvents.drain();
  }

  /** A web chat visitor's answer to the survey of their conversation that ended (lifecycle/survey.ts). */
  answerSurvey(accountSid: string, identity: string, rating: unknown, comment: unknown): Promise<ApiResult<ConversationSurvey>> {
    return this.apply((op) => answerSurvey(op, accountSid, identity, rating, comment));
  }

  /** Sends what waits in the delivery queue (also run in the background after every change; tests await it). */
  deliverPending(now: () => number = Date.now): Promise<void> {
    return this.deliverInOrder(now);
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
    this.ctx.acceptWebSocket(server, socketTags(admission, identity));
    if (!admission.ok) close(server, admission.code, admission.reason);
    else if (since === -1) close(server, CLOSE.badRequest, "since must be a message index");
    else {
      server.serializeAttachment(admission.state);
      this.sendSnapshot(server, admission.state, since);
      if (admission.state.role === "supervisor" && admission.state.participantSid === null) await this.recordWatching(admission.state);
    }
    const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
    const headers: HeadersInit = offered.includes(CONVERSATION_SUBPROTOCOL) ? { "Sec-WebSocket-Protocol": CONVERSATION_SUBPROTOCOL } : {};
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** A supervisor opened the conversation to watch: `supervisor.monitor`, once per socket opened. */
  private async recordWatching(state: SocketState): Promise<void> {
    const { effects } = this.mutate((op) => {
      const conversation = this.loadedIn(op, state.accountSid);
      if (conversation.ok) recordSupervision(op, conversation.value, "supervisor.monitor", supervisorOf(state));
      return conversation;
    });
    await this.settle(effects);
  }

  /** A user changed (told by the AccountDO): closes their sockets here that `access` no longer allows. */
  closeUserSockets(accountSid: string, userSid: string, access: UserAccess | null): number {
    return closeUserSockets(this.ctx, accountSid, userSid, access);
  }

  override async webSocketMessage(ws: WebSocket, text: string | ArrayBuffer): Promise<void> {
    const state = stateOf(ws);
    if (!state) return close(ws, CLOSE.forbidden, "This connection has no identity");
    const command = parseCommand(text);
    if (command.type === "error") return send(ws, command);
    const refuse = (status: number, message: string, clientId: string | null = null) =>
      send(ws, { type: "error", clientId, status, message });
    switch (command.type) {
      case "message.send":
        return this.sendFromSocket(ws, state, command);
      case "typing":
        if (state.participantSid === null) return refuse(403, READ_ONLY);
        if (command.note && state.role === "customer") return refuse(403, NO_CUSTOMER_NOTES);
        return broadcast(
          this.ctx,
          [{ type: "typing", participantSid: state.participantSid, displayName: state.displayName }],
          command.note ? "staff" : "all",
        );
      case "read": {
        if (state.participantSid === null) return refuse(403, READ_ONLY);
        const participantSid = state.participantSid;
        // Announced (onParticipantUpdated), but never asked about: a read is not something to refuse.
        const row = this.loaded(state.accountSid);
        const hooks = row.ok
          ? await this.webhooks.context(row.value, { source: "SDK", webhooks: true, clientIdentity: state.identity })
          : null;
        const result = await this.apply(
          (op) => participants.updateParticipant(op, state.accountSid, participantSid, { lastReadMessageIndex: command.index }),
          hooks,
        );
        if (!result.ok) refuse(result.status, result.message);
        return;
      }
      case "barge.join":
        return this.bargeIn(ws, state, command.displayName ?? null);
      case "barge.leave":
        return this.bargeOut(ws, state);
      default: {
        const never: never = command;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * A message from a socket: a participant's (to everyone, or with `note` to staff only), or a watching
   * supervisor's whisper (a note, as themselves: they are no participant). A supervisor's note is recorded
   * as a `supervisor.whisper` event in the same transaction.
   */
  private async sendFromSocket(ws: WebSocket, state: SocketState, command: Extract<ConversationCommand, { type: "message.send" }>) {
    const { clientId } = command;
    const refuse = (status: number, message: string) => send(ws, { type: "error", clientId, status, message });
    const note = command.note === true;
    if (note && state.role === "customer") return refuse(403, NO_CUSTOMER_NOTES);
    if (state.participantSid === null && !note) return refuse(403, READ_ONLY);
    const author = state.participantSid === null ? (staffIdentity(state) ?? "supervisor") : null;
    const key = `socket:${state.participantSid ?? `supervisor:${author}`}:${clientId}`;
    // A resend of a message already stored is answered from storage, without asking any webhook again.
    const earlier = messages.keyedMessage(this.op(), key);
    if (earlier) return send(ws, { type: "ack", clientId, messageSid: earlier.sid });
    const input: AddMessageInput = {
      participantSid: state.participantSid,
      body: command.body,
      mediaSids: command.mediaSids,
      ...(note ? { visibility: "staff" as const } : {}),
      ...(author !== null ? { author, authorRole: "supervisor" as const } : {}),
    };
    const source: ActionSource = { source: "SDK", webhooks: true, clientIdentity: state.identity };
    const checked = await this.messageToAdd(state.accountSid, input, source);
    if (!checked.ok) return refuse(checked.status, checked.message);
    const { result, effects } = this.mutate((op) => {
      const conversation = this.loadedIn(op, state.accountSid);
      if (!conversation.ok) return conversation;
      const stored = messages.insertMessage(op, conversation.value, checked.value.input, key);
      if (stored.ok && note && state.role === "supervisor" && stored.value.author_role === "supervisor")
        recordSupervision(op, conversation.value, "supervisor.whisper", supervisorOf(state), { messageSid: stored.value.sid });
      return stored;
    }, checked.value.hooks);
    // The ack goes before the message.added broadcast, so the sender's client knows the stored copy
    // is its own when it arrives and never shows the message twice (sent, and still "sending").
    if (result.ok) send(ws, { type: "ack", clientId, messageSid: result.value.sid });
    else refuse(result.status, result.message);
    await this.settle(effects);
  }

  /**
   * A watching supervisor barges in: they join as a participant of role `supervisor` (the path every
   * participant joins by), and from then on write to the customer as an agent does. Recorded as
   * `supervisor.barge.joined`; the socket gets a fresh snapshot naming its participant.
   */
  private async bargeIn(ws: WebSocket, state: SocketState, displayName: string | null): Promise<void> {
    const refuse = (status: number, message: string) => send(ws, { type: "error", clientId: null, status, message });
    if (state.role !== "supervisor") return refuse(403, "Only a supervisor barges in");
    if (state.participantSid !== null) return refuse(409, "You are already a participant of this conversation");
    const identity = staffIdentity(state);
    if (identity === null) return refuse(403, "A token naming neither a worker nor a user cannot barge in: it has no identity to join as");
    const row = this.loaded(state.accountSid);
    if (!row.ok) return refuse(row.status, row.message);
    const hooks = await this.webhooks.context(row.value, { source: "SDK", webhooks: true, clientIdentity: identity });
    const marked = JSON.stringify({ supervisor: { worker_sid: state.identity, user_sid: state.binding?.userSid ?? null } });
    // Asked as any participant's joining is: the integration may refuse it, or set its attributes.
    const pre = await this.webhooks.pre(hooks, state.accountSid, {
      type: "onParticipantAdd",
      conversation: conversationRecord(row.value),
      identity,
      attributes: marked,
      address: null,
      proxyAddress: null,
    });
    if (!pre.ok) return refuse(pre.status, pre.message);
    const attributes = pre.value.attributes ?? marked;
    // Read again (in the transaction): other requests ran while the pre-event webhook was asked.
    const { result, effects } = this.mutate((op) => {
      const conversation = this.loadedIn(op, state.accountSid);
      if (!conversation.ok) return conversation;
      if (conversation.value.state === "closed")
        return { ok: false, status: 409, code: 20409, message: `Conversation ${this.sid} is closed` };
      const joined = participants.insertParticipant(op, conversation.value, { identity, role: "supervisor", displayName, attributes });
      if (joined.ok)
        recordSupervision(op, conversation.value, "supervisor.barge.joined", supervisorOf(state, displayName), {
          participantSid: joined.value.sid,
        });
      return joined;
    }, hooks);
    if (result.ok) {
      const joined: SocketState = { ...state, participantSid: result.value.sid, displayName };
      ws.serializeAttachment(joined);
      this.sendSnapshot(ws, joined, null);
    } else refuse(result.status, result.message);
    await this.settle(effects);
  }

  /** A supervisor who barged in leaves (recorded as `supervisor.barge.left`) and watches again. */
  private async bargeOut(ws: WebSocket, state: SocketState): Promise<void> {
    const refuse = (status: number, message: string) => send(ws, { type: "error", clientId: null, status, message });
    const participantSid = state.participantSid;
    if (state.role !== "supervisor" || participantSid === null) return refuse(409, "You have not barged into this conversation");
    const row = this.loaded(state.accountSid);
    if (!row.ok) return refuse(row.status, row.message);
    const hooks = await this.webhooks.context(row.value, {
      source: "SDK",
      webhooks: true,
      clientIdentity: staffIdentity(state) ?? undefined,
    });
    const { result, effects } = this.mutate((op) => {
      const conversation = this.loadedIn(op, state.accountSid);
      if (!conversation.ok) return conversation;
      const participant = participants.findParticipant(op, participantSid);
      // A supervisor who joined as the agent (they are a worker too) leaves as agents do: by wrapping up.
      if (participant?.role !== "supervisor")
        return { ok: false, status: 409, code: 20409, message: "You have not barged into this conversation" };
      participants.deleteParticipant(op, conversation.value, participant);
      recordSupervision(op, conversation.value, "supervisor.barge.left", supervisorOf(state, participant.display_name), { participantSid });
      return ok(null);
    }, hooks);
    if (!result.ok) refuse(result.status, result.message);
    // settle lets the socket go: it watches again, with a fresh snapshot.
    await this.settle(effects);
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
      const indexDue = timerDueAt(this.ctx.storage, "index", "");
      if (indexDue !== null && indexDue <= now()) await this.syncIndex(row.account_sid);
      await createPendingTask(this.ctx.storage, this.taskPort(row), now);
      await this.deliverPending(now);
    }
    // Post-events still waiting for the queue (also after a deletion, whose last event outlives the row).
    const hooksDue = timerDueAt(this.ctx.storage, OUTBOX_TIMER, HOOKS_TOPIC);
    if (hooksDue !== null && hooksDue <= now()) await this.webhooks.outbox.drain();
    const eventsDue = timerDueAt(this.ctx.storage, OUTBOX_TIMER, WORKSPACE_EVENTS_TOPIC);
    if (eventsDue !== null && eventsDue <= now()) await this.workspaceEvents.drain();
    await this.syncAlarm();
  }
}
