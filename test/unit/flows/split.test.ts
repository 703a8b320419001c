/**
 * The Split Based On… operators, each on the rendered input and value. Expectations worked by hand:
 * text operators fold case and surrounding spaces ("  YES " equals "yes"); matches_any_of splits its value
 * on commas and trims each item; regex runs as written (case-sensitive); a number, time or date that does
 * not parse makes a comparison false either way (the split falls to noMatch); the text "not" operators
 * are plain negations.
 */
import { describe, expect, it } from "vitest";
import { OPERATORS, type Operator } from "../../../durable-objects/flow/engine/catalogue";
import { holds } from "../../../durable-objects/flow/engine/split";

const cases: [Operator, string, string, boolean][] = [
  // equal_to / not_equal_to: case and outer spaces ignored, inner spaces kept.
  ["equal_to", "  YES ", "yes", true],
  ["equal_to", "yes please", "yes", false],
  ["equal_to", "", "", true],
  ["not_equal_to", "No", "no", false],
  ["not_equal_to", "nope", "no", true],
  // matches_any_of: "1, Billing ,bill" → ["1","billing","bill"]; empty items dropped (trailing comma).
  ["matches_any_of", "billing", "1, Billing ,bill", true],
  ["matches_any_of", " 1", "1, Billing ,bill", true],
  ["matches_any_of", "bil", "1, Billing ,bill", false],
  ["matches_any_of", "", "start,", false],
  ["does_not_match_any_of", "2", "1,billing", true],
  ["does_not_match_any_of", "BILLING", "1,billing", false],
  // is_blank / is_not_blank: spaces only is blank; the value is not read.
  ["is_blank", "   ", "", true],
  ["is_blank", "x", "", false],
  ["is_not_blank", "x", "ignored", true],
  ["is_not_blank", "", "", false],
  // regex: as written, case-sensitive; a pattern that does not compile matches nothing.
  ["regex", "Order 12345", "\\d{5}", true],
  ["regex", "order", "^Order", false],
  ["regex", "anything", "(", false],
  // contains / does_not_contain / starts_with / does_not_start_with: folded.
  ["contains", "I need an AGENT now", "agent", true],
  ["contains", "help", "agent", false],
  ["does_not_contain", "help", "agent", true],
  ["does_not_contain", "Agent!", "agent", false],
  ["starts_with", "  Refund please", "refund", true],
  ["starts_with", "a refund", "refund", false],
  ["does_not_start_with", "a refund", "refund", true],
  ["does_not_start_with", "REFUND", "refund", false],
  // less_than / greater_than: numbers; 9 < 10 (as text "9" > "10"); not a number → false either way.
  ["less_than", "9", "10", true],
  ["less_than", "10", "10", false],
  ["less_than", "-1.5", "0", true],
  ["greater_than", "10", "9", true],
  ["greater_than", "ten", "9", false],
  ["less_than", "ten", "9", false],
  ["greater_than", "", "0", false],
  // is_before_time / is_after_time: 24h, 12h with AM/PM, or an ISO date-time's clock time.
  ["is_before_time", "08:59", "09:00", true],
  ["is_before_time", "09:00", "09:00", false],
  ["is_before_time", "2:30 PM", "15:00", true],
  ["is_after_time", "12:00 AM", "00:30", false],
  ["is_after_time", "2026-12-07T18:05:00Z", "17:30", true],
  ["is_after_time", "25:00", "17:30", false],
  ["is_before_time", "soon", "17:30", false],
  // is_before_date / is_after_date: ISO or US month/day/year; an impossible date → false.
  ["is_before_date", "2026-12-06", "2026-12-07", true],
  ["is_before_date", "12/07/2026", "2026-12-07", false],
  ["is_after_date", "2026-12-08T01:00:00Z", "12/07/2026", true],
  ["is_after_date", "2026-02-30", "2026-01-01", false],
  ["is_before_date", "yesterday", "2026-01-01", false],
];

describe("split operators", () => {
  it.each(cases)("%s: %j vs %j → %s", (operator, input, value, expected) => {
    expect(holds(operator, input, value)).toBe(expected);
  });

  it("covers every Studio operator", () => {
    expect(new Set(cases.map(([operator]) => operator))).toEqual(new Set(OPERATORS));
  });
});
