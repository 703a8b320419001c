/**
 * What expressions mean: the worked example from the brief (one task, one worker, expected values
 * worked out by hand), precedence and associativity, and the strict comparison rules of `compare`
 * (NULL is false everywhere, no coercion, own properties only).
 */
import { describe, expect, it, vi } from "vitest";
import {
  compare,
  compileExpression,
  type ComparisonOperator,
  type Json,
  type EvaluationInput,
} from "../../../durable-objects/router/expression";
import { run, task, worker } from "./fixtures";

const T = task({
  type: "support",
  language: "en",
  level: 3,
  vip: true,
  notes: "refund request",
  customer: { tier: "gold", tags: ["billing", "urgent"] },
  preferred_agents: ["alice", "bob"],
});
const W = worker({ id: "alice", skills: ["support", "sales"], languages: ["en", "es"], level: 5, team: { name: "north" } });

describe("worked example", () => {
  it.each<[string, boolean]>([
    ["type == 'support'", true],
    ["type == 'Support'", false], // strings compare case-sensitively
    ["language IN ['en','fr']", true],
    ["customer.tier == 'gold' AND vip == true", true],
    ["customer.tags HAS 'urgent'", true],
    ["customer.tags[1] == 'urgent'", true],
    ["notes CONTAINS 'refund'", true],
    ["notes CONTAINS 'Refund'", false],
    ["customer.tags CONTAINS 'bill'", true], // some element contains it
    ["level >= 3", true],
    ["level > 3", false],
    ["(type == 'sales' OR type == 'support') AND language == 'en'", true],
    ["queue_hint == 'x'", false], // missing → NULL
    ["queue_hint != 'x'", false], // NULL compared with anything is false, != included
    ["queue_hint NOT IN ['x']", false],
    ["vip == 'true'", false], // no coercion
    ["vip != 'true'", false], // a comparison across types is false whatever the operator
    ["level == '3'", false],
    ["preferred_agents HAS 'bob'", true],
    ["'alice' IN preferred_agents", true],
    ["task.type == 'support'", true], // task. prefix is optional in a filter
  ])("filter %s → %s", (source, expected) => {
    expect(run(source, "filter", { task: T })).toBe(expected);
  });

  it.each<[string, boolean]>([
    ["skills HAS 'support' AND languages HAS 'en'", true],
    ["level > 3 AND team.name == 'north'", true],
    ["worker.level > 3 AND worker.team.name == 'north'", true],
    ["team.name == 'North'", false],
    ["type == 'support'", false], // bare keys read the worker here, and it has no type
  ])("queue %s → %s", (source, expected) => {
    expect(run(source, "queue", { worker: W })).toBe(expected);
  });

  it.each<[string, boolean]>([
    ["worker.level > task.level", true],
    ["worker.skills HAS task.type AND task.language IN worker.languages", true],
    ["worker.id IN task.preferred_agents AND task.customer.tier == 'gold'", true],
    ["level > task.level", true], // bare = worker in a target
  ])("target %s → %s", (source, expected) => {
    expect(run(source, "target", { worker: W, task: T })).toBe(expected);
  });
});

describe("precedence and associativity", () => {
  it.each<[string, Record<string, number>, boolean]>([
    // AND binds tighter: a OR (b AND c)
    ["a == 1 OR b == 1 AND c == 1", { a: 1, b: 0, c: 0 }, true],
    ["a == 1 OR b == 1 AND c == 1", { a: 0, b: 1, c: 0 }, false],
    ["a == 1 || b == 1 && c == 1", { a: 1, b: 0, c: 0 }, true],
    ["a == 1 AND b == 1 OR c == 1", { a: 0, b: 1, c: 1 }, true], // (a AND b) OR c
    ["a == 1 AND (b == 1 OR c == 1)", { a: 0, b: 1, c: 1 }, false],
    ["a == 1 and b == 1 Or c == 1", { a: 1, b: 1, c: 0 }, true], // keywords are case-insensitive
  ])("%s with %j → %s", (source, attributes, expected) => {
    expect(run(source, "filter", { task: task(attributes) })).toBe(expected);
  });

  it("builds a OR (b AND c), with chains left-associative", () => {
    const ast = compileExpression("a == 1 OR b == 1 AND c == 1 OR d == 1", "filter").ast;
    expect(ast.type).toBe("or");
    if (ast.type !== "or") return;
    expect(ast.right).toMatchObject({ type: "compare", left: { text: "d" } });
    expect(ast.left).toMatchObject({ type: "or", left: { type: "compare", left: { text: "a" } }, right: { type: "and" } });
  });
});

describe("compare", () => {
  it.each<[ComparisonOperator, Json | undefined, Json | undefined, boolean]>([
    ["==", 1, 1, true],
    ["==", 1, 1.0, true],
    ["==", "a", "a", true],
    ["==", true, true, true],
    ["==", "5", 5, false],
    ["==", true, "true", false],
    ["==", null, null, false], // NULL is never equal, even to NULL
    ["==", undefined, undefined, false],
    ["==", ["a"], ["a"], false], // arrays are not compared with ==
    ["==", { a: 1 }, { a: 1 }, false],
    ["!=", 1, 2, true],
    ["!=", "a", "b", true],
    ["!=", "5", 5, false], // across types: false
    ["!=", null, 1, false],
    ["!=", 1, undefined, false],
    ["!=", ["a"], ["b"], false],
    [">", 2, 1, true],
    [">", 1, 1, false],
    [">=", 1, 1, true],
    ["<", -5, 0.5, true],
    ["<=", 0.5, 0.5, true],
    [">", "b", "a", true], // lexical
    [">", "B", "a", false], // code-unit order: 'B' (66) < 'a' (97)
    ["<", "10", "9", true], // strings stay strings
    [">", true, false, false], // booleans are not ordered
    [">", "2", 1, false],
    ["<", null, 1, false],
    ["IN", "en", ["en", "fr"], true],
    ["IN", "de", ["en", "fr"], false],
    ["IN", 5, ["5"], false],
    ["IN", "en", [], false],
    ["IN", "en", "en", false], // right side must be an array
    ["IN", ["en"], ["en"], false],
    ["IN", null, [null], false],
    ["NOT IN", "de", ["en", "fr"], true],
    ["NOT IN", "en", ["en"], false],
    ["NOT IN", 5, ["5"], true], // no element equals 5
    ["NOT IN", "x", [], true],
    ["NOT IN", undefined, ["x"], false],
    ["NOT IN", "x", "y", false],
    ["HAS", ["a", "b"], "b", true],
    ["HAS", ["a", "b"], "c", false],
    ["HAS", [1, 2], "1", false],
    ["HAS", "ab", "a", false], // left must be an array
    ["HAS", ["a"], null, false],
    ["CONTAINS", "refund request", "fund", true],
    ["CONTAINS", "refund request", "Fund", false],
    ["CONTAINS", ["billing", "urgent"], "gen", true],
    ["CONTAINS", ["billing", 5], "5", false],
    ["CONTAINS", "abc", 1, false],
    ["CONTAINS", 123, "2", false],
    ["CONTAINS", null, "a", false],
  ])("%s %j %j → %s", (op, left, right, expected) => {
    expect(compare(op, left, right)).toBe(expected);
  });

  it("ignores an unknown operator instead of reaching Object.prototype", () => {
    expect(compare("constructor" as ComparisonOperator, 1, 1)).toBe(false);
  });
});

describe("evaluation safety", () => {
  it.each<[string, string, boolean]>([
    ["constructor != 'x'", "{}", false], // never the prototype
    ["toString CONTAINS 'function'", "{}", false],
    ["__proto__ == 1", '{"__proto__": 1}', true], // an own "__proto__" key from JSON is data
    ["a.constructor != 'x'", '{"a": {}}', false],
    ["a.hasOwnProperty != 'x'", '{"a": {"b": 1}}', false],
    ["a[0].b == 1", '{"a": [{"b": 1}]}', true],
    ["a[0] == 1", '{"a": {"0": 1}}', false], // [n] indexes arrays only
    ["a.b == 1", '{"a": [1]}', false],
    ["a == 1", '{"a": 1}', true],
  ])("%s with %s → %s", (source, json, expected) => {
    expect(run(source, "filter", { task: task(JSON.parse(json)) })).toBe(expected);
  });

  it("treats a missing worker, task or counters as NULL", () => {
    expect(run("worker.sid != 'x'", "target", {})).toBe(false);
    expect(run("worker.channel.voice.available == true", "queue", {})).toBe(false);
    expect(run("type != 'x'", "filter", {})).toBe(false);
    expect(run("workers.available != 1", "skip_if", {})).toBe(false);
  });

  it("never throws, even when the input is not JSON", () => {
    const hostile = {
      get type(): Json {
        throw new Error("boom");
      },
    };
    expect(run("type == 'x'", "filter", { task: { attributes: hostile as unknown as { [key: string]: Json } } })).toBe(false);
    expect(
      run("workers.available == 0", "skip_if", {
        counters: () => {
          throw new Error("boom");
        },
      }),
    ).toBe(false);
    expect(run("workers.available != 0", "skip_if", { counters: () => Number.NaN })).toBe(false);
    expect(compileExpression("type == 'x'", "filter").evaluate(null as unknown as EvaluationInput)).toBe(false);
  });

  it("reads Date.now() (UTC) for the clock only when the expression needs it, and once per evaluation", () => {
    const spy = vi.spyOn(Date, "now").mockReturnValue(Date.UTC(2024, 0, 1, 9, 30)); // Monday 09:30 UTC
    try {
      expect(run("type == 'x'", "filter", { task: task({ type: "x" }) })).toBe(true);
      expect(spy).not.toHaveBeenCalled();
      const expr = compileExpression(
        "taskrouter.dayOfWeek == 'Mon' AND taskrouter.currentTime == 930 AND taskrouter.currentHour == 9",
        "filter",
      );
      expect(expr.evaluate({})).toBe(true);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("folds comparisons between constants", () => {
    expect(run("1 == 1", "filter", {})).toBe(true);
    expect(run("'a' IN ['b', 'a']", "queue", {})).toBe(true);
    expect(run("[1, 2] HAS 3", "target", {})).toBe(false);
    expect(run("1 == '1' OR true == true", "skip_if", {})).toBe(true);
  });
});

describe("reads", () => {
  it.each<[string, "filter" | "target" | "queue" | "skip_if", string[]]>([
    ["1 == 1", "filter", []],
    ["type == 'x'", "filter", ["task"]],
    ["skills HAS 'x'", "queue", ["worker"]],
    ["worker.activity_name == 'x'", "queue", ["worker"]],
    ["worker.channel.chat.available == true", "target", ["workerChannels"]],
    ["worker.id IN task.preferred_agents", "target", ["worker", "task"]],
    ["taskrouter.currentHour > 8 AND type == 'x'", "filter", ["task", "clock"]],
    ["workers.available == 0 OR priority > 1", "skip_if", ["task", "counters"]],
  ])("%s (%s) reads %j", (source, kind, expected) => {
    const reads = compileExpression(source, kind).reads;
    const actual = (Object.keys(reads) as (keyof typeof reads)[]).filter((key) => reads[key]);
    expect(actual.sort()).toEqual([...expected].sort());
  });
});
