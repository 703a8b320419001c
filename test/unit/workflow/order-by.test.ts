import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Attributes } from "../../../durable-objects/router/expression";
import {
  compareOrderValues,
  formatOrderBy,
  orderValues,
  parseOrderBy,
  type OrderBy,
} from "../../../durable-objects/router/workflow/order-by";

function parsed(text: string): OrderBy {
  const result = parseOrderBy(text);
  if (!result.ok) throw new Error(result.message);
  return result.orderBy;
}

describe("parseOrderBy: valid clauses", () => {
  it.each([
    // Twilio's own example: two keys, explicit directions, `worker.` stripped from the segments.
    [
      "worker.level DESC, worker.tenure ASC",
      [
        { segments: ["level"], direction: "DESC", text: "worker.level" },
        { segments: ["tenure"], direction: "ASC", text: "worker.tenure" },
      ],
    ],
    // No prefix, no direction: ASC.
    ["level", [{ segments: ["level"], direction: "ASC", text: "level" }]],
    // Direction in any case; blanks around everything.
    ["  worker.skills.level   desc ", [{ segments: ["skills", "level"], direction: "DESC", text: "worker.skills.level" }]],
    // Array index and a comma without a space.
    [
      "worker.scores[1] Asc,tenure",
      [
        { segments: ["scores", 1], direction: "ASC", text: "worker.scores[1]" },
        { segments: ["tenure"], direction: "ASC", text: "tenure" },
      ],
    ],
    // After `worker.` (and after any dot) a segment may start with a digit or be digits only, as in expressions.
    ["worker.routing.levels.9am DESC", [{ segments: ["routing", "levels", "9am"], direction: "DESC", text: "worker.routing.levels.9am" }]],
    ["worker.9am", [{ segments: ["9am"], direction: "ASC", text: "worker.9am" }]],
    ["skills.2 desc", [{ segments: ["skills", "2"], direction: "DESC", text: "skills.2" }]],
    ["worker.scores[0].2", [{ segments: ["scores", 0, "2"], direction: "ASC", text: "worker.scores[0].2" }]],
    // `worker` alone is an attribute called "worker" (a prefix needs a name after it, as in expressions).
    ["worker DESC", [{ segments: ["worker"], direction: "DESC", text: "worker" }]],
    // Empty or blank: no ordering.
    ["", []],
    ["   ", []],
  ])("%j", (text, expected) => {
    expect(parseOrderBy(text)).toEqual({ ok: true, orderBy: expected });
  });
});

describe("parseOrderBy: invalid clauses name the bad part and its position", () => {
  it.each([
    // "worker.level" is 0–11, the space 12, DOWN starts at 13.
    ["worker.level DOWN", "Unexpected 'DOWN' at position 13: expected ASC or DESC"],
    // Trailing comma: the clause ends at 11 with a key still owed.
    ["level DESC,", "Unexpected end of input at position 11: expected a worker attribute after ','"],
    // The second comma sits at 6 with nothing before it.
    ["level,,tenure", "Unexpected ',' at position 6: expected a worker attribute"],
    [", level", "Unexpected ',' at position 0: expected a worker attribute"],
    // A third word where ',' or the end belongs: "tenure" starts at 11.
    ["level DESC tenure", "Unexpected 'tenure' at position 11: expected ',' or the end of the clause"],
    [
      "task.priority DESC",
      "Invalid key 'task.priority' at position 0: order_by sorts workers, so its keys are worker attributes (worker.<attribute>)",
    ],
    // "worker." is 0–6, "a" 7, the dots 8 and 9: the name is missing at 9.
    ["worker.a..b", "Invalid key 'worker.a..b' at position 9: expected a name after '.'"],
    // "level, " is 7 characters, "worker." 7 more, "skill" 14–18: the hyphen at 19.
    ["level, worker.skill-level", "Invalid key 'worker.skill-level' at position 19: unexpected '-' (expected '.name' or '[index]')"],
    ["1level", "Invalid key '1level' at position 0: expected a name (a letter, '_' or '$', then letters, digits, '_' or '$')"],
    // A bare "worker." is the attribute "worker" followed by a dot with no name: position 7.
    ["worker.", "Invalid key 'worker.' at position 7: expected a name after '.'"],
    ["worker.level[x]", "Invalid key 'worker.level[x]' at position 12: unexpected '[' (expected '.name' or '[index]')"],
  ])("%j", (text, message) => {
    expect(parseOrderBy(text)).toEqual({ ok: false, message });
  });
});

describe("orderValues", () => {
  it.each<[string, Attributes, (number | null)[]]>([
    // Nested path, array index, non-integers kept as they are.
    ["skills.level DESC, scores[1]", { skills: { level: 4 }, scores: [1, 2.5] }, [4, 2.5]],
    // Strings (even numeric ones), booleans, arrays, objects and absent keys are all "missing".
    ["a, b, c, d, e", { a: "5", b: true, c: [1], d: { x: 1 } }, [null, null, null, null, null]],
    // Index out of range, or indexing into an object: missing.
    ["scores[5], skills[0]", { scores: [1], skills: { level: 1 } }, [null, null]],
    ["level", { level: 0 }, [0]],
    // Digit segments: an object's key, or (digits only) an array's element.
    ["worker.routing.levels.9am DESC, scores.1", { routing: { levels: { "9am": 4 } }, scores: [1, 2.5] }, [4, 2.5]],
    ["worker.routing.levels.9am", { routing: { levels: { "10am": 4 } } }, [null]],
  ])("%j of %j", (clause, attributes, expected) => {
    expect(orderValues(parsed(clause), attributes)).toEqual(expected);
  });
});

describe("sorting workers", () => {
  // Six workers in this input order; sort is stable, so full ties keep it.
  const workers: [string, Attributes][] = [
    ["a", { level: 3, tenure: 5 }],
    ["b", { level: 5, tenure: 1 }],
    ["c", { level: 3, tenure: 9 }],
    ["d", { tenure: 2 }], // no level
    ["e", { level: "7", tenure: 4 }], // a string level counts as missing
    ["f", { level: 5, tenure: 1 }], // ties b on everything
  ];

  function sortedNames(clause: string): string[] {
    const orderBy = parsed(clause);
    return workers
      .map(([name, attributes]) => ({ name, key: orderValues(orderBy, attributes) }))
      .sort((x, y) => compareOrderValues(orderBy, x.key, y.key))
      .map((w) => w.name);
  }

  it.each([
    // levels b5 f5 | a3 c3 | d,e missing → last even under DESC.
    ["worker.level DESC", ["b", "f", "a", "c", "d", "e"]],
    // ASC: a3 c3 | b5 f5 | then the missing ones, still last.
    ["worker.level ASC", ["a", "c", "b", "f", "d", "e"]],
    // Ties on level broken by tenure DESC: 5s b1=f1; 3s c9 a5; missing ones e4 d2.
    ["worker.level DESC, worker.tenure DESC", ["b", "f", "c", "a", "e", "d"]],
    // Mixed: level ASC, then tenure DESC within each level.
    ["level ASC, tenure DESC", ["c", "a", "b", "f", "e", "d"]],
    // Tenure alone: b1 f1 d2 e4 a5 c9.
    ["tenure", ["b", "f", "d", "e", "a", "c"]],
    // A key nobody has ties everyone, so the next key decides: c9 a5 e4 d2 b1 f1.
    ["worker.missing DESC, tenure DESC", ["c", "a", "e", "d", "b", "f"]],
    // No ordering: all tie, input order.
    ["", ["a", "b", "c", "d", "e", "f"]],
  ])("%j → %j", (clause, expected) => {
    expect(sortedNames(clause)).toEqual(expected);
  });
});

describe("compareOrderValues", () => {
  it.each<[string, (number | null)[], (number | null)[], "<" | ">" | "="]>([
    ["level DESC", [5], [3], "<"],
    ["level ASC", [5], [3], ">"],
    ["level DESC", [null], [3], ">"], // missing last under DESC
    ["level ASC", [null], [3], ">"], // and under ASC
    ["level ASC", [3], [null], "<"],
    ["level DESC", [null], [null], "="],
    ["level DESC, tenure ASC", [3, 1], [3, 2], "<"], // tie broken by the second key
    ["level DESC, tenure ASC", [3, 2], [3, 2], "="],
    ["level", [-1], [0], "<"],
  ])("%s: %j vs %j is %s", (clause, a, b, expected) => {
    const result = compareOrderValues(parsed(clause), a, b);
    expect(result < 0 ? "<" : result > 0 ? ">" : "=").toBe(expected);
  });

  const clause = fc.array(fc.record({ name: fc.constantFrom("a", "b", "c"), dir: fc.constantFrom("ASC", "DESC") }), {
    minLength: 1,
    maxLength: 3,
  });
  const value = fc.option(fc.integer({ min: -5, max: 5 }), { nil: null });

  it("is an order: antisymmetric and transitive, numbers before missing values on the first key", () => {
    fc.assert(
      fc.property(clause, fc.array(fc.array(value, { minLength: 3, maxLength: 3 }), { minLength: 3, maxLength: 3 }), (keys, rows) => {
        const orderBy = parsed(keys.map((k) => `${k.name} ${k.dir}`).join(", "));
        const [x, y, z] = rows as [(number | null)[], (number | null)[], (number | null)[]];
        const cmp = (p: (number | null)[], q: (number | null)[]) => Math.sign(compareOrderValues(orderBy, p, q));
        expect(cmp(x, y)).toBe(-cmp(y, x) || 0);
        if (cmp(x, y) <= 0 && cmp(y, z) <= 0) expect(cmp(x, z)).toBeLessThanOrEqual(0);
        if (x[0] !== null && y[0] === null) expect(cmp(x, y)).toBe(-1);
      }),
    );
  });
});

describe("formatOrderBy", () => {
  it.each([
    ["level desc,tenure", "worker.level DESC, worker.tenure ASC"],
    ["worker.skills.scores[2] DESC", "worker.skills.scores[2] DESC"],
    ["routing.levels.9am desc, skills.2", "worker.routing.levels.9am DESC, worker.skills.2 ASC"],
    ["", ""],
  ])("%j → %j", (clause, expected) => {
    expect(formatOrderBy(parsed(clause))).toBe(expected);
    // And it parses back to the same keys.
    expect(parsed(formatOrderBy(parsed(clause))).map((k) => [k.segments, k.direction])).toEqual(
      parsed(clause).map((k) => [k.segments, k.direction]),
    );
  });
});

describe("sorting workers by a key whose segment starts with a digit", () => {
  // Levels at 9am: ann 2, bob 5, cid 3, dee none (last).
  const workers: [string, Attributes][] = [
    ["ann", { routing: { levels: { "9am": 2 } } }],
    ["bob", { routing: { levels: { "9am": 5 } } }],
    ["cid", { routing: { levels: { "9am": 3, "2pm": 9 } } }],
    ["dee", { routing: { levels: {} } }],
  ];
  it.each([
    ["worker.routing.levels.9am DESC", ["bob", "cid", "ann", "dee"]],
    ["worker.routing.levels.9am ASC", ["ann", "cid", "bob", "dee"]],
    ["worker.routing.levels.2pm DESC, worker.routing.levels.9am DESC", ["cid", "bob", "ann", "dee"]],
  ])("%j → %j", (clause, expected) => {
    const orderBy = parsed(clause);
    const sorted = workers
      .map(([name, attributes]) => ({ name, key: orderValues(orderBy, attributes) }))
      .sort((x, y) => compareOrderValues(orderBy, x.key, y.key));
    expect(sorted.map((w) => w.name)).toEqual(expected);
  });
});
