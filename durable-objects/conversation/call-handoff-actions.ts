/**
 * A live call handed on, the I/O around lifecycle/call-transfers.ts (issue 15): a cold transfer, a
 * consult, a conference's third party — each checked, its task made through the Router, then committed
 * unless the call moved meanwhile (the task is then canceled) — and a consult's complete or cancel, one
 * transaction. What LiveKit must do (someone out of the room, the agents and the customer apart or
 * together, hold music) follows the commit as the call's media effects (conversation-shell.ts).
 */
import type { CallRecord } from "../../contract/calls";
import { fail, type ApiResult } from "../common/rpc";
import type { ConversationHost } from "./conversation-host";
import type { TaskPort } from "./lifecycle/tasks";
import type { HandoffTarget } from "./lifecycle/call-handoffs";
import { commitHandoff, finishConsult, planHandoff, type HandoffPurpose } from "./lifecycle/call-transfers";

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Hands the live call on: `transfer` (cold), `consult` (a warm transfer begins) or `conference`.
 * @example await handOffCall(host, tasks, "AC…", "consult", "WKann", { type: "queue", sid: "WQ…" })
 */
export async function handOffCall(
  host: ConversationHost,
  tasks: TaskPort,
  accountSid: string,
  purpose: HandoffPurpose,
  workerSid: string,
  target: HandoffTarget,
): Promise<ApiResult<{ call: CallRecord; taskSid: string }>> {
  const plan = host.mutate((op) => planHandoff(op, accountSid, purpose, workerSid, target)).result;
  if (!plan.ok) return plan;
  let created: ApiResult<{ taskSid: string }>;
  try {
    const workflowSid = plan.value.request.workflowSid ?? (await tasks.oldestWorkflow());
    created =
      workflowSid === null
        ? fail(400, 20001, "The call cannot be handed on: the workspace has no Workflow yet")
        : await tasks.createTask({ ...plan.value.request, workflowSid });
  } catch (error) {
    created = fail(503, 20503, `TaskRouter could not be reached: ${message(error)}`);
  }
  if (!created.ok) return created;
  const taskSid = created.value.taskSid;
  const committed = await host.apply((op) => commitHandoff(op, plan.value, purpose, workerSid, target, taskSid));
  if (!committed.ok) {
    // The call moved while the task was made (hung up, handed on from elsewhere): that task is not wanted.
    const canceled = await tasks.cancelTask(taskSid, "the call changed").catch((error: unknown) => fail(502, 20500, message(error)));
    if (!canceled.ok)
      console.warn(`ConversationDO ${host.sid}: task ${taskSid} is not wanted and could not be canceled: ${canceled.message}`);
    return committed;
  }
  return { ok: true, value: { call: committed.value, taskSid } };
}

/** A consult completed (the consulted agent has the call) or canceled (the customer is back with the first). */
export function endConsult(
  host: ConversationHost,
  accountSid: string,
  workerSid: string,
  how: "complete" | "cancel",
): Promise<ApiResult<CallRecord>> {
  return host.apply((op) => finishConsult(op, accountSid, workerSid, how));
}
