import { describe, expect, it } from "vitest";
import {
  parseWorkflowConfiguration,
  type ConfigurationProblem,
  type WorkflowConfiguration,
} from "../../../durable-objects/router/workflow/configuration";

const Q_VIP = `WQ${"a".repeat(32)}`;
const Q_SPANISH = `WQ${"b".repeat(32)}`;
const Q_EVERYONE = `WQ${"c".repeat(32)}`;
const Q = `WQ${"0123456789abcdef".repeat(2)}`;
const EXPECTED_VALUE = "expected a value (a key, a string, a number, true, false or [ … ])";
const TARGET_KEYS = "queue, expression, priority, timeout, order_by, skip_if, known_worker_sid, known_worker_friendly_name, region";

/** A one-filter, one-target document with the filter's and target's fields overridden. */
function withFilter(filter: Record<string, unknown>): unknown {
  return { task_routing: { filters: [{ expression: "1==1", targets: [{ queue: Q }], ...filter }] } };
}
function withTarget(target: Record<string, unknown>): unknown {
  return withFilter({ targets: [{ queue: Q, ...target }] });
}

function parsed(input: unknown, options?: Parameters<typeof parseWorkflowConfiguration>[1]): WorkflowConfiguration {
  const result = parseWorkflowConfiguration(input, options);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.configuration;
}

describe("a realistic skills-based workflow", () => {
  // As an admin would send it: a JSON string, priorities and a timeout written as strings like Twilio's docs.
  const text = JSON.stringify({
    task_routing: {
      filters: [
        {
          filter_friendly_name: "Gold voice",
          expression: "channel == 'voice' AND customer.tier == 'gold'",
          targets: [
            { queue: Q_VIP, known_worker_sid: "task.customer.preferred_agent_sid", timeout: 20, priority: 50 },
            {
              queue: Q_VIP,
              expression: "worker.skills HAS task.product AND worker.level >= 3",
              order_by: "worker.level DESC, worker.tenure ASC",
              skip_if: "workers.available == 0",
              timeout: "60",
            },
            // No queue: stays in Q_VIP with a wider expression and no timeout.
            { expression: "worker.skills HAS task.product" },
          ],
        },
        {
          filter_friendly_name: "Spanish",
          expression: "language IN ['es', 'es-MX']",
          targets: [{ queue: Q_SPANISH, priority: "10", timeout: 120, known_worker_friendly_name: "task.agent_name" }],
        },
      ],
      default_filter: { queue: Q_EVERYONE },
    },
  });
  const known = new Set([Q_VIP, Q_SPANISH, Q_EVERYONE]);
  const config = parsed(text, { queueExists: (sid) => known.has(sid) });

  it("keeps filters and targets in order with their names", () => {
    expect(config.filters.map((f) => [f.name, f.targets.length])).toEqual([
      ["Gold voice", 3],
      ["Spanish", 1],
    ]);
    expect(config.defaultFilter).toEqual({ queue: Q_EVERYONE });
  });

  it("normalizes numbers, inherits the queue and parses order_by", () => {
    const [first, second, third] = config.filters[0]!.targets;
    expect([first?.priority, first?.timeout]).toEqual([50, 20]);
    expect(second?.timeout).toBe(60); // "60" → 60
    expect(second?.priority).toBeUndefined();
    expect(second?.orderBy).toEqual([
      { segments: ["level"], direction: "DESC", text: "worker.level" },
      { segments: ["tenure"], direction: "ASC", text: "worker.tenure" },
    ]);
    expect(third?.queue).toBe(Q_VIP); // inherited from the previous target
    expect(third?.timeout).toBeUndefined();
    expect(config.filters[1]!.targets[0]?.priority).toBe(10); // "10" → 10
  });

  it("compiles each expression with its kind", () => {
    const [first, second] = config.filters[0]!.targets;
    expect(config.filters[0]!.expression.kind).toBe("filter");
    expect(second?.expression?.kind).toBe("target");
    expect(second?.skipIf?.kind).toBe("skip_if");
    expect(first?.expression).toBeUndefined();
    expect(config.filters[0]!.expression.evaluate({ task: { attributes: { channel: "voice", customer: { tier: "gold" } } } })).toBe(true);
    expect(config.filters[1]!.expression.evaluate({ task: { attributes: { language: "es-MX" } } })).toBe(true);
    expect(second?.skipIf?.evaluate({ counters: (name) => (name === "available" ? 0 : 3) })).toBe(true);
  });

  it("reads known-worker pointers", () => {
    expect(config.filters[0]!.targets[0]?.knownWorker).toEqual({
      by: "sid",
      segments: ["customer", "preferred_agent_sid"],
      text: "task.customer.preferred_agent_sid",
    });
    expect(config.filters[1]!.targets[0]?.knownWorker).toEqual({ by: "friendly_name", segments: ["agent_name"], text: "task.agent_name" });
  });

  it("accepts the same document already parsed", () => {
    // Compiled expressions are closures, so compare what serializes (sources, kinds, trees, numbers).
    expect(JSON.stringify(parsed(JSON.parse(text)))).toBe(JSON.stringify(config));
  });
});

describe("lenient but documented defaults", () => {
  it.each<[string, unknown, (c: WorkflowConfiguration) => unknown, unknown]>([
    // No default_filter → null.
    ["default_filter absent", { task_routing: { filters: [] } }, (c) => c.defaultFilter, null],
    ["default_filter null", { task_routing: { filters: [], default_filter: null } }, (c) => c.defaultFilter, null],
    // No filter name → "".
    ["unnamed filter", withFilter({}), (c) => c.filters[0]!.name, ""],
    // Optional target keys set to null count as absent.
    [
      "null optional keys",
      withTarget({ priority: null, timeout: null, expression: null }),
      (c) => Object.keys(c.filters[0]!.targets[0]!),
      ["queue"],
    ],
    // Blank target expression, skip_if and order_by count as absent.
    [
      "blank optional strings",
      withTarget({ expression: " ", skip_if: "", order_by: "  " }),
      (c) => Object.keys(c.filters[0]!.targets[0]!),
      ["queue"],
    ],
    // Bounds are inclusive.
    [
      "priority 0 and timeout 1",
      withTarget({ priority: 0, timeout: 1 }),
      (c) => [c.filters[0]!.targets[0]!.priority, c.filters[0]!.targets[0]!.timeout],
      [0, 1],
    ],
    [
      "largest priority and timeout",
      withTarget({ priority: 2147483647, timeout: "1209600" }),
      (c) => [c.filters[0]!.targets[0]!.priority, c.filters[0]!.targets[0]!.timeout],
      [2147483647, 1209600],
    ],
    // Upper-case hex in a SID is still a SID.
    ["upper-case SID", withTarget({ queue: `WQ${"A".repeat(32)}` }), (c) => c.filters[0]!.targets[0]!.queue, `WQ${"A".repeat(32)}`],
  ])("%s", (_name, input, pick, expected) => {
    expect(pick(parsed(input))).toEqual(expected);
  });
});

describe("invalid configurations: every problem with its path", () => {
  it.each<[string, unknown, ConfigurationProblem[]]>([
    ["an array", [], [{ path: "", message: 'configuration must be a JSON object with a "task_routing" key, got an array' }]],
    ["JSON null", "null", [{ path: "", message: 'configuration must be a JSON object with a "task_routing" key, got null' }]],
    ["no task_routing", {}, [{ path: "task_routing", message: "is required" }]],
    // A misspelt key is named, and the key it was meant to be is still missing.
    [
      "misspelt task_routing",
      { taskRouting: {} },
      [
        { path: "taskRouting", message: 'unknown key "taskRouting"; allowed keys: task_routing' },
        { path: "task_routing", message: "is required" },
      ],
    ],
    ["task_routing a string", { task_routing: "x" }, [{ path: "task_routing", message: 'must be an object, got "x"' }]],
    ["no filters", { task_routing: {} }, [{ path: "task_routing.filters", message: "is required (an array of filters; it may be empty)" }]],
    [
      "filters an object",
      { task_routing: { filters: {} } },
      [{ path: "task_routing.filters", message: "must be an array, got an object" }],
    ],
    ["filter a number", { task_routing: { filters: [42] } }, [{ path: "task_routing.filters[0]", message: "must be an object, got 42" }]],
    [
      "filter without expression",
      withFilter({ expression: undefined }),
      [{ path: "task_routing.filters[0].expression", message: 'is required (use "1==1" to match every task)' }],
    ],
    [
      "blank filter expression",
      withFilter({ expression: "  " }),
      [{ path: "task_routing.filters[0].expression", message: 'must not be empty (use "1==1" to match every task)' }],
    ],
    [
      "filter expression a number",
      withFilter({ expression: 5 }),
      [{ path: "task_routing.filters[0].expression", message: "must be a string, got 5" }],
    ],
    // "type ==" is 7 characters: the value is owed at position 7.
    [
      "filter expression syntax",
      withFilter({ expression: "type ==" }),
      [{ path: "task_routing.filters[0].expression", message: syntax(7) }],
    ],
    [
      "filter name a number",
      withFilter({ filter_friendly_name: 7 }),
      [{ path: "task_routing.filters[0].filter_friendly_name", message: "must be a string, got 7" }],
    ],
    [
      "unknown filter key",
      withFilter({ filter_name: "Sales" }),
      [
        {
          path: "task_routing.filters[0].filter_name",
          message:
            'unknown key "filter_name"; allowed keys: filter_friendly_name, friendly_name, expression, targets, queue, priority, timeout',
        },
      ],
    ],
    [
      "no targets",
      withFilter({ targets: undefined }),
      [{ path: "task_routing.filters[0].targets", message: "is required: a filter needs at least one target" }],
    ],
    [
      "empty targets",
      withFilter({ targets: [] }),
      [{ path: "task_routing.filters[0].targets", message: "must not be empty: a filter needs at least one target" }],
    ],
    [
      "targets a string",
      withFilter({ targets: Q }),
      [{ path: "task_routing.filters[0].targets", message: `must be an array of targets, got "${Q}"` }],
    ],
    [
      "target a string",
      withFilter({ targets: ["x"] }),
      [{ path: "task_routing.filters[0].targets[0]", message: 'must be an object, got "x"' }],
    ],
    [
      "first target without queue",
      withFilter({ targets: [{ timeout: 5 }] }),
      [{ path: "task_routing.filters[0].targets[0].queue", message: "is required on the first target of a filter" }],
    ],
    [
      "queue not a SID",
      withTarget({ queue: "WQ123" }),
      [
        {
          path: "task_routing.filters[0].targets[0].queue",
          message: 'must be a TaskQueue SID ("WQ" followed by 32 hex digits), got "WQ123"',
        },
      ],
    ],
    [
      "queue a number",
      withTarget({ queue: 1 }),
      [{ path: "task_routing.filters[0].targets[0].queue", message: "must be a string, got 1" }],
    ],
    [
      "priority negative",
      withTarget({ priority: -1 }),
      [{ path: "task_routing.filters[0].targets[0].priority", message: "must be an integer from 0 to 2147483647, got -1" }],
    ],
    [
      "priority fractional",
      withTarget({ priority: 1.5 }),
      [{ path: "task_routing.filters[0].targets[0].priority", message: "must be an integer from 0 to 2147483647, got 1.5" }],
    ],
    [
      "priority a word",
      withTarget({ priority: "high" }),
      [{ path: "task_routing.filters[0].targets[0].priority", message: 'must be an integer from 0 to 2147483647, got "high"' }],
    ],
    [
      "priority 2^31",
      withTarget({ priority: 2147483648 }),
      [{ path: "task_routing.filters[0].targets[0].priority", message: "must be an integer from 0 to 2147483647, got 2147483648" }],
    ],
    [
      "timeout 0",
      withTarget({ timeout: 0 }),
      [{ path: "task_routing.filters[0].targets[0].timeout", message: "must be a whole number of seconds from 1 to 1209600, got 0" }],
    ],
    [
      "timeout over 14 days",
      withTarget({ timeout: "1209601" }),
      [
        {
          path: "task_routing.filters[0].targets[0].timeout",
          message: 'must be a whole number of seconds from 1 to 1209600, got "1209601"',
        },
      ],
    ],
    [
      "timeout a boolean",
      withTarget({ timeout: true }),
      [{ path: "task_routing.filters[0].targets[0].timeout", message: "must be a whole number of seconds from 1 to 1209600, got true" }],
    ],
    [
      "timeout with a unit",
      withTarget({ timeout: "30s" }),
      [{ path: "task_routing.filters[0].targets[0].timeout", message: 'must be a whole number of seconds from 1 to 1209600, got "30s"' }],
    ],
    // "level " is 6 characters: DOWN starts at 6.
    [
      "order_by direction",
      withTarget({ order_by: "level DOWN" }),
      [{ path: "task_routing.filters[0].targets[0].order_by", message: "Unexpected 'DOWN' at position 6: expected ASC or DESC" }],
    ],
    [
      "order_by a number",
      withTarget({ order_by: 3 }),
      [{ path: "task_routing.filters[0].targets[0].order_by", message: "must be a string, got 3" }],
    ],
    // "workers.available ==" is 20 characters.
    [
      "skip_if syntax",
      withTarget({ skip_if: "workers.available ==" }),
      [{ path: "task_routing.filters[0].targets[0].skip_if", message: syntax(20) }],
    ],
    [
      "skip_if unknown counter",
      withTarget({ skip_if: "workers.busy == 0" }),
      [
        {
          path: "task_routing.filters[0].targets[0].skip_if",
          message:
            "syntax error: Invalid 'workers.busy' at position 0: expected workers.available, workers.unavailable or workers.<Activity SID>",
        },
      ],
    ],
    // "worker.skills HAS" is 17 characters.
    [
      "target expression syntax",
      withTarget({ expression: "worker.skills HAS" }),
      [{ path: "task_routing.filters[0].targets[0].expression", message: syntax(17) }],
    ],
    [
      "target expression an array",
      withTarget({ expression: ["a"] }),
      [{ path: "task_routing.filters[0].targets[0].expression", message: "must be a string, got an array" }],
    ],
    [
      "known worker not from the task",
      withTarget({ known_worker_sid: "worker.sid" }),
      [
        {
          path: "task_routing.filters[0].targets[0].known_worker_sid",
          message: 'must have the form "task.<attribute>" (the task attribute holding the worker\'s SID), got "worker.sid"',
        },
      ],
    ],
    [
      "known worker without a path",
      withTarget({ known_worker_friendly_name: "task." }),
      [
        {
          path: "task_routing.filters[0].targets[0].known_worker_friendly_name",
          message: `must have the form "task.<attribute>" (the task attribute holding the worker's friendly name); "task." at position 5: expected a name (a letter, '_' or '$', then letters, digits, '_' or '$')`,
        },
      ],
    ],
    [
      "both known-worker keys",
      withTarget({ known_worker_sid: "task.a", known_worker_friendly_name: "task.b" }),
      [
        {
          path: "task_routing.filters[0].targets[0]",
          message: "known_worker_sid and known_worker_friendly_name cannot both be given: a target names its known worker one way",
        },
      ],
    ],
    [
      "misspelt target key",
      withTarget({ timout: 5 }),
      [{ path: "task_routing.filters[0].targets[0].timout", message: `unknown key "timout"; allowed keys: ${TARGET_KEYS}` }],
    ],
    [
      "unknown key that is not an identifier",
      { task_routing: { filters: [], "default filter": { queue: Q } } },
      [{ path: 'task_routing["default filter"]', message: 'unknown key "default filter"; allowed keys: filters, default_filter' }],
    ],
    [
      "default_filter a string",
      { task_routing: { filters: [], default_filter: Q } },
      [{ path: "task_routing.default_filter", message: `must be an object with a "queue" key, got "${Q}"` }],
    ],
    [
      "default_filter without queue",
      { task_routing: { filters: [], default_filter: {} } },
      [{ path: "task_routing.default_filter.queue", message: "is required" }],
    ],
    [
      "default_filter queue not hex",
      { task_routing: { filters: [], default_filter: { queue: `WQ${"g".repeat(32)}` } } },
      [
        {
          path: "task_routing.default_filter.queue",
          message: `must be a TaskQueue SID ("WQ" followed by 32 hex digits), got "WQ${"g".repeat(32)}"`,
        },
      ],
    ],
    [
      "default_filter extra key",
      { task_routing: { filters: [], default_filter: { queue: Q, colour: "red" } } },
      [
        {
          path: "task_routing.default_filter.colour",
          message:
            'unknown key "colour"; allowed keys: queue, expression, priority, order_by, known_worker_sid, known_worker_friendly_name, region',
        },
      ],
    ],
  ])("%s", (_name, input, problems) => {
    expect(parseWorkflowConfiguration(input)).toEqual({ ok: false, problems });
  });

  it("reports a well-formed queue the workspace does not have", () => {
    const missing = `WQ${"f".repeat(32)}`;
    const input = {
      task_routing: { filters: [{ expression: "1==1", targets: [{ queue: Q }, { queue: missing }] }], default_filter: { queue: missing } },
    };
    expect(parseWorkflowConfiguration(input, { queueExists: (sid) => sid === Q })).toEqual({
      ok: false,
      problems: [
        { path: "task_routing.filters[0].targets[1].queue", message: `TaskQueue ${missing} does not exist in this workspace` },
        { path: "task_routing.default_filter.queue", message: `TaskQueue ${missing} does not exist in this workspace` },
      ],
    });
  });
});

describe("documents that cannot be read at all", () => {
  it("reports invalid JSON with its position, line and column", () => {
    // Line 1 is "{", line 2 is '  "task_routing": {,}': the stray comma is at offset 2 + 19 = 21, column 20.
    const text = '{\n  "task_routing": {,}\n}';
    const result = parseWorkflowConfiguration(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.path).toBe("");
    // The middle is V8's own wording, which changes between Node versions.
    expect(result.problems[0]?.message).toMatch(/^configuration is not valid JSON: .+ at position 21 \(line 2, column 20\)$/);
  });

  it("reports JSON that ends too early at its end", () => {
    expect(parseWorkflowConfiguration('{"task_routing":')).toEqual({
      ok: false,
      problems: [{ path: "", message: "configuration is not valid JSON: Unexpected end of JSON input at position 16 (line 1, column 17)" }],
    });
  });

  it("counts the size limit in UTF-8 bytes", () => {
    // {"task_routing":{"filters":[],"x":" is 35 bytes, 50 × "é" is 100, "}} is 3: 138 bytes in 88 characters.
    const text = JSON.stringify({ task_routing: { filters: [], x: "é".repeat(50) } });
    expect(text.length).toBe(88);
    expect(parseWorkflowConfiguration(text, { maxBytes: 100 })).toEqual({
      ok: false,
      problems: [{ path: "", message: "configuration is 138 bytes; the limit is 100 bytes" }],
    });
    // The same value already parsed is measured by its JSON.
    expect(parseWorkflowConfiguration(JSON.parse(text), { maxBytes: 137 })).toEqual({
      ok: false,
      problems: [{ path: "", message: "configuration is 138 bytes; the limit is 137 bytes" }],
    });
  });

  it("defaults the limit to 64 KiB", () => {
    const padded = JSON.stringify({ task_routing: { filters: [], default_filter: null } }).replace("{", `{${" ".repeat(65_536)}`);
    expect(parseWorkflowConfiguration(padded)).toEqual({
      ok: false,
      problems: [{ path: "", message: `configuration is ${padded.length} bytes; the limit is 65536 bytes` }],
    });
  });
});

describe("a document with several problems", () => {
  it("returns all of them, in document order", () => {
    const input = {
      task_routing: {
        filters: [
          {
            filter_friendly_name: "Broken",
            expression: "type == ",
            targets: [
              { queue: "WQ1", priority: "high", timeout: 0 },
              { expression: "worker.level >", order_by: "level, , tenure" },
            ],
          },
          { expression: "1==1", targets: [] },
          { expression: "1==1", targets: [{ queue: Q, known_worker_sid: "sid", colour: "red" }] },
        ],
        default_filter: { queue: 42 },
      },
    };
    expect(parseWorkflowConfiguration(input)).toEqual({
      ok: false,
      problems: [
        // "type == " is 8 characters; the value is owed at 8.
        { path: "task_routing.filters[0].expression", message: syntax(8) },
        {
          path: "task_routing.filters[0].targets[0].queue",
          message: 'must be a TaskQueue SID ("WQ" followed by 32 hex digits), got "WQ1"',
        },
        { path: "task_routing.filters[0].targets[0].priority", message: 'must be an integer from 0 to 2147483647, got "high"' },
        { path: "task_routing.filters[0].targets[0].timeout", message: "must be a whole number of seconds from 1 to 1209600, got 0" },
        // "worker.level >" is 14 characters.
        { path: "task_routing.filters[0].targets[1].expression", message: syntax(14) },
        // "level, " is 7 characters: the empty key ends at the comma at 7.
        { path: "task_routing.filters[0].targets[1].order_by", message: "Unexpected ',' at position 7: expected a worker attribute" },
        { path: "task_routing.filters[1].targets", message: "must not be empty: a filter needs at least one target" },
        { path: "task_routing.filters[2].targets[0].colour", message: `unknown key "colour"; allowed keys: ${TARGET_KEYS}` },
        {
          path: "task_routing.filters[2].targets[0].known_worker_sid",
          message: 'must have the form "task.<attribute>" (the task attribute holding the worker\'s SID), got "sid"',
        },
        { path: "task_routing.default_filter.queue", message: "must be a string, got 42" },
      ],
    });
  });
});

function syntax(position: number): string {
  return `syntax error: Unexpected end of input at position ${position}: ${EXPECTED_VALUE}`;
}
