// Card numbers in free text: what is masked (any separator, any decimal digits, in the original text)
// and what is not (Luhn-valid numbers no issuer uses, phone numbers written with +, emails).
import { describe, expect, it } from "vitest";
import { cardBrand, isCardNumber, luhnValid, redactCardNumbers } from "../../../durable-objects/common/card-numbers";

describe("luhnValid", () => {
  it.each([
    ["4111111111111111", true], // Visa test number
    ["4111111111111112", false], // last digit off by one
    ["378282246310005", true], // Amex, 15 digits
    ["6011111111111117", true], // Discover
    ["4222222222222", true], // 13-digit Visa
    ["0", true],
  ])("%s → %s", (digits, expected) => expect(luhnValid(digits)).toBe(expected));
});

describe("cardBrand and isCardNumber", () => {
  it.each([
    // the networks' published test numbers, each Luhn-valid
    ["4111111111111111", "Visa"],
    ["4222222222222", "Visa"], // 13 digits
    ["5555555555554444", "Mastercard"],
    ["2222420000001113", "Mastercard"], // the 2221–2720 range
    ["378282246310005", "American Express"],
    ["6011111111111117", "Discover"],
    ["3530111333300000", "JCB"],
    ["30569309025904", "Diners Club"], // 14 digits
    ["36227206271667", "Diners Club"],
    ["6200000000000005", "UnionPay"],
    ["6759649826438453", "Maestro"],
    ["2200000000000004", "Mir"],
    ["9792111111111116", "Troy"],
  ])("%s is %s", (digits, brand) => {
    expect(cardBrand(digits)).toBe(brand);
    expect(isCardNumber(digits)).toBe(true);
  });

  it.each([
    ["1111111111111117", "no issuer starts with 1 (UATP is left out)"],
    ["8311111111111110", "no issuer starts with 83"],
    ["17841400000000009", "an Instagram-style ID: starts with 1"],
    ["34111111111111118", "American Express prefix, but 17 digits (Amex has 15)"],
    ["511111111111115", "Mastercard prefix, but 15 digits (Mastercard has 16)"],
    ["41111111111114", "Visa prefix, but 14 digits (Visa has 13, 16 or 19)"],
  ])("%s is Luhn-valid but not a card number: %s", (digits) => {
    expect(luhnValid(digits)).toBe(true);
    expect(isCardNumber(digits)).toBe(false);
  });
});

describe("redactCardNumbers", () => {
  it.each([
    // written together, spaced, dashed: all but the last four digits masked, separators kept
    ["4111111111111111", "************1111"],
    ["card 4111 1111 1111 1111 thanks", "card **** **** **** 1111 thanks"],
    ["4111-1111-1111-1111", "****-****-****-1111"],
    ["amex 3782 822463 10005.", "amex **** ****** *0005."],
    // 19 digits: with 19 the odd positions from the left are doubled: 6 + 1 + 1·2 = 9, so the check digit is 1
    ["6011000000000000001", "***************0001"],
    // a card number followed by more digit groups (an expiry and CVV): found at group boundaries
    ["4111 1111 1111 1111 1229 123", "**** **** **** 1111 1229 123"],
    // a phone number, then a card number: the phone is left, the card is masked
    ["+4915100000160 4111111111111111", "+4915100000160 ************1111"],
    ["+49 151 0000 0160, 4111 1111 1111 1111", "+49 151 0000 0160, **** **** **** 1111"],
    // no phone number has 16 digits (E.164 stops at 15): a + does not protect a card number
    ["+4111111111111111", "+************1111"],
  ])("%s", (text, expected) => expect(redactCardNumbers(text)).toBe(expected));

  // Every separator the issue lists, between the four groups of 4111 1111 1111 1111.
  const groups = (separator: string) => ["4111", "1111", "1111", "1111"].join(separator);
  const masked = (separator: string) => ["****", "****", "****", "1111"].join(separator);
  it.each([
    ["a space", " "],
    ["a double space", "  "],
    ["a no-break space (U+00A0)", "\u00A0"],
    ["a narrow no-break space (U+202F)", "\u202F"],
    ["a figure space (U+2007)", "\u2007"],
    ["an em space (U+2003)", "\u2003"],
    ["an ideographic space (U+3000)", "\u3000"],
    ["a tab", "\t"],
    ["a newline", "\n"],
    ["CR LF", "\r\n"],
    ["a blank line", "\n\n"],
    ["a dot", "."],
    ["two dots", ".."],
    ["a comma", ","],
    ["a comma and a space", ", "],
    ["a slash", "/"],
    ["an underscore", "_"],
    ["a hyphen-minus", "-"],
    ["a double hyphen", "--"],
    ["a hyphen (U+2010)", "\u2010"],
    ["a non-breaking hyphen (U+2011)", "\u2011"],
    ["a figure dash (U+2012)", "\u2012"],
    ["an en dash (U+2013)", "\u2013"],
    ["an em dash (U+2014)", "\u2014"],
    ["a horizontal bar (U+2015)", "\u2015"],
    ["a minus sign (U+2212)", "\u2212"],
    ["a spaced en dash", " \u2013 "],
    ["a zero-width space (U+200B)", "\u200B"],
    ["a zero-width non-joiner (U+200C)", "\u200C"],
    ["a zero-width joiner (U+200D)", "\u200D"],
    ["a word joiner (U+2060)", "\u2060"],
    ["a byte order mark (U+FEFF)", "\uFEFF"],
    ["a space and a zero-width space", " \u200B"],
    ["a full-width full stop (U+FF0E)", "\uFF0E"],
    ["an Arabic thousands separator (U+066C)", "\u066C"],
  ])("masks a card number split by %s", (_what, separator) => {
    expect(redactCardNumbers(`card: ${groups(separator)} ok`)).toBe(`card: ${masked(separator)} ok`);
  });

  it.each([
    [
      "zero-width spaces between every digit",
      "4\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1\u200B1",
      "*\u200B*\u200B*\u200B*\u200B*\u200B*\u200B*\u200B*\u200B*\u200B*\u200B*\u200B*\u200B1\u200B1\u200B1\u200B1",
    ],
    ["full-width digits (U+FF10–FF19)", "４１１１ １１１１ １１１１ １１１１", "**** **** **** １１１１"],
    ["full-width digits written together", "４１１１１１１１１１１１１１１１", "************１１１１"],
    ["Arabic-Indic digits (U+0660–0669)", "٤١١١ ١١١١ ١١١١ ١١١١", "**** **** **** ١١١١"],
    ["Extended Arabic-Indic digits (U+06F0–06F9)", "۴۱۱۱-۱۱۱۱-۱۱۱۱-۱۱۱۱", "****-****-****-۱۱۱۱"],
    ["Devanagari digits", "४१११ ११११ ११११ ११११", "**** **** **** ११११"],
    ["ASCII and Arabic-Indic digits mixed", "4111 ١١١١ 1111 ١١١١", "**** **** **** ١١١١"],
    ["Japanese, glued to the words around it", "カード番号は４１１１１１１１１１１１１１１１です", "カード番号は************１１１１です"],
    ["Chinese, glued to the words around it", "我的卡号是4111 1111 1111 1111谢谢", "我的卡号是**** **** **** 1111谢谢"],
    ["Korean, with a particle glued after it", "카드번호 4111111111111111입니다", "카드번호 ************1111입니다"],
    ["Thai, glued to the words around it", "บัตร4111111111111111ครับ", "บัตร************1111ครับ"],
    ["Mastercard in full-width digits with full-width slashes", "５５５５／５５５５／５５５５／４４４４", "****／****／****／４４４４"],
  ])("masks a card number in %s, in the original characters", (_what, text, expected) => {
    expect(redactCardNumbers(text)).toBe(expected);
  });

  it.each([
    ["Luhn-invalid", "4111 1111 1111 1112"],
    ["too short (12 digits)", "4111 1111 1111"],
    ["a phone number", "call me on +44 20 7946 0958"],
    ["an E.164 number that passes Luhn", "call me on +4915100000160"],
    ["a WhatsApp address", "whatsapp:+4915100000160"],
    ["a phone number in groups", "+49 151 0000 0160"],
    ["a phone number of 15 digits whose last 13 pass as a Visa", "+97 4222222222222 and +1 4222222222222"],
    ["a full-width plus", "＋4915100000160"],
    ["a Luhn-valid number no issuer uses", "customer 1111111111111117"],
    ["a Luhn-valid number of a wrong length for its prefix", "ref 34111111111111118"],
    ["an Instagram-style ID", "IGSID 17841400000000009"],
    ["an order number with letters", "order AB4111111111111111"],
    ["an email address", "write to 4111111111111111@example.com"],
    ["a date and time", "2026-11-25 16:58"],
    ["an amount", "1,234,567,890.12"],
    ["empty", ""],
  ])("leaves %s alone", (_what, text) => expect(redactCardNumbers(text)).toBe(text));

  it("finds a card number glued inside a longer digit string (searched at every offset)", () => {
    const redacted = redactCardNumbers("ref 77774111111111111111");
    expect(redacted).not.toContain("4111111111111111");
    expect(redacted).toHaveLength("ref 77774111111111111111".length);
    expect(redacted).toMatch(/^ref [*\d]+$/);
  });

  it("masks every card number in a text, not only the first", () => {
    expect(redactCardNumbers("old 4111111111111111 new 5555555555554444")).toBe("old ************1111 new ************4444");
  });

  it("masks two card numbers written one after the other in one run of digit groups", () => {
    // one run, two windows at its group boundaries: [0, 16) and [16, 32)
    expect(redactCardNumbers("4111111111111111 5555555555554444")).toBe("************1111 ************4444");
  });

  it("is idempotent: redacting twice changes nothing more", () => {
    const once = redactCardNumbers("4111 1111 1111 1111 and ４１１１１１１１１１１１１１１１");
    expect(redactCardNumbers(once)).toBe(once);
  });

  it.each([
    ["100 KB of one digit", "4".repeat(100_000)],
    ["100 KB of digits and spaces", "4 ".repeat(50_000)],
    ["100 KB of digits and dots", "41.".repeat(33_333)],
    ["100 KB of separators between two digits", "4" + " \u200B".repeat(50_000) + "1"],
    ["100 KB of digits glued to a letter at the end", "1".repeat(100_000) + "x"],
    ["100 KB of digits and letters", "4a".repeat(50_000)],
  ])("handles %s in one pass, keeping its length", (_what, text) => {
    const redacted = redactCardNumbers(text);
    expect(redacted).toHaveLength(text.length);
    expect(redactCardNumbers(redacted)).toBe(redacted);
  });

  it("masks every card number in 100 KB of them written together", () => {
    // one 100 000-digit group: every offset is a possible start, and each copy is a window
    const redacted = redactCardNumbers("4111111111111111".repeat(6_250));
    expect(redacted).toHaveLength(100_000);
    expect(redacted).not.toContain("4111111111111111");
    expect(redacted.endsWith("1111")).toBe(true);
  });
});
