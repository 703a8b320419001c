/**
 * Card numbers (PANs) out of free text, before anything is stored, forwarded, logged or routed on.
 *
 * What counts as a card number: 13–19 digits that start with a real issuer's prefix (IIN), have a length
 * that issuer uses (the table in card-brands.ts) and pass the Luhn check — all three, because a Luhn
 * check alone passes one number in ten: customer IDs, order numbers, phone numbers. The digits may be
 * any Unicode decimal digits (full-width, Arabic-Indic, Devanagari …) and may be split into groups by
 * any run of separators: spaces of every kind, tabs, line breaks, dots, commas, slashes, underscores,
 * hyphens and dashes, and invisible characters (zero-width spaces and joiners, BOM, bidi marks).
 *
 * What does not: digits glued to letters or other digits ("AB4111…", an ID), next to an `@` (an email
 * address), or within the first 15 digits after a `+`. Letters of scripts written without spaces
 * between words (Chinese, Japanese, Korean particles, Thai, Lao, Khmer, Myanmar) do not glue:
 * "カード番号は４１１１…です" is a sentence, not an ID. A `+` and digits is how a phone number is
 * written (E.164, at most 15 digits, however they are grouped), and nobody types a `+` before their
 * card number: "+4915100000160" passes Luhn and starts like a Visa, and is a German mobile number.
 * What goes past those 15 digits is searched as usual — so a card number written after a phone number
 * is masked, and so is "+4111111111111111": no phone number has 16 digits, and masking it loses nothing.
 *
 * Masking happens in the original text: every digit of the card number but the last four becomes `*`,
 * and separators and the last four stay as they were written, so the agent still sees that a card
 * number was there and which one it was. Runs are found by one linear regular expression; inside a
 * run, only windows of 13–19 digits are checked, so even 100 KB of digits costs a few passes.
 *
 * Only free text comes here: message bodies, subjects, names people typed, attribute values. Addresses
 * (phones, WhatsApp IDs, Messenger and Instagram sender IDs, emails) and provider IDs never do — see
 * redactDeep (card-attributes.ts) for how attributes keep them.
 */
import { MAX_CARD_DIGITS, MIN_CARD_DIGITS, cardBrand, cardLengths } from "./card-brands";

export { cardBrand, type CardBrand } from "./card-brands";

/** Separators allowed between digit groups; a run of any of them (doubled, mixed) is one gap. */
const SEPARATOR =
  "[\\p{Zs}\\p{Zl}\\p{Zp}\\p{Cf}\\p{Pd}\\t\\n\\v\\f\\r\\u2212.,/_\\u060C\\u066B\\u066C\\u2024\\u2044\\u2215\\uFF0C\\uFF0E\\uFF0F\\uFF3F]";

/** What digits of an ID are glued to: other digits, an `@`, letters of scripts that put spaces between words. */
const GLUE =
  "(?:[\\p{N}@]|(?![\\p{scx=Han}\\p{scx=Hira}\\p{scx=Kana}\\p{scx=Hang}\\p{scx=Thai}\\p{scx=Laoo}\\p{scx=Khmr}\\p{scx=Mymr}])\\p{L})";

/** Digit groups and the separators between them, not glued to anything on either side. */
const DIGIT_RUN = new RegExp(`(?<!${GLUE})\\p{Nd}+(?:${SEPARATOR}+\\p{Nd}+)*(?!${GLUE})`, "gu");

const DECIMAL_DIGIT = /^\p{Nd}$/u;
const KEEP_LAST = 4;
/** The longest phone number (ITU-T E.164). */
const E164_MAX_DIGITS = 15;

/** Digit values of non-ASCII decimal digits, found once each. */
const digitValues = new Map<number, number>();

/**
 * The value of a decimal digit of any script, -1 for anything else. Unicode encodes every script's
 * digits as one contiguous run 0…9 (some scripts several runs back to back), so the value is how far
 * the character is from the start of its run, modulo 10.
 */
function digitValue(char: string): number {
  const code = char.codePointAt(0)!;
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const known = digitValues.get(code);
  if (known !== undefined) return known;
  let value = -1;
  if (DECIMAL_DIGIT.test(char)) {
    let back = 0;
    while (DECIMAL_DIGIT.test(String.fromCodePoint(code - back - 1))) back++;
    value = back % 10;
  }
  digitValues.set(code, value);
  return value;
}

/** A digit doubled for Luhn, its two digits added. */
const DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/**
 * Whether the digits pass the Luhn check (every second digit from the right doubled).
 * @example luhnValid("4111111111111111") // true
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    const d = digits.charCodeAt(i) - 48;
    sum += double ? DOUBLED[d]! : d;
  }
  return sum % 10 === 0;
}

/**
 * Whether a string of ASCII digits is a card number: an issuer's prefix and length, and Luhn.
 * @example isCardNumber("4111111111111111") // true
 * @example isCardNumber("1111111111111117") // false: Luhn-valid, but no issuer starts with 1
 */
export function isCardNumber(digits: string): boolean {
  return /^\d+$/.test(digits) && cardBrand(digits) !== null && luhnValid(digits);
}

/**
 * Luhn sums of every window of a digit string in O(1) each: per index parity, running sums of the
 * digits as they are and as doubled. In a window the last digit is taken as it is, the one before it
 * doubled, and so on, so which sum a digit counts in depends only on its parity against the window's end.
 */
function luhnSums(digits: readonly number[]): (start: number, end: number) => number {
  const n = digits.length;
  const plain = [new Int32Array(n + 1), new Int32Array(n + 1)];
  const doubled = [new Int32Array(n + 1), new Int32Array(n + 1)];
  for (let i = 0; i < n; i++) {
    const own = i % 2;
    const other = 1 - own;
    plain[own]![i + 1] = plain[own]![i]! + digits[i]!;
    doubled[own]![i + 1] = doubled[own]![i]! + DOUBLED[digits[i]!]!;
    plain[other]![i + 1] = plain[other]![i]!;
    doubled[other]![i + 1] = doubled[other]![i]!;
  }
  return (start, end) => {
    const last = (end - 1) % 2;
    return plain[last]![end]! - plain[last]![start]! + doubled[1 - last]![end]! - doubled[1 - last]![start]!;
  };
}

/**
 * Which digits of one run to mask: for every window of 13–19 digits that starts and ends at group
 * boundaries (anywhere inside a group longer than 19 digits) and is a card number, all its digits but
 * the last four. Overlapping windows are all masked — the safe side when numbers touch. After a `+`,
 * windows within the first 15 digits are the phone number.
 */
function maskedDigits(digits: readonly number[], groupStarts: readonly number[], afterPlus: boolean): boolean[] {
  const phoneDigits = afterPlus ? E164_MAX_DIGITS : 0;
  const n = digits.length;
  const cut = new Uint8Array(n + 1);
  cut[n] = 1;
  for (let g = 0; g < groupStarts.length; g++) {
    const start = groupStarts[g]!;
    const end = groupStarts[g + 1] ?? n;
    cut[start] = 1;
    if (end - start > MAX_CARD_DIGITS) cut.fill(1, start + 1, end);
  }
  const luhn = luhnSums(digits);
  const depth = new Int32Array(n + 1);
  let found = false;
  for (let start = 0; start + MIN_CARD_DIGITS <= n; start++) {
    if (!cut[start] || digits[start] === 0) continue;
    let firstSix = 0;
    for (let i = start; i < start + 6; i++) firstSix = firstSix * 10 + digits[i]!;
    const lengths = cardLengths(firstSix);
    if (lengths === 0) continue;
    for (let length = MIN_CARD_DIGITS; length <= MAX_CARD_DIGITS && start + length <= n; length++) {
      const end = start + length;
      if (end <= phoneDigits || !cut[end] || (lengths & (1 << length)) === 0 || luhn(start, end) % 10 !== 0) continue;
      depth[start]!++;
      depth[end - KEEP_LAST]!--;
      found = true;
    }
  }
  const masked = new Array<boolean>(n).fill(false);
  if (!found) return masked;
  for (let i = 0, open = 0; i < n; i++) {
    open += depth[i]!;
    masked[i] = open > 0;
  }
  return masked;
}

/** One run of digit groups with its card numbers masked (or the run itself when it has none). */
function maskRun(run: string, afterPlus: boolean): string {
  const chars = Array.from(run);
  const charValues = chars.map(digitValue);
  const values: number[] = [];
  const groupStarts: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const value = charValues[i]!;
    if (value < 0) continue;
    if (i === 0 || charValues[i - 1]! < 0) groupStarts.push(values.length);
    values.push(value);
  }
  if (values.length < MIN_CARD_DIGITS) return run;
  const masked = maskedDigits(values, groupStarts, afterPlus);
  if (!masked.includes(true)) return run;
  let digit = 0;
  return chars.map((char, i) => (charValues[i]! < 0 ? char : masked[digit++] ? "*" : char)).join("");
}

/**
 * The text with every card number masked, in place.
 * @example redactCardNumbers("my card is 4111 1111 1111 1111, exp 12/29") // "my card is **** **** **** 1111, exp 12/29"
 * @example redactCardNumbers("call +4915100000160") // unchanged: a phone number
 */
export function redactCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, (run: string, offset: number) => {
    const before = text[offset - 1];
    return maskRun(run, before === "+" || before === "\uFF0B");
  });
}
