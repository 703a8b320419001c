/**
 * What the Worker passes to the WorkspaceDO for each configuration change: camelCase objects whose
 * fields the Worker has already type-checked (strings are strings, booleans are booleans), named after
 * Twilio's PascalCase parameters (`friendlyName` ← `FriendlyName`). The Durable Object checks what only
 * it can know — uniqueness, references to other resources, expression syntax, the workflow document —
 * and answers `invalid("<PascalCase parameter>", …)` without changing anything when a check fails.
 *
 * An omitted field keeps its current value on update (or Twilio's default on create).
 */

export type QueueOrder = "FIFO" | "LIFO";

export interface CreateWorkspaceInput {
  readonly friendlyName: string;
  readonly eventCallbackUrl?: string;
  readonly eventsFilter?: string;
  /** Default true. */
  readonly multiTaskEnabled?: boolean;
  /** "FIFO" also creates a "Sample Queue" and a "Default Fifo Workflow" sending every task to it. */
  readonly template?: "NONE" | "FIFO";
  /** Default "FIFO". */
  readonly prioritizeQueueOrder?: QueueOrder;
  /** Default true: card numbers in task and worker attributes are masked before they are stored. */
  readonly cardMaskingEnabled?: boolean;
  /** The team's hold music (a WAV's http(s) URL); none: the built-in loop. */
  readonly holdMusicUrl?: string;
}

export interface UpdateWorkspaceInput {
  readonly friendlyName?: string;
  /** An empty string clears it. */
  readonly eventCallbackUrl?: string;
  /** An empty string clears it. */
  readonly eventsFilter?: string;
  readonly multiTaskEnabled?: boolean;
  readonly prioritizeQueueOrder?: QueueOrder;
  readonly defaultActivitySid?: string;
  readonly timeoutActivitySid?: string;
  readonly cardMaskingEnabled?: boolean;
  /** The team's hold music (a WAV's http(s) URL); an empty string clears it (the built-in loop). */
  readonly holdMusicUrl?: string;
  /**
   * The jurisdiction the caller believes the workspace is in ("" for none): the one it is in changes
   * nothing; any other is refused, since a workspace never moves (its SID names where it lives).
   */
  readonly jurisdiction?: string;
}

export interface CreateActivityInput {
  readonly friendlyName: string;
  /** Default true; fixed after create. */
  readonly available?: boolean;
}

export interface UpdateActivityInput {
  readonly friendlyName?: string;
}

export interface ActivityFilters {
  readonly friendlyName?: string;
  readonly available?: boolean;
}

export interface CreateTaskChannelInput {
  readonly friendlyName: string;
  readonly uniqueName: string;
  /** Default false. */
  readonly channelOptimizedRouting?: boolean;
}

export interface UpdateTaskChannelInput {
  readonly friendlyName?: string;
  readonly channelOptimizedRouting?: boolean;
}

export interface CreateTaskQueueInput {
  readonly friendlyName: string;
  /** Default `1==1`; an empty string means no worker ever matches (Twilio's rule). */
  readonly targetWorkers?: string;
  /** 1..50, default 1. */
  readonly maxReservedWorkers?: number;
  /** Default "FIFO". */
  readonly taskOrder?: QueueOrder;
  readonly reservationActivitySid?: string;
  readonly assignmentActivitySid?: string;
  /** Switchboard's desk settings, whole numbers; 0 clears one (see TaskQueueRecord). */
  readonly desk?: Partial<TaskQueueDesk>;
}

/** A queue's desk settings as the API names them; each is stored as given, or null for 0. */
export interface TaskQueueDesk {
  readonly slaThresholdSeconds: number;
  readonly waitingThreshold: number;
  readonly longestWaitThresholdSeconds: number;
  readonly serviceLevelTarget: number;
  readonly wrapUpTimeoutSeconds: number;
}

export type UpdateTaskQueueInput = Partial<CreateTaskQueueInput>;

export interface TaskQueueFilters {
  readonly friendlyName?: string;
  /** A worker's attributes as JSON text: only the queues whose `target_workers` they satisfy. */
  readonly evaluateWorkerAttributes?: string;
  /** Only these queues (the Worker's `WorkerSid` filter, after asking the Router which queues a worker is in). */
  readonly sids?: readonly string[];
  /** Twilio's `Ordering`; default "DateCreated:asc". */
  readonly ordering?: "DateCreated:asc" | "DateCreated:desc";
}

export interface CreateWorkflowInput {
  readonly friendlyName: string;
  /** The workflow document as JSON text. */
  readonly configuration: string;
  /** An absolute http(s) URL. */
  readonly assignmentCallbackUrl?: string;
  /** An absolute http(s) URL. */
  readonly fallbackAssignmentCallbackUrl?: string;
  /** Seconds, 1..86 400, default 120. */
  readonly taskReservationTimeout?: number;
}

export interface UpdateWorkflowInput extends Partial<CreateWorkflowInput> {
  /** Re-run the workflow's waiting tasks against the new configuration. */
  readonly reEvaluateTasks?: boolean;
}

export interface WorkflowFilters {
  readonly friendlyName?: string;
}
