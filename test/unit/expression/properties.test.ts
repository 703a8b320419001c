/**
 * Property tests. The compiler must never throw anything but ExpressionSyntaxError, whatever the string
 * (random text, token soup, mutations of valid expressions), and its errors must point inside the
 * source. Generated valid expressions must compile, and their compiled closures must agree — on
 * arbitrary JSON documents — with a naive reference that walks the AST with compare() and resolvePath().
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compare,
  compileExpression,
  ExpressionSyntaxError,
  resolvePath,
  tryCompileExpression,
  type Attributes,
  type EvaluationInput,
  type Expr,
  type ExpressionKind,
  type Json,
  type Operand,
  type WorkerChannelView,
} from "../../../durable-objects/router/expression";

const KINDS: readonly ExpressionKind[] = ["filter", "target", "queue", "skip_if"];

/** Checks the compiler's contract on one source, for every kind. */
function checkCompiles(source: string): void {
  for (const kind of KINDS) {
    const result = tryCompileExpression(source, kind);
    if (result.ok) {
      expect(result.expression.source).toBe(source);
      continue;
    }
    const { position, token } = result.error;
    expect(result.error).toBeInstanceOf(ExpressionSyntaxError);
    expect(Number.isInteger(position) && position >= 0 && position <= source.length).toBe(true);
    // The token is either "end of input" or the text found at the position.
    expect(token === "end of input" || source.startsWith(token, position)).toBe(true);
    try {
      compileExpression(source, kind);
      expect.unreachable("compileExpression accepted what tryCompileExpression rejected");
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionSyntaxError);
    }
  }
}

const TOKENS = [
  "a",
  "b.c",
  "x[0]",
  "tags",
  "task.type",
  "worker.skills",
  "workers.available",
  "taskrouter.currentTime",
  "taskrouter.dayOfWeek",
  "worker.channel.voice.available",
  "activity_name",
  "==",
  "=",
  "!=",
  ">",
  ">=",
  "<",
  "<=",
  "IN",
  "in",
  "NOT",
  "NOT IN",
  "HAS",
  "CONTAINS",
  "AND",
  "OR",
  "&&",
  "||",
  "(",
  ")",
  "[",
  "]",
  ",",
  ".",
  "'s'",
  '"t"',
  "'",
  '"',
  "\\",
  "1",
  "0800",
  "-2.5",
  ".5",
  "-",
  "true",
  "FALSE",
  "!",
  "&",
  "|",
  "#",
  " ",
  "é",
];
const CHARS = "()[]'\",.=!<>&|-\\ \t\nabcANDORNOTINHAS019_$.é😀";

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 24 }).map((tokens) => tokens.join(" "));
const charSoup = fc.string({ unit: fc.constantFrom(...Array.from(CHARS)), maxLength: 40 });

const VALID_CORPUS = [
  "1 == 1",
  '(language == "en" OR language == "fr") AND skill_rating >= 5.1',
  "(skills HAS 'support') AND (languages HAS 'english')",
  "worker.id NOT IN task.preferred_agents",
  "taskrouter.currentTime > 0800 AND taskrouter.currentTime < 1830",
  "worker.channel.chat.available_capacity_percentage > 50",
  "workers.WAxx < 2 OR workers.WAyy < 2",
  "object.array[2] == 'c' && notes CONTAINS 'it\\'s'",
];

type Mutation = { readonly at: number; readonly op: "insert" | "delete" | "replace"; readonly text: string };
const mutation = fc.record<Mutation>({
  at: fc.nat({ max: 120 }),
  op: fc.constantFrom("insert", "delete", "replace"),
  text: fc.constantFrom(...TOKENS, ...Array.from(CHARS)),
});

function mutate(source: string, mutations: readonly Mutation[]): string {
  let out = source;
  for (const { at, op, text } of mutations) {
    const i = out.length === 0 ? 0 : at % (out.length + 1);
    if (op === "insert") out = out.slice(0, i) + text + out.slice(i);
    else if (op === "delete") out = out.slice(0, i) + out.slice(i + 1);
    else out = out.slice(0, i) + text + out.slice(i + 1);
  }
  return out;
}

describe("the compiler never throws anything but ExpressionSyntaxError", () => {
  // 500 random strings × 4 kinds: about 10 s on a loaded 2-core machine.
  it("for arbitrary strings", () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })), checkCompiles), {
      numRuns: 500,
    });
  }, 30_000);

  it("for token soup and character soup", () => {
    fc.assert(fc.property(fc.oneof(tokenSoup, charSoup), checkCompiles), { numRuns: 1000 });
  });

  // About 3 s on a loaded 2-core machine.
  it("for mutations of valid expressions", () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID_CORPUS), fc.array(mutation, { minLength: 1, maxLength: 4 }), (source, mutations) => {
        checkCompiles(mutate(source, mutations));
      }),
      { numRuns: 1000 },
    );
  }, 10_000);

  it("for deep and long inputs", () => {
    fc.assert(
      fc.property(fc.nat({ max: 200 }), fc.nat({ max: 200 }), fc.constantFrom("(", "[", "a == 1 AND ", "a[0]"), (opens, closes, unit) => {
        checkCompiles(unit.repeat(opens) + "a == 1" + ")".repeat(closes));
      }),
      { numRuns: 200 },
    );
  });
});

// ---- generated valid expressions ----------------------------------------------------------------

const KEYS: Readonly<Record<ExpressionKind, readonly string[]>> = {
  filter: [
    "a",
    "b",
    "tags",
    "a.b",
    "a[0]",
    "a.b[1].c",
    "task.a",
    "worker.a",
    "constructor",
    "__proto__",
    "taskrouter.currentTime",
    "taskrouter.dayOfWeek",
  ],
  target: [
    "a",
    "tags",
    "worker.a",
    "worker.tags",
    "task.a",
    "task.tags",
    "task.a[0]",
    "sid",
    "worker.activity_name",
    "worker.channel.voice.available",
    "worker.channel.chat.assigned_tasks",
    "worker.channel.sms.available_capacity_percentage",
    "taskrouter.currentHour",
  ],
  queue: [
    "a",
    "tags",
    "a.b",
    "worker.a",
    "task.a",
    "activity_name",
    "friendly_name",
    "channel.voice.configured_capacity",
    "worker.channel.chat.available",
    "taskrouter.currentMin",
  ],
  skip_if: ["a", "tags", "task.a", "workers.available", "workers.unavailable", "workers.WAxx", "taskrouter.dayOfWeek"],
};

/** A constant and its source text. */
type Written<T> = { readonly value: T; readonly text: string };
const stringLiteral: fc.Arbitrary<Written<string>> = fc
  .oneof(fc.constantFrom("a", "b", "x", "Mon", "Thu", "", "it's", "back\\slash"), fc.string({ maxLength: 6 }))
  .chain((value) =>
    fc.constantFrom(
      { value, text: `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'` },
      { value, text: `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"` },
    ),
  );
const numberLiteral: fc.Arbitrary<Written<number>> = fc.oneof(
  fc.integer({ min: -2000, max: 2000 }).map((n) => ({ value: n, text: String(n) })),
  fc.tuple(fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: 1, max: 3 })).map(([n, digits]) => {
    const text = (n / 10 ** digits).toFixed(digits);
    return { value: Number(text), text };
  }),
  fc.constantFrom({ value: 800, text: "0800" }, { value: 0.5, text: ".5" }, { value: 1, text: "1.00" }),
);
const booleanLiteral: fc.Arbitrary<Written<boolean>> = fc.constantFrom({ value: true, text: "true" }, { value: false, text: "FALSE" });
/** Mostly the values the documents are drawn from (see `pooled`), so comparisons often come out true. */
const pooledLiteral = fc.constantFrom<Written<string | number | boolean>>(
  { value: "a", text: "'a'" },
  { value: "b", text: '"b"' },
  { value: "Mon", text: "'Mon'" },
  { value: "it's", text: "'it\\'s'" },
  { value: 1, text: "1" },
  { value: 800, text: "0800" },
  { value: 0.5, text: ".5" },
  { value: -5, text: "-5" },
  { value: true, text: "true" },
);
const scalarLiteral = fc.oneof(
  { weight: 3, arbitrary: pooledLiteral },
  { weight: 1, arbitrary: fc.oneof(stringLiteral, numberLiteral, booleanLiteral) },
);
const listLiteral = fc.array(scalarLiteral, { maxLength: 4 }).map((items) => ({
  value: items.map((item) => item.value),
  text: `[${items.map((item) => item.text).join(", ")}]`,
}));

const OPERATORS = ["==", "=", "!=", ">", ">=", "<", "<=", "IN", "not in", "HAS", "contains"] as const;

function expressionFor(kind: ExpressionKind): fc.Arbitrary<string> {
  const operand = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...KEYS[kind]) },
    { weight: 2, arbitrary: scalarLiteral.map((l) => l.text) },
    { weight: 1, arbitrary: listLiteral.map((l) => l.text) },
  );
  const comparison = fc.tuple(operand, fc.constantFrom(...OPERATORS), operand).map(([l, op, r]) => `${l} ${op} ${r}`);
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 4, arbitrary: comparison },
      {
        weight: 2,
        arbitrary: fc
          .tuple(tie("expr"), fc.constantFrom("AND", "OR", "&&", "||", "and"), tie("expr"))
          .map(([l, op, r]) => `${l} ${op} ${r}`),
      },
      { weight: 1, arbitrary: tie("expr").map((e) => `(${e})`) },
    ),
  }));
  return expr;
}

/** Values drawn from the same small pool as the literals, so comparisons come out true often enough. */
const pooled: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom<Json>("a", "b", "x", "Mon", "it's", "", 0, 1, 800, 0.5, -5, true, false, null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "c"), tie("value"), { maxKeys: 3 }),
  ),
})).value;
const POOL_SCALARS = ["a", "b", "Mon", "it's", 1, 800, 0.5, -5, true] as const;
/** Mostly scalars and flat arrays from the pool: what a single comparison is likely to match. */
const pooledFlat: fc.Arbitrary<Json> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom<Json>(...POOL_SCALARS) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom<Json>(...POOL_SCALARS), { maxLength: 4 }) },
  { weight: 1, arbitrary: pooled },
);
const json: fc.Arbitrary<Json> = fc.oneof(pooled, fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>);
const attributes: fc.Arbitrary<Attributes> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(fc.constantFrom("a", "b", "c", "tags", "worker", "task", "constructor", "__proto__", "id"), json, {
      maxKeys: 6,
    }),
  },
  { weight: 1, arbitrary: json.filter((v): v is Attributes => v !== null && typeof v === "object" && !Array.isArray(v)) },
);
const channelView: fc.Arbitrary<WorkerChannelView> = fc.record({
  assignedTasks: fc.nat(5),
  configuredCapacity: fc.nat(5),
  availableCapacityPercentage: fc.double({ min: 0, max: 100, noNaN: true }),
  available: fc.boolean(),
});
const input: fc.Arbitrary<EvaluationInput> = fc.record(
  {
    worker: fc.record({
      sid: fc.constantFrom("WK1", "WK2"),
      friendlyName: fc.string({ maxLength: 3 }),
      activitySid: fc.constantFrom("WAxx", "WAyy"),
      activityName: fc.constantFrom("Available", "Offline", "MNO"),
      attributes,
      channels: fc.dictionary(fc.constantFrom("voice", "chat", "constructor"), channelView, { maxKeys: 3 }),
    }),
    task: fc.record({ attributes }),
    counters: fc.dictionary(fc.constantFrom("available", "unavailable", "WAxx"), fc.nat(3)).map((counts) => (name: string) => counts[name]),
    clock: fc.record({
      now: fc.integer({ min: 0, max: 4e12 }),
      timeZone: fc.constantFrom("UTC", "Asia/Tokyo", "America/New_York", "Nowhere/Else"),
    }),
  },
  { requiredKeys: [] },
);

/** The naive evaluator: walk the tree, resolve each path, apply compare(). */
function reference(expr: Expr, at: EvaluationInput): boolean {
  if (expr.type !== "compare") {
    return expr.type === "and"
      ? reference(expr.left, at) && reference(expr.right, at)
      : reference(expr.left, at) || reference(expr.right, at);
  }
  const value = (operand: Operand): Json | undefined =>
    operand.type === "literal" ? (operand.value as Json) : resolvePath(operand.ref, at);
  return compare(expr.op, value(expr.left), value(expr.right));
}

describe("generated valid expressions", () => {
  it.each(KINDS)("compile in %s, and evaluate to a boolean that agrees with the reference", (kind) => {
    const seen = { true: 0, false: 0 };
    fc.assert(
      fc.property(expressionFor(kind), fc.array(input, { minLength: 1, maxLength: 4 }), (source, inputs) => {
        const compiled = compileExpression(source, kind);
        for (const at of inputs) {
          const result = compiled.evaluate(at);
          expect(typeof result).toBe("boolean");
          expect(result).toBe(reference(compiled.ast, at));
          seen[String(result) as "true" | "false"]++;
        }
      }),
      { numRuns: 400 },
    );
    // Guard against a generator that only ever exercises one outcome (typically ~3% come out true).
    expect(seen.true).toBeGreaterThan(0);
    expect(seen.false).toBeGreaterThan(0);
  });

  it("agree with compare() comparison by comparison, on values from the same pool (true often enough to matter)", () => {
    const seen = { true: 0, false: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...OPERATORS),
        fc.oneof(scalarLiteral, listLiteral),
        pooledFlat,
        fc.boolean(),
        (op, literal, value, keyOnLeft) => {
          const source = keyOnLeft ? `a ${op} ${literal.text}` : `${literal.text} ${op} a`;
          const compiled = compileExpression(source, "filter");
          if (compiled.ast.type !== "compare") throw new Error("expected a comparison");
          const expected = keyOnLeft
            ? compare(compiled.ast.op, value, literal.value as Json)
            : compare(compiled.ast.op, literal.value as Json, value);
          const result = compiled.evaluate({ task: { attributes: { a: value } } });
          expect(result).toBe(expected);
          seen[String(result) as "true" | "false"]++;
        },
      ),
      { numRuns: 3000 },
    );
    // About 5% come out true (~160 of 3000); guard against the generator drifting to all-false.
    expect(seen.true).toBeGreaterThan(40);
  });

  it("parse constants back to the values they were written from", () => {
    fc.assert(
      fc.property(fc.oneof(scalarLiteral, listLiteral), (literal) => {
        const ast = compileExpression(`x == ${literal.text}`, "filter").ast;
        expect(ast.type === "compare" && ast.right.type === "literal" ? ast.right.value : undefined).toEqual(literal.value);
      }),
      { numRuns: 500 },
    );
  });
});
