/**
 * Every shape of a Workflow configuration that Twilio's docs and SDK builders have written over the
 * years, routed with the outcome worked out by hand and required to be the modern form's: older filter
 * names, a queue on the filter itself, numbers as strings, a default filter written as a whole target.
 * Then keys whose segments start with a digit in every place a workflow holds one, through the engine,
 * and the mistakes these shapes make possible, each answered with its path.
 */
import { describe, expect, it } from "vitest";
import { RoutingEngine, type NewTask } from "../../../durable-objects/router/engine";
import type { WorkerInput } from "../../../durable-objects/router/matcher/types";
import { parseTaskQueueConfig } from "../../../durable-objects/router/queues/task-queue";
import {
  parseWorkflowConfiguration,
  type ConfigurationProblem,
  type WorkflowConfiguration,
} from "../../../durable-objects/router/workflow/configuration";
import { afterTimeout, enterWorkflow, priorityAfter } from "../../../durable-objects/router/workflow/routing";

const SUPPORT = "WQ" + "1".repeat(32);
const EVERYONE = "WQ" + "3".repeat(32);
const WORKFLOW = "WW" + "1".repeat(32);
const AVAILABLE = "WA" + "a".repeat(32);
const wk = (n: number) => "WK" + String(n).padStart(32, "0");
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function parsed(document: unknown): WorkflowConfiguration {
  const result = parseWorkflowConfiguration(document, { queueExists: (sid) => sid === SUPPORT || sid === EVERYONE });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.configuration;
}

/**
 * Where a task of `type` goes, given priority 1 at creation: [filter, queue, priority, deadline in s];
 * then where it is 30 s later if nobody took it.
 */
function outcome(configuration: WorkflowConfiguration, type: string) {
  const task = { attributes: { type } };
  const step = enterWorkflow(configuration, task, T0);
  if (!step) return null;
  const entered = step.target.priority ?? 1;
  const later = afterTimeout(configuration, step, task, T0 + 30_000);
  const where = (s: typeof step | null) => s && [s.filterName, s.target.queue];
  return {
    entered: [step.filterName, step.target.queue, entered, step.deadline === null ? null : (step.deadline - T0) / 1000],
    after30s: [...(where(later.step) ?? []), priorityAfter(entered, later.events)],
  };
}

// The modern form: support tasks to Support at priority 5 for 30 s, everything else (and support tasks
// nobody took in 30 s) to Everyone. Worked out by hand:
// - support: filter "Support", Support, priority 5, deadline +30 s; at +30 s the default filter, still 5;
// - billing: "Default Filter", Everyone, priority 1 as created, no deadline; unchanged at +30 s.
const MODERN = {
  task_routing: {
    filters: [
      { filter_friendly_name: "Support", expression: "type == 'support'", targets: [{ queue: SUPPORT, priority: 5, timeout: 30 }] },
    ],
    default_filter: { queue: EVERYONE },
  },
};
const BY_HAND = {
  support: { entered: ["Support", SUPPORT, 5, 30], after30s: ["Default Filter", EVERYONE, 5] },
  billing: { entered: ["Default Filter", EVERYONE, 1, null], after30s: ["Default Filter", EVERYONE, 1] },
};

describe("older shapes route exactly as the modern form", () => {
  const support = { expression: "type == 'support'" };
  it.each<[string, unknown]>([
    ["the modern form", MODERN],
    [
      "friendly_name (twilio-node 1.x/2.x WorkflowBuilder, twilio-java WorkflowRule)",
      {
        task_routing: {
          filters: [{ friendly_name: "Support", ...support, targets: [{ queue: SUPPORT, priority: 5, timeout: 30 }] }],
          default_filter: { queue: EVERYONE },
        },
      },
    ],
    [
      "unset keys as null, default_filter a whole target (twilio-ruby 4.x WorkflowRuleTarget#to_json)",
      {
        task_routing: {
          filters: [{ friendly_name: "Support", ...support, targets: [{ queue: SUPPORT, priority: 5, timeout: 30, expression: null }] }],
          default_filter: { queue: EVERYONE, priority: null, timeout: null, expression: null },
        },
      },
    ],
    [
      "1==1 target expressions (twilio-python 5.x WorkflowRuleTarget)",
      {
        task_routing: {
          filters: [{ friendly_name: "Support", ...support, targets: [{ queue: SUPPORT, expression: "1==1", priority: 5, timeout: 30 }] }],
          default_filter: { queue: EVERYONE, expression: "1==1", priority: null, timeout: null },
        },
      },
    ],
    [
      "queue, priority and timeout on the filter (the oldest docs)",
      {
        task_routing: {
          filters: [{ filter_friendly_name: "Support", ...support, queue: SUPPORT, priority: 5, timeout: 30 }],
          default_filter: { queue: EVERYONE },
        },
      },
    ],
    [
      "the oldest form with friendly_name and numbers as strings",
      {
        task_routing: {
          filters: [{ friendly_name: "Support", ...support, queue: SUPPORT, priority: "5", timeout: "30" }],
          default_filter: { queue: EVERYONE },
        },
      },
    ],
    [
      "numbers as strings in a target (as Twilio's docs write them)",
      {
        task_routing: {
          filters: [{ filter_friendly_name: "Support", ...support, targets: [{ queue: SUPPORT, priority: "5", timeout: "30" }] }],
          default_filter: { queue: EVERYONE },
        },
      },
    ],
    [
      "both names, the same",
      {
        task_routing: {
          filters: [
            {
              filter_friendly_name: "Support",
              friendly_name: "Support",
              ...support,
              targets: [{ queue: SUPPORT, priority: 5, timeout: 30 }],
            },
          ],
          default_filter: { queue: EVERYONE },
        },
      },
    ],
    [
      "null where the older form's keys would be, beside targets",
      {
        task_routing: {
          filters: [{ filter_friendly_name: "Support", ...support, queue: null, targets: [{ queue: SUPPORT, priority: 5, timeout: 30 }] }],
          default_filter: { queue: EVERYONE },
        },
      },
    ],
  ])("%s", (_name, document) => {
    // As the API receives it: JSON text, with the whitespace a builder's pretty-printer adds.
    const configuration = parsed(JSON.stringify(document, null, 4));
    expect(outcome(configuration, "support")).toEqual(BY_HAND.support);
    expect(outcome(configuration, "billing")).toEqual(BY_HAND.billing);
    expect(outcome(configuration, "support")).toEqual(outcome(parsed(MODERN), "support"));
  });

  it("reads the oldest form as the one target it stands for", () => {
    const oldest = parsed({ task_routing: { filters: [{ ...support, queue: SUPPORT, timeout: "30" }] } });
    expect(oldest.filters[0]!.targets).toEqual([{ queue: SUPPORT, timeout: 30 }]);
    expect(oldest.filters[0]!.name).toBe("");
  });
});

describe("a default filter written as a whole target applies its rules", () => {
  // Ann (level 1) has been idle longest, so without the default filter's expression she would be chosen.
  const DEFAULT_AS_TARGET = {
    task_routing: { filters: [], default_filter: { queue: EVERYONE, expression: "worker.level >= 3", priority: "7" } },
  };
  function engineWith(workers: WorkerInput[]): RoutingEngine {
    const engine = new RoutingEngine();
    const everyone = parseTaskQueueConfig({ sid: EVERYONE, targetWorkers: "1==1" });
    if (!everyone.ok) throw new Error("bad queue");
    engine.upsertQueue(everyone.queue, T0);
    engine.upsertWorkflow(WORKFLOW, parsed(DEFAULT_AS_TARGET), T0);
    for (const w of workers) engine.upsertWorker(w, T0);
    return engine;
  }

  it("reserves only the workers its expression admits, at its priority", () => {
    const engine = engineWith([worker(1, "ann", { level: 1 }), worker(2, "bob", { level: 4 })]);
    const task = newTask({}, 1);
    expect(engine.createTask(task, T0).reservations.map((r) => r.workerSid)).toEqual([wk(2)]);
    expect(engine.routed(task.sid)).toMatchObject({ priority: 7, step: { filterName: "Default Filter", target: { queue: EVERYONE } } });
  });

  it("keeps them when the task is restored after a restart", () => {
    const engine = engineWith([worker(1, "ann", { level: 1 })]);
    const task = newTask({}, 0);
    engine.restoreTask(
      task,
      { step: { filterIndex: null, targetIndex: 0, workflowEnteredAt: T0 }, priority: 7, reservedWorkers: [], excludedWorkers: [] },
      T0,
    );
    expect(engine.routed(task.sid)?.step?.target.expression?.source).toBe("worker.level >= 3");
    // Ann does not qualify; Bob, level 4, does when he arrives.
    expect(engine.upsertWorker(worker(2, "bob", { level: 4 }), T0 + 1).reservations.map((r) => r.workerSid)).toEqual([wk(2)]);
  });
});

function worker(n: number, friendlyName: string, attributes: WorkerInput["attributes"]): WorkerInput {
  return {
    sid: wk(n),
    friendlyName,
    activitySid: AVAILABLE,
    activityName: "Available",
    activityAvailable: true,
    attributes,
    channels: { chat: { capacity: 1, assigned: 0, enabled: true } },
    idleSince: n,
  };
}

let tasks = 0;
function newTask(attributes: NewTask["attributes"], priority: number): NewTask {
  tasks++;
  return { sid: "WT" + String(tasks).padStart(32, "0"), workflowSid: WORKFLOW, attributes, priority, channel: "chat", order: tasks };
}

describe("keys whose segments start with a digit, in every place a workflow holds one", () => {
  // Three support agents, idle longest first: ann, bob, cid. Their levels at 9am: ann 2, bob 5, cid none.
  // Cid's team attribute is an object with a key "2"; ann's and bob's skills arrays hold "support" at 2.
  const agents: [string, WorkerInput["attributes"]][] = [
    ["ann", { skills: ["voice", "chat", "support"], routing: { levels: { "9am": 2 } } }],
    ["bob", { skills: ["voice", "chat", "support"], routing: { levels: { "9am": 5 } } }],
    ["cid", { skills: { "2": "support" }, routing: { levels: {} } }],
  ];
  const target = (fields: Record<string, unknown>) => ({
    task_routing: {
      filters: [{ filter_friendly_name: "Morning", expression: "task.shift.9am == true", targets: [{ queue: SUPPORT, ...fields }] }],
    },
  });

  it.each<[string, string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    // skills.2: ann's and bob's element 2, cid's key "2" → all three; idle longest first → ann.
    ["queue target_workers", "skills.2 == 'support'", {}, {}, ["ann"]],
    // order_by 9am DESC: bob 5, ann 2, cid (none) last → bob.
    ["order_by", "1==1", { order_by: "worker.routing.levels.9am DESC" }, {}, ["bob"]],
    // Target expression against the task's own digit key: level ≥ 3 → bob only.
    ["target expression", "1==1", { expression: "worker.routing.levels.9am >= task.required.9am" }, { required: { "9am": 3 } }, ["bob"]],
    // Known worker named by a task attribute under a digit key → cid.
    ["known_worker_friendly_name", "1==1", { known_worker_friendly_name: "task.agents.9am" }, { agents: { "9am": "cid" } }, ["cid"]],
  ])("%s", (_place, targetWorkers, fields, attributes, expected) => {
    const engine = new RoutingEngine();
    const queue = parseTaskQueueConfig({ sid: SUPPORT, targetWorkers });
    if (!queue.ok) throw new Error(JSON.stringify(queue.problems));
    engine.upsertQueue(queue.queue, T0);
    engine.upsertWorkflow(WORKFLOW, parsed(target(fields)), T0);
    agents.forEach(([name, attrs], i) => engine.upsertWorker(worker(i + 1, name, attrs), T0));
    const names = new Map(agents.map(([name], i) => [wk(i + 1), name]));
    const reserved = engine.createTask(newTask({ shift: { "9am": true }, ...attributes }, 0), T0).reservations;
    expect(reserved.map((r) => names.get(r.workerSid))).toEqual(expected);
  });

  it("skip_if reads the task's digit keys: a morning task with nobody available skips on", () => {
    const engine = new RoutingEngine();
    for (const [sid, targetWorkers] of [
      [SUPPORT, "skills.2 == 'support'"],
      [EVERYONE, "1==1"],
    ] as const) {
      const queue = parseTaskQueueConfig({ sid, targetWorkers });
      if (!queue.ok) throw new Error("bad queue");
      engine.upsertQueue(queue.queue, T0);
    }
    const skipping = target({ skip_if: "task.shift.9am == true AND workers.available == 0" });
    engine.upsertWorkflow(WORKFLOW, parsed({ task_routing: { ...skipping.task_routing, default_filter: { queue: EVERYONE } } }), T0);
    engine.upsertWorker(worker(1, "dan", { skills: ["voice"] }), T0); // not in Support
    const task = newTask({ shift: { "9am": true } }, 0);
    const out = engine.createTask(task, T0);
    expect(out.events.map((e) => e.type)).toContain("workflow.skipped");
    expect(out.reservations.map((r) => r.workerSid)).toEqual([wk(1)]);
  });

  it("keeps an order_by on scores[2] apart from one on scores.2: on an object they read different things", () => {
    // Workers' scores are objects: scores.2 reads key "2" (ann 1, bob 5, cid 9); scores[2] reads nothing
    // (a tie, so the longest idle first). Capacity 1 each. Task A (scores[2]) → ann; task B (scores.2) →
    // cid, where sharing A's ready list would give it bob, the next longest idle.
    const engine = new RoutingEngine();
    const queue = parseTaskQueueConfig({ sid: SUPPORT, targetWorkers: "1==1" });
    if (!queue.ok) throw new Error("bad queue");
    engine.upsertQueue(queue.queue, T0);
    const byScore = (order_by: string, type: string) => ({ expression: `type == '${type}'`, targets: [{ queue: SUPPORT, order_by }] });
    engine.upsertWorkflow(
      WORKFLOW,
      parsed({ task_routing: { filters: [byScore("worker.scores[2] DESC", "a"), byScore("worker.scores.2 DESC", "b")] } }),
      T0,
    );
    engine.upsertWorker(worker(1, "ann", { scores: { "2": 1 } }), T0);
    engine.upsertWorker(worker(2, "bob", { scores: { "2": 5 } }), T0);
    engine.upsertWorker(worker(3, "cid", { scores: { "2": 9 } }), T0);
    expect(engine.createTask(newTask({ type: "a" }, 0), T0).reservations.map((r) => r.workerSid)).toEqual([wk(1)]);
    expect(engine.createTask(newTask({ type: "b" }, 0), T0).reservations.map((r) => r.workerSid)).toEqual([wk(3)]);
  });
});

describe("mistakes the older shapes make possible, each at its path", () => {
  const F = "task_routing.filters[0]";
  const filter = (fields: Record<string, unknown>) => ({ task_routing: { filters: [{ expression: "1==1", ...fields }] } });
  it.each<[string, unknown, ConfigurationProblem[]]>([
    [
      "targets and a queue on the filter",
      filter({ queue: SUPPORT, targets: [{ queue: EVERYONE }] }),
      [
        {
          path: F,
          message:
            'has both "targets" and "queue": a filter routes through its targets, or (the older form) to the queue written on it, not both',
        },
      ],
    ],
    [
      "targets and a priority and timeout on the filter",
      filter({ priority: 5, timeout: 30, targets: [{ queue: EVERYONE }] }),
      [
        {
          path: F,
          message:
            'has both "targets" and "priority", "timeout": a filter routes through its targets, or (the older form) to the queue written on it, not both',
        },
      ],
    ],
    [
      "the older form without its queue",
      filter({ timeout: 30 }),
      [{ path: `${F}.queue`, message: 'is required: a filter needs "targets", or a "queue" of its own' }],
    ],
    [
      "the older form with a bad priority and an unknown queue",
      filter({ queue: "WQ" + "9".repeat(32), priority: "high" }),
      [
        { path: `${F}.queue`, message: `TaskQueue WQ${"9".repeat(32)} does not exist in this workspace` },
        { path: `${F}.priority`, message: 'must be an integer from 0 to 2147483647, got "high"' },
      ],
    ],
    [
      "two different names",
      filter({ filter_friendly_name: "Sales", friendly_name: "Support", targets: [{ queue: SUPPORT }] }),
      [{ path: `${F}.friendly_name`, message: 'is "Support" but filter_friendly_name is "Sales": give the filter one name' }],
    ],
    [
      "friendly_name not a string",
      filter({ friendly_name: 7, targets: [{ queue: SUPPORT }] }),
      [{ path: `${F}.friendly_name`, message: "must be a string, got 7" }],
    ],
    [
      "a default filter that times out",
      { task_routing: { filters: [], default_filter: { queue: EVERYONE, timeout: 30 } } },
      [
        {
          path: "task_routing.default_filter.timeout",
          message: "must be left out: a task in the default filter waits until it is assigned, canceled or its TTL ends",
        },
      ],
    ],
    [
      "a default filter with skip_if",
      { task_routing: { filters: [], default_filter: { queue: EVERYONE, skip_if: "workers.available == 0" } } },
      [
        {
          path: "task_routing.default_filter.skip_if",
          message: "must be left out: the default filter is the last step, so there is nothing to skip to",
        },
      ],
    ],
    [
      "a default filter's bad expression and priority",
      { task_routing: { filters: [], default_filter: { queue: EVERYONE, expression: "level >=", priority: -1 } } },
      [
        {
          path: "task_routing.default_filter.expression",
          message:
            "syntax error: Unexpected end of input at position 8: expected a value (a key, a string, a number, true, false or [ … ])",
        },
        { path: "task_routing.default_filter.priority", message: "must be an integer from 0 to 2147483647, got -1" },
      ],
    ],
    [
      "a bare key starting with a digit in order_by",
      filter({ targets: [{ queue: SUPPORT, order_by: "9am DESC" }] }),
      [
        {
          path: `${F}.targets[0].order_by`,
          message: "Invalid key '9am' at position 0: expected a name (a letter, '_' or '$', then letters, digits, '_' or '$')",
        },
      ],
    ],
  ])("%s", (_name, document, problems) => {
    expect(parseWorkflowConfiguration(document, { queueExists: (sid) => sid === SUPPORT || sid === EVERYONE })).toEqual({
      ok: false,
      problems,
    });
  });
});
