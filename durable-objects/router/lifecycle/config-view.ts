/**
 * The workspace configuration as the Router reads it: the latest snapshot from the Workspace DO, with
 * lookups by SID and by name, and the parsed forms routing needs (TaskQueue settings, compiled workflow
 * configurations). Parsing cannot fail for a snapshot the Workspace DO accepted; if it does anyway, the
 * queue or workflow is left out of routing (and reported once on the console) rather than crashing.
 */
import { eventsFilterAllows } from "../../../callbacks/policy";
import type { MatcherOptions } from "../matcher/types";
import { parseTaskQueueConfig, type TaskQueueConfig } from "../queues/task-queue";
import { formatProblems, parseWorkflowConfiguration, type WorkflowConfiguration } from "../workflow";
import type { ActivityRecord, TaskChannelRecord, TaskQueueRecord, WorkflowRecord, WorkspaceRecord } from "../../../contract/taskrouter";
import type { WorkspaceConfigSnapshot } from "../../common/rpc";

const bySid = <T extends { sid: string }>(items: readonly T[]) => new Map(items.map((item) => [item.sid, item]));

export class ConfigView {
  readonly workspace: WorkspaceRecord;
  private readonly activities: Map<string, ActivityRecord>;
  private readonly channels: Map<string, TaskChannelRecord>;
  private readonly channelsByName: Map<string, TaskChannelRecord>;
  private readonly queues: Map<string, TaskQueueRecord>;
  private readonly workflows: Map<string, WorkflowRecord>;
  private readonly parsedWorkflows = new Map<string, WorkflowConfiguration | null>();

  constructor(readonly snapshot: WorkspaceConfigSnapshot) {
    this.workspace = snapshot.workspace;
    this.activities = bySid(snapshot.activities);
    this.channels = bySid(snapshot.taskChannels);
    this.channelsByName = new Map(snapshot.taskChannels.map((channel) => [channel.unique_name, channel]));
    this.queues = bySid(snapshot.taskQueues);
    this.workflows = bySid(snapshot.workflows);
  }

  get accountSid(): string {
    return this.workspace.account_sid;
  }

  get workspaceSid(): string {
    return this.workspace.sid;
  }

  /** Whether card numbers in task and worker attributes are masked (on unless turned off; see card-masking.ts). */
  get masksCardNumbers(): boolean {
    return this.workspace.card_masking_enabled !== false;
  }

  /** Whether an event of this type goes to the workspace's EventCallbackUrl (set, and allowed by EventsFilter). */
  wantsEventCallback(eventType: string): boolean {
    return Boolean(this.workspace.event_callback_url) && eventsFilterAllows(this.workspace.events_filter, eventType);
  }

  activity(sid: string): ActivityRecord | undefined {
    return this.activities.get(sid);
  }

  activitiesNamed(name: string): ActivityRecord[] {
    return this.snapshot.activities.filter((activity) => activity.friendly_name === name);
  }

  taskChannel(sid: string): TaskChannelRecord | undefined {
    return this.channels.get(sid);
  }

  /** A task channel by SID or unique name, as `TaskChannel` parameters and WorkerChannel paths accept. */
  taskChannelRef(ref: string): TaskChannelRecord | undefined {
    return this.channels.get(ref) ?? this.channelsByName.get(ref);
  }

  get taskChannels(): readonly TaskChannelRecord[] {
    return this.snapshot.taskChannels;
  }

  queue(sid: string): TaskQueueRecord | undefined {
    return this.queues.get(sid);
  }

  queuesNamed(name: string): TaskQueueRecord[] {
    return this.snapshot.taskQueues.filter((queue) => queue.friendly_name === name);
  }

  workflow(sid: string): WorkflowRecord | undefined {
    return this.workflows.get(sid);
  }

  workflowsNamed(name: string): WorkflowRecord[] {
    return this.snapshot.workflows.filter((workflow) => workflow.friendly_name === name);
  }

  get workflowList(): readonly WorkflowRecord[] {
    return this.snapshot.workflows;
  }

  /** The TaskQueue's routing settings, or undefined when the record does not parse. */
  queueConfig(record: TaskQueueRecord): TaskQueueConfig | undefined {
    const parsed = parseTaskQueueConfig({
      sid: record.sid,
      friendlyName: record.friendly_name,
      targetWorkers: record.target_workers,
      maxReservedWorkers: record.max_reserved_workers,
      taskOrder: record.task_order,
    });
    if (parsed.ok) return parsed.queue;
    console.error(`TaskQueue ${record.sid} is left out of routing: ${formatProblems(parsed.problems)}`);
    return undefined;
  }

  /** The compiled configuration of a workflow, or undefined when it is unknown or does not parse. */
  workflowConfig(sid: string): WorkflowConfiguration | undefined {
    if (!this.parsedWorkflows.has(sid)) {
      const record = this.workflows.get(sid);
      let parsed: WorkflowConfiguration | null = null;
      if (record) {
        const result = parseWorkflowConfiguration(record.configuration, { queueExists: (queue) => this.queues.has(queue) });
        if (result.ok) parsed = result.configuration;
        else console.error(`Workflow ${sid} is left out of routing: ${formatProblems(result.problems)}`);
      }
      this.parsedWorkflows.set(sid, parsed);
    }
    return this.parsedWorkflows.get(sid) ?? undefined;
  }

  /** The matcher's workspace-wide settings; a change to any of them rebuilds the engine. */
  engineOptions(): MatcherOptions {
    const optimized = new Set(this.snapshot.taskChannels.filter((c) => c.channel_optimized_routing).map((c) => c.unique_name));
    return {
      multitasking: this.workspace.multi_task_enabled,
      prioritizeQueueOrder: this.workspace.prioritize_queue_order,
      channelOptimized: (channel) => optimized.has(channel),
      calendars: new Map((this.snapshot.calendars ?? []).map(({ unique_name, calendar }) => [unique_name, calendar])),
    };
  }

  /** A key that changes exactly when `engineOptions()` would. */
  engineOptionsKey(): string {
    const optimized = this.snapshot.taskChannels
      .filter((c) => c.channel_optimized_routing)
      .map((c) => c.unique_name)
      .sort();
    // Calendars too: a changed calendar rebuilds the engine, so routing reads the new hours.
    return JSON.stringify([
      this.workspace.multi_task_enabled,
      this.workspace.prioritize_queue_order,
      optimized,
      this.snapshot.calendars ?? [],
    ]);
  }
}
