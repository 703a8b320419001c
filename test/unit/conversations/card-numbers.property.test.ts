/**
 * Volume tests of free-text masking: real card numbers of every network in the table (its prefixes and
 * lengths, a Luhn check digit), in any grouping, separators and digit script, are always masked down
 * to their last four digits; E.164 phone numbers, written together or grouped, never are.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CARD_BRANDS } from "../../../durable-objects/common/card-brands";
import { luhnValid, redactCardNumbers } from "../../../durable-objects/common/card-numbers";

/** Digit zeros of the scripts a customer may type in: ASCII, full-width, Arabic-Indic, Persian, Devanagari. */
const ZEROS = [0x30, 0xff10, 0x0660, 0x06f0, 0x0966];
/** ASCII digits in a text rewritten in the script whose zero is `zero`. */
const inScript = (text: string, zero: number) => text.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));

/** Separator runs between groups: one or several of the characters the masking must see through. */
const SEPARATORS = [
  " ",
  "  ",
  "\u00A0",
  "\u202F",
  "\u2007",
  "\t",
  "\n",
  "\r\n",
  ".",
  ",",
  "/",
  "_",
  "-",
  "\u2010",
  "\u2013",
  "\u2014",
  "\u2212",
  "\u200B",
  "\u200C",
  "\u200D",
  "\u2060",
  "\uFEFF",
  " - ",
  ". ",
];

const digitString = (length: number) =>
  fc.array(fc.constantFrom(..."0123456789"), { minLength: length, maxLength: length }).map((digits) => digits.join(""));

function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}

/** A card number a network could issue: a prefix from its ranges, one of its lengths, Luhn-valid. */
const cardNumber = fc
  .constantFrom(...CARD_BRANDS)
  .chain((brand) =>
    fc.tuple(
      fc.constant(brand.brand),
      fc.constantFrom(...brand.prefixes).chain(([from, to]) => fc.integer({ min: Number(from), max: Number(to) }).map(String)),
      fc.constantFrom(...brand.lengths.filter((length) => length >= 13)),
    ),
  )
  .chain(([brand, prefix, length]) =>
    digitString(length - prefix.length - 1).map((middle) => ({ brand, digits: withCheckDigit(prefix + middle) })),
  );

/** The digits cut into groups of 1–7, joined by separator runs. */
const written = (digits: string) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 19 }),
      fc.array(fc.constantFrom(...SEPARATORS), { minLength: 19, maxLength: 19 }),
      fc.boolean(),
    )
    .map(([sizes, separators, together]) => {
      if (together) return digits;
      const groups: string[] = [];
      for (let at = 0, i = 0; at < digits.length; i++) {
        const size = sizes[i % sizes.length]!;
        groups.push(digits.slice(at, at + size));
        at += size;
      }
      return groups.map((group, i) => (i === 0 ? group : separators[i % separators.length]! + group)).join("");
    });

/** The text's decimal digits (of the scripts above) as ASCII, in order. */
function digitsOf(text: string): string {
  const values = Array.from(text.matchAll(/\p{Nd}/gu), ([d]) => {
    const code = d.codePointAt(0)!;
    return code - ZEROS.find((zero) => code >= zero && code < zero + 10)!;
  });
  return values.join("");
}

describe("card numbers of every network, however written", () => {
  it("are masked down to their last four digits", () => {
    fc.assert(
      fc.property(
        cardNumber.chain((card) => fc.tuple(fc.constant(card), written(card.digits), fc.constantFrom(...ZEROS))),
        ([card, text, zero]) => {
          const message = `Hi, my card is ${inScript(text, zero)} — thanks!`;
          const redacted = redactCardNumbers(message);
          expect(digitsOf(redacted)).toBe(card.digits.slice(-4));
          expect(redacted).toHaveLength(message.length);
          expect(redacted.startsWith("Hi, my card is ")).toBe(true);
        },
      ),
      { numRuns: 5000, seed: 42 },
    );
  }, 60_000);
});

describe("phone numbers in E.164", () => {
  const COUNTRY_CODES = [
    "1",
    "7",
    "20",
    "27",
    "30",
    "39",
    "44",
    "49",
    "52",
    "55",
    "61",
    "65",
    "81",
    "86",
    "91",
    "234",
    "351",
    "380",
    "420",
    "852",
    "880",
    "966",
    "971",
    "998",
  ];
  const e164 = fc
    .constantFrom(...COUNTRY_CODES)
    .chain((cc) =>
      fc
        .integer({ min: Math.max(1, 8 - cc.length), max: 15 - cc.length })
        .chain((n) => digitString(n).map((national) => ({ cc, national }))),
    );

  it("are never masked, written together or grouped", () => {
    fc.assert(
      fc.property(e164, fc.integer({ min: 2, max: 4 }), fc.constantFrom(" ", "-", ".", "\u00A0"), ({ cc, national }, size, separator) => {
        const together = `call me on +${cc}${national} please`;
        expect(redactCardNumbers(together)).toBe(together);
        const groups = national.match(new RegExp(`.{1,${size}}`, "g")) ?? [];
        const grouped = `call me on +${cc} ${groups.join(separator)} please`;
        expect(redactCardNumbers(grouped)).toBe(grouped);
      }),
      { numRuns: 5000, seed: 43 },
    );
  }, 60_000);
});
