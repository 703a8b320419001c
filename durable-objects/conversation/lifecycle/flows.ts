/**
 * Self-service in a conversation (issue 16): the Studio flow its channel names runs before any agent.
 * `sb_flow` (migration 11) is the conversation's one flow record: the execution it runs (`execution_sid`)
 * or the one still to start (`pending`: its SID, minted when the conversation opened so a start retried
 * after an eviction finds the first, the flow and the trigger), the attempts, and why a flow could not
 * start (`error`, kept for an admin: the conversation then routes to its workflow as without a flow).
 *
 * What happens here is pure and runs in the change's transaction: a conversation opened on a channel with
 * a flow records "flow pending" instead of "task pending"; a later customer message while the flow runs
 * joins the `flow` outbox topic (in order, none lost); a flow's message is added as the author "system"
 * (as Twilio shows Studio's), once per effect; send-to-flex makes the conversation's task through the same
 * "task pending" machinery as a first message (tasks.ts), its attributes merged over the usual Flex
 * ones, once per effect; an agent sends the customer to a flow (their task wraps). The I/O — starting the
 * execution, handing it the messages — is the shell's (../flow-runs.ts).
 */
import { fail, invalid, ok, type ApiResult } from "../../common/rpc";
import { first, run } from "../../kit/sql-host";
import { enqueue, OUTBOX_TIMER } from "../../kit/outbox";
import { setTimer } from "../../kit/timers";
import { regionalSid, regionOfSid } from "../../../platform/region-sids";
import { FLOW_AUTHOR, type FlowMessageInput, type FlowTaskInput } from "../../common/flows";
import type { InboundMessage } from "../../../channels/messages";
import type { ConversationFlow, MessageRecord } from "../../../contract/conversations";
import type { Trigger } from "../../flow/engine/types";
import { conversationRecord, participantBy, saveConversation, type ConversationRow, type TaskRequest } from "../store/conversation-rows";
import { conflict, loadConversation, type Op } from "./conversation-operation";
import { insertMessage } from "./messages";
import { moveTo } from "./conversation";
import { MAX_PRIORITY, MAX_TASK_TIMEOUT_S } from "../../common/task-limits";

/** The outbox topic of customer messages on their way to the running execution. */
export const FLOW_TOPIC = "flow";
/** The timer kind that retries a pending flow's start. */
export const FLOW_TIMER = "flow";

/** How soon the alarm carries on a start or a message the commit's own run did not (an eviction). */
const FLOW_SAFETY_MS = 5_000;

/** The outbox topic of "the call ended" on its way to the execution that answered it (call-flows.ts). */
export const CALL_FLOW_TOPIC = "call-flow";

/** The `call-flow` topic's body. */
export interface CallEndedMessage {
  readonly executionSid: string;
}

/** A call ended while its flow held it: the execution is told, after the commit or by the alarm (in the ending's transaction). */
export function tellFlowCallEnded(op: Op, executionSid: string): void {
  enqueue(op.host, CALL_FLOW_TOPIC, JSON.stringify({ executionSid } satisfies CallEndedMessage));
  setTimer(op.host, OUTBOX_TIMER, CALL_FLOW_TOPIC, op.now + FLOW_SAFETY_MS);
  op.effects.flow = true;
}

/** An execution still to start. */
export interface PendingFlow {
  readonly executionSid: string;
  readonly flowSid: string;
  readonly trigger: Trigger;
  readonly contactAddress: string;
}

export interface FlowRow {
  execution_sid: string | null;
  /** The flow of the execution running or pending (migration 12; null in rows from before it). */
  flow_sid: string | null;
  pending: string | null;
  attempts: number;
  error: string | null;
}

/** A customer message handed to the execution (the `flow` topic's body). */
export interface FlowInboxMessage {
  readonly key: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export const flowRow = (op: Pick<Op, "host">): FlowRow =>
  first<FlowRow>(op.host, "SELECT execution_sid, flow_sid, pending, attempts, error FROM sb_flow WHERE id = 1") ?? {
    execution_sid: null,
    flow_sid: null,
    pending: null,
    attempts: 0,
    error: null,
  };

export function saveFlow(op: Pick<Op, "host">, row: FlowRow): void {
  run(
    op.host,
    "INSERT OR REPLACE INTO sb_flow (id, execution_sid, flow_sid, pending, attempts, error) VALUES (1, ?, ?, ?, ?, ?)",
    row.execution_sid,
    row.execution_sid === null && row.pending === null ? null : row.flow_sid,
    row.pending,
    row.attempts,
    row.error,
  );
}

/**
 * The flow handling the conversation, for its record (GET, lists, the socket's snapshot): `starting` while
 * the execution is still to start, `active` while it runs; null when none does (ended, handed to an agent,
 * or never started).
 * @example conversationFlow(op) // { execution_sid: "FN…", flow_sid: "FW…", status: "active" }
 */
export function conversationFlow(op: Pick<Op, "host">): ConversationFlow | null {
  const row = flowRow(op);
  if (row.pending !== null) {
    const pending = JSON.parse(row.pending) as PendingFlow;
    return { execution_sid: pending.executionSid, flow_sid: pending.flowSid, status: "starting" };
  }
  return row.execution_sid === null ? null : { execution_sid: row.execution_sid, flow_sid: row.flow_sid, status: "active" };
}

/** Whether the customer's messages go to a flow (one running, or one about to start). */
export const inFlow = (op: Pick<Op, "host">): boolean => {
  const row = flowRow(op);
  return row.execution_sid !== null || row.pending !== null;
};

/** A new execution's SID, in the conversation's region (so `flowFor` applies its jurisdiction). */
export const executionSid = (conversationSid: string): string => regionalSid("FN", regionOfSid(conversationSid) ?? "");

/** Studio's `trigger.message` fields of a customer's message. */
export function messageFields(op: Op, conversation: ConversationRow, message: InboundMessage, messageSid: string): Record<string, unknown> {
  return {
    Body: message.body,
    From: message.customerAddress,
    To: message.proxyAddress,
    Author: message.customerAddress,
    ChannelSid: conversation.channel_sid,
    ConversationSid: op.sid,
    MessageSid: messageSid,
    Media: message.media.length > 0 ? message.media : null,
    InstanceSid: null,
    Source: message.channel.toUpperCase(),
  };
}

/** A conversation just opened on a channel with a flow: the flow is pending, no task (in the opening's transaction). */
export function openInFlow(op: Op, conversation: ConversationRow, flowSid: string, message: InboundMessage, messageSid: string): void {
  const pending: PendingFlow = {
    executionSid: executionSid(op.sid),
    flowSid,
    trigger: { kind: "incomingMessage", message: { fields: messageFields(op, conversation, message, messageSid) } },
    contactAddress: message.customerAddress,
  };
  saveConversation(op.host, { ...conversation, task_pending: 0 });
  saveFlow(op, { execution_sid: null, flow_sid: flowSid, pending: JSON.stringify(pending), attempts: 0, error: null });
  op.effects.createTask = false;
  op.effects.flow = true;
  // The safety net: a start lost with an evicted object is made by the alarm.
  setTimer(op.host, FLOW_TIMER, "", op.now + FLOW_SAFETY_MS);
}

/** A later customer message: queued for the execution, in order (in the message's transaction). */
export function queueForFlow(op: Op, conversation: ConversationRow, message: InboundMessage, messageSid: string): ConversationRow {
  const body: FlowInboxMessage = { key: messageSid, fields: messageFields(op, conversation, message, messageSid) };
  enqueue(op.host, FLOW_TOPIC, JSON.stringify(body));
  setTimer(op.host, OUTBOX_TIMER, FLOW_TOPIC, op.now + FLOW_SAFETY_MS);
  op.effects.flow = true;
  return conversation.state === "inactive" ? moveTo(op, conversation, "active") : conversation;
}

/** A flow's message to the customer: author "system", delivered like an agent's, once per `key`. */
export function flowMessage(op: Op, accountSid: string, key: string, input: FlowMessageInput): ApiResult<MessageRecord> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  if (typeof input.body !== "string") return invalid("Body", "must be a string");
  let attributes: Record<string, unknown> = {};
  if (input.attributes) {
    try {
      const parsed = JSON.parse(input.attributes) as unknown;
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) attributes = parsed as Record<string, unknown>;
    } catch {
      return invalid("Attributes", "must be JSON text");
    }
  }
  const marks = { ...attributes, flow_execution_sid: input.executionSid, ...(input.mediaUrl ? { media_url: input.mediaUrl } : {}) };
  return insertMessage(op, loaded.value, { author: FLOW_AUTHOR, body: input.body, attributes: JSON.stringify(marks) }, `flow:${key}`);
}

const keyed = (op: Op, key: string): string | undefined =>
  first<{ value: string }>(op.host, "SELECT value FROM sb_flow_keys WHERE key = ?", key)?.value;
const rememberKey = (op: Op, key: string, value: string): void =>
  run(op.host, "INSERT INTO sb_flow_keys (key, value, applied_at) VALUES (?, ?, ?)", key, value, op.now);

/**
 * A flow's hand-off's Priority and Timeout for the task, those the widget set, checked against
 * TaskRouter's ranges here — a value the Router would refuse fails the widget (its `failedToEnqueue`)
 * instead of leaving the customer with no task.
 * @example handOffTerms({ executionSid: "FN…", workflowSid: null, channel: "", attributes: "{}", priority: 7 }) // ok({ priority: 7 })
 */
export function handOffTerms(input: FlowTaskInput): ApiResult<{ priority?: number; timeout?: number }> {
  const { priority, timeout } = input;
  if (priority !== undefined && !(Number.isInteger(priority) && priority >= 0 && priority <= MAX_PRIORITY))
    return invalid("Priority", `must be a whole number from 0 to ${MAX_PRIORITY}`);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= MAX_TASK_TIMEOUT_S))
    return invalid("Timeout", `must be a whole number of seconds from 1 to ${MAX_TASK_TIMEOUT_S}`);
  return ok({ ...(priority !== undefined ? { priority } : {}), ...(timeout !== undefined ? { timeout } : {}) });
}

/**
 * send-to-flex: the conversation's task, through the workflow the widget names (else its channel's),
 * with the widget's attributes (and `self_service`) merged over the usual Flex attributes. The execution
 * no longer holds the customer's messages. Once per `key`.
 */
export function flowTask(op: Op, accountSid: string, key: string, input: FlowTaskInput): ApiResult<{ conversation_sid: string }> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  if (keyed(op, `task:${key}`) !== undefined) return ok({ conversation_sid: op.sid });
  const conversation = loaded.value;
  if (conversation.state === "closed") return conflict(`Conversation ${op.sid} is closed`);
  let extra: Record<string, unknown>;
  try {
    extra = JSON.parse(input.attributes === "" ? "{}" : input.attributes) as Record<string, unknown>;
    if (extra === null || typeof extra !== "object" || Array.isArray(extra)) return invalid("Attributes", "must be a JSON object");
  } catch {
    return invalid("Attributes", "must be JSON text");
  }
  const terms = handOffTerms(input);
  if (!terms.ok) return terms;
  const base: TaskRequest = conversation.task_request
    ? (JSON.parse(conversation.task_request) as TaskRequest)
    : {
        workflowSid: null,
        taskChannel: "chat",
        attributes: JSON.stringify({ conversationSid: op.sid, channelType: conversation.channel }),
      };
  const request: TaskRequest = {
    ...base,
    workflowSid: input.workflowSid ?? base.workflowSid,
    taskChannel: input.channel === "" ? base.taskChannel : input.channel,
    attributes: JSON.stringify({ ...(JSON.parse(base.attributes) as Record<string, unknown>), ...extra }),
    ...terms.value,
  };
  rememberKey(op, `task:${key}`, op.sid);
  const flow = flowRow(op);
  if (flow.execution_sid === input.executionSid) saveFlow(op, { ...flow, execution_sid: null });
  if (conversation.task_sid !== null || conversation.task_pending === 1) return ok({ conversation_sid: op.sid });
  const saved = saveConversation(op.host, {
    ...conversation,
    task_request: JSON.stringify(request),
    task_pending: 1,
    task_attempts: 0,
    task_error: null,
    date_updated: op.now,
  });
  op.effects.frames.push({ type: "conversation.updated", conversation: conversationRecord(saved) });
  op.effects.createTask = true;
  return ok({ conversation_sid: op.sid });
}

/**
 * The customer goes (back) to self-service at an agent's request: a new execution is pending with an
 * `incomingRequest` trigger naming the agent, and the agent's task wraps up — it is no longer the
 * conversation's, so its end does not close it. Once per `key`.
 */
export function sendToFlow(
  op: Op,
  accountSid: string,
  key: string,
  input: { readonly flowSid: string; readonly workerSid: string | null },
): ApiResult<{ readonly executionSid: string }> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  const earlier = keyed(op, `start:${key}`);
  if (earlier !== undefined) return ok({ executionSid: earlier });
  const conversation = loaded.value;
  if (typeof input.flowSid !== "string" || !/^FW[0-9a-f]{32}$/.test(input.flowSid)) return invalid("FlowSid", "must be a Flow SID (FW…)");
  if (conversation.state === "closed") return conflict(`Conversation ${op.sid} is closed`);
  if (inFlow(op)) return conflict(`Conversation ${op.sid} is already in a flow`);
  if (input.workerSid !== null) {
    const agent = participantBy(op.host, "identity", input.workerSid);
    if (!agent || agent.role !== "agent") return fail(403, 20403, `Worker ${input.workerSid} is not an agent in conversation ${op.sid}`);
  }
  const customer = first<{ address: string | null }>(
    op.host,
    "SELECT coalesce(binding_address, identity) AS address FROM sb_participants WHERE role = 'customer' LIMIT 1",
  );
  const pending: PendingFlow = {
    executionSid: executionSid(op.sid),
    flowSid: input.flowSid,
    trigger: {
      kind: "incomingRequest",
      request: { From: input.workerSid, To: customer?.address ?? null, ConversationSid: op.sid, ChannelSid: conversation.channel_sid },
      parameters: { ConversationSid: op.sid, WorkerSid: input.workerSid },
    },
    contactAddress: customer?.address ?? "",
  };
  saveFlow(op, { execution_sid: null, flow_sid: input.flowSid, pending: JSON.stringify(pending), attempts: 0, error: null });
  setTimer(op.host, FLOW_TIMER, "", op.now + FLOW_SAFETY_MS);
  rememberKey(op, `start:${key}`, pending.executionSid);
  if (conversation.task_sid !== null) op.effects.wrapTasks.push(conversation.task_sid);
  const saved = saveConversation(op.host, { ...conversation, task_sid: null, task_pending: 0, date_updated: op.now });
  op.effects.frames.push({ type: "conversation.updated", conversation: conversationRecord(saved) });
  op.effects.flow = true;
  return ok({ executionSid: pending.executionSid });
}
