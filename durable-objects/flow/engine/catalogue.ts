/**
 * Which Studio widget types Switchboard runs, which it refuses and why, and the transition events each
 * runs: the one list the validator and the README agree on. Messaging widgets run on every channel; the
 * voice widgets a web call needs run on calls (the media service is the flow's voice); dialling out,
 * recording a whole call, streams, virtual agents, TwiML and payments have reasons of their own.
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
  | "send-to-flex"
  | VoiceType;

/** The voice widgets the engine runs: only in an execution a call started (`incomingCall`). */
export const VOICE_TYPES = ["say-play", "gather-input-on-call", "record-voicemail", "connect-call-to", "enqueue-call"] as const;
export type VoiceType = (typeof VOICE_TYPES)[number];

/**
 * Whether `type` is a voice widget (it needs a call).
 * @example
 * isVoice("say-play"); // true
 */
export function isVoice(type: string): type is VoiceType {
  return (VOICE_TYPES as readonly string[]).includes(type);
}

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
  "say-play": ["audioComplete"],
  "gather-input-on-call": ["keypress", "speech", "timeout"],
  "record-voicemail": ["recordingComplete", "noAudio", "hangup"],
  "connect-call-to": ["callCompleted", "hangup"],
  "enqueue-call": ["callComplete", "failedToEnqueue", "callFailure"],
};

/** Widget types refused, each with the reason a user reads. */
export const REFUSED: Readonly<Record<string, string>> = {
  "record-call": "is not supported yet: Switchboard does not record whole calls; Record Voicemail records what the caller says",
  "make-outgoing-call":
    "is not supported: dialling out needs a telephone network (SIP), which Switchboard's calls do not have yet; calls come in from the web",
  "make-outgoing-call-v2":
    "is not supported: dialling out needs a telephone network (SIP), which Switchboard's calls do not have yet; calls come in from the web",
  "fork-stream": "is not supported: streaming a call's audio to a WebSocket of yours is not built",
  "connect-virtual-agent":
    "is not supported: Dialogflow virtual agents are Google's service; gather the caller's speech (SpeechResult) and split on it instead",
  "add-twiml-redirect": "is not supported: Switchboard's calls are not driven by TwiML, so there is no TwiML to redirect to",
  "capture-payments": "is not supported until payments exist in Switchboard",
  "run-subflow": "is not supported yet: subflows are not built",
  "send-to-autopilot": "is not supported: Twilio retired Autopilot; a workspace's bot classifies messages instead (trigger.message.Intent)",
};

/**
 * Whether `type` is one the engine runs.
 * @example
 * isRunnable("send-message"); // true
 * isRunnable("fork-stream"); // false (REFUSED says why)
 */
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

/**
 * Whether a condition's `type` is one of Studio's operators.
 * @example
 * isOperator("matches_any_of"); // true
 */
export function isOperator(type: string): type is Operator {
  return (OPERATORS as readonly string[]).includes(type);
}

/** The HTTP widget's methods and content types (Studio offers these two each; `;charset=utf-8` may follow). */
export const HTTP_METHODS = ["GET", "POST"] as const;
export const CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/json"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/**
 * The content type of a `content_type` property, or null when it is neither of Studio's two.
 * @example
 * contentTypeOf("application/json;charset=utf-8"); // "application/json"
 */
export function contentTypeOf(value: unknown): ContentType | null {
  if (typeof value !== "string") return null;
  const base = value.split(";")[0]!.trim().toLowerCase();
  return (CONTENT_TYPES as readonly string[]).includes(base) ? (base as ContentType) : null;
}

/** Studio's limits (its FAQ): steps per execution, one widget in a row, seconds per HTTP request. */
export const LIMITS = { steps: 1000, repeats: 10, httpTimeoutSeconds: 10 } as const;
