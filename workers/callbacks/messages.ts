/**
 * The contract of the callbacks queue: what producers (the Router DO after each state change, the
 * Workspace DO after configuration changes, the ConversationDO's post-event webhooks) put on the
 * `EVENTS` queue, and the Durable Object RPCs the consumer calls to deliver it. Producers import these types and check each send with
 * `satisfies CallbackMessage`; the consumer validates every body again, since a queue may also carry
 * messages from an older or newer release.
 */
import { z } from "zod";
import type { ApiResult } from "../../durable-objects/common/rpc";
import type { EventRecord, TaskRecord, WorkerRecord } from "../../contract/taskrouter";
import type { AssignmentInstruction } from "./assignment";

/** An event to POST to the workspace's EventCallbackUrl (if it has one and its EventsFilter lets it through). */
export interface EventMessage {
  readonly kind: "event";
  readonly workspaceSid: string;
  readonly event: EventRecord;
}

/** A reservation was created: POST its assignment callback to the workflow's AssignmentCallbackUrl. */
export interface AssignmentMessage {
  readonly kind: "assignment";
  readonly workspaceSid: string;
  /** The region of the Router DO that holds the reservation (`routerName(workspaceSid, regionId)`). */
  readonly regionId: string;
  /** The account, for the consumer's RPCs back to that Router (they are scoped by account). */
  readonly accountSid: string;
  readonly workflowSid: string;
  readonly reservationSid: string;
  readonly taskSid: string;
  readonly workerSid: string;
  /**
   * When the reservation times out (ms since epoch), if it does: past it, a callback is pointless, so
   * the consumer neither sends nor retries it.
   */
  readonly reservationExpiresAtMs?: number;
}

/**
 * A Conversations post-event webhook (the ConversationDO's outbox): its form parameters, already built,
 * for one URL — the chat service's or account's PostWebhookUrl, or a conversation-scoped webhook's.
 */
export interface ConversationWebhookMessage {
  readonly kind: "conversation-webhook";
  readonly accountSid: string;
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly params: Readonly<Record<string, string>>;
  /** The same for every request of one event, sent as I-Twilio-Idempotency-Token. */
  readonly idempotencyToken: string;
}

export type CallbackMessage = EventMessage | AssignmentMessage | ConversationWebhookMessage;

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-f]{32}$`));

const eventRecordSchema = z.looseObject({
  account_sid: z.string(),
  workspace_sid: z.string(),
  sid: z.string(),
  event_type: z.string().min(1),
  event_date_ms: z.number(),
  description: z.string(),
  resource_type: z.string(),
  resource_sid: z.string(),
  event_data: z.record(z.string(), z.unknown()),
});

const messageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("event"), workspaceSid: sid("WS"), event: eventRecordSchema }),
  z.object({
    kind: z.literal("assignment"),
    workspaceSid: sid("WS"),
    regionId: z.string().min(1),
    accountSid: sid("AC"),
    workflowSid: sid("WW"),
    reservationSid: sid("WR"),
    taskSid: sid("WT"),
    workerSid: sid("WK"),
    reservationExpiresAtMs: z.number().optional(),
  }),
  z.object({
    kind: z.literal("conversation-webhook"),
    accountSid: sid("AC"),
    url: z.string().min(1),
    method: z.enum(["GET", "POST"]),
    params: z.record(z.string(), z.string()),
    idempotencyToken: z.string().min(1),
  }),
]);

/**
 * The body of a queue message as a {@link CallbackMessage}, or null when it is not one (the
 * consumer acknowledges those with a warning rather than retrying them forever).
 *
 * @example
 * const message = parseCallbackMessage(queued.body);
 * if (message?.kind === "event") …
 */
export function parseCallbackMessage(body: unknown): CallbackMessage | null {
  const parsed = messageSchema.safeParse(body);
  return parsed.success ? (parsed.data as CallbackMessage) : null;
}

/** Where a workspace's callbacks go, as the Workspace DO's `callbackSettings` answers. */
export interface CallbackSettings {
  /** The workspace's friendly name, sent as WorkspaceName. */
  readonly workspaceName: string;
  readonly eventCallbackUrl: string | null;
  /** Comma-separated event types; null or empty means every event. */
  readonly eventsFilter: string | null;
  /** Present when a workflowSid was asked for and the workflow exists. */
  readonly workflow: {
    readonly assignmentCallbackUrl: string | null;
    readonly fallbackAssignmentCallbackUrl: string | null;
  } | null;
}

/**
 * The one RPC the consumer needs from the WorkspaceDO (`workspaceFor(env, workspaceSid)`):
 * the callback URLs and filter of the workspace and, when asked, of one workflow. A deleted or
 * unknown workspace answers `notFound`; an unknown workflow answers `workflow: null`.
 */
export interface WorkspaceCallbackRpc {
  callbackSettings(workspaceSid: string, workflowSid?: string): Promise<ApiResult<CallbackSettings>>;
}

/**
 * The RPCs the consumer needs from the RouterDO of the reservation's region
 * (`routerFor(env, workspaceSid, regionId)`).
 */
export interface RouterCallbackRpc {
  getTask(accountSid: string, taskSid: string): Promise<ApiResult<{ readonly task: TaskRecord }>>;
  getWorker(accountSid: string, workerSid: string): Promise<ApiResult<{ readonly worker: WorkerRecord }>>;
  /** Applies what an assignment callback answered; a reservation no longer pending answers a failure. */
  applyAssignmentInstruction(accountSid: string, reservationSid: string, instruction: AssignmentInstruction): Promise<ApiResult<unknown>>;
}
