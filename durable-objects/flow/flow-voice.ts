/**
 * A flow's voice on a call (issue 16), the FlowDO's side of platform/media-voice.ts: which effects the
 * media service carries out (say-play, gather, record), the command each becomes, and how long the FlowDO
 * waits for its reply before its watchdog fails it. Pure, so flow-shell.ts only sends and stores.
 *
 * At most once, as the media service sees it: a voice effect is marked `attempted` before its command is
 * sent and `dispatched` once the media service took it (202); a dispatched one is never sent again, it
 * waits for its reply (`FlowDO.voiceResult`) or its watchdog. One found `attempted` after an eviction
 * (the object died while the command was on its way) is sent again: the media service ignores a command
 * whose effect id it already has (media-voice.ts), so the caller never hears a prompt twice.
 */
import type { VoiceAction } from "../../platform/media-voice";
import type { FlowEffect, VoicePrompt } from "./engine/types";

/** The effects the media service carries out. */
export type VoiceEffect = Extract<FlowEffect, { kind: "say-play" | "gather" | "record" }>;

export const VOICE_KINDS: readonly FlowEffect["kind"][] = ["say-play", "gather", "record"];

export const isVoiceEffect = (effect: FlowEffect): effect is VoiceEffect => VOICE_KINDS.includes(effect.kind);

/** What the watchdog's failure says: the media service took the command and never replied. */
export const NO_ANSWER = "the media service did not answer";

/** Past the prompt's and the widget's own limits, how long a reply may still take (a slow upload, retries). */
export const WATCHDOG_MARGIN_MS = 60_000;

/**
 * The command's action: the effect's fields, as the media service reads them.
 * @example voiceAction({ id: "FN…-E1", kind: "say-play", awaited: true, prompt }) // { kind: "say-play", prompt }
 */
export function voiceAction(effect: VoiceEffect): VoiceAction {
  switch (effect.kind) {
    case "say-play":
      return { kind: "say-play", prompt: effect.prompt };
    case "gather":
      return { kind: "gather", prompt: effect.prompt, gather: { ...effect.gather, input: [...effect.gather.input] } };
    case "record":
      return { kind: "record", record: effect.record };
  }
}

/** A generous bound on how long a prompt plays: ~8 characters a second of speech, five minutes a file, each loop. */
function promptMs(prompt: VoicePrompt | null): number {
  if (prompt === null) return 0;
  const once = prompt.play ? 300_000 : 5_000 + Math.ceil((prompt.say ?? "").length / 8) * 1_000;
  return once * Math.max(1, prompt.loop);
}

/**
 * How long the FlowDO waits for a voice effect's reply before failing it ({@link NO_ANSWER}): the
 * prompt, the widget's own limits (each key may restart the gather's timeout; a voicemail's length), plus
 * {@link WATCHDOG_MARGIN_MS}.
 * @example watchdogMs(gatherEffect) // e.g. 5 s prompt + 5 s × (digits + 1) + 60 s
 */
export function watchdogMs(effect: VoiceEffect): number {
  switch (effect.kind) {
    case "say-play":
      return promptMs(effect.prompt) + WATCHDOG_MARGIN_MS;
    case "gather": {
      const { gather } = effect;
      const keys = (gather.number_of_digits ?? 32) + 1;
      const speech = gather.input.includes("speech") ? 60_000 : 0;
      return promptMs(effect.prompt) + gather.timeout_s * 1_000 * keys + speech + WATCHDOG_MARGIN_MS;
    }
    case "record":
      return (effect.record.max_length_s + effect.record.timeout_s + 5) * 1_000 + WATCHDOG_MARGIN_MS;
  }
}
