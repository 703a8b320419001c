/**
 * What an event callback carries: an {@link EventRecord} (as the Router and Workspace DOs record it and
 * the Events API returns it) turned into the form parameters Twilio POSTs to a workspace's
 * EventCallbackUrl, so an app written against TaskRouter reads Switchboard's callbacks unchanged.
 *
 * The common parameters come from the record itself; the rest come from `event_data`, whose keys are
 * the snake_case spelling of Twilio's parameter names (the spelling Twilio's own Events API uses).
 * Producers of events follow this table; a key that is not in it is kept in the Events API but not
 * sent in callbacks, so nothing internal leaks to a customer's endpoint by accident.
 *
 * | event_data key                         | parameter                      | value                                             | on                                  |
 * | -------------------------------------- | ------------------------------ | ------------------------------------------------- | ----------------------------------- |
 * | task_sid                               | TaskSid                        | WT…                                               | task.*, reservation.*, task-queue.entered/.timeout/.moved, workflow.entered/.target-matched/.timeout/.skipped |
 * | task_attributes                        | TaskAttributes                 | JSON string (an object is stringified)            | same                                |
 * | task_age                               | TaskAge                        | seconds since creation                            | same                                |
 * | task_priority                          | TaskPriority                   | integer                                           | same                                |
 * | task_assignment_status                 | TaskAssignmentStatus           | pending, reserved, assigned, wrapping, …          | same                                |
 * | task_canceled_reason                   | TaskCanceledReason             | text                                              | task.canceled                       |
 * | task_completed_reason                  | TaskCompletedReason            | text                                              | task.completed                      |
 * | task_date_created                      | TaskDateCreated                | epoch seconds                                     | task events                         |
 * | task_channel_sid                       | TaskChannelSid                 | TC…                                               | task events, worker channel events  |
 * | task_channel_unique_name               | TaskChannelUniqueName          | e.g. voice                                        | same                                |
 * | task_queue_sid                         | TaskQueueSid                   | WQ…                                               | task events once queued, task-queue.* |
 * | task_queue_name                        | TaskQueueName                  | friendly name                                     | same                                |
 * | task_queue_entered_date                | TaskQueueEnteredDate           | epoch seconds                                     | task events once queued             |
 * | task_queue_target_expression           | TaskQueueTargetExpression      | the queue's target_workers                        | task-queue.created/.deleted/.expression.updated |
 * | workflow_sid                           | WorkflowSid                    | WW…                                               | task events, workflow.*             |
 * | workflow_name                          | WorkflowName                   | friendly name                                     | same                                |
 * | workflow_filter_name                   | WorkflowFilterName             | the matched filter's filter_friendly_name         | workflow.target-matched             |
 * | worker_sid                             | WorkerSid                      | WK…                                               | worker.*, reservation.*             |
 * | worker_name                            | WorkerName                     | friendly name                                     | same                                |
 * | worker_attributes                      | WorkerAttributes               | JSON string (an object is stringified)            | same                                |
 * | worker_activity_sid                    | WorkerActivitySid              | WA… (the activity now)                            | same                                |
 * | worker_activity_name                   | WorkerActivityName             | friendly name                                     | same                                |
 * | worker_previous_activity_sid           | WorkerPreviousActivitySid      | WA…                                               | worker.activity.update              |
 * | worker_previous_activity_name          | WorkerPreviousActivityName     | friendly name                                     | worker.activity.update              |
 * | worker_time_in_previous_activity_ms    | WorkerTimeInPreviousActivityMs | milliseconds                                      | worker.activity.update              |
 * | worker_time_in_previous_activity       | WorkerTimeInPreviousActivity   | whole seconds; derived from the _ms key if absent | worker.activity.update              |
 * | worker_channel_available               | WorkerChannelAvailable         | boolean                                           | worker.capacity.update, worker.channel.availability.update |
 * | worker_channel_available_capacity      | WorkerChannelAvailableCapacity | available_capacity_percentage, 0–100              | same                                |
 * | worker_channel_previous_capacity       | WorkerChannelPreviousCapacity  | configured capacity before the change             | worker.capacity.update              |
 * | worker_channel_task_count              | WorkerChannelTaskCount         | assigned_tasks on the channel                     | same two                            |
 * | reservation_sid                        | ReservationSid                 | WR…                                               | reservation.*                       |
 * | activity_sid                           | ActivitySid                    | WA…                                               | activity.*                          |
 * | activity_name                          | ActivityName                   | friendly name                                     | activity.*                          |
 * | activity_available                     | ActivityAvailable              | boolean                                           | activity.*                          |
 * | task_channel_name                      | TaskChannelName                | friendly name                                     | task-channel.*                      |
 * | task_channel_optimized_routing         | TaskChannelOptimizedRouting    | boolean                                           | task-channel.*                      |
 * | conversation_sid                       | ConversationSid                | CH…                                               | conversation.survey (Switchboard's) |
 * | profile_sid                            | ProfileSid                     | PR…, the customer's profile                       | conversation.survey                 |
 * | survey_rating                          | SurveyRating                   | 1–5                                               | conversation.survey                 |
 * | survey_comment                         | SurveyComment                  | the customer's comment, card numbers masked       | conversation.survey                 |
 * | survey_via                             | SurveyVia                      | web (the widget) or message (a reply)             | conversation.survey                 |
 *
 * Values: strings as they are, finite numbers in decimal, booleans as `true`/`false`, objects and
 * arrays as JSON; null, undefined and non-finite numbers are left out.
 */
import type { EventRecord } from "../contract/taskrouter";
import type { FormParams } from "./signature";

/** The event_data keys sent in callbacks and the Twilio parameter each becomes (see the table above). */
export const EVENT_DATA_PARAMS: Readonly<Record<string, string>> = {
  // The task
  task_sid: "TaskSid",
  task_attributes: "TaskAttributes",
  task_age: "TaskAge",
  task_priority: "TaskPriority",
  task_assignment_status: "TaskAssignmentStatus",
  task_canceled_reason: "TaskCanceledReason",
  task_completed_reason: "TaskCompletedReason",
  task_date_created: "TaskDateCreated",
  task_channel_sid: "TaskChannelSid",
  task_channel_unique_name: "TaskChannelUniqueName",
  task_queue_sid: "TaskQueueSid",
  task_queue_name: "TaskQueueName",
  task_queue_entered_date: "TaskQueueEnteredDate",
  task_queue_target_expression: "TaskQueueTargetExpression",
  workflow_sid: "WorkflowSid",
  workflow_name: "WorkflowName",
  workflow_filter_name: "WorkflowFilterName",
  // The worker
  worker_sid: "WorkerSid",
  worker_name: "WorkerName",
  worker_attributes: "WorkerAttributes",
  worker_activity_sid: "WorkerActivitySid",
  worker_activity_name: "WorkerActivityName",
  worker_previous_activity_sid: "WorkerPreviousActivitySid",
  worker_previous_activity_name: "WorkerPreviousActivityName",
  worker_time_in_previous_activity: "WorkerTimeInPreviousActivity",
  worker_time_in_previous_activity_ms: "WorkerTimeInPreviousActivityMs",
  worker_channel_available: "WorkerChannelAvailable",
  worker_channel_available_capacity: "WorkerChannelAvailableCapacity",
  worker_channel_previous_capacity: "WorkerChannelPreviousCapacity",
  worker_channel_task_count: "WorkerChannelTaskCount",
  // The reservation
  reservation_sid: "ReservationSid",
  // Configuration events
  activity_sid: "ActivitySid",
  activity_name: "ActivityName",
  activity_available: "ActivityAvailable",
  task_channel_name: "TaskChannelName",
  task_channel_optimized_routing: "TaskChannelOptimizedRouting",
  // A conversation's satisfaction survey (Switchboard's conversation.survey; task_sid and worker_sid as above)
  conversation_sid: "ConversationSid",
  profile_sid: "ProfileSid",
  survey_rating: "SurveyRating",
  survey_comment: "SurveyComment",
  survey_via: "SurveyVia",
};

/**
 * The form parameters of the event callback for `event`: Twilio's common parameters (plus `Sid`, the
 * event's SID, and `TimestampMs`, which Twilio sends as well) and the event's data by the table above.
 * `workspaceName` comes from the Workspace DO, since the record carries only the SID.
 *
 * @example
 * eventCallbackParams(event, "Support"); // { Sid: "EV…", EventType: "task.created", …, TaskSid: "WT…", TaskAge: "0", … }
 */
export function eventCallbackParams(event: EventRecord, workspaceName: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.event_data)) {
    const name = EVENT_DATA_PARAMS[key];
    const text = formValue(value);
    if (name !== undefined && text !== undefined) params[name] = text;
  }
  const previousMs = event.event_data.worker_time_in_previous_activity_ms;
  if (params.WorkerTimeInPreviousActivity === undefined && typeof previousMs === "number" && Number.isFinite(previousMs)) {
    params.WorkerTimeInPreviousActivity = String(Math.trunc(previousMs / 1000));
  }
  // Set last so that event_data can never override what the record itself says.
  Object.assign(params, {
    Sid: event.sid,
    EventType: event.event_type,
    AccountSid: event.account_sid,
    WorkspaceSid: event.workspace_sid,
    WorkspaceName: workspaceName,
    EventDescription: event.description,
    ResourceType: event.resource_type,
    ResourceSid: event.resource_sid,
    Timestamp: String(Math.floor(event.event_date_ms / 1000)),
    TimestampMs: String(event.event_date_ms),
  } satisfies FormParams);
  return params;
}

/**
 * One value as a form parameter; undefined means "leave the parameter out".
 *
 * @example
 * formValue(true); // "true"
 * formValue({ type: "support" }); // '{"type":"support"}'
 */
export function formValue(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return Number.isFinite(value) ? String(value) : undefined;
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return value === null ? undefined : JSON.stringify(value);
    default:
      return undefined;
  }
}
