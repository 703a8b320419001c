/**
 * What the FlowDO and the ConversationDO say to each other (issue 16), so neither imports the other's
 * folder: a flow's message into its conversation and a flow's hand-off to TaskRouter
 * (send-to-flex). Types only, and the author's name.
 */

/** A `send-message` effect, as the conversation adds it (author "system", as Twilio shows Studio's messages). */
export interface FlowMessageInput {
  readonly body: string;
  readonly mediaUrl?: string | null;
  /** JSON text of the message's attributes (the widget's), if any. */
  readonly attributes?: string | null;
  readonly executionSid: string;
}

/** A `send-to-flex` effect: the conversation becomes a task through `workflowSid` (its channel's when null). */
export interface FlowTaskInput {
  readonly executionSid: string;
  readonly workflowSid: string | null;
  /** The TaskChannel's unique name or SID (empty: the conversation's usual one). */
  readonly channel: string;
  /** JSON text of the attributes, merged over the conversation's usual Flex attributes. */
  readonly attributes: string;
  /** The task's Priority (TaskRouter: 0..2^31-1, higher first); absent: the Router's default (0). */
  readonly priority?: number;
  /** The task's Timeout in seconds (TaskRouter: its TTL until assigned); absent: the Router's default. */
  readonly timeout?: number;
}

/** The author Studio's messages carry in Twilio Conversations. */
export const FLOW_AUTHOR = "system";
