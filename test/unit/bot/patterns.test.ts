/**
 * The team's entity patterns (durable-objects/workspace/bot/patterns.ts): RE2 syntax checked when a
 * pattern is defined (lookaround and backreferences refused with their own reason), patterns that
 * backtrack exponentially in JavaScript answered at once, offsets in JavaScript's UTF-16 units, and the
 * text and match limits.
 */
import { describe, expect, it } from "vitest";
import { PATTERN_LIMITS, patternMatches, patternProblem } from "../../../durable-objects/workspace/bot/patterns";
import { extractEntities } from "../../../durable-objects/workspace/bot/entities";

describe("entity patterns", () => {
  it.each([
    ["ORD-\\d+", null],
    ["(?<ref>[A-Z]{3})-\\d{4}", null],
    ["\\p{L}+-\\d+", null],
    ["(a+)+$", null], // exponential in JavaScript, linear in RE2: allowed
    ["ORD-(", "is not a regular expression RE2 runs: missing closing )"],
    ["a*", "matches the empty string"],
    ["", "must be 1 to 300 characters"],
    ["x".repeat(301), "must be 1 to 300 characters"],
    ["ORD-(?=\\d)", "uses lookaround"],
    ["(?<!X)ORD", "uses lookaround"],
    ["(\\w)\\1", "uses a backreference"],
    ["(?<c>\\w)\\k<c>", "uses a backreference"],
  ])("checks a pattern: %s", (pattern, problem) => {
    const found = patternProblem(pattern);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it("finds matches case-insensitively at JavaScript's offsets, past characters outside the BMP", () => {
    // "😀 " is 3 UTF-16 units, "café " 5: ord-12 starts at 8; "and " 4 more after it ends at 14.
    expect(patternMatches("ORD-\\d+", "😀 café ord-12 and ORD-345")).toEqual([
      { start: 8, end: 14, text: "ord-12" },
      { start: 19, end: 26, text: "ORD-345" },
    ]);
  });

  it("answers a pattern that backtracks exponentially in JavaScript on a long text, with no match", () => {
    // /(a+)+$/ against 2,000 a's and a b takes JavaScript 2^2000 steps; RE2 reads the text once.
    expect(patternMatches("(a+)+$", "a".repeat(1_999) + "b")).toEqual([]);
    expect(patternMatches("(a|aa)+b", "a".repeat(1_999) + "b")).toHaveLength(1);
  });

  it("reads only the first characters of a long text, and gives at most the limit of matches", () => {
    const late = "x".repeat(PATTERN_LIMITS.text) + " ORD-1";
    expect(patternMatches("ORD-\\d", late)).toEqual([]);
    const many = Array.from({ length: 30 }, (_, i) => `ORD-${i}`).join(" ");
    expect(patternMatches("ORD-\\d+", many)).toHaveLength(PATTERN_LIMITS.matches);
    // Empty matches count toward the limit and are never entities.
    expect(patternMatches("\\b", "a b c d e f g h i j k l m n o p")).toEqual([]);
  });

  it("gives nothing for a pattern it would refuse (one stored before the rules), and the rest still run", () => {
    expect(patternMatches("(\\w)\\1", "aa bb")).toEqual([]);
    const patterns = [
      { name: "old", pattern: "(?=ORD)ORD" },
      { name: "orderId", pattern: "ORD-\\d{4,}" },
    ];
    expect(extractEntities("order ORD-12345", patterns, "en")).toEqual([{ entity: "orderId", text: "ORD-12345", value: "ORD-12345" }]);
  });
});
