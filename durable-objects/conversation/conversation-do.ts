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
 * the outbox.
 *
 * This file is the RPC surface, each method a line or a few; the parts get a narrow host
 * (conversation-host.ts): the conversation's own create/update/delete with its directory entry
 * (conversation-changes.ts), the sockets' upgrade and commands (socket-session.ts) with a supervisor's
 * watching and barging (staff-actions.ts); the machinery — transactions, effects, outboxes, the alarm —
 * is conversation-shell.ts.
 */
import type { PingReply } from "../common/ping";
import { defined, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import type {
  ConversationChannel,
  ConversationRecord,
  DeliveryReceiptRecord,
  MessageRecord,
  ParticipantRecord,
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
import type { ConversationSurvey } from "../../contract/surveys";
import type { UserAccess } from "../common/user-access";
import { conversationRecord } from "./store/conversation-rows";
import * as conversations from "./lifecycle/conversation";
import * as participants from "./lifecycle/participants";
import * as messages from "./lifecycle/messages";
import { applyStatus } from "./lifecycle/delivery";
import { replayMessages } from "./lifecycle/hooks";
import * as scopedWebhooks from "./lifecycle/scoped-webhooks";
import { receive, type Received } from "./lifecycle/inbound";
import { applyChange } from "./lifecycle/changes";
import { onTaskEvent, transfer, type TransferInput } from "./lifecycle/tasks";
import { answerSurvey } from "./lifecycle/survey";
import { agentNote } from "./lifecycle/agent-notes";
import { ConversationShell } from "./conversation-shell";
import type { CallRecord } from "../../contract/calls";
import type { ConversationRow } from "./store/conversation-rows";
import { latestCallRecord, liveCall, onMediaEvent, type MediaEvent } from "./lifecycle/calls";
import { superviseCall, type CallSupervisionInput } from "./lifecycle/call-supervision";
import { endConsult, handOffCall } from "./call-handoff-actions";
import type { HandoffTarget } from "./lifecycle/call-handoffs";
import { hangUpCall, holdCall, retryCallFlowStart, startCall, type CallPorts, type StartCall } from "./call-actions";
import { callFlowPort, flowCallTask } from "./call-flow";
import { answersACall, flowHangUp } from "./lifecycle/call-flows";
import { changeCallRecording, recordingShown } from "./call-recording";
import type { RecordingChange, RecordingRecord } from "../../contract/recordings";
import { createConversation, deleteConversation, updateConversation } from "./conversation-changes";
import { onCommand, upgrade } from "./socket-session";
import { closeUserSockets } from "./sockets";
import * as flows from "./lifecycle/flows";
import type { FlowMessageInput, FlowTaskInput } from "../common/flows";

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
    return this.withFlow(await createConversation(this.host, accountSid, request, source));
  }

  getConversation(accountSid: string): ApiResult<ConversationRecord> {
    return this.withFlow(conversations.getConversation(this.op(), accountSid));
  }

  /** The record as the API answers it: with the flow handling the conversation (null when none). */
  private withFlow(found: ApiResult<ConversationRecord>): ApiResult<ConversationRecord> {
    return found.ok ? ok({ ...found.value, flow: flows.conversationFlow(this.op()) }) : found;
  }

  async updateConversation(
    accountSid: string,
    request: UpdateConversationInput,
    source: ActionSource = restSource(false),
  ): Promise<ApiResult<ConversationRecord>> {
    return this.withFlow(await updateConversation(this.host, accountSid, request, source));
  }

  deleteConversation(accountSid: string, source: ActionSource = restSource(false)): Promise<ApiResult<null>> {
    return deleteConversation(this.host, accountSid, source);
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

  /** An agent's internal note on a conversation they are or were the agent of (lifecycle/agent-notes.ts). */
  async addAgentNote(accountSid: string, workerSid: string, body: string, clientId: string | null): Promise<ApiResult<MessageRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const input = agentNote(this.op().host, row.value.sid, workerSid, body, clientId);
    return input.ok ? this.addMessage(accountSid, input.value) : input;
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

  /** A chat's transfer; a live call's is a cold transfer of the call (call-handoff-actions.ts). */
  async transfer(accountSid: string, input: TransferInput): Promise<ApiResult<{ taskSid: string }>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    if (liveCall(this.ctx.storage)) {
      const target = { type: input.targetType, sid: input.targetSid };
      const handed = await handOffCall(this.host, this.taskPort(row.value), accountSid, "transfer", input.workerSid, target);
      return handed.ok ? ok({ taskSid: handed.value.taskSid }) : handed;
    }
    return transfer(this.ctx.storage, this.sid, accountSid, input, this.taskPort(row.value), Date.now);
  }

  /** A live call's consult (a warm transfer begins) or a conference's third party, by the call's agent. */
  async handOffCall(
    accountSid: string,
    purpose: "consult" | "conference",
    workerSid: string,
    target: HandoffTarget,
  ): Promise<ApiResult<{ call: CallRecord; taskSid: string }>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    return handOffCall(this.host, this.taskPort(row.value), accountSid, purpose, workerSid, target);
  }

  /** A warm transfer's end, by the call's agent: complete (the consulted agent has the call) or cancel. */
  endConsult(accountSid: string, workerSid: string, how: "complete" | "cancel"): Promise<ApiResult<CallRecord>> {
    return endConsult(this.host, accountSid, workerSid, how);
  }

  /** Hands the workspace events (supervisors' actions, survey answers) to the Router (also run in the background after each; tests await it). */
  // ── calls (issue 15; call-actions.ts, lifecycle/calls.ts) ──────────────────────────────────────────

  /** Starts a call: the customer's (a new task on the call's channel) or an agent's escalation (their task). */
  async startCall(accountSid: string, callSid: string, input: StartCall): Promise<ApiResult<CallRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    return startCall(this.host, this.callPorts(row.value), accountSid, callSid, input);
  }

  /** The conversation's latest call (null: none yet). */
  getCall(accountSid: string): ApiResult<CallRecord | null> {
    const row = this.loaded(accountSid);
    return row.ok ? ok(latestCallRecord(this.ctx.storage, this.sid)) : row;
  }

  async hangUpCall(accountSid: string, identity: string, by: "customer" | "agent"): Promise<ApiResult<CallRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    return hangUpCall(this.host, this.callPorts(row.value), accountSid, identity, by);
  }

  async holdCall(accountSid: string, workerSid: string, hold: unknown): Promise<ApiResult<CallRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    return holdCall(this.host, this.callPorts(row.value), accountSid, workerSid, hold);
  }

  /** A supervisor takes a token for the live call: recorded as `supervisor.call.<mode>` (lifecycle/call-supervision.ts). */
  superviseCall(accountSid: string, input: CallSupervisionInput): Promise<ApiResult<{ readonly callSid: string }>> {
    return this.apply((op) => {
      const row = this.loadedIn(op, accountSid);
      return row.ok ? superviseCall(op, row.value, liveCall(op.host)?.sid ?? null, input) : row;
    });
  }

  /** One of LiveKit's webhooks for this conversation's room (verified by the Worker). */
  onMediaEvent(accountSid: string, event: MediaEvent): Promise<ApiResult<boolean>> {
    return this.apply((op) => onMediaEvent(op, accountSid, event));
  }

  /** The call's agent pauses, resumes or stops its recording (call-recording.ts). */
  async changeCallRecording(accountSid: string, workerSid: string, status: RecordingChange): Promise<ApiResult<RecordingRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    return changeCallRecording(this.host, this.recordingPorts(row.value), row.value, workerSid, status);
  }

  /** An egress webhook moved the call's recording (workers/recordings/egress-events.ts): the call shows it. */
  async recordingChanged(accountSid: string, recording: RecordingRecord): Promise<ApiResult<CallRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    return recordingShown(this.host, recording);
  }

  protected callFlowStartDue(row: ConversationRow, callSid: string): Promise<void> {
    return retryCallFlowStart(this.host, this.callPorts(row), callSid);
  }

  private callPorts(row: ConversationRow): CallPorts {
    return { media: this.callMedia(row), tasks: this.taskPort(row), flows: callFlowPort(this.env, row) };
  }

  sendWorkspaceEvents(): Promise<boolean> {
    return this.workspaceEvents.drain();
  }

  // ── self-service (issue 16: lifecycle/flows.ts, flow-runs.ts) ────────────────────────────────────

  /**
   * Sends the conversation (back) to self-service: an agent's "send to a flow" (e.g. a survey). Starts an
   * execution of `flowSid` in this conversation; the agent's task wraps up. Idempotent by `key`.
   */
  async startFlow(
    accountSid: string,
    key: string,
    input: { readonly flowSid: string; readonly workerSid: string | null },
  ): Promise<ApiResult<{ readonly executionSid: string }>> {
    await this.flows.forgetEnded(accountSid);
    return this.apply((op) => flows.sendToFlow(op, accountSid, key, input));
  }

  /** A flow's `send-message`: added as the author "system" and delivered like an agent's message, once per `key` (the effect id). */
  async postFlowMessage(accountSid: string, key: string, input: FlowMessageInput): Promise<ApiResult<MessageRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const hooks = await this.webhooks.context(row.value, SYSTEM_SOURCE);
    return this.apply((op) => flows.flowMessage(op, accountSid, key, input), hooks);
  }

  /** A flow's `send-to-flex`: the conversation's task through the usual machinery, once per `key` (the effect id). */
  async flowTask(accountSid: string, key: string, input: FlowTaskInput): Promise<ApiResult<{ conversation_sid: string }>> {
    // A flow answering a call hands the call on: the call's own task (call-flow.ts).
    if (answersACall(this.op(), input.executionSid)) {
      const row = this.loaded(accountSid);
      return row.ok ? flowCallTask(this.host, this.taskPort(row.value), accountSid, key, input) : row;
    }
    return this.apply((op) => flows.flowTask(op, accountSid, key, input));
  }

  /** A flow's hang-up: the call its execution answers ends `completed`, its room closed; once per `key` (the effect id). */
  async endFlowCall(accountSid: string, key: string, executionSid: string): Promise<ApiResult<CallRecord | null>> {
    return this.apply((op) => flowHangUp(op, accountSid, key, executionSid));
  }

  /** The execution the conversation runs (null: none), why a flow could not start, if it could not. */
  flowState(
    accountSid: string,
  ): ApiResult<{ readonly executionSid: string | null; readonly pending: boolean; readonly error: string | null }> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const flow = flows.flowRow(this.op());
    return ok({ executionSid: flow.execution_sid, pending: flow.pending !== null, error: flow.error });
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

  override fetch(request: Request): Promise<Response> {
    return upgrade(this.host, request);
  }

  override webSocketMessage(ws: WebSocket, text: string | ArrayBuffer): Promise<void> {
    return onCommand(this.host, ws, text);
  }

  /** A user changed (told by the AccountDO): closes their sockets here that `access` no longer allows. */
  closeUserSockets(accountSid: string, userSid: string, access: UserAccess | null): number {
    return closeUserSockets(this.ctx, accountSid, userSid, access);
  }

  override async webSocketClose(): Promise<void> {
    // Nothing to keep: presence in a conversation is the socket itself (the runtime answers the close frame).
  }

  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    console.warn("ConversationDO: a WebSocket failed", error);
  }
}
