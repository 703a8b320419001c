/**
 * What each comparison operator means — the single definition. The evaluator calls these, and the
 * matcher's indexes and its brute-force reference must agree with them, so they live apart from any
 * parsing or compiling. The rules are TaskRouter's, made strict: NULL (a missing key, or JSON null)
 * compared with anything is false, types are never coerced, and nothing here throws.
 */

import type { ComparisonOperator, Json } from "./ast";

type Value = Json | undefined;
export type Comparator = (left: Value, right: Value) => boolean;
type ScalarValue = string | number | boolean;

/**
 * A string, a finite-or-infinite non-NaN number, or a boolean: the values `==` and friends accept.
 *
 * @example
 * isScalar("a") // true
 * isScalar(null) // false
 * isScalar(["a"]) // false
 */
export function isScalar(value: unknown): value is ScalarValue {
  const t = typeof value;
  return t === "string" || t === "boolean" || (t === "number" && value === value);
}

const eq: Comparator = (l, r) => isScalar(l) && typeof l === typeof r && l === r;
const ne: Comparator = (l, r) => isScalar(l) && isScalar(r) && typeof l === typeof r && l !== r;

function ordered(l: Value, r: Value): boolean {
  const t = typeof l;
  return (t === "number" || t === "string") && typeof r === t && l === l && r === r;
}
const gt: Comparator = (l, r) => ordered(l, r) && (l as ScalarValue) > (r as ScalarValue);
const ge: Comparator = (l, r) => ordered(l, r) && (l as ScalarValue) >= (r as ScalarValue);
const lt: Comparator = (l, r) => ordered(l, r) && (l as ScalarValue) < (r as ScalarValue);
const le: Comparator = (l, r) => ordered(l, r) && (l as ScalarValue) <= (r as ScalarValue);

/** `===` on the elements compares type and value at once, so `5` is not found in `["5"]`. */
function includes(list: readonly unknown[], value: ScalarValue): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

const inList: Comparator = (l, r) => isScalar(l) && Array.isArray(r) && includes(r, l);
const notInList: Comparator = (l, r) => isScalar(l) && Array.isArray(r) && !includes(r, l);
const has: Comparator = (l, r) => Array.isArray(l) && isScalar(r) && includes(l, r);
const contains: Comparator = (l, r) => {
  if (typeof r !== "string") return false;
  if (typeof l === "string") return l.includes(r);
  if (!Array.isArray(l)) return false;
  for (let i = 0; i < l.length; i++) {
    const element = l[i];
    if (typeof element === "string" && element.includes(r)) return true;
  }
  return false;
};

const COMPARATORS: Readonly<Record<ComparisonOperator, Comparator>> = Object.freeze({
  "==": eq,
  "!=": ne,
  ">": gt,
  ">=": ge,
  "<": lt,
  "<=": le,
  IN: inList,
  "NOT IN": notInList,
  HAS: has,
  CONTAINS: contains,
});

/**
 * The function implementing `op`, for callers that compare many times with one operator.
 *
 * @example
 * const inFn = comparator("IN");
 * inFn("en", ["en", "es"]) // true
 */
export function comparator(op: ComparisonOperator): Comparator {
  return COMPARATORS[op];
}

/**
 * Applies `op` to two resolved values (undefined = a missing key = NULL). Never throws.
 * - NULL on either side: false, for every operator (including `!=` and `NOT IN`).
 * - Different types: false, for every operator (`'5' == 5` and `'5' != 5` are both false).
 * - `==`, `!=`: two scalars of the same type; arrays and objects are never equal or unequal.
 * - `>`, `>=`, `<`, `<=`: two numbers, or two strings in UTF-16 code-unit order.
 * - `IN` / `NOT IN`: a scalar and an array: whether some / no element equals it.
 * - `HAS`: an array and a scalar: whether some element equals it.
 * - `CONTAINS`: a string and a string: substring; an array and a string: some string element contains it.
 *
 * @example
 * compare("==", "gold", "gold") // true
 * compare("!=", undefined, "x") // false: NULL compares false
 * compare("IN", "en", ["en", "fr"]) // true
 * compare("HAS", ["billing", "urgent"], "urgent") // true
 * compare("CONTAINS", "refund request", "refund") // true
 */
export function compare(op: ComparisonOperator, left: Json | undefined, right: Json | undefined): boolean {
  // hasOwn: `op` may come from untyped JSON, and "constructor" must not find Object's.
  return Object.hasOwn(COMPARATORS, op) && COMPARATORS[op](left, right);
}
