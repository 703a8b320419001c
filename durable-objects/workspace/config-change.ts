/**
 * What one configuration change produces, and the events it is announced with.
 *
 * Every mutation in this folder runs inside one synchronous transaction (see workspace-do.ts) against
 * a `Scope` — the storage, the live workspace row and the time — and returns a `Change`: the record
 * to answer with and the events to push to the Router with the new snapshot (Twilio's
 * `activity.created`, `task-queue.expression.updated`, …, with `actor_type` "account"). Events get
 * their SIDs and dates here, when the change commits, so a retried push delivers the same events.
 */
import type { SqlExec } from "../kit/sql-host";
import { iso, type EventRecord } from "../../contract/taskrouter";
import { newSid } from "../../contract/ids";
import type { WorkspaceRow } from "./workspace-rows";

export interface Scope {
  readonly sql: SqlExec;
  /** The live (not deleted) workspace, as it was when the change began. */
  readonly ws: WorkspaceRow;
  readonly now: number;
  readonly accountSid: string;
}

export type ConfigEventType =
  | "workspace.created"
  | "workspace.updated"
  | "workspace.deleted"
  | "activity.created"
  | "activity.updated"
  | "activity.deleted"
  | "task-channel.created"
  | "task-channel.updated"
  | "task-channel.deleted"
  | "task-queue.created"
  | "task-queue.updated"
  | "task-queue.deleted"
  | "task-queue.expression.updated"
  | "workflow.created"
  | "workflow.updated"
  | "workflow.deleted";

export interface Change<T> {
  readonly value: T;
  readonly events: readonly EventRecord[];
  /** A workflow whose waiting tasks the Router should re-run against its new configuration. */
  readonly reEvaluateTasksOf?: string;
}

/** The resource an event is about: its type as events name it (like the Router's), SID, path below the workspace. */
export interface EventSubject {
  readonly type: "Workspace" | "Activity" | "TaskChannel" | "TaskQueue" | "Workflow";
  readonly sid: string;
  /** Below the workspace: "Activities/WA…"; "" for the workspace itself. */
  readonly path: string;
  readonly name: string;
  /** Extra `event_data` fields, keyed as callbacks/event-params.ts documents them. */
  readonly data?: Readonly<Record<string, string | boolean>>;
}

/** The `event_data` key prefix of each resource (`task_queue_sid`, `task_queue_name`, …). */
const DATA_PREFIX: Record<EventSubject["type"], string> = {
  Workspace: "workspace",
  Activity: "activity",
  TaskChannel: "task_channel",
  TaskQueue: "task_queue",
  Workflow: "workflow",
};

function describe(type: ConfigEventType, subject: EventSubject): string {
  const verb = type.endsWith(".expression.updated") ? "target workers expression updated" : type.slice(type.lastIndexOf(".") + 1);
  return `${subject.type} '${subject.name}' ${verb}`;
}

/**
 * An event announcing a configuration change, as the Router stores and the Events API lists it.
 *
 * @example
 * configEvent(scope, "activity.created", { type: "Activity", sid: "WA…", path: "Activities/WA…", name: "Break" })
 * // { event_type: "activity.created", description: "Activity 'Break' created", actor_type: "account", … }
 */
export function configEvent(scope: Scope, type: ConfigEventType, subject: EventSubject): EventRecord {
  return {
    account_sid: scope.accountSid,
    workspace_sid: scope.ws.sid,
    sid: newSid("EV"),
    event_type: type,
    event_date: iso(scope.now),
    event_date_ms: scope.now,
    description: describe(type, subject),
    resource_type: subject.type,
    resource_sid: subject.sid,
    resource_url: subject.path,
    actor_type: "account",
    actor_sid: scope.accountSid,
    actor_url: `Accounts/${scope.accountSid}`,
    event_data: {
      workspace_sid: scope.ws.sid,
      workspace_name: scope.ws.friendly_name,
      [`${DATA_PREFIX[subject.type]}_sid`]: subject.sid,
      [`${DATA_PREFIX[subject.type]}_name`]: subject.name,
      ...subject.data,
    },
    source: "switchboard",
    source_ip_address: "",
  };
}
