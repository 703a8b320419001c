/**
 * Which digit strings an issuer could have printed on a card: the issuer identification number (IIN)
 * ranges and card lengths of the networks a customer may type, from the networks' published ranges
 * (ISO/IEC 7812 numbering). card-numbers.ts masks a number only when it fits a row here AND passes
 * Luhn; the table keeps customer IDs, order numbers and phone numbers that merely pass Luhn unmasked.
 *
 * Left out on purpose: UATP (airline cards starting with 1 — also the first digit of every North
 * American phone number and of most Messenger and Instagram sender IDs), and private-label ranges.
 * Ranges overlap (Maestro's 56–69 covers Discover's and UnionPay's); that only means several rows
 * agree. Adding a network is adding a row.
 */

export type CardBrand =
  "Visa" | "Mastercard" | "American Express" | "Discover" | "JCB" | "Diners Club" | "UnionPay" | "Maestro" | "Mir" | "RuPay" | "Troy";

interface BrandRow {
  readonly brand: CardBrand;
  /** Inclusive prefix ranges, both ends with the same number of digits. */
  readonly prefixes: readonly (readonly [from: string, to: string])[];
  readonly lengths: readonly number[];
}

const upTo19 = (from: number): number[] => Array.from({ length: 20 - from }, (_, i) => from + i);

export const CARD_BRANDS: readonly BrandRow[] = [
  { brand: "Visa", prefixes: [["4", "4"]], lengths: [13, 16, 19] },
  {
    brand: "Mastercard",
    prefixes: [
      ["51", "55"],
      ["2221", "2720"],
    ],
    lengths: [16],
  },
  {
    brand: "American Express",
    prefixes: [
      ["34", "34"],
      ["37", "37"],
    ],
    lengths: [15],
  },
  {
    brand: "Discover",
    prefixes: [
      ["6011", "6011"],
      ["644", "649"],
      ["65", "65"],
      ["622126", "622925"],
    ],
    lengths: upTo19(16),
  },
  { brand: "JCB", prefixes: [["3528", "3589"]], lengths: upTo19(16) },
  {
    brand: "Diners Club",
    prefixes: [
      ["300", "305"],
      ["3095", "3095"],
      ["36", "36"],
      ["38", "39"],
    ],
    lengths: upTo19(14),
  },
  { brand: "UnionPay", prefixes: [["62", "62"]], lengths: upTo19(16) },
  {
    // Maestro's own lengths start at 12; fewer than 13 digits are never masked (MIN_CARD_DIGITS).
    brand: "Maestro",
    prefixes: [
      ["50", "50"],
      ["56", "69"],
    ],
    lengths: upTo19(13),
  },
  { brand: "Mir", prefixes: [["2200", "2204"]], lengths: upTo19(16) },
  {
    brand: "RuPay",
    prefixes: [
      ["60", "60"],
      ["65", "65"],
      ["81", "82"],
      ["508", "508"],
    ],
    lengths: [16],
  },
  { brand: "Troy", prefixes: [["9792", "9792"]], lengths: [16] },
];

export const MIN_CARD_DIGITS = 13;
export const MAX_CARD_DIGITS = 19;

/** The table as numbers, for the masking loop: each range scaled to six digits, its lengths as bits. */
const RANGES = CARD_BRANDS.flatMap((row) =>
  row.prefixes.map(([from, to]) => ({
    brand: row.brand,
    low: Number(from.padEnd(6, "0")),
    high: Number(to.padEnd(6, "9")),
    lengths: row.lengths.reduce((bits, length) => bits | (1 << length), 0),
  })),
);

/**
 * The card lengths (bit n set: n digits) some network issues under a number's first six digits.
 * @example cardLengths(411111) & (1 << 16) // non-zero: Visa issues 16 digits
 */
export function cardLengths(firstSix: number): number {
  let bits = 0;
  for (const range of RANGES) if (firstSix >= range.low && firstSix <= range.high) bits |= range.lengths;
  return bits;
}

/**
 * The network whose ranges hold a number of `length` digits starting with `digits` (its first six are
 * enough), or null. Luhn is not checked here.
 * @example cardBrand("378282246310005") // "American Express"
 * @example cardBrand("3782822463100051") // null: American Express numbers have 15 digits
 */
export function cardBrand(digits: string, length = digits.length): CardBrand | null {
  if (!/^\d{6}/.test(digits)) return null;
  const firstSix = Number(digits.slice(0, 6));
  const range = RANGES.find((r) => firstSix >= r.low && firstSix <= r.high && (r.lengths & (1 << length)) !== 0);
  return range?.brand ?? null;
}
