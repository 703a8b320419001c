/**
 * Validation of the voice widgets' properties, as Studio exports them (booleans as `true` or `"true"`,
 * numbers as numbers or strings, Liquid anywhere a value is rendered). What Switchboard cannot do is refused
 * naming the property — dialling out (`connect-call-to`'s nouns other than `client`), Programmable Voice's
 * named queues (`enqueue-call` without `workflow_sid`), sending keypad tones (`say-play`'s `digits`) — and
 * what it does differently is a warning: a voicemail longer than MAX_VOICEMAIL_SECONDS, callbacks it does not call.
 */
import type { VoiceType } from "./catalogue";
import { MAX_VOICEMAIL_SECONDS } from "./types";

type Json = Record<string, unknown>;
/** Reports a problem at a path under the widget's `/properties`; the message follows the widget's name and type. */
export type Report = (path: string, message: string) => void;

const isText = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";
const isTemplate = (value: unknown) => typeof value === "string" && value.includes("{{");
const present = (value: unknown) => value !== undefined && value !== null && value !== "";

/** Studio's connect-call-to nouns; only `client` (a Switchboard worker) runs. */
export const CONNECT_NOUNS = ["number", "number-multi", "client", "sip", "conference", "sim"] as const;

/** The keys a gather's `finish_on_key` may name ("" for none): one; a recording's may name several. */
const KEYS = /^[0-9*#]*$/;

/**
 * Checks a voice widget's properties: errors through `error`, warnings through `warn`.
 * @example
 * checkVoice("enqueue-call", { queue_name: "support" }, error, warn); // error("/workflow_sid", "has no `workflow_sid` …")
 */
export function checkVoice(type: VoiceType, properties: Json, error: Report, warn: Report): void {
  switch (type) {
    case "say-play":
      if (present(properties.digits))
        error("/digits", "plays digits (keypad tones into the call), which Switchboard cannot send; say or play instead");
      else if (!isText(properties.say) && !isText(properties.play)) error("/say", "has nothing to `say` or `play`");
      return checkPrompt(properties, error, warn);
    case "gather-input-on-call":
      checkPrompt(properties, error, warn);
      checkKeys(properties.finish_on_key, "/finish_on_key", true, error);
      checkWhole(properties.number_of_digits, "/number_of_digits", error);
      checkWhole(properties.timeout, "/timeout", error);
      if (present(properties.speech_timeout) && properties.speech_timeout !== "auto")
        checkWhole(properties.speech_timeout, "/speech_timeout", error, '"auto" or ');
      for (const name of ["stop_gather", "profanity_filter"]) checkFlag(properties[name], `/${name}`, error);
      return;
    case "record-voicemail": {
      checkWhole(properties.max_length, "/max_length", error);
      const maxLength = Number(properties.max_length);
      if (Number.isInteger(maxLength) && maxLength > MAX_VOICEMAIL_SECONDS)
        warn("/max_length", `records at most ${MAX_VOICEMAIL_SECONDS} seconds here (max_length ${maxLength} is capped)`);
      checkWhole(properties.timeout, "/timeout", error);
      checkKeys(properties.finish_on_key, "/finish_on_key", false, error);
      for (const name of ["play_beep", "transcribe"]) checkFlag(properties[name], `/${name}`, error);
      if (present(properties.trim) && properties.trim !== "trim-silence" && properties.trim !== "do-not-trim")
        error("/trim", `has trim "${String(properties.trim)}"; use "trim-silence" or "do-not-trim"`);
      for (const name of ["transcription_callback_url", "recording_status_callback_url"]) {
        if (present(properties[name]))
          warn(
            `/${name}`,
            `has ${name}, which Switchboard does not call; read the recording as widgets.<name>.RecordingUrl (and TranscriptionText)`,
          );
      }
      return;
    }
    case "connect-call-to": {
      const noun = properties.noun;
      if (!isText(noun)) return error("/noun", "is missing its required property `noun` (Switchboard connects to a `client`: a worker)");
      if (!(CONNECT_NOUNS as readonly string[]).includes(noun))
        return error("/noun", `has unknown noun "${noun}"; Studio's are ${CONNECT_NOUNS.join(", ")}`);
      if (noun !== "client")
        return error(
          "/noun",
          `connects to a ${noun}, which dials out: that needs a telephone network (SIP), which Switchboard does not have yet; connect to a \`client\` (a worker's SID or friendly name) or enqueue the call`,
        );
      if (!isText(properties.to)) error("/to", "is missing its required property `to` (the worker's WK… SID or friendly name)");
      checkWhole(properties.timeout, "/timeout", error);
      if (flagValue(properties.record) === true) warn("/record", "has record on, but Switchboard does not record the connected call");
      return;
    }
    case "enqueue-call":
      if (!isText(properties.workflow_sid))
        return error(
          "/workflow_sid",
          present(properties.queue_name)
            ? `enqueues into the named queue "${String(properties.queue_name)}" (Programmable Voice queues), which Switchboard does not have; choose a TaskRouter workflow (\`workflow_sid\`)`
            : "is missing its required property `workflow_sid` (Switchboard enqueues calls through a TaskRouter workflow)",
        );
      checkAttributes(properties.task_attributes, error);
      checkWhole(properties.priority, "/priority", error);
      checkWhole(properties.timeout, "/timeout", error);
      if (present(properties.wait_url)) warn("/wait_url", "has wait_url; the caller hears Switchboard's hold music instead");
      return;
    default: {
      const unknown: never = type;
      return unknown;
    }
  }
}

/** say/play/loop/voice/language of a say-play or a gather. */
function checkPrompt(properties: Json, error: Report, warn: Report) {
  if (isText(properties.say) && isText(properties.play)) warn("/play", "has both `say` and `play`; the caller hears `say`");
  const play = properties.play;
  if (isText(play) && !isTemplate(play) && !/^https?:\/\/[^\s/]+/i.test(play.trim()))
    error("/play", `has play "${play}"; it must be an http(s) URL of an audio file`);
  checkWhole(properties.loop, "/loop", error);
  const loop = Number(properties.loop);
  if (Number.isInteger(loop) && (loop === 0 || loop > 100)) warn("/loop", `has loop ${loop}; the prompt plays 100 times at most here`);
  for (const name of ["voice", "language", "say", "hints", "gather_language"]) {
    if (properties[name] !== undefined && typeof properties[name] !== "string") error(`/${name}`, `has \`${name}\` that is not a string`);
  }
}

function checkWhole(value: unknown, path: string, error: Report, alternatives = "") {
  if (!present(value) || isTemplate(value)) return;
  const ok = typeof value === "number" ? Number.isInteger(value) && value >= 0 : typeof value === "string" && /^\s*\d+\s*$/.test(value);
  if (!ok) error(path, `has ${path.slice(1)} "${String(value)}"; it must be ${alternatives}a whole number`);
}

const flagValue = (value: unknown): boolean | null =>
  typeof value === "boolean" ? value : typeof value === "string" && /^(true|false)$/i.test(value.trim()) ? /true/i.test(value) : null;

function checkFlag(value: unknown, path: string, error: Report) {
  if (present(value) && flagValue(value) === null) error(path, `has ${path.slice(1)} "${String(value)}"; it must be true or false`);
}

function checkKeys(value: unknown, path: string, single: boolean, error: Report) {
  if (value === undefined || value === null) return;
  if (typeof value !== "string" || !KEYS.test(value.trim()) || (single && value.trim().length > 1))
    error(path, `has finish_on_key "${String(value)}"; it must be ${single ? "one of" : "keys among"} 0-9, * and # (or empty for none)`);
}

function checkAttributes(value: unknown, error: Report) {
  if (!present(value)) return;
  if (typeof value !== "string") return error("/task_attributes", "has `task_attributes` that is not a string of JSON");
  if (isTemplate(value) || value.includes("{%")) return; // Rendered first; checked when it runs.
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return;
  } catch {
    // Reported below.
  }
  error("/task_attributes", "has `task_attributes` that are not a JSON object");
}
