/**
 * gather-input-on-call's listening (services/media/gather.ts) with a hand-moved clock: Studio's keys —
 * the finish key (not included), the digit count, the quiet timeout after the prompt and between keys —
 * and stop_gather's interruption of the prompt, speech's pause of the timeout; no sleeping.
 */
import { describe, expect, it } from "vitest";
import { Gather, type GatherSettings } from "../../../services/media/gather";
import { handClock } from "../../support/hand-clock";

const settings = (over: Partial<GatherSettings> = {}): GatherSettings => ({
  input: ["dtmf"],
  finish_on_key: "#",
  number_of_digits: null,
  timeout_s: 5,
  speech_timeout: "auto",
  language: "en-US",
  hints: "",
  stop_gather: true,
  profanity_filter: true,
  ...over,
});

/** Whether the answer is in, without waiting. */
const answerOf = async (g: Gather) => (g.settled ? await g.answer : "pending");

describe("a gather's keys", () => {
  const cases: { name: string; over: Partial<GatherSettings>; keys: string; ms: number; answer: unknown }[] = [
    { name: "the finish key ends it and is not included", over: {}, keys: "12#", ms: 0, answer: { Digits: "12" } },
    { name: "the digit count ends it at once", over: { number_of_digits: 3 }, keys: "123", ms: 0, answer: { Digits: "123" } },
    { name: "a finish key before the count still ends it", over: { number_of_digits: 4 }, keys: "9#", ms: 0, answer: { Digits: "9" } },
    { name: "the finish key alone is no answer (timeout)", over: {}, keys: "#", ms: 0, answer: {} },
    { name: "quiet after keys: the digits so far", over: {}, keys: "42", ms: 5000, answer: { Digits: "42" } },
    { name: "quiet and no keys: nothing", over: {}, keys: "", ms: 5000, answer: {} },
    { name: "no finish key: # is a digit", over: { finish_on_key: "" }, keys: "1#", ms: 5000, answer: { Digits: "1#" } },
    { name: "* can be the finish key", over: { finish_on_key: "*" }, keys: "7#*", ms: 0, answer: { Digits: "7#" } },
    { name: "speech-only gathers hear no keys", over: { input: ["speech"] }, keys: "12#", ms: 5000, answer: {} },
  ];
  it.each(cases)("$name", async ({ over, keys, ms, answer }) => {
    const { clock, advance } = handClock();
    const g = new Gather(settings(over), clock);
    g.promptEnded();
    for (const key of keys) g.key(key);
    if (ms > 0) {
      advance(ms - 1);
      if (keys !== "" && !g.settled) expect(await answerOf(g)).toBe("pending");
      advance(1);
    }
    expect(await answerOf(g)).toEqual(answer);
  });

  it("each key restarts the quiet timeout; the timeout starts only once the prompt ended", async () => {
    const { clock, advance, pending } = handClock();
    const g = new Gather(settings(), clock);
    advance(60_000); // a long prompt: no timeout yet
    expect(pending()).toBe(0);
    g.promptEnded();
    advance(4000);
    g.key("1");
    advance(4000);
    g.key("2");
    advance(4999);
    expect(await answerOf(g)).toBe("pending");
    advance(1);
    expect(await answerOf(g)).toEqual({ Digits: "12" });
    expect(pending()).toBe(0);
  });

  it("with stop_gather a key during the prompt interrupts it and counts; without, it is not heard", async () => {
    const { clock } = handClock();
    const stopping = new Gather(settings(), clock);
    expect(stopping.interruptsPrompt).toBe(false);
    expect(stopping.key("5")).toBe(true);
    expect(stopping.interruptsPrompt).toBe(true);
    stopping.promptEnded();
    stopping.key("#");
    expect(await stopping.answer).toEqual({ Digits: "5" });

    const patient = new Gather(settings({ stop_gather: false }), clock);
    expect(patient.key("5")).toBe(false);
    expect(patient.interruptsPrompt).toBe(false);
    patient.promptEnded();
    patient.key("6");
    patient.key("#");
    expect(await patient.answer).toEqual({ Digits: "6" });
  });

  it("keys after the answer change nothing; cancel answers nothing and stops the timer", async () => {
    const { clock, pending } = handClock();
    const g = new Gather(settings({ number_of_digits: 1 }), clock);
    g.promptEnded();
    g.key("3");
    g.key("4");
    expect(await g.answer).toEqual({ Digits: "3" });
    const cancelled = new Gather(settings(), clock);
    cancelled.promptEnded();
    cancelled.cancel();
    expect(await cancelled.answer).toEqual({});
    expect(pending()).toBe(0);
  });
});

describe("a gather's speech", () => {
  it("speech pauses the timeout; its text is the answer with the confidence", async () => {
    const { clock, advance } = handClock();
    const g = new Gather(settings({ input: ["dtmf", "speech"] }), clock);
    g.promptEnded();
    advance(3000);
    expect(g.speechStarted()).toBe(true);
    advance(30_000); // a long utterance: no timeout while it is heard
    expect(g.settled).toBe(false);
    g.speech("  sales please ", 0.8);
    expect(await g.answer).toEqual({ SpeechResult: "sales please", Confidence: 0.8 });
  });

  it("an utterance understood as nothing resumes listening, and the timeout answers", async () => {
    const { clock, advance } = handClock();
    const g = new Gather(settings({ input: ["speech"] }), clock);
    g.promptEnded();
    g.speechStarted();
    g.speech("", 0);
    advance(4999);
    expect(g.settled).toBe(false);
    advance(1);
    expect(await g.answer).toEqual({});
  });

  it("speech during the prompt interrupts it with stop_gather, and is not heard without; dtmf-only gathers ignore it", () => {
    const { clock } = handClock();
    const both = new Gather(settings({ input: ["speech"] }), clock);
    expect(both.speechStarted()).toBe(true);
    expect(both.interruptsPrompt).toBe(true);
    const patient = new Gather(settings({ input: ["speech"], stop_gather: false }), clock);
    expect(patient.speechStarted()).toBe(false);
    patient.speech("sales", 1); // its start was during the prompt: not an answer
    expect(patient.settled).toBe(false);
    expect(new Gather(settings(), clock).speechStarted()).toBe(false);
  });
});
