/**
 * Switchboard's own events of a live conversation, handed over by its ConversationDO and recorded here
 * so that they are in the workspace's Events list beside the task's own (filter by EventType, TaskSid or
 * WorkerSid), and reach the workspace's event callback like any event:
 * - what a supervisor does — opens it to watch (`supervisor.monitor`), whispers to the agent
 *   (`supervisor.whisper`), barges in and out (`supervisor.barge.joined`, `supervisor.barge.left`), and
 *   on its call listens unseen, whispers to the agent or barges in (`supervisor.call.monitor`,
 *   `supervisor.call.whisper`, `supervisor.call.barge`: recorded when the supervisor takes the token);
 * - the customer's answer to its satisfaction survey (`conversation.survey`).
 * The ConversationDO hands each over from its outbox, at least once; the event's SID is made from the
 * action's key, so a second hand-over records nothing.
 */
import { invalid, ok, type ApiResult } from "../../common/rpc";
import type { ConversationEventInput, SupervisorEventInput, SupervisorEventType, SurveyEventInput } from "../../common/conversations";
import { MAX_SURVEY_COMMENT } from "../../../contract/surveys";
import { getEvent } from "../store/event-store";
import { tasks, type TaskRow } from "../store/task-store";
import { workers } from "../store/worker-store";
import { taskData, type EventDraft } from "./events";
import { movedAway } from "./moved-away";
import type { Op } from "./router-operation";

export const SUPERVISOR_EVENT_TYPES: readonly SupervisorEventType[] = [
  "supervisor.monitor",
  "supervisor.whisper",
  "supervisor.barge.joined",
  "supervisor.barge.left",
  "supervisor.call.monitor",
  "supervisor.call.whisper",
  "supervisor.call.barge",
];

const VERBS: Record<SupervisorEventType, string> = {
  "supervisor.monitor": "is watching",
  "supervisor.whisper": "whispered to the agent of",
  "supervisor.barge.joined": "barged into",
  "supervisor.barge.left": "left",
  "supervisor.call.monitor": "is listening to the call of",
  "supervisor.call.whisper": "is whispering to the agent on the call of",
  "supervisor.call.barge": "barged into the call of",
};

/**
 * Records one handed-over event; answers its SID and whether it was recorded now (false: it already
 * was). A task handed over to another region answers `movedTo`, which the caller follows.
 * @example recordConversationEvent(op, { key, type: "supervisor.whisper", conversationSid: "CH…", taskSid: "WT…", … })
 */
export function recordConversationEvent(op: Op, input: ConversationEventInput): ApiResult<{ eventSid: string; recorded: boolean }> {
  if (typeof input.key !== "string" || !/^[0-9a-f]{24}$/.test(input.key)) return invalid("Key", "must be 24 hex digits");
  const checked = input.type === "conversation.survey" ? checkSurvey(input) : checkSupervisor(input);
  if (!checked.ok) return checked;
  const task = input.taskSid === null ? undefined : tasks.get(op.host, input.taskSid);
  if (input.taskSid !== null && !task) {
    const moved = movedAway(op, "Task", input.taskSid);
    if (moved) return moved;
  }
  const sid = op.mintKeyed("EV", input.key);
  if (getEvent(op.host, sid)) return ok({ eventSid: sid, recorded: false });
  const agent = input.workerSid === null ? undefined : workers.get(op.host, input.workerSid);
  const about =
    input.type === "conversation.survey"
      ? {
          description: `The customer rated conversation ${input.conversationSid} ${input.rating} of 5`,
          resource: "conversation" as const,
          data: {
            profile_sid: input.profileSid,
            survey_rating: input.rating,
            survey_comment: input.comment,
            survey_via: input.via,
          },
        }
      : supervisorAbout(input);
  // A supervisor acts on the agent's task; a survey rates the conversation (its task is in the data).
  const onTask = about.resource === "task" && input.taskSid !== null;
  const draft: EventDraft = {
    type: input.type,
    at: input.at,
    resourceType: onTask ? "Task" : "Conversation",
    resourceSid: onTask ? input.taskSid! : input.conversationSid,
    resourceUrl: onTask ? `Tasks/${input.taskSid}` : "",
    description: about.description,
    data: {
      ...(task ? taskData(op.view, task, input.at) : {}),
      conversation_sid: input.conversationSid,
      task_sid: input.taskSid,
      worker_sid: input.workerSid,
      ...(agent ? { worker_name: agent.friendly_name } : {}),
      ...about.data,
    },
    subjects: subjectsOf(input, task),
  };
  op.record(draft, sid);
  return ok({ eventSid: sid, recorded: true });
}

function checkSupervisor(input: SupervisorEventInput): ApiResult<null> {
  return SUPERVISOR_EVENT_TYPES.includes(input.type)
    ? ok(null)
    : invalid("EventType", `must be one of ${[...SUPERVISOR_EVENT_TYPES, "conversation.survey"].join(", ")}`);
}

function checkSurvey(input: SurveyEventInput): ApiResult<null> {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) return invalid("SurveyRating", "must be 1 to 5");
  if (input.comment !== null && (typeof input.comment !== "string" || input.comment.length > MAX_SURVEY_COMMENT))
    return invalid("SurveyComment", `must be text of at most ${MAX_SURVEY_COMMENT} characters`);
  if (input.via !== "web" && input.via !== "message") return invalid("SurveyVia", "must be web or message");
  return ok(null);
}

function supervisorAbout(input: SupervisorEventInput) {
  const who = input.supervisor.name ?? input.supervisor.workerSid ?? input.supervisor.userSid ?? "A supervisor";
  return {
    description: `Supervisor ${who} ${VERBS[input.type]} conversation ${input.conversationSid}`,
    resource: "task" as const,
    data: {
      supervisor_worker_sid: input.supervisor.workerSid,
      supervisor_user_sid: input.supervisor.userSid,
      supervisor_name: input.supervisor.name,
      ...(input.messageSid !== undefined ? { message_sid: input.messageSid } : {}),
      ...(input.participantSid !== undefined ? { participant_sid: input.participantSid } : {}),
      ...(input.callSid !== undefined ? { call_sid: input.callSid } : {}),
      ...(input.mediaIdentity !== undefined ? { media_identity: input.mediaIdentity } : {}),
    },
  };
}

const subjectsOf = (input: ConversationEventInput, task: TaskRow | undefined): EventDraft["subjects"] => ({
  taskSid: input.taskSid,
  workerSid: input.workerSid,
  taskQueueSid: task?.queue_sid ?? null,
  workflowSid: task?.workflow_sid ?? null,
  taskChannelSid: task?.task_channel_sid ?? null,
});
