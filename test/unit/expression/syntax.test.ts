/**
 * The grammar: what valid expressions parse to (operators, constants, keys and how each kind resolves
 * them), and for invalid ones the exact position and token of the error.
 */
import { describe, expect, it } from "vitest";
import {
  compileExpression,
  ExpressionSyntaxError,
  tryCompileExpression,
  type ComparisonOperator,
  type ExpressionKind,
  type Operand,
  type PathRef,
  type Scalar,
} from "../../../durable-objects/router/expression";

function comparison(source: string, kind: ExpressionKind = "filter"): { op: ComparisonOperator; left: Operand; right: Operand } {
  const ast = compileExpression(source, kind).ast;
  if (ast.type !== "compare") throw new Error(`expected a single comparison, got ${ast.type}`);
  return ast;
}

describe("operators", () => {
  it.each<[string, ComparisonOperator]>([
    ["a == 1", "=="],
    ["a = 1", "=="], // = is ==
    ["a != 1", "!="],
    ["a > 1", ">"],
    ["a >= 1", ">="],
    ["a < 1", "<"],
    ["a <= 1", "<="],
    ["a>=1", ">="],
    ["a IN [1]", "IN"],
    ["a in [1]", "IN"],
    ["a NOT IN [1]", "NOT IN"],
    ["a not   in [1]", "NOT IN"],
    ["a Not In [1]", "NOT IN"],
    ["a HAS 1", "HAS"],
    ["a has 1", "HAS"],
    ["a CONTAINS 'x'", "CONTAINS"],
    ["a contains 'x'", "CONTAINS"],
  ])("%s uses %s", (source, op) => {
    expect(comparison(source).op).toBe(op);
  });

  it.each<[string, "and" | "or"]>([
    ["a == 1 AND b == 2", "and"],
    ["a == 1 and b == 2", "and"],
    ["a == 1 && b == 2", "and"],
    ["a == 1 OR b == 2", "or"],
    ["a == 1 oR b == 2", "or"],
    ["a == 1 || b == 2", "or"],
    ["(a == 1)||(b == 2)", "or"],
  ])("%s is an %s", (source, type) => {
    expect(compileExpression(source, "filter").ast.type).toBe(type);
  });
});

describe("constants", () => {
  it.each<[string, Scalar | readonly Scalar[]]>([
    ["x == 1", 1],
    ["x == 1.0", 1],
    ["x == 1.00", 1],
    ["x == 3.141529", 3.141529],
    ["x == -5", -5],
    ["x == .5", 0.5],
    ["x==.5", 0.5], // a dot after an operator starts a number, not a key segment
    ["x IN [1,.5]", [1, 0.5]],
    ["x == -.5", -0.5],
    ["x == 0800", 800], // leading zeros: time-of-day examples
    ["x == -0", 0],
    ["x == 'string'", "string"],
    ['x == "string"', "string"],
    ["x == ''", ""],
    ["x == 'it\\'s'", "it's"], // backslash escapes the quote
    ['x == "say \\"hi\\""', 'say "hi"'],
    ["x == 'back\\\\slash'", "back\\slash"], // and a backslash
    ["x == 'a\\nb'", "a\\nb"], // any other backslash is kept as written
    ['x == "it\'s"', "it's"],
    ["x == 'AND'", "AND"],
    ["x == true", true],
    ["x == FALSE", false],
    ["x == True", true],
    ["x IN []", []],
    ["x IN [ ]", []],
    ["x IN [1, 'a', true, -2.5]", [1, "a", true, -2.5]],
    ["x IN ['Mon','Tue']", ["Mon", "Tue"]],
  ])("%s: right side is %j", (source, value) => {
    expect(comparison(source).right).toMatchObject({ type: "literal", value });
  });

  it("allows constants on both sides and records positions", () => {
    const { left, right } = comparison("'en' IN language");
    expect(left).toEqual({ type: "literal", value: "en", position: 0 });
    expect(right).toMatchObject({ type: "path", text: "language", position: 8 });
  });
});

describe("keys and how each kind resolves them", () => {
  it.each<[ExpressionKind, string, PathRef]>([
    ["filter", "type", { source: "task.attributes", segments: ["type"] }],
    ["filter", "task.type", { source: "task.attributes", segments: ["type"] }],
    ["filter", "worker.type", { source: "task.attributes", segments: ["worker", "type"] }], // just an attribute named worker
    ["filter", "worker.channel.voice.bogus", { source: "task.attributes", segments: ["worker", "channel", "voice", "bogus"] }],
    ["filter", "object.array[2]", { source: "task.attributes", segments: ["object", "array", 2] }],
    ["filter", "customer.tags[0]", { source: "task.attributes", segments: ["customer", "tags", 0] }],
    ["filter", "a[0][1].b", { source: "task.attributes", segments: ["a", 0, 1, "b"] }],
    ["filter", "task", { source: "task.attributes", segments: ["task"] }],
    ["filter", "$x_1.Y2", { source: "task.attributes", segments: ["$x_1", "Y2"] }],
    ["filter", "task.in", { source: "task.attributes", segments: ["in"] }], // keywords are fine after a dot
    ["filter", "sid", { source: "task.attributes", segments: ["sid"] }],
    // After a dot a segment may start with a digit, or be digits only (a name, not an index: see resolve.ts).
    ["filter", "levels.9am", { source: "task.attributes", segments: ["levels", "9am"] }],
    ["filter", "task.9am", { source: "task.attributes", segments: ["9am"] }],
    ["filter", "routing.skills.2", { source: "task.attributes", segments: ["routing", "skills", "2"] }],
    ["filter", "a.1.5", { source: "task.attributes", segments: ["a", "1", "5"] }],
    ["filter", "a[0].5", { source: "task.attributes", segments: ["a", 0, "5"] }],
    ["filter", "a.$1e5", { source: "task.attributes", segments: ["a", "$1e5"] }],
    ["target", "skills", { source: "worker.attributes", segments: ["skills"] }],
    ["target", "worker.skills", { source: "worker.attributes", segments: ["skills"] }],
    ["target", "task.type", { source: "task.attributes", segments: ["type"] }],
    ["target", "worker[0]", { source: "worker.attributes", segments: ["worker", 0] }],
    ["target", "sid", { source: "worker.field", field: "sid" }],
    ["target", "worker.friendly_name", { source: "worker.field", field: "friendly_name" }],
    ["target", "worker.activity_sid", { source: "worker.field", field: "activity_sid" }],
    ["target", "worker.sid.x", { source: "worker.attributes", segments: ["sid", "x"] }],
    ["target", "worker.channel.voice.assigned_tasks", { source: "worker.channel", channel: "voice", field: "assigned_tasks" }],
    ["target", "worker.routing.levels.9am", { source: "worker.attributes", segments: ["routing", "levels", "9am"] }],
    ["target", "worker.2", { source: "worker.attributes", segments: ["2"] }],
    ["target", "task.required.9am", { source: "task.attributes", segments: ["required", "9am"] }],
    ["queue", "languages", { source: "worker.attributes", segments: ["languages"] }],
    ["queue", "worker.languages", { source: "worker.attributes", segments: ["languages"] }],
    ["queue", "task.type", { source: "worker.attributes", segments: ["task", "type"] }], // just an attribute named task
    ["queue", "activity_name", { source: "worker.field", field: "activity_name" }],
    ["queue", "worker.activity_name", { source: "worker.field", field: "activity_name" }],
    ["queue", "channel.chat.available", { source: "worker.channel", channel: "chat", field: "available" }],
    ["queue", "worker.channel.chat.configured_capacity", { source: "worker.channel", channel: "chat", field: "configured_capacity" }],
    [
      "queue",
      "worker.channel.chat.available_capacity_percentage",
      { source: "worker.channel", channel: "chat", field: "available_capacity_percentage" },
    ],
    ["queue", "worker.channel", { source: "worker.attributes", segments: ["channel"] }], // an attribute named channel
    ["queue", "worker.channel.voice", { source: "worker.attributes", segments: ["channel", "voice"] }],
    ["skip_if", "workers.available", { source: "counter", name: "available" }],
    ["skip_if", "workers.unavailable", { source: "counter", name: "unavailable" }],
    ["skip_if", "workers.WA0123456789abcdef0123456789abcdef", { source: "counter", name: "WA0123456789abcdef0123456789abcdef" }],
    ["skip_if", "priority", { source: "task.attributes", segments: ["priority"] }],
    ["skip_if", "task.priority", { source: "task.attributes", segments: ["priority"] }],
    ["skip_if", "task.routing.9am", { source: "task.attributes", segments: ["routing", "9am"] }],
    ["queue", "routing.levels.9am", { source: "worker.attributes", segments: ["routing", "levels", "9am"] }],
    ["filter", "taskrouter.currentTime", { source: "clock", field: "currentTime" }],
    ["target", "taskrouter.currentHour", { source: "clock", field: "currentHour" }],
    ["queue", "taskrouter.currentMin", { source: "clock", field: "currentMin" }],
    ["skip_if", "taskrouter.dayOfWeek", { source: "clock", field: "dayOfWeek" }],
  ])("%s: %s", (kind, key, ref) => {
    const { left } = comparison(`${key} == 1`, kind);
    expect(left).toEqual({ type: "path", ref, text: key, position: 0 });
  });

  it("keeps the key's text as written, brackets included", () => {
    expect(comparison("a[ 2 ].b == 1").left).toMatchObject({ text: "a[ 2 ].b", ref: { segments: ["a", 2, "b"] } });
  });
});

describe("syntax errors: exact position and token", () => {
  const END = "end of input";
  const deep = (levels: number): string => "(".repeat(levels) + "a == 1" + ")".repeat(levels);
  const long = "a == 1 OR ".repeat(820) + "a == 1"; // 8206 characters

  it.each<[string, string, ExpressionKind, number, string]>([
    ["missing right operand", "type ==", "filter", 7, END],
    ["= = is not ==", "type = = 'x'", "filter", 7, "="],
    ["unclosed (", "(a == 1", "filter", 7, END],
    ["unclosed ( after AND", "a == 1 AND (b == 2", "filter", 18, END],
    ["unopened )", "a == 1)", "filter", 6, ")"],
    ["one ) too many", "(a == 1))", "filter", 8, ")"],
    ["empty parens", "()", "filter", 1, ")"],
    ["unterminated string", "a == 'x", "filter", 5, "'x"],
    ["unterminated double-quoted string", 'a == "abc', "filter", 5, '"abc'],
    ["escaped closing quote", "a == 'x\\'", "filter", 5, "'x\\'"],
    ["hyphen in a key", "a-b == 1", "filter", 1, "-"],
    ["hyphen in first-name", "first-name == 'x'", "filter", 5, "-"],
    ["minus then a digit after a key", "a-1 == 1", "filter", 1, "-1"],
    ["lone minus", "a == -", "filter", 5, "-"],
    ["minus and space", "a == - 5", "filter", 5, "-"],
    ["NOT without IN", "a NOT 1", "filter", 6, "1"],
    ["NOT before ==", "a NOT == 1", "filter", 6, "=="],
    ["NOT IN without a value", "a not in", "filter", 8, END],
    ["lone !", "a ! b", "filter", 2, "!"],
    ["lone &", "a & b", "filter", 2, "&"],
    ["lone |", "a | b", "filter", 2, "|"],
    ["key in a list", "[a] == 1", "filter", 1, "a"],
    ["key later in a list", "x IN [1, key]", "filter", 9, "key"],
    ["unclosed list", "a IN [1, 2", "filter", 10, END],
    ["missing comma", "a IN [1 2]", "filter", 8, "2"],
    ["trailing comma", "a IN [1,]", "filter", 8, "]"],
    ["nested list", "a IN [[1]]", "filter", 6, "["],
    ["trailing dot", "a.b. == 1", "filter", 5, "=="],
    ["space after dot", "a. b == 1", "filter", 3, "b"],
    ["space before dot", "a .b == 1", "filter", 2, "."],
    ["non-numeric index", "a[x] == 1", "filter", 2, "x"],
    ["negative index", "a[-1] == 1", "filter", 2, "-1"],
    ["fractional index", "a[1.5] == 1", "filter", 2, "1.5"],
    ["unclosed index", "a[1 == 1", "filter", 4, "=="],
    ["dangling AND", "a == 1 AND", "filter", 10, END],
    ["AND AND", "a == 1 AND AND b == 1", "filter", 11, "AND"],
    ["OR OR", "a == 1 OR OR b == 1", "filter", 10, "OR"],
    ["leading AND", "AND a == 1", "filter", 0, "AND"],
    ["operator expected, got AND", "a AND b == 1", "filter", 2, "AND"],
    ["bare key", "a", "filter", 1, END],
    ["bare constant", "true", "filter", 4, END],
    ["two comparisons without AND", "a == 1 b == 2", "filter", 7, "b"],
    ["chained comparison", "a == 1 == 2", "filter", 7, "=="],
    ["<> is not an operator", "a <> 1", "filter", 3, ">"],
    ["=== is not an operator", "a === 1", "filter", 4, "="],
    ["exponent", "a == 1e5", "filter", 6, "e5"],
    ["a bare key starting with a digit", "9am == true", "filter", 1, "am"],
    ["a number then a dot and a name", "a == 5.b", "filter", 6, "."],
    ["a space before a digit segment", "a. 9am == 1", "filter", 3, "9"],
    ["a hyphen inside a digit segment", "worker.9-5 == 1", "target", 8, "-5"],
    ["number too large", `a == ${"9".repeat(400)}`, "filter", 5, "9".repeat(400)],
    ["stray dot", "a == .", "filter", 5, "."],
    ["stray #", "a == #", "filter", 5, "#"],
    ["non-ASCII letter", "a == é", "filter", 5, "é"],
    ["astral character", "a == 😀", "filter", 5, "😀"],
    ["NOT IN at the start", "NOT IN x", "filter", 0, "NOT"],
    ["unknown taskrouter key", "taskrouter.foo == 1", "filter", 0, "taskrouter.foo"],
    ["taskrouter keys are case-sensitive", "x == 1 AND taskrouter.CurrentTime > 5", "filter", 11, "taskrouter.CurrentTime"],
    ["bare taskrouter", "taskrouter == 1", "queue", 0, "taskrouter"],
    ["unknown channel field", "worker.channel.voice.bogus == 1", "target", 0, "worker.channel.voice.bogus"],
    ["unknown channel field, bare in a queue", "channel.voice.bogus == 1", "queue", 0, "channel.voice.bogus"],
    ["too deep a channel path", "worker.channel.voice.available.x == true", "queue", 0, "worker.channel.voice.available.x"],
    ["unknown counter", "workers.busy == 0", "skip_if", 0, "workers.busy"],
    ["counter without a name", "workers == 0", "skip_if", 0, "workers"],
    ["empty", "", "filter", 0, END],
    ["whitespace only", "  \t\n ", "filter", 0, END],
    ["65 levels of parentheses", deep(65), "filter", 64, "("],
    ["longer than 8192 characters", long, "filter", 8192, long.charAt(8192)],
  ])("%s: %j (%s) → position %i, token %j", (_, source, kind, position, token) => {
    const result = tryCompileExpression(source, kind);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ExpressionSyntaxError);
    expect(result.error.position).toBe(position);
    expect(result.error.token).toBe(token);
    expect(result.error.message).toContain(`at position ${position}`);
    expect(() => compileExpression(source, kind)).toThrow(ExpressionSyntaxError);
  });

  it("accepts exactly 64 levels of parentheses", () => {
    expect(compileExpression(deep(64), "filter").evaluate({ task: { attributes: { a: 1 } } })).toBe(true);
  });

  it("accepts a long AND chain up to the length limit without deep recursion", () => {
    const chain = Array.from({ length: 1300 }, () => "a=1").join("&&"); // 5198 characters, a 1300-deep left spine
    expect(compileExpression(chain, "filter").evaluate({ task: { attributes: { a: 1 } } })).toBe(true);
  });

  it.each<[string, string]>([
    ["language == AND", "Unexpected 'AND' at position 12: expected a value (a key, a string, a number, true, false or [ … ])"],
    ["type ==", "Unexpected end of input at position 7: expected a value (a key, a string, a number, true, false or [ … ])"],
    ["a == 'x", "Unexpected \"'x\" at position 5: unterminated string: no closing '"],
    ["", "Empty expression at position 0: expected a comparison such as type == 'support'"],
  ])("message for %j", (source, message) => {
    const result = tryCompileExpression(source, "filter");
    expect(result.ok ? "" : result.error.message).toBe(message);
  });

  it("names the error class", () => {
    const result = tryCompileExpression("a ==", "filter");
    expect(result.ok ? undefined : result.error.name).toBe("ExpressionSyntaxError");
  });
});
