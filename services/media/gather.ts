/**
 * gather-input-on-call's listening, as a state machine with an injected clock (so test/unit/media/gather.test.ts
 * presses keys and moves time without sleeping): the keys Studio's way — digits until `finish_on_key`
 * (not included) or `number_of_digits`, `timeout_s` of quiet after the prompt and between keys ends it,
 * the digits so far being the answer — and speech, whose utterance the voice (voice-actions.ts) hands in.
 *
 * The answer is the engine's gather result value: `{ Digits }` (keypress), `{ SpeechResult, Confidence }`
 * (speech) or `{}` (nothing before the timeout). With `stop_gather` a key or the start of speech interrupts
 * the prompt; without it, keys pressed during the prompt are not heard (Twilio's `bargeIn: false`).
 */
import type { VoiceAction } from "../../platform/media-voice";

export type GatherSettings = Extract<VoiceAction, { kind: "gather" }>["gather"];

/** Timers, injected: the real ones in the service, a hand-moved one in tests. */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type GatherValue = { Digits: string } | { SpeechResult: string; Confidence: number } | Record<string, never>;

/**
 * One gather's listening. Feed it `promptEnded()`, `key(digit)`, `speechStarted()`, `speech(text, confidence)`;
 * `answer` settles once with the value.
 * @example const g = new Gather(settings, realClock); g.promptEnded(); g.key("1"); await g.answer
 */
export class Gather {
  readonly answer: Promise<GatherValue>;
  private settle!: (value: GatherValue) => void;
  private digits = "";
  private prompting = true;
  private speaking = false;
  private done = false;
  private timer: unknown = undefined;

  constructor(
    private readonly settings: GatherSettings,
    private readonly clock: Clock,
  ) {
    this.answer = new Promise((resolve) => (this.settle = resolve));
  }

  private get dtmf() {
    return this.settings.input.includes("dtmf");
  }

  /** Whether the voice should stop the prompt now (a key or speech came and `stop_gather` is on). */
  get interruptsPrompt(): boolean {
    return this.settings.stop_gather && (this.digits !== "" || this.speaking);
  }

  /** Whether the answer is in. */
  get settled(): boolean {
    return this.done;
  }

  /** The prompt finished (or there was none, or it was interrupted): the quiet timeout starts. */
  promptEnded(): void {
    if (!this.prompting) return;
    this.prompting = false;
    if (!this.speaking) this.arm();
  }

  /** A key (0–9, *, #). Returns true when it interrupts the prompt. */
  key(digit: string): boolean {
    if (this.done || !this.dtmf) return false;
    if (this.prompting && !this.settings.stop_gather) return false;
    const finishKey = this.settings.finish_on_key !== "" && digit === this.settings.finish_on_key;
    if (!finishKey) this.digits += digit;
    if (finishKey || (this.settings.number_of_digits !== null && this.digits.length >= this.settings.number_of_digits)) {
      this.finish(this.keysAnswer());
      return true;
    }
    if (!this.prompting) this.arm();
    return this.settings.stop_gather;
  }

  /** The caller started speaking (speech input only): the quiet timeout waits for the utterance. */
  speechStarted(): boolean {
    if (this.done || !this.settings.input.includes("speech")) return false;
    if (this.prompting && !this.settings.stop_gather) return false;
    this.speaking = true;
    this.disarm();
    return this.settings.stop_gather;
  }

  /** The utterance, transcribed: empty text (nothing understood, no speech-to-text) resumes listening. */
  speech(text: string, confidence: number): void {
    if (this.done) return;
    this.speaking = false;
    if (text.trim() === "") {
      if (!this.prompting) this.arm();
      return;
    }
    this.finish({ SpeechResult: text.trim(), Confidence: confidence });
  }

  /** Stops listening with no answer (the command was replaced or the caller left). */
  cancel(): void {
    this.finish({});
  }

  private keysAnswer(): GatherValue {
    return this.digits === "" ? {} : { Digits: this.digits };
  }

  private arm() {
    this.disarm();
    this.timer = this.clock.setTimeout(() => this.finish(this.keysAnswer()), this.settings.timeout_s * 1000);
  }

  private disarm() {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private finish(value: GatherValue) {
    if (this.done) return;
    this.done = true;
    this.disarm();
    this.settle(value);
  }
}
