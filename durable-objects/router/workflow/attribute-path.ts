/**
 * Attribute paths written outside an expression: the keys of an `order_by` clause (`worker.level`) and
 * the `known_worker_sid` / `known_worker_friendly_name` pointers (`task.requested_agent`). They use the
 * expression language's key syntax (a name, then `.name` and `[n]` parts, no spaces; a part after a dot
 * may start with a digit, `levels.9am`, `skills.2`) so a path means the same thing here as in a target
 * expression, but they are not expressions, so they get this small parser instead of the compiler; values
 * are read with the expression module's `readSegments`.
 */

export type PathSegment = string | number;

/** A key name, as the expression lexer reads a word. */
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*/;
/** A name after a dot (or after a prefix such as `worker.`), which may start with a digit. */
const SEGMENT = /^[A-Za-z0-9_$]+/;
const INDEX = /^\[([0-9]+)\]/;

/**
 * Splits a key as written into its segments. `offset` is where `text` starts in the string the user wrote,
 * so the failure's `position` points into that string. `afterPrefix` says `text` followed `worker.` or
 * `task.`, so its first segment is after a dot and may start with a digit too.
 *
 * @example
 * parseAttributePath("customer.tags[0]") // { ok: true, segments: ["customer", "tags", 0] }
 * parseAttributePath("levels.9am")       // { ok: true, segments: ["levels", "9am"] }
 * parseAttributePath("a..b", 10)         // { ok: false, position: 12, message: "expected a name after '.'" }
 */
export function parseAttributePath(
  text: string,
  offset = 0,
  afterPrefix = false,
): { ok: true; segments: PathSegment[] } | { ok: false; position: number; message: string } {
  const first = (afterPrefix ? SEGMENT : NAME).exec(text);
  if (!first) return { ok: false, position: offset, message: "expected a name (a letter, '_' or '$', then letters, digits, '_' or '$')" };
  const segments: PathSegment[] = [first[0]];
  let pos = first[0].length;
  while (pos < text.length) {
    const rest = text.slice(pos);
    if (rest.startsWith(".")) {
      const name = SEGMENT.exec(rest.slice(1));
      if (!name) return { ok: false, position: offset + pos + 1, message: "expected a name after '.'" };
      segments.push(name[0]);
      pos += 1 + name[0].length;
      continue;
    }
    const index = INDEX.exec(rest);
    if (index) {
      segments.push(Number(index[1]));
      pos += index[0].length;
      continue;
    }
    return { ok: false, position: offset + pos, message: `unexpected '${rest.charAt(0)}' (expected '.name' or '[index]')` };
  }
  return { ok: true, segments };
}
