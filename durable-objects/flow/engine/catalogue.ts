/**
 * Which Studio widget types Switchboard runs, which it refuses and why, and the transition events each
 * runs: the one list the validator and the README agree on. Messaging widgets run; voice widgets wait for
 * calls in flows (they need a phone call's media, a later wave); TwiML and payments have reasons of their own.
 */

/** The widget types the engine runs. */
export type RunnableType =
  | "trigger"
  | "send-message"
  | "send-and-wait-for-reply"
  | "split-based-on"
  | "set-variables"
  | "make-http-request"
  | "run-function"
  | "send-to-flex";

/** Each runnable type's transition events (Studio's names), in the order Studio's editor lists them. */
export const EVENTS: Readonly<Record<RunnableType, readonly string[]>> = {
  trigger: ["incomingMessage", "incomingCall", "incomingConversationMessage", "incomingRequest", "incomingParent"],
  "send-message": ["sent", "failed"],
  "send-and-wait-for-reply": ["incomingMessage", "timeout", "deliveryFailure"],
  "split-based-on": ["noMatch", "match"],
  "set-variables": ["next"],
  "make-http-request": ["success", "failed"],
  "run-function": ["success", "fail"],
  "send-to-flex": ["callComplete", "failedToEnqueue", "callFailure"],
};

/** Voice widgets: they need a phone call, which flows do not run yet. */
const VOICE = [
  "gather-input-on-call",
  "say-play",
  "record-voicemail",
  "record-call",
  "connect-call-to",
  "enqueue-call",
  "make-outgoing-call",
  "make-outgoing-call-v2",
  "fork-stream",
  "connect-virtual-agent",
];

/** Widget types refused, each with the reason a user reads. */
export const REFUSED: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    VOICE.map((type) => [type, "is not supported yet: it needs a phone call, and flows run on messaging channels for now"]),
  ),
  "add-twiml-redirect": "is not supported: TwiML redirects need a phone call; Switchboard has no TwiML",
  "capture-payments": "is not supported until payments exist in Switchboard",
  "run-subflow": "is not supported yet: subflows are not built",
  "send-to-autopilot": "is not supported: Twilio retired Autopilot; a workspace's bot classifies messages instead (trigger.message.Intent)",
};

/** Whether `type` is one the engine runs. */
export function isRunnable(type: string): type is RunnableType {
  return Object.hasOwn(EVENTS, type);
}

/** Split operators (a condition's `type`) as Studio writes them. */
export const OPERATORS = [
  "equal_to",
  "not_equal_to",
  "matches_any_of",
  "does_not_match_any_of",
  "is_blank",
  "is_not_blank",
  "regex",
  "contains",
  "does_not_contain",
  "starts_with",
  "does_not_start_with",
  "less_than",
  "greater_than",
  "is_before_time",
  "is_after_time",
  "is_before_date",
  "is_after_date",
] as const;
export type Operator = (typeof OPERATORS)[number];

export function isOperator(type: string): type is Operator {
  return (OPERATORS as readonly string[]).includes(type);
}

/** The HTTP widget's methods and content types (Studio offers these two each; `;charset=utf-8` may follow). */
export const HTTP_METHODS = ["GET", "POST"] as const;
export const CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** The content type of a `content_type` property ("application/json;charset=utf-8" → "application/json"), or null. */
export function contentTypeOf(value: unknown): ContentType | null {
  if (typeof value !== "string") return null;
  const base = value.split(";")[0]!.trim().toLowerCase();
  return (CONTENT_TYPES as readonly string[]).includes(base) ? (base as ContentType) : null;
}

/** Studio's limits (its FAQ): steps per execution, one widget in a row, seconds per HTTP request. */
export const LIMITS = { steps: 1000, repeats: 10, httpTimeoutSeconds: 10 } as const;
