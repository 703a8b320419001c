/**
 * Switchboard's own events of what a supervisor does in a live conversation — opens it to watch
 * (`supervisor.monitor`), whispers to the agent (`supervisor.whisper`), barges in and out
 * (`supervisor.barge.joined`, `supervisor.barge.left`) — recorded here so that they are in the
 * workspace's Events list beside the task's own (filter by EventType, TaskSid or WorkerSid), and reach
 * the workspace's event callback like any event. The ConversationDO hands each over from its outbox,
 * at least once; the event's SID is made from the action's key, so a second hand-over records nothing.
 */
import { invalid, ok, type ApiResult } from "../../common/rpc";
import type { SupervisorEventInput, SupervisorEventType } from "../../common/conversations";
import { getEvent } from "../store/event-store";
import { tasks } from "../store/task-store";
import { workers } from "../store/worker-store";
import { taskData, type EventDraft } from "./events";
import { movedAway } from "./moved-away";
import type { Op } from "./router-operation";

export const SUPERVISOR_EVENT_TYPES: readonly SupervisorEventType[] = [
  "supervisor.monitor",
  "supervisor.whisper",
  "supervisor.barge.joined",
  "supervisor.barge.left",
];

const VERBS: Record<SupervisorEventType, string> = {
  "supervisor.monitor": "is watching",
  "supervisor.whisper": "whispered to the agent of",
  "supervisor.barge.joined": "barged into",
  "supervisor.barge.left": "left",
};

/**
 * Records one supervisor action; answers its event's SID and whether it was recorded now (false: it
 * already was). A task handed over to another region answers `movedTo`, which the caller follows.
 * @example recordSupervisorEvent(op, { key, type: "supervisor.whisper", conversationSid: "CH…", taskSid: "WT…", … })
 */
export function recordSupervisorEvent(op: Op, input: SupervisorEventInput): ApiResult<{ eventSid: string; recorded: boolean }> {
  if (typeof input.key !== "string" || !/^[0-9a-f]{24}$/.test(input.key)) return invalid("Key", "must be 24 hex digits");
  if (!SUPERVISOR_EVENT_TYPES.includes(input.type)) return invalid("EventType", `must be one of ${SUPERVISOR_EVENT_TYPES.join(", ")}`);
  const task = input.taskSid === null ? undefined : tasks.get(op.host, input.taskSid);
  if (input.taskSid !== null && !task) {
    const moved = movedAway(op, "Task", input.taskSid);
    if (moved) return moved;
  }
  const sid = op.mintKeyed("EV", input.key);
  if (getEvent(op.host, sid)) return ok({ eventSid: sid, recorded: false });
  const agent = input.workerSid === null ? undefined : workers.get(op.host, input.workerSid);
  const who = input.supervisor.name ?? input.supervisor.workerSid ?? input.supervisor.userSid ?? "A supervisor";
  const draft: EventDraft = {
    type: input.type,
    at: input.at,
    resourceType: input.taskSid !== null ? "Task" : "Conversation",
    resourceSid: input.taskSid ?? input.conversationSid,
    resourceUrl: input.taskSid !== null ? `Tasks/${input.taskSid}` : "",
    description: `Supervisor ${who} ${VERBS[input.type]} conversation ${input.conversationSid}`,
    data: {
      ...(task ? taskData(op.view, task, input.at) : {}),
      conversation_sid: input.conversationSid,
      task_sid: input.taskSid,
      worker_sid: input.workerSid,
      ...(agent ? { worker_name: agent.friendly_name } : {}),
      supervisor_worker_sid: input.supervisor.workerSid,
      supervisor_user_sid: input.supervisor.userSid,
      supervisor_name: input.supervisor.name,
      ...(input.messageSid !== undefined ? { message_sid: input.messageSid } : {}),
      ...(input.participantSid !== undefined ? { participant_sid: input.participantSid } : {}),
    },
    subjects: {
      taskSid: input.taskSid,
      workerSid: input.workerSid,
      taskQueueSid: task?.queue_sid ?? null,
      workflowSid: task?.workflow_sid ?? null,
      taskChannelSid: task?.task_channel_sid ?? null,
    },
  };
  op.record(draft, sid);
  return ok({ eventSid: sid, recorded: true });
}
