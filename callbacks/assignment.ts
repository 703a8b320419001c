/**
 * TaskRouter's assignment callback, both ways: the form parameters Switchboard POSTs to a workflow's
 * AssignmentCallbackUrl when a reservation is created, and the JSON instruction the app may answer
 * with (`{"instruction":"accept"}`, `{"instruction":"reject","activity_sid":"WA…"}`, or a voice
 * instruction). The answer is someone else's input, so it is validated here with the field named,
 * and only the fields Twilio defines for each instruction reach the Router DO.
 */
import { z } from "zod";
import type { TaskRecord, WorkerRecord } from "../contract/taskrouter";
import type { FormParams } from "./signature";

export interface AssignmentFacts {
  readonly task: TaskRecord;
  readonly worker: WorkerRecord;
  readonly workflowSid: string;
  readonly reservationSid: string;
  /** When the callback is sent (ms since epoch); becomes Timestamp in seconds. */
  readonly nowMs: number;
}

/**
 * Twilio's assignment callback parameters: AccountSid, WorkspaceSid, WorkflowSid, TaskQueueSid,
 * WorkerSid, WorkerAttributes, TaskSid, TaskAttributes, TaskAge, TaskPriority, ReservationSid and
 * Timestamp (epoch seconds). TaskQueueSid is left out for a task that is in no queue.
 *
 * @example
 * assignmentCallbackParams({ task, worker, workflowSid: "WW…", reservationSid: "WR…", nowMs: Date.now() });
 */
export function assignmentCallbackParams(facts: AssignmentFacts): Record<string, string> {
  const { task, worker } = facts;
  const params: Record<string, string> = {
    AccountSid: task.account_sid,
    WorkspaceSid: task.workspace_sid,
    WorkflowSid: facts.workflowSid,
    WorkerSid: worker.sid,
    WorkerAttributes: worker.attributes,
    TaskSid: task.sid,
    TaskAttributes: task.attributes,
    TaskAge: String(task.age),
    TaskPriority: String(task.priority),
    ReservationSid: facts.reservationSid,
    Timestamp: String(Math.floor(facts.nowMs / 1000)),
  } satisfies FormParams;
  if (task.task_queue_sid !== null) params.TaskQueueSid = task.task_queue_sid;
  return params;
}

const activitySid = z.string().regex(/^WA[0-9a-f]{32}$/, "must be an Activity SID (WA…)");
const url = z.url({ protocol: /^https?$/ });
/** Twilio's JSON answers carry booleans, but apps built on form-encoded habits send "true". */
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((text) => text === "true")]);

const instructionSchema = z.discriminatedUnion("instruction", [
  z.object({ instruction: z.literal("accept") }),
  z.object({ instruction: z.literal("reject"), activity_sid: activitySid.optional() }),
  z.object({
    instruction: z.literal("dequeue"),
    from: z.string().min(1),
    to: z.string().min(1).optional(),
    post_work_activity_sid: activitySid.optional(),
    record: z.string().optional(),
    timeout: z.number().int().positive().optional(),
    status_callback_url: url.optional(),
    status_callback_events: z.string().optional(),
  }),
  z.object({
    instruction: z.literal("call"),
    url,
    from: z.string().min(1),
    to: z.string().min(1).optional(),
    accept: flag.optional(),
    record: z.string().optional(),
    timeout: z.number().int().positive().optional(),
    status_callback_url: url.optional(),
  }),
  z.object({
    instruction: z.literal("redirect"),
    call_sid: z.string().min(1),
    url,
    accept: flag.optional(),
    post_work_activity_sid: activitySid.optional(),
  }),
]);

/** An instruction an assignment callback answered with, as the Router DO's `applyAssignmentInstruction` takes it. */
export type AssignmentInstruction = z.output<typeof instructionSchema>;

export type AssignmentAnswer =
  | { readonly kind: "none" }
  | { readonly kind: "instruction"; readonly instruction: AssignmentInstruction }
  | { readonly kind: "invalid"; readonly problem: string };

/**
 * What a 2xx answer to an assignment callback asks for. An empty body means the app will act later
 * (REST or SDK); anything else must be one of Twilio's JSON instructions.
 *
 * @example
 * parseAssignmentAnswer('{"instruction":"reject","activity_sid":"WA…"}'); // { kind: "instruction", instruction: { instruction: "reject", activity_sid: "WA…" } }
 * parseAssignmentAnswer(""); // { kind: "none" }
 */
export function parseAssignmentAnswer(body: string): AssignmentAnswer {
  if (body.trim() === "") return { kind: "none" };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: "invalid", problem: "the answer is not JSON" };
  }
  const parsed = instructionSchema.safeParse(json);
  if (parsed.success) return { kind: "instruction", instruction: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join(".") : "the answer";
  const problem =
    issue.code === "invalid_union" && issue.path[0] === "instruction"
      ? "instruction must be one of accept, reject, dequeue, call, redirect"
      : `${field}: ${issue.message}`;
  return { kind: "invalid", problem };
}
