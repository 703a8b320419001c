import { describe, expect, it } from "vitest";
import { luhnValid, redactCardNumbers, redactDeep } from "../../../durable-objects/common/card-numbers";

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
  ])("%s", (text, expected) => expect(redactCardNumbers(text)).toBe(expected));

  it.each([
    ["Luhn-invalid", "4111 1111 1111 1112"],
    ["too short (12 digits)", "4111 1111 1111"],
    ["a phone number", "call me on +44 20 7946 0958"],
    ["an order number with letters", "order AB4111111111111111"],
    ["a date and time", "2026-11-25 16:58"],
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

  it("is idempotent: redacting twice changes nothing more", () => {
    const once = redactCardNumbers("4111 1111 1111 1111");
    expect(redactCardNumbers(once)).toBe(once);
  });
});

describe("redactDeep", () => {
  it("masks strings at any depth of attributes, keys included, and leaves other values", () => {
    expect(
      redactDeep({ note: "4111111111111111", nested: [{ pan: "5555 5555 5555 4444" }], n: 4111111111111111, ok: true, none: null }),
    ).toEqual({
      note: "************1111",
      nested: [{ pan: "**** **** **** 4444" }],
      n: 4111111111111111,
      ok: true,
      none: null,
    });
  });
});
