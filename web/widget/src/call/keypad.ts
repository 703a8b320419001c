/**
 * The call's keypad (in the call chunk, under the call's controls): twelve keys — 1–9, *, 0, # — that a
 * team's phone menu listens to, and the digits typed so far. A press (a click, or the keyboard's digit,
 * `*` and `#` keys while the pad is open and the focus is in the call's panel) is reported with its RFC 4733
 * event code, which call/index.ts sends into the room as a LiveKit DTMF packet (`publishDtmf`); the flow's
 * voice hears it there. It renders and reports; the room is call/index.ts's.
 */
import { callTexts as t } from "../texts";

/** A key of the pad. */
export type Digit = "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "*" | "0" | "#";

/** The pad's keys in their telephone order: three columns, four rows. */
export const DIGITS: readonly Digit[] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

/** The letters under a key, as on a phone (shown only, `aria-hidden`: the key's name is its digit). */
const LETTERS: Partial<Record<Digit, string>> = { 2: "ABC", 3: "DEF", 4: "GHI", 5: "JKL", 6: "MNO", 7: "PQRS", 8: "TUV", 9: "WXYZ" };

/** How many typed digits the display keeps (the oldest scroll off; a menu wants a few). */
const SHOWN = 24;

/**
 * A key's RFC 4733 telephone-event code: 0–9 are themselves, `*` is 10, `#` is 11.
 * @example dtmfCode("7") // 7; dtmfCode("*") // 10; dtmfCode("#") // 11
 */
export function dtmfCode(digit: Digit): number {
  switch (digit) {
    case "*":
      return 10;
    case "#":
      return 11;
    default:
      return Number(digit);
  }
}

/**
 * The key a keyboard's key stands for, or null (letters, Enter, a held modifier's chord).
 * @example digitOf("5") // "5"; digitOf("#") // "#"; digitOf("a") // null
 */
export function digitOf(key: string): Digit | null {
  return (DIGITS as readonly string[]).includes(key) ? (key as Digit) : null;
}

export const keypadStyles = `
.keypad{display:flex;flex-direction:column;gap:6px;align-items:center;padding:4px 0}
.keypad output{min-height:24px;font:600 18px/24px ui-monospace,monospace;letter-spacing:2px;max-width:100%;overflow:hidden;white-space:nowrap}
.keys{display:grid;grid-template-columns:repeat(3,56px);gap:6px}
.keys button{height:40px;border-radius:8px;background:#30363d;color:#f0f6fc;font-size:18px;font-weight:600;line-height:1;display:flex;flex-direction:column;align-items:center;justify-content:center}
.keys button:active{background:#484f58}
.keys small{font-size:9px;font-weight:400;letter-spacing:1px;opacity:.7}
`;

export class Keypad {
  readonly root = document.createElement("div");
  private readonly display = document.createElement("output");
  private typed = "";

  constructor(private readonly onDigit: (digit: Digit, code: number) => void) {
    this.root.className = "keypad";
    this.root.id = "sb-keypad";
    this.root.hidden = true;
    this.root.setAttribute("role", "group");
    this.root.setAttribute("aria-label", t.keypad);
    this.display.setAttribute("aria-label", t.typedDigits);
    this.display.setAttribute("aria-live", "polite");
    const keys = document.createElement("div");
    keys.className = "keys";
    for (const digit of DIGITS) {
      const key = document.createElement("button");
      key.type = "button";
      key.dataset.digit = digit;
      key.textContent = digit;
      const letters = LETTERS[digit];
      if (letters) {
        const small = document.createElement("small");
        small.setAttribute("aria-hidden", "true");
        small.textContent = letters;
        key.append(small);
      }
      key.addEventListener("click", () => this.press(digit));
      keys.append(key);
    }
    this.root.append(this.display, keys);
  }

  get open(): boolean {
    return !this.root.hidden;
  }

  /** Opens or closes the pad; opening puts the focus on its first key. Answers whether it is open. */
  toggle(open = !this.open): boolean {
    this.root.hidden = !open;
    if (open) this.root.querySelector("button")?.focus();
    return open;
  }

  /**
   * A key from the keyboard (the panel's keydown): pressed when the pad is open and it is one of the pad's,
   * answering whether it was taken (the caller then stops the browser doing anything else with it).
   */
  key(event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">): boolean {
    const digit = this.open && !event.ctrlKey && !event.metaKey && !event.altKey ? digitOf(event.key) : null;
    if (digit === null) return false;
    this.press(digit);
    return true;
  }

  /** What the display shows: the digits typed on this call so far (the last {@link SHOWN}). */
  get digits(): string {
    return this.typed;
  }

  private press(digit: Digit): void {
    this.typed = (this.typed + digit).slice(-SHOWN);
    this.display.textContent = this.typed;
    this.onDigit(digit, dtmfCode(digit));
  }
}
