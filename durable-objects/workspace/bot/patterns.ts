/**
 * The team's entity patterns, run with RE2's semantics (re2js, a pure-JavaScript port of Google's RE2)
 * instead of JavaScript's backtracking `RegExp`: RE2 matches in time linear in the text whatever the
 * pattern, so a pattern like `(a+)+$` cannot stall the WorkspaceDO on a long message (in JavaScript it
 * backtracks exponentially). What RE2 leaves out — lookaround and backreferences, the features that need
 * backtracking — is refused when the pattern is defined, with the reason. Each pattern also reads at most
 * {@link PATTERN_LIMITS}.text characters and gives at most {@link PATTERN_LIMITS}.matches matches, so a
 * classification's cost is bounded by the text and the number of patterns alone. Pure.
 */
import { RE2JS } from "re2js";
import { BOT_LIMITS } from "./corpus";

export const PATTERN_LIMITS = {
  /** The longest text a team pattern reads (the rest of a longer text is not searched). */
  text: BOT_LIMITS.textLength,
  /** The most matches one pattern gives in one text (empty ones, never entities, count too). */
  matches: 20,
} as const;

/** Compiled patterns, by source: a classification compiles each only once while the object lives. */
const compiled = new Map<string, RE2JS>();

function compile(pattern: string): RE2JS {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    if (compiled.size >= 4 * BOT_LIMITS.entities) compiled.clear();
    regex = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Why RE2 refused the pattern, said for the team: lookaround and backreferences get their own words. */
function syntaxProblem(pattern: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/\(\?<?[=!]/.test(pattern))
    return "uses lookaround ((?=…), (?!…), (?<=…), (?<!…)), which can backtrack without end: patterns run with RE2's linear-time semantics, without it";
  if (/\\[1-9]|\\k</.test(pattern))
    return "uses a backreference (\\1, \\k<name>), which can backtrack without end: patterns run with RE2's linear-time semantics, without it";
  return `is not a regular expression RE2 runs: ${message.replace(/^error parsing regexp: /, "")}`;
}

/**
 * Why `pattern` cannot be an entity's pattern, or null when it can: 1 to 300 characters, RE2 syntax
 * (JavaScript's without lookaround and backreferences), not matching the empty string (it would find an
 * entity everywhere).
 * @example patternProblem("ORD-\\d{4,}") // null
 * @example patternProblem("ORD-(") // "is not a regular expression RE2 runs: missing closing ): …"
 * @example patternProblem("(\\w)\\1") // "uses a backreference (\\1, \\k<name>), which can backtrack without end: …"
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.length === 0 || pattern.length > BOT_LIMITS.patternLength) return `must be 1 to ${BOT_LIMITS.patternLength} characters`;
  let regex: RE2JS;
  try {
    regex = compile(pattern);
  } catch (error) {
    return syntaxProblem(pattern, error);
  }
  return regex.matcher("").find() ? "matches the empty string" : null;
}

/** One match of a pattern: where it is in the text (UTF-16 offsets, as JavaScript's) and what it matched. */
export interface PatternMatch {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * The non-empty matches of a valid pattern in `text` (its first {@link PATTERN_LIMITS}.text characters),
 * left to right, at most {@link PATTERN_LIMITS}.matches; none for a pattern {@link patternProblem} refuses
 * (one stored before the rules were what they are).
 * @example patternMatches("ORD-\\d+", "ord-12 and ORD-345") // [{ start: 0, end: 6, text: "ord-12" }, { start: 11, end: 18, text: "ORD-345" }]
 */
export function patternMatches(pattern: string, text: string): PatternMatch[] {
  if (patternProblem(pattern) !== null) return [];
  const matcher = compile(pattern).matcher(text.slice(0, PATTERN_LIMITS.text));
  const found: PatternMatch[] = [];
  // Empty matches (`\b`, `x?`) count toward the limit too, so a pattern that matches nothing visible stops as soon.
  for (let tries = 0; tries < PATTERN_LIMITS.matches && matcher.find(); tries += 1) {
    const start = matcher.start();
    const end = matcher.end();
    if (end > start) found.push({ start, end, text: matcher.group() ?? "" });
  }
  return found;
}
