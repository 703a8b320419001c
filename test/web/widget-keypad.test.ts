/**
 * The call's keypad in the widget's real call panel (web/widget/src/call/panel.ts and keypad.ts, in
 * happy-dom: the panel imports no livekit-client; test/e2e/widget-calls.test.ts sends the tones through a
 * real room): the Keypad button opens and closes the pad, each key is reported with its RFC 4733 code —
 * from a click or from the keyboard's digit, `*` and `#` keys while the pad is open — the display shows what
 * was typed, and the pad is reachable and named for a screen reader.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CallPanel, type PanelHandlers } from "../../web/widget/src/call/panel";
import { DIGITS, digitOf, dtmfCode, type Digit } from "../../web/widget/src/call/keypad";

function panel() {
  const mount = document.createElement("div");
  document.body.append(mount);
  const onDigit = vi.fn<(digit: Digit, code: number) => void>();
  const handlers: PanelHandlers = {
    onMute: vi.fn(),
    onCamera: vi.fn(),
    onShare: vi.fn(),
    onDevices: async () => ({ audioinput: [], videoinput: [], audiooutput: [] }),
    activeDevice: () => "",
    onDevice: vi.fn(),
    onPlayAudio: vi.fn(),
    onHangUp: vi.fn(),
    onDigit,
  };
  const shown = new CallPanel(mount, "voice", handlers);
  const $ = <T extends Element = HTMLElement>(selector: string) => mount.querySelector<T>(selector);
  const toggle = $<HTMLButtonElement>('button[aria-label="Keypad"]')!;
  const pad = $('[role="group"][aria-label="Keypad"]')!;
  const key = (digit: string) => pad.querySelector<HTMLButtonElement>(`button[data-digit="${digit}"]`)!;
  const display = () => pad.querySelector('output[aria-label="Digits typed"]')!.textContent;
  const type = (key: string, init: KeyboardEventInit = {}, target: Element = document.activeElement ?? mount) => {
    const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
    target.dispatchEvent(event);
    return event.defaultPrevented;
  };
  return { shown, mount, onDigit, toggle, pad, key, display, type };
}

afterEach(() => document.body.replaceChildren());

describe("the keys' codes", () => {
  it.each([
    ["0", 0],
    ["1", 1],
    ["5", 5],
    ["9", 9],
    ["*", 10],
    ["#", 11],
  ] as const)("%s is RFC 4733 event %i", (digit, code) => {
    expect(dtmfCode(digit)).toBe(code);
  });

  it("takes the pad's twelve keys from the keyboard and nothing else", () => {
    expect(DIGITS.map(digitOf)).toEqual(DIGITS);
    expect(["a", "Enter", " ", "+", "10", "", "Numpad1"].map(digitOf)).toEqual([null, null, null, null, null, null, null]);
  });
});

describe("the keypad in the call panel", () => {
  it("is a Keypad button in the call's controls, closed until pressed, between the timer's controls and Devices", () => {
    const { mount, toggle, pad } = panel();
    const names = Array.from(mount.querySelectorAll('[role="toolbar"] button'), (b) => b.getAttribute("aria-label"));
    expect(names).toEqual(["Mute microphone", "Keypad", "Devices", "Hang up"]);
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(toggle.getAttribute("aria-controls")).toBe(pad.id);
    expect(pad.hidden).toBe(true);
  });

  it("opens in telephone order with the focus on its first key, and closes again", () => {
    const { toggle, pad, shown } = panel();
    toggle.click();
    expect(pad.hidden).toBe(false);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    // Each key is named by its digit alone (the letters under 2–9 are hidden from screen readers).
    const names = Array.from(pad.querySelectorAll("button"), (b) =>
      b.textContent!.replace(b.querySelector("[aria-hidden]")?.textContent ?? "", ""),
    );
    expect(names).toEqual([..."123456789*0#"]);
    expect(pad.querySelectorAll("button:not([aria-label]) small[aria-hidden=true]")).toHaveLength(8);
    expect((pad.getRootNode() as Document).activeElement?.getAttribute("data-digit")).toBe("1");
    toggle.click();
    expect(pad.hidden).toBe(true);
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    shown.remove();
  });

  it("reports each clicked key with its code and shows what was typed", () => {
    const { toggle, key, onDigit, display } = panel();
    toggle.click();
    for (const digit of ["1", "2", "#", "*", "0"]) key(digit).click();
    expect(onDigit.mock.calls).toEqual([
      ["1", 1],
      ["2", 2],
      ["#", 11],
      ["*", 10],
      ["0", 0],
    ]);
    expect(display()).toBe("12#*0");
  });

  it("takes the keyboard's digit, * and # keys while the pad is open — not letters, not chords, not when closed", () => {
    const { toggle, onDigit, display, type, mount } = panel();
    const inPanel = mount.querySelector('[role="toolbar"] button')!;
    expect(type("5", {}, inPanel)).toBe(false); // closed: the key is the page's
    toggle.click();
    expect(type("7")).toBe(true);
    expect(type("#", { shiftKey: true })).toBe(true); // # and * need Shift on most layouts
    expect(type("a")).toBe(false);
    expect(type("1", { ctrlKey: true })).toBe(false); // a shortcut, not a tone
    expect(onDigit.mock.calls).toEqual([
      ["7", 7],
      ["#", 11],
    ]);
    expect(display()).toBe("7#");
  });

  it("closes with Escape and gives the focus back to the Keypad button", () => {
    const { toggle, pad, type } = panel();
    toggle.click();
    expect(type("Escape")).toBe(false);
    expect(pad.hidden).toBe(true);
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect((pad.getRootNode() as Document).activeElement).toBe(toggle);
  });

  it("keeps the last 24 digits typed on the display", () => {
    const { toggle, key, display, onDigit } = panel();
    toggle.click();
    for (let i = 0; i < 30; i++) key(String(i % 10)).click();
    expect(onDigit).toHaveBeenCalledTimes(30); // every press is sent
    expect(display()).toBe("678901234567890123456789");
  });
});
