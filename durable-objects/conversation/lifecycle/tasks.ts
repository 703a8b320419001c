/**
 * The conversation's TaskRouter tasks. A new conversation's task is created through the Router after
 * the conversation is stored (outbound I/O from a Durable Object): a "task pending" marker is written
 * first, and a failed attempt (no workflow yet, the Router unreachable) is retried from the alarm with
 * backoff, so the customer's message is never lost for want of a task.
 *
 * Task events (forwarded at least once by the queue consumer) move the conversation: an accepted
 * reservation makes the worker a participant; wrap-up makes them leave (the conversation goes inactive
 * once no agent is left); the current task completed or canceled closes it.
 *
 * A transfer creates another task on the same conversation (the same attributes plus
 * `transferTargetType`/`transferTargetSid`/`transferredFrom`, and `known_worker_sid` for a worker target)
 * through the same workflow — whose filters must route on `transferTargetType`/`transferTargetSid` —
 * and when that task's reservation is accepted, the new agent joins and the transferring agent's task
 * goes to wrapping. The history is the conversation's, so it travels by construction.
 */
import { retryDelay, retryPolicy } from "../../../platform/backoff";
import { fail, invalid, ok, type ApiResult } from "../../common/rpc";
import type { ConversationTaskEvent } from "../../common/conversations";
import { first, rows, run, type StoreHost } from "../../kit/sql-host";
import {
  conversationRecord,
  conversationRow,
  participantBy,
  participantRows,
  saveConversation,
  type TaskRequest,
} from "../store/conversation-rows";
import { moveTo } from "./conversation";
import { loadConversation, newOp, type Op } from "./conversation-operation";
import { deleteParticipant, insertParticipant } from "./participants";
import { offerSurvey } from "./survey";
import { callTaskEnded } from "./calls";
import { consultEnded, consultTaken, handoffOf } from "./call-handoff-state";
import { clearTimer, setTimer, timerDueAt } from "../../kit/timers";

/** About three hours of trying; then the failure stays on the conversation for an admin to see. */
export const MAX_TASK_ATTEMPTS = 24;
const TASK_RETRIES = retryPolicy({ baseDelayMs: 5_000, maxDelayMs: 10 * 60_000, maxAttempts: MAX_TASK_ATTEMPTS });

/** What the conversation needs of TaskRouter (the Router DO in the shell; a double in unit tests). */
export interface TaskPort {
  /** The workspace's oldest workflow, for channels configured without one; null when it has none. */
  oldestWorkflow(): Promise<string | null>;
  /** Creates the task in `region` (absent: the home region) — or, while it is down, in its partner. */
  createTask(input: {
    workflowSid: string;
    taskChannel: string;
    attributes: string;
    region?: string;
    priority?: number;
    timeout?: number;
  }): Promise<ApiResult<{ taskSid: string }>>;
  wrapTask(taskSid: string): Promise<ApiResult<unknown>>;
  /** `reason`: Twilio's cancel reason (default "not needed"). */
  cancelTask(taskSid: string, reason?: string): Promise<ApiResult<unknown>>;
  /**
   * The estimated wait of a task just queued, in seconds (calls: the waiting customer sees it), or null
   * when its queue has nothing to go by; absent in ports that need none.
   */
  estimatedWait?(taskSid: string, taskChannel: string): Promise<number | null>;
}

interface TaskRow {
  task_sid: string;
  worker_sid: string | null;
  reservation_sid: string | null;
  transferred_from: string | null;
  status: "pending" | "assigned" | "wrapping" | "done";
}

const taskRow = (host: StoreHost, sid: string): TaskRow | undefined =>
  first<TaskRow>(host, "SELECT task_sid, worker_sid, reservation_sid, transferred_from, status FROM sb_tasks WHERE task_sid = ?", sid);

function saveTask(host: StoreHost, row: TaskRow, now: number): void {
  run(
    host,
    `INSERT INTO sb_tasks (task_sid, worker_sid, reservation_sid, transferred_from, status, date_created) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (task_sid) DO UPDATE SET worker_sid = excluded.worker_sid, reservation_sid = excluded.reservation_sid, status = excluded.status`,
    row.task_sid,
    row.worker_sid,
    row.reservation_sid,
    row.transferred_from,
    row.status,
    now,
  );
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The workflow a request goes through: its own, else the workspace's oldest. */
async function workflowOf(request: TaskRequest, port: TaskPort): Promise<ApiResult<string>> {
  if (request.workflowSid) return ok(request.workflowSid);
  const oldest = await port.oldestWorkflow();
  return oldest ? ok(oldest) : invalid("WorkflowSid", "the workspace has no Workflow yet");
}

/**
 * Creates the pending first task, if one is pending and due. The attempt number is the version: the
 * result is written back only if no other attempt started meanwhile.
 * @example await createPendingTask(ctx.storage, "CH…", routerPort, Date.now)
 */
export async function createPendingTask(host: StoreHost, port: TaskPort, now: () => number): Promise<void> {
  const start = host.transactionSync(() => {
    const row = conversationRow(host);
    if (!row || row.task_pending !== 1 || row.task_request === null || row.state === "closed") return null;
    const due = timerDueAt(host, "task", "");
    if (row.task_attempts > 0 && due !== null && due > now()) return null; // backing off, or an attempt is in flight
    const attempt = row.task_attempts + 1;
    saveConversation(host, { ...row, task_attempts: attempt });
    // The safety net: if this attempt dies with the object, the alarm makes the next.
    setTimer(host, "task", "", now() + retryDelay(TASK_RETRIES, attempt));
    return { attempt, request: JSON.parse(row.task_request) as TaskRequest };
  });
  if (!start) return;
  let result: ApiResult<{ taskSid: string }>;
  try {
    const workflow = await workflowOf(start.request, port);
    result = workflow.ok ? await port.createTask({ ...start.request, workflowSid: workflow.value }) : workflow;
  } catch (error) {
    result = fail(502, 20500, `TaskRouter could not be reached: ${message(error)}`);
  }
  const orphan = host.transactionSync(() => {
    const row = conversationRow(host);
    const current = row !== undefined && row.task_pending === 1 && row.task_attempts === start.attempt;
    if (!row || !current) return result.ok ? result.value.taskSid : null;
    if (result.ok) {
      saveConversation(host, { ...row, task_sid: result.value.taskSid, task_pending: 0, task_error: null, date_updated: now() });
      saveTask(
        host,
        { task_sid: result.value.taskSid, worker_sid: null, reservation_sid: null, transferred_from: null, status: "pending" },
        now(),
      );
      clearTimer(host, "task", "");
      return null;
    }
    // Logged without the conversation's content: only where it is and what the Router said.
    console.warn(`ConversationDO ${row.sid}: creating its task failed (attempt ${start.attempt}): ${result.message}`);
    const gaveUp = start.attempt >= MAX_TASK_ATTEMPTS;
    saveConversation(host, { ...row, task_pending: gaveUp ? 0 : 1, task_error: result.message });
    if (gaveUp) clearTimer(host, "task", "");
    return null;
  });
  // A task made by an attempt that lost the race (or for a conversation deleted meanwhile) is canceled.
  if (orphan !== null) {
    const canceled = await port.cancelTask(orphan).catch((error: unknown) => fail(502, 20500, message(error)));
    if (!canceled.ok) console.warn(`ConversationDO: task ${orphan} is no longer wanted and could not be canceled: ${canceled.message}`);
  }
}

/** Applies one task event; idempotent by event SID. */
export function onTaskEvent(op: Op, accountSid: string, event: ConversationTaskEvent): ApiResult<void> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  if (first(op.host, "SELECT event_sid FROM sb_task_events WHERE event_sid = ?", event.eventSid)) return ok(undefined);
  run(op.host, "INSERT INTO sb_task_events (event_sid, applied_at) VALUES (?, ?)", event.eventSid, op.now);
  let conversation = loaded.value;
  const task = taskRow(op.host, event.taskSid) ?? {
    task_sid: event.taskSid,
    worker_sid: null,
    reservation_sid: null,
    transferred_from: null,
    status: "pending" as const,
  };
  const leave = (workerSid: string | null) => {
    const agent = workerSid === null ? undefined : participantBy(op.host, "identity", workerSid);
    if (agent && agent.role === "agent") deleteParticipant(op, conversation, agent);
  };

  switch (event.eventType) {
    case "reservation.accepted": {
      const workerSid = event.workerSid;
      if (!workerSid) return invalid("WorkerSid", "is required for reservation.accepted");
      saveTask(op.host, { ...task, worker_sid: workerSid, reservation_sid: event.reservationSid, status: "assigned" }, op.now);
      if (!participantBy(op.host, "identity", workerSid)) {
        const attributes = JSON.stringify({ worker_sid: workerSid, reservation_sid: event.reservationSid });
        const joined = insertParticipant(op, conversation, {
          identity: workerSid,
          role: "agent",
          displayName: event.workerName,
          attributes,
        });
        if (!joined.ok) return joined;
      }
      if (task.transferred_from && task.transferred_from !== workerSid) {
        // The transfer is taken: the transferring agent's task goes to wrapping and they leave.
        const previous = rows<TaskRow>(
          op.host,
          "SELECT task_sid, worker_sid, reservation_sid, transferred_from, status FROM sb_tasks WHERE worker_sid = ? AND status = 'assigned' AND task_sid <> ?",
          task.transferred_from,
          task.task_sid,
        );
        for (const p of previous) {
          saveTask(op.host, { ...p, status: "wrapping" }, op.now);
          op.effects.wrapTasks.push(p.task_sid);
        }
        leave(task.transferred_from);
      }
      // A call's consult or third party joins it, but the conversation's task stays the call's agent's (call-transfers.ts).
      const handoff = handoffOf(op.host, task.task_sid);
      if (handoff === "consult") consultTaken(op, workerSid);
      const current = handoff === "consult" || handoff === "conference" ? conversation.task_sid : task.task_sid;
      conversation = saveConversation(op.host, {
        ...conversation,
        task_sid: current,
        last_worker_sid: workerSid,
        date_updated: op.now,
      });
      op.effects.frames.push({ type: "conversation.updated", conversation: conversationRecord(conversation) });
      moveTo(op, conversation, "active");
      op.effects.notedWorkers.push(workerSid);
      op.effects.index = true;
      return ok(undefined);
    }
    case "task.wrapup": {
      saveTask(op.host, { ...task, status: "wrapping" }, op.now);
      callTaskEnded(op, task.task_sid); // the agent wrapped up a call still going on: it ends
      leave(task.worker_sid ?? event.workerSid);
      const agentsLeft = participantRows(op.host).some((p) => p.role === "agent");
      if (conversation.task_sid === task.task_sid && !agentsLeft) moveTo(op, conversation, "inactive");
      return ok(undefined);
    }
    case "task.completed":
    case "task.canceled":
    case "task.deleted":
    case "task.system-deleted": {
      saveTask(op.host, { ...task, status: "done" }, op.now);
      callTaskEnded(op, task.task_sid, event.reason);
      if (handoffOf(op.host, task.task_sid) === "consult") consultEnded(op);
      leave(task.worker_sid ?? event.workerSid);
      // A transfer nobody took ends without touching the conversation; its current task ending closes it.
      if (conversation.task_sid !== task.task_sid) return ok(undefined);
      // The end an agent chose (not a cancel): the customer is asked how it went (survey.ts).
      const served = event.eventType === "task.completed" && (task.worker_sid ?? event.workerSid) !== null;
      if (served && conversation.state !== "closed") conversation = offerSurvey(op, conversation);
      moveTo(op, conversation, "closed");
      return ok(undefined);
    }
    default:
      return ok(undefined);
  }
}

export interface TransferInput {
  readonly workerSid: string;
  readonly targetType: "queue" | "worker";
  readonly targetSid: string;
}

/** Checks a transfer and answers the task to create (nothing is written). */
export function transferRequest(op: Op, accountSid: string, input: TransferInput): ApiResult<TaskRequest> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  const conversation = loaded.value;
  if (conversation.state === "closed") return fail(409, 20409, `Conversation ${op.sid} is closed`);
  if (input.targetType !== "queue" && input.targetType !== "worker") return invalid("TargetType", "must be queue or worker");
  if (typeof input.targetSid !== "string" || !/^(WQ|WK)[0-9a-f]{32}$/.test(input.targetSid))
    return invalid("TargetSid", "must be a TaskQueue (WQ…) or Worker (WK…) SID");
  const agent = typeof input.workerSid === "string" ? participantBy(op.host, "identity", input.workerSid) : undefined;
  if (!agent || agent.role !== "agent")
    return fail(403, 20403, `Worker ${String(input.workerSid)} is not an agent in conversation ${op.sid}`);
  const base: TaskRequest = conversation.task_request
    ? (JSON.parse(conversation.task_request) as TaskRequest)
    : {
        workflowSid: null,
        taskChannel: "chat",
        attributes: JSON.stringify({ conversationSid: op.sid, channelType: conversation.channel }),
      };
  const attributes: Record<string, unknown> = {
    ...(JSON.parse(base.attributes) as Record<string, unknown>),
    transferTargetType: input.targetType,
    transferTargetSid: input.targetSid,
    transferredFrom: input.workerSid,
  };
  if (input.targetType === "worker") attributes.known_worker_sid = input.targetSid;
  return ok({ ...base, attributes: JSON.stringify(attributes) });
}

/** Runs a transfer: the new task through the Router, then its record here. */
export async function transfer(host: StoreHost, sid: string, accountSid: string, input: TransferInput, port: TaskPort, now: () => number) {
  const request = transferRequest(newOp(host, sid, now()), accountSid, input);
  if (!request.ok) return request;
  const workflow = await workflowOf(request.value, port);
  if (!workflow.ok) return workflow;
  const created = await port.createTask({ ...request.value, workflowSid: workflow.value });
  if (!created.ok) return created;
  host.transactionSync(() =>
    saveTask(
      host,
      { task_sid: created.value.taskSid, worker_sid: null, reservation_sid: null, transferred_from: input.workerSid, status: "pending" },
      now(),
    ),
  );
  return ok({ taskSid: created.value.taskSid });
}
