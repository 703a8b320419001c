/**
 * Card numbers (PANs) out of text, before anything is stored, forwarded, logged or routed on. A PAN is
 * a Luhn-valid run of 13–19 digits, written together or in groups split by single spaces or dashes
 * ("4111 1111 1111 1111", "4111-1111-1111-1111"). Every digit but the last four is replaced with `*`;
 * separators stay, so the agent still sees that a card number was there and which one it was.
 *
 * A run of digit groups longer than 19 digits (a card number followed by an expiry, say) is searched
 * for a card number starting and ending at group boundaries; a single group longer than 19 digits is
 * searched at every offset. Masking too much is the safe side: a masked order number costs a question,
 * a stored card number costs a PCI audit.
 */

/** Digit groups joined by single spaces or dashes, not glued to other digits or letters. */
const DIGIT_RUN = /(?<![\p{L}\p{N}])\d+(?:[ -]\d+)*(?![\p{L}\p{N}])/gu;

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
const KEEP_LAST = 4;

/**
 * Whether the digits pass the Luhn check (every second digit from the right doubled).
 * @example luhnValid("4111111111111111") // true
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Positions (in the run's digits-only string) of the card numbers in one run: [start, end) pairs. */
function cardWindows(groups: readonly string[]): [number, number][] {
  const digits = groups.join("");
  // Where a card number may start and end: group boundaries, or anywhere inside one over-long group.
  const cuts = new Set<number>([0]);
  let at = 0;
  for (const group of groups) {
    if (group.length > MAX_DIGITS) for (let i = 1; i < group.length; i++) cuts.add(at + i);
    at += group.length;
    cuts.add(at);
  }
  const found: [number, number][] = [];
  for (let start = 0; start < digits.length; start++) {
    if (!cuts.has(start)) continue;
    // The longest valid number from here wins.
    for (let end = Math.min(digits.length, start + MAX_DIGITS); end >= start + MIN_DIGITS; end--) {
      if (cuts.has(end) && luhnValid(digits.slice(start, end))) {
        found.push([start, end]);
        start = end - 1;
        break;
      }
    }
  }
  return found;
}

/** Masks one run: digits inside a card window, except its last four, become `*`. */
function maskRun(run: string): string {
  const groups = run.split(/[ -]/);
  const windows = cardWindows(groups);
  if (windows.length === 0) return run;
  let digitIndex = 0;
  let out = "";
  for (const ch of run) {
    if (ch === " " || ch === "-") {
      out += ch;
      continue;
    }
    const inside = windows.some(([start, end]) => digitIndex >= start && digitIndex < end - KEEP_LAST);
    out += inside ? "*" : ch;
    digitIndex++;
  }
  return out;
}

/**
 * The text with every card number masked.
 * @example redactCardNumbers("my card is 4111 1111 1111 1111, exp 12/29") // "my card is **** **** **** 1111, exp 12/29"
 */
export function redactCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, (run) => (run.replace(/\D/g, "").length < MIN_DIGITS ? run : maskRun(run)));
}

/**
 * A JSON-like value with every string in it redacted (keys included), for message and task attributes.
 * @example redactDeep({ note: "4111111111111111" }) // { note: "************1111" }
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redactCardNumbers(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[redactCardNumbers(key)] = redactDeep(item);
    return out as T;
  }
  return value;
}
