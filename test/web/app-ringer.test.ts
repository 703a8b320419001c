/**
 * The ring: silent until the user has interacted with the page (browsers require a gesture before
 * audio), then a two-tone beep from an oscillator every 2 s until stopped; no audio device is no error.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRinger } from "../../web/desktop/src/app/agent/ringer";

class FakeAudioContext {
  static made = 0;
  static started = 0;
  currentTime = 0;
  state = "running";
  destination = {};
  constructor() {
    FakeAudioContext.made += 1;
  }
  createOscillator() {
    return {
      type: "",
      frequency: { value: 0 },
      connect: (node: unknown) => node,
      start: () => void (FakeAudioContext.started += 1),
      stop: () => undefined,
    };
  }
  createGain() {
    const gain = {
      gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined },
      connect: (node: unknown) => node,
    };
    return gain;
  }
  resume() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeAudioContext.made = 0;
  FakeAudioContext.started = 0;
});
afterEach(() => vi.useRealTimers());

const fakeWindow = () => {
  const target = new EventTarget() as EventTarget & { AudioContext?: unknown };
  target.AudioContext = FakeAudioContext;
  return target as unknown as Window;
};

describe("createRinger", () => {
  it("stays silent before a user gesture", () => {
    const ringer = createRinger(fakeWindow());
    ringer.start();
    vi.advanceTimersByTime(10_000);
    expect(FakeAudioContext.made).toBe(0);
    ringer.dispose();
  });

  it("after a key press, beeps two tones every 2 s until stopped", () => {
    const target = fakeWindow();
    const ringer = createRinger(target);
    target.dispatchEvent(new Event("keydown"));
    ringer.start();
    expect(FakeAudioContext.started).toBe(2);
    vi.advanceTimersByTime(4_000);
    expect(FakeAudioContext.started).toBe(6);
    ringer.stop();
    vi.advanceTimersByTime(10_000);
    expect(FakeAudioContext.started).toBe(6);
    expect(FakeAudioContext.made).toBe(1);
    ringer.dispose();
  });

  it("without WebAudio it does nothing and does not throw", () => {
    const target = new EventTarget() as unknown as Window;
    const ringer = createRinger(target);
    target.dispatchEvent(new Event("pointerdown"));
    expect(() => ringer.start()).not.toThrow();
    ringer.dispose();
  });
});
