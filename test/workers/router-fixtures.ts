/**
 * A small workspace configuration for Router tests, as the Workspace DO would push it: two activities
 * (Available, Offline) plus a "Break" timeout activity, three task channels, a Support queue (skills
 * HAS 'support') and an Everyone queue, and one workflow: support tasks to Support, anything else to
 * Everyone. Pure data, shared by the unit tests (node:sqlite) and the workerd tests.
 */
import type { WorkflowRecord } from "../../contract/taskrouter";
import type { WorkspaceConfigSnapshot } from "../../durable-objects/common/rpc";
import { NO_DESK } from "../../durable-objects/workspace/task-queue-desk";

export const ACCOUNT = "AC" + "5".repeat(32);
export const OTHER_ACCOUNT = "AC" + "6".repeat(32);
export const WORKSPACE = "WS" + "1".repeat(32);
export const AVAILABLE = "WA" + "a".repeat(32);
export const OFFLINE = "WA" + "b".repeat(32);
export const BREAK = "WA" + "c".repeat(32);
export const DEFAULT_CHANNEL = "TC" + "0".repeat(32);
export const VOICE = "TC" + "1".repeat(32);
export const CHAT = "TC" + "2".repeat(32);
export const SUPPORT = "WQ" + "1".repeat(32);
export const EVERYONE = "WQ" + "2".repeat(32);
export const WORKFLOW = "WW" + "1".repeat(32);

const T = "2026-11-25T12:00:00Z";
const common = { account_sid: ACCOUNT, workspace_sid: WORKSPACE, date_created: T, date_updated: T };

export const SUPPORT_CONFIGURATION = {
  task_routing: {
    filters: [{ filter_friendly_name: "Support", expression: "type == 'support'", targets: [{ queue: SUPPORT }] }],
    default_filter: { queue: EVERYONE },
  },
};

export function workflow(overrides: Partial<WorkflowRecord> = {}): WorkflowRecord {
  return {
    ...common,
    sid: WORKFLOW,
    friendly_name: "Main",
    configuration: JSON.stringify(SUPPORT_CONFIGURATION),
    assignment_callback_url: null,
    fallback_assignment_callback_url: null,
    task_reservation_timeout: 120,
    document_content_type: "application/json",
    ...overrides,
  };
}

/** The snapshot at `version`, with the given workflows (default: the one above). */
export function snapshot(version = 1, workflows: WorkflowRecord[] = [workflow()]): WorkspaceConfigSnapshot {
  return {
    version,
    workspace: {
      account_sid: ACCOUNT,
      sid: WORKSPACE,
      friendly_name: "Test",
      event_callback_url: null,
      events_filter: null,
      default_activity_sid: OFFLINE,
      default_activity_name: "Offline",
      timeout_activity_sid: BREAK,
      timeout_activity_name: "Break",
      multi_task_enabled: true,
      card_masking_enabled: true,
      jurisdiction: null,
      prioritize_queue_order: "FIFO",
      date_created: T,
      date_updated: T,
    },
    activities: [
      { ...common, sid: AVAILABLE, friendly_name: "Available", available: true },
      { ...common, sid: OFFLINE, friendly_name: "Offline", available: false },
      { ...common, sid: BREAK, friendly_name: "Break", available: false },
    ],
    taskChannels: [
      { ...common, sid: DEFAULT_CHANNEL, friendly_name: "Default", unique_name: "default", channel_optimized_routing: false },
      { ...common, sid: VOICE, friendly_name: "Voice", unique_name: "voice", channel_optimized_routing: false },
      { ...common, sid: CHAT, friendly_name: "Chat", unique_name: "chat", channel_optimized_routing: false },
    ],
    taskQueues: [
      {
        ...common,
        sid: SUPPORT,
        friendly_name: "Support",
        target_workers: "skills HAS 'support'",
        max_reserved_workers: 1,
        task_order: "FIFO",
        reservation_activity_sid: null,
        reservation_activity_name: null,
        assignment_activity_sid: null,
        assignment_activity_name: null,
        ...NO_DESK,
      },
      {
        ...common,
        sid: EVERYONE,
        friendly_name: "Everyone",
        target_workers: "1==1",
        max_reserved_workers: 1,
        task_order: "FIFO",
        reservation_activity_sid: null,
        reservation_activity_name: null,
        assignment_activity_sid: null,
        assignment_activity_name: null,
        ...NO_DESK,
      },
    ],
    workflows,
  };
}

/** Unwraps an ApiResult in a test, failing with its message when it is an error. */
export function value<T>(result: { ok: true; value: T } | { ok: false; status: number; message: string }): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.status}: ${result.message}`);
  return result.value;
}
