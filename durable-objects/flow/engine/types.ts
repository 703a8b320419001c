/**
 * The flow engine's interface (issue 16): what a Studio flow's execution is, what moves it, and what it
 * asks the world to do. The engine (this folder) is pure — definition + execution state + one input →
 * the next state, the steps it took and the effects to carry out — so the FlowDO (../flow-do.ts) can
 * store the result and its effects in one transaction and carry the effects out after the commit, at
 * most once each (an HTTP request interrupted by eviction is reported `interrupted`, never sent twice;
 * a message or a task carries its effect id as an idempotency key, so its receiver makes it once).
 *
 * Studio's own names are kept on the wire: a definition is Studio's JSON (`states`, `initial_state`,
 * `flags`, each widget's `properties` and `transitions`), the context is Studio's (`trigger`,
 * `widgets.<name>`, `flow.variables`, `flow.data`, `contact`), and step records are Studio's Steps.
 */

/** A widget of a Studio definition, as exported (properties are widget-specific; validated per type). */
export interface WidgetState {
  readonly name: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly transitions: readonly Transition[];
}

/** A transition: `event` (e.g. "incomingMessage", "success", "failed", "match", "noMatch", "timeout") → `next` widget. */
export interface Transition {
  readonly event: string;
  readonly next?: string;
  /** `split-based-on` only: Studio's conditions of a "match" transition. */
  readonly conditions?: readonly SplitCondition[];
}

/** One condition of a split's match transition, as Studio writes it. */
export interface SplitCondition {
  readonly friendly_name?: string;
  readonly arguments: readonly string[];
  readonly type: string;
  readonly value: string;
}

/** A flow definition (Studio's JSON), once validated. */
export interface FlowDefinition {
  readonly description?: string;
  readonly states: readonly WidgetState[];
  readonly initial_state: string;
  readonly flags?: { readonly allow_concurrent_calls?: boolean };
}

/** One problem of a definition, as Studio's Flow `errors` list names it: what, and where. */
export interface DefinitionError {
  readonly message: string;
  /** JSON-pointer-like path into the definition, e.g. "/states/3/properties/url". */
  readonly property_path: string;
}

export type Validation =
  | { readonly ok: true; readonly definition: FlowDefinition; readonly warnings: readonly DefinitionError[] }
  | { readonly ok: false; readonly errors: readonly DefinitionError[] };

/** What the bot made of a customer's text (the workspace's classifier, issue 16's bot), when it has one. */
export interface Classification {
  /** The best intent, or "None" below the workspace's confidence threshold. */
  readonly intent: string;
  readonly confidence: number;
  /** Entities found: numbers, dates, emails, order IDs by pattern … (name, the text matched, its value). */
  readonly entities: readonly { readonly entity: string; readonly text: string; readonly value: unknown }[];
  /** −1 (negative) … 1 (positive). */
  readonly sentiment: number;
  /** The language the text was taken to be in (ISO 639-1). */
  readonly language: string;
  /** The answer the bot has for the intent (small talk, a trained answer), if any. */
  readonly answer?: string;
}

/** A customer's message as the engine sees it (Studio's `trigger.message` / a reply's `inbound`). */
export interface FlowMessage {
  /** Studio's fields: Body, From, To, ChannelSid (the channel configuration), ConversationSid, MessageSid, Media … */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The bot's reading of Body, when the workspace has a bot; surfaced as Intent, Confidence, Entities, Sentiment. */
  readonly classification?: Classification;
}

/** What started an execution: Studio's three triggers. */
export type Trigger =
  | { readonly kind: "incomingMessage"; readonly message: FlowMessage }
  | { readonly kind: "incomingCall"; readonly call: Readonly<Record<string, unknown>> }
  | {
      readonly kind: "incomingRequest";
      readonly request: Readonly<Record<string, unknown>>;
      readonly parameters: Readonly<Record<string, unknown>>;
    };

/** Whether each of the workspace's business calendars is open at the input's `now` (Liquid: `calendars.<name>.open`). */
export type CalendarStatus = Readonly<Record<string, { readonly open: boolean; readonly next_change?: string | null }>>;

/** What the host tells the engine at each input: the time, and facts about the world it may read. */
export interface EngineHost {
  readonly now: number;
  readonly calendars: CalendarStatus;
}

/** What moves an execution. */
export type FlowInput =
  | {
      readonly kind: "start";
      readonly trigger: Trigger;
      readonly contact: Readonly<Record<string, unknown>>;
      readonly data?: Readonly<Record<string, unknown>>;
    }
  /** The customer wrote (an active execution waits for a reply, or ignores it). */
  | { readonly kind: "message"; readonly message: FlowMessage }
  /** A wait's deadline passed (the host's timer named by the effect's `wait_id`). */
  | { readonly kind: "timeout"; readonly wait_id: string }
  /** The outcome of an effect the engine waits for. */
  | { readonly kind: "result"; readonly effect_id: string; readonly result: EffectResult }
  /** Ended from outside: the Executions API's `Status=ended`, the conversation closed. */
  | { readonly kind: "end"; readonly reason: string }
  /**
   * The caller left a call the execution answers (hung up, or the call ended). While a record-voicemail
   * records, the execution waits for the recording (its result arrives with `hangup: true` and takes
   * Studio's `hangup` transition); anywhere else the execution ends, reason "hangup". Voice widgets
   * entered after it fail at once: the call is gone.
   */
  | { readonly kind: "hangup" };

export type EffectResult =
  | { readonly ok: true; readonly value: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: string; readonly value?: Readonly<Record<string, unknown>> };

/**
 * What the engine asks the host to do. Each effect's `id` is unique within the execution and stable
 * (the execution SID and the step's index), so a receiver can make it once. Effects marked `awaited`
 * leave the execution waiting for their `result` input.
 */
export type FlowEffect =
  /**
   * A message to the customer; `to` absent means the conversation's customer. send-message's is awaited;
   * send-and-wait-for-reply's is not (the execution waits for the reply), but a failed result for it is
   * still taken (`deliveryFailure`): `state.waiting.effect_id` names it.
   */
  | {
      readonly id: string;
      readonly kind: "send-message";
      readonly awaited: boolean;
      readonly body: string;
      readonly from?: string;
      readonly to?: string;
      readonly media_url?: string;
      readonly attributes?: string;
    }
  | {
      readonly id: string;
      readonly kind: "http-request";
      readonly awaited: true;
      readonly method: string;
      readonly url: string;
      readonly content_type: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: string | null;
      readonly timeout_ms: number;
    }
  | {
      readonly id: string;
      readonly kind: "run-function";
      readonly awaited: true;
      readonly url: string;
      readonly parameters: Readonly<Record<string, string>>;
      readonly timeout_ms: number;
    }
  /** send-to-flex: the conversation becomes a task (the execution ends once the task exists). */
  | {
      readonly id: string;
      readonly kind: "create-task";
      readonly awaited: true;
      readonly workflow_sid: string;
      readonly channel: string;
      readonly attributes: string;
      readonly priority?: number;
      readonly timeout?: number;
    }
  /**
   * say-play: the caller hears the prompt (awaited: its result, ok or not, takes `audioComplete`; a failure's
   * reason is kept in the widget's context as `error`).
   */
  | { readonly id: string; readonly kind: "say-play"; readonly awaited: true; readonly prompt: VoicePrompt }
  /**
   * gather-input-on-call: the prompt (none when the widget has neither say nor play) while listening for
   * keys and/or speech. Result value `{ Digits }` → `keypress`, `{ SpeechResult, Confidence }` → `speech`,
   * `{}` (nothing before the timeout) or a failure → `timeout`.
   */
  | {
      readonly id: string;
      readonly kind: "gather";
      readonly awaited: true;
      readonly prompt: VoicePrompt | null;
      readonly gather: VoiceGather;
    }
  /**
   * record-voicemail: a beep, then the caller's voice until silence, the finish key, the maximum length or a
   * hang-up. Result value {@link VoiceRecording}: `recordingComplete`; `RecordingDuration` 0 → `noAudio`;
   * `hangup: true` → `hangup`. A failure → `noAudio` with the reason as `error`.
   */
  | { readonly id: string; readonly kind: "record"; readonly awaited: true; readonly record: VoiceRecord }
  /** The call ends (Studio hangs up when a call's execution ends without handing it on). Not awaited. */
  | { readonly id: string; readonly kind: "hang-up"; readonly awaited: false }
  /** A wait with a deadline: the host sets a timer and sends `timeout` with this `wait_id` when it fires. */
  | { readonly id: string; readonly kind: "set-timer"; readonly wait_id: string; readonly due_at: number }
  | { readonly id: string; readonly kind: "clear-timer"; readonly wait_id: string };

/** What the caller hears: Studio's `say` (text, through the deployment's text-to-speech) or `play` (an audio URL), `loop` times. */
export interface VoicePrompt {
  /** Text to speak (rendered Liquid); absent when the widget plays a URL. */
  readonly say?: string;
  /** Studio's `voice` (e.g. "alice", "Polly.Joanna", "default"): the text-to-speech provider maps it or uses its default. */
  readonly voice?: string;
  /** BCP-47, Studio's `language` (default "en-US"). */
  readonly language: string;
  /** An http(s) URL of a WAV file to play instead of text. */
  readonly play?: string;
  /** How many times; Studio's `loop` (1 … 100; 0 in Studio means "until interrupted", capped here at 100). */
  readonly loop: number;
}

/** What gather-input-on-call listens for, in Studio's terms. */
export interface VoiceGather {
  /** "dtmf", "speech" or both (Studio's `gather_language`/`speech_*` apply to speech). */
  readonly input: readonly ("dtmf" | "speech")[];
  /** The key that ends the digits (not included), Studio's `finish_on_key` (default "#"; "" none). */
  readonly finish_on_key: string;
  /** Stop after this many digits (Studio's `number_of_digits`); null: until the finish key or the timeout. */
  readonly number_of_digits: number | null;
  /** Seconds of quiet after the prompt (and between keys) before it gives up: Studio's `timeout` (default 5). */
  readonly timeout_s: number;
  /** Seconds of silence that end an utterance, or "auto": Studio's `speech_timeout`. */
  readonly speech_timeout: number | "auto";
  /** The speech's language (BCP-47), Studio's `gather_language` (default "en-US"). */
  readonly language: string;
  /** Comma-separated words or phrases to expect (Studio's `hints`), handed to speech-to-text. */
  readonly hints: string;
  /** Studio's `stop_gather` (default true): a key or speech interrupts the prompt. */
  readonly stop_gather: boolean;
  /** Studio's `profanity_filter` (default true), handed to speech-to-text. */
  readonly profanity_filter: boolean;
}

/** What record-voicemail records, in Studio's terms. */
export interface VoiceRecord {
  /** Studio's `max_length` in seconds (default 3600; Switchboard caps it at {@link MAX_VOICEMAIL_SECONDS}). */
  readonly max_length_s: number;
  /** Seconds of silence that end it: Studio's `timeout` (default 5). */
  readonly timeout_s: number;
  /** Keys that end it: Studio's `finish_on_key` (default "#"). */
  readonly finish_on_key: string;
  /** A beep before recording: Studio's `play_beep` (default true). */
  readonly play_beep: boolean;
  /** Trim silence at either end: Studio's `trim` ("trim-silence", the default, or "do-not-trim"). */
  readonly trim: boolean;
  /** Transcribe it through the deployment's speech-to-text: Studio's `transcribe`. */
  readonly transcribe: boolean;
}

/** The longest voicemail Switchboard keeps (16-bit 16 kHz mono WAV: ~19 MB). */
export const MAX_VOICEMAIL_SECONDS = 600;

/** record-voicemail's result value: Studio's widget variables, plus `hangup` when the caller hung up while recording. */
export interface VoiceRecording {
  /** The recording's SID (`ME…`, the conversation's media) and where an authorised user fetches it. */
  readonly RecordingSid: string;
  readonly RecordingUrl: string;
  /** Whole seconds; 0: nothing was said (Studio's `noAudio`). */
  readonly RecordingDuration: number;
  /** The key that ended it, if one did. */
  readonly Digits?: string;
  /** Only when `transcribe`: the text, and "completed" or "failed". */
  readonly TranscriptionText?: string;
  readonly TranscriptionStatus?: "completed" | "failed";
  readonly hangup?: boolean;
}

/** A step Studio would list: one widget entered and left (Studio's Step resource, less the SIDs). */
export interface FlowStep {
  /** The widget's name. */
  readonly name: string;
  /** The transition's event ("incomingMessage", "success", "match" …): Studio's Step `name` is this. */
  readonly event: string;
  readonly type: string;
  readonly transitioned_from: string;
  readonly transitioned_to: string;
  /** The widget's own context after the step (Step Context). */
  readonly context: Readonly<Record<string, unknown>>;
  readonly at: number;
}

/** An execution's state: JSON-serialisable, stored whole by the FlowDO after every input. */
export interface ExecutionState {
  readonly status: "active" | "ended";
  /** The widget the execution is at (waiting in), null once ended. */
  readonly current: string | null;
  /** What it waits for, if anything. */
  readonly waiting: null | { readonly kind: "reply" | "result" | "digits"; readonly wait_id?: string; readonly effect_id?: string };
  /** Studio's context: trigger, widgets, flow (variables, data, channel …), contact. */
  readonly context: Readonly<Record<string, unknown>>;
  /** Everything said in the execution, in order: the hand-off's transcript. */
  readonly transcript: readonly TranscriptLine[];
  /** How many effects were made so far (the next effect id's counter). */
  readonly effects: number;
  /** Steps taken so far (a guard against loops: Studio's own limit is on step count). */
  readonly steps: number;
  /** Why it ended, once ended: "completed", "handed-off", "step-limit", "repeat-limit", an `end` input's reason … */
  readonly ended_reason?: string;
  /**
   * Set once the caller of a call execution hung up (the `hangup` input, or a recording that ended with one):
   * a voice widget entered later ends the execution, and its end sends no `hang-up` (the call is gone).
   */
  readonly hung_up?: boolean;
}

/** One line of the transcript; a customer's line carries the bot's reading of it, when there was one. */
export interface TranscriptLine {
  readonly from: "customer" | "bot";
  readonly body: string;
  readonly at: number;
  readonly intent?: string;
  readonly confidence?: number;
  readonly sentiment?: number;
}

/** What one input did. */
export interface Advance {
  readonly state: ExecutionState;
  readonly steps: readonly FlowStep[];
  readonly effects: readonly FlowEffect[];
  /**
   * Set when the input changed nothing, and why: "not-waiting-for-reply" (a customer's message the runtime
   * should route as it would without a flow), "ended", "already-started", "stale-timeout", "unknown-effect".
   */
  readonly ignored?: IgnoredInput;
}

export type IgnoredInput = "not-waiting-for-reply" | "ended" | "already-started" | "stale-timeout" | "unknown-effect";
