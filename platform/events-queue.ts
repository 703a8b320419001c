/**
 * The `EVENTS` queue's messages, described once: what the producers put on it (the Router DO after each
 * state change, the WorkspaceDO after configuration changes, the ConversationDO's post-event webhooks),
 * as one zod schema and the types inferred from it. Producers check each send with
 * `satisfies CallbackMessage`; the consumer (workers/queue/) validates every body with the same schema,
 * since a queue may also carry messages from an older or newer release.
 */
import { z } from "zod";
import type { EventRecord } from "../contract/taskrouter";

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-f]{32}$`));

/** What the consumer reads of an event; the rest of the record travels as it is. */
const eventRecord = z.looseObject({
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

/** An event to POST to the workspace's EventCallbackUrl (if it has one and its EventsFilter lets it through). */
const eventMessage = z.object({
  kind: z.literal("event"),
  workspaceSid: sid("WS"),
  event: z.custom<EventRecord>((value) => eventRecord.safeParse(value).success),
});

/** A reservation was created: POST its assignment callback to the workflow's AssignmentCallbackUrl. */
const assignmentMessage = z.object({
  kind: z.literal("assignment"),
  workspaceSid: sid("WS"),
  /** The region of the Router DO that holds the reservation: the consumer reaches that Router again through it. */
  regionId: z.string().min(1),
  /** The account, for the consumer's RPCs back to that Router (they are scoped by account). */
  accountSid: sid("AC"),
  workflowSid: sid("WW"),
  reservationSid: sid("WR"),
  taskSid: sid("WT"),
  workerSid: sid("WK"),
  /** When the reservation times out (ms since epoch): past it, a callback is pointless, so it is neither sent nor retried. */
  reservationExpiresAtMs: z.number().optional(),
});

/**
 * A Conversations post-event webhook (the ConversationDO's outbox): its form parameters, already built,
 * for one URL — the chat service's or account's PostWebhookUrl, or a conversation-scoped webhook's.
 */
const conversationWebhookMessage = z.object({
  kind: z.literal("conversation-webhook"),
  accountSid: sid("AC"),
  url: z.string().min(1),
  method: z.enum(["GET", "POST"]),
  params: z.record(z.string(), z.string()),
  /** The same for every request of one event, sent as I-Twilio-Idempotency-Token. */
  idempotencyToken: z.string().min(1),
});

export const callbackMessage = z.discriminatedUnion("kind", [eventMessage, assignmentMessage, conversationWebhookMessage]);

export type CallbackMessage = z.infer<typeof callbackMessage>;
export type EventMessage = z.infer<typeof eventMessage>;
export type AssignmentMessage = z.infer<typeof assignmentMessage>;
export type ConversationWebhookMessage = z.infer<typeof conversationWebhookMessage>;

/**
 * The body of a queue message as a {@link CallbackMessage}, or null when it is not one (the
 * consumer acknowledges those with a warning rather than retrying them forever).
 *
 * @example
 * const message = parseCallbackMessage(queued.body);
 * if (message?.kind === "event") …
 */
export function parseCallbackMessage(body: unknown): CallbackMessage | null {
  const parsed = callbackMessage.safeParse(body);
  return parsed.success ? parsed.data : null;
}
