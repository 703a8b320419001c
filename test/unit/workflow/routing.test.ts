import { describe, expect, it } from "vitest";
import type { TaskView } from "../../../durable-objects/router/expression";
import {
  parseWorkflowConfiguration,
  type RoutingTarget,
  type WorkflowConfiguration,
} from "../../../durable-objects/router/workflow/configuration";
import {
  afterSkip,
  afterTimeout,
  enterWorkflow,
  enterWorkflowWithEvents,
  knownWorkerOf,
  priorityAfter,
  reevaluate,
  shouldSkip,
  type RoutingEvent,
  type RoutingStep,
} from "../../../durable-objects/router/workflow/routing";

const sid = (c: string) => `WQ${c.repeat(32)}`;
const [Q1, Q2, Q3, Q4, QD] = ["1", "2", "3", "4", "d"].map(sid) as [string, string, string, string, string];
/** Monday 2025-01-06 12:00:00 UTC. */
const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;

function config(document: unknown): WorkflowConfiguration {
  const result = parseWorkflowConfiguration(document);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.configuration;
}
const task = (attributes: TaskView["attributes"]): TaskView => ({ attributes });

/** Events as compact tuples: [type, seconds after T0, filter/target or queue]. */
function summary(events: readonly RoutingEvent[]): [string, number, string][] {
  return events.map((e) => {
    const where = "queue" in e ? e.queue : e.step === null ? "nowhere" : `${e.step.filterName}#${e.step.targetIndex}`;
    return [e.type, (e.at - T0) / 1000, where];
  });
}

// Sales: three targets of 10 s (cumulative: left at +10, +20, +30). Support also matches sales tasks,
// to show that the first match wins and that a timeout goes to the default filter, not the next filter.
const rules = {
  task_routing: {
    filters: [
      {
        filter_friendly_name: "Sales",
        expression: "type == 'sales'",
        targets: [
          { queue: Q1, timeout: 10, priority: 5 },
          { queue: Q2, timeout: 10 },
          { queue: Q3, timeout: 10, priority: 20 },
        ],
      },
      { filter_friendly_name: "Support", expression: "type == 'support' OR type == 'sales'", targets: [{ queue: Q4 }] },
    ],
    default_filter: { queue: QD },
  },
};
const RULES = config(rules);
const NO_DEFAULT = config({ task_routing: { filters: rules.task_routing.filters } });
const sales = task({ type: "sales" });

describe("entering a workflow", () => {
  it.each<[string, WorkflowConfiguration, TaskView, [number | null, number, string, string] | null]>([
    // Sales matches filters 0 and 1: the first one wins.
    ["first match wins", RULES, sales, [0, 0, "Sales", Q1]],
    ["second filter", RULES, task({ type: "support" }), [1, 0, "Support", Q4]],
    // Nothing matches: the default filter, named as Twilio names it.
    ["no match → default", RULES, task({ type: "billing" }), [null, 0, "Default Filter", QD]],
    ["missing attribute → default", RULES, task({}), [null, 0, "Default Filter", QD]],
    ["no match, no default → nowhere", NO_DEFAULT, task({ type: "billing" }), null],
  ])("%s", (_name, cfg, t, expected) => {
    const step = enterWorkflow(cfg, t, T0);
    expect(step && [step.filterIndex, step.targetIndex, step.filterName, step.target.queue]).toEqual(expected);
  });

  it("sets the first deadline and reports entry events", () => {
    const { step, events } = enterWorkflowWithEvents(RULES, sales, T0);
    expect(step?.workflowEnteredAt).toBe(T0);
    expect(step?.deadline).toBe(s(10));
    expect(summary(events)).toEqual([
      ["workflow.entered", 0, "Sales#0"],
      ["workflow.target-matched", 0, "Sales#0"],
      ["task-queue.entered", 0, Q1],
    ]);
  });

  it("the default filter never times out", () => {
    const step = enterWorkflow(RULES, task({ type: "billing" }), T0)!;
    expect(step.deadline).toBeNull();
    expect(step.target).toEqual({ queue: QD });
    expect(afterTimeout(RULES, step, sales, s(1_000_000))).toEqual({ step, events: [] });
  });

  it("reports entering nowhere", () => {
    expect(summary(enterWorkflowWithEvents(NO_DEFAULT, task({}), T0).events)).toEqual([["workflow.entered", 0, "nowhere"]]);
  });
});

describe("cumulative timeouts", () => {
  const first = enterWorkflow(RULES, sales, T0)!;

  it.each([
    // 10/10/10: deadlines at +10, +20, +30 from workflow entry.
    [9.999, 0, 10],
    [10, 1, 20], // a deadline is due at its exact instant
    [19, 1, 20],
    [20, 2, 30],
    [29.5, 2, 30],
  ])("at +%ss the task is on target %i with deadline +%is", (at, targetIndex, deadline) => {
    const { step } = afterTimeout(RULES, first, sales, s(at));
    expect(step?.filterIndex).toBe(0);
    expect(step?.targetIndex).toBe(targetIndex);
    expect(step?.deadline).toBe(s(deadline));
    expect(step?.workflowEnteredAt).toBe(T0);
  });

  it("a step not yet due is returned unchanged, without events", () => {
    expect(afterTimeout(RULES, first, sales, s(9))).toEqual({ step: first, events: [] });
  });

  it("a late alarm crosses two deadlines and reports each at its own time", () => {
    const { step, events } = afterTimeout(RULES, first, sales, s(25));
    expect(step?.targetIndex).toBe(2);
    expect(summary(events)).toEqual([
      ["task-queue.timeout", 10, Q1],
      ["workflow.target-matched", 10, "Sales#1"],
      ["task-queue.entered", 10, Q2],
      ["task-queue.timeout", 20, Q2],
      ["workflow.target-matched", 20, "Sales#2"],
      ["task-queue.entered", 20, Q3],
    ]);
  });

  it("the last target's timeout goes to the default filter with workflow.timeout (not to the next filter)", () => {
    const third = afterTimeout(RULES, first, sales, s(20)).step!;
    const { step, events } = afterTimeout(RULES, third, sales, s(30));
    expect(step).toMatchObject({ filterIndex: null, filterName: "Default Filter", target: { queue: QD }, deadline: null });
    expect(summary(events)).toEqual([
      ["task-queue.timeout", 30, Q3],
      ["workflow.timeout", 30, "Sales#2"],
      ["workflow.target-matched", 30, "Default Filter#0"],
      ["task-queue.entered", 30, QD],
    ]);
  });

  it("from entry straight through to the default filter when the alarm is very late", () => {
    const { step, events } = afterTimeout(RULES, first, sales, s(3600));
    expect(step?.filterIndex).toBeNull();
    expect(events.filter((e) => e.type === "task-queue.timeout").map((e) => (e.at - T0) / 1000)).toEqual([10, 20, 30]);
  });

  it("without a default filter the last timeout routes the task nowhere", () => {
    const { step, events } = afterTimeout(NO_DEFAULT, enterWorkflow(NO_DEFAULT, sales, T0)!, sales, s(30));
    expect(step).toBeNull();
    expect(summary(events).slice(-2)).toEqual([
      ["task-queue.timeout", 30, Q3],
      ["workflow.timeout", 30, "Sales#2"],
    ]);
  });

  it("a target without a timeout keeps the task; it counts 0 towards later targets", () => {
    // Targets: 10 s, none, 5 s. The second never times out; reached by a skip, the third is due at 10+0+5.
    const cfg = config({
      task_routing: {
        filters: [
          {
            expression: "1==1",
            targets: [
              { queue: Q1, timeout: 10 },
              { queue: Q2, skip_if: "workers.available == 0" },
              { queue: Q3, timeout: 5 },
            ],
          },
        ],
      },
    });
    const second = afterTimeout(cfg, enterWorkflow(cfg, sales, T0)!, sales, s(10)).step!;
    expect(second.deadline).toBeNull();
    expect(afterTimeout(cfg, second, sales, s(100_000)).events).toEqual([]);
    expect(afterSkip(cfg, second, sales, s(10)).step?.deadline).toBe(s(15));
  });

  it("a target that keeps the previous queue moves the task without queue events", () => {
    const cfg = config({
      task_routing: {
        filters: [
          {
            filter_friendly_name: "Widen",
            expression: "1==1",
            targets: [{ queue: Q1, expression: "worker.level >= 3", timeout: 15 }, { timeout: 15 }],
          },
        ],
        default_filter: { queue: Q1 },
      },
    });
    const first = enterWorkflow(cfg, sales, T0)!;
    const { step, events } = afterTimeout(cfg, first, sales, s(30));
    expect(step?.filterIndex).toBeNull();
    expect(summary(events)).toEqual([
      ["workflow.target-matched", 15, "Widen#1"],
      ["workflow.timeout", 30, "Widen#1"],
      ["workflow.target-matched", 30, "Default Filter#0"],
    ]);
  });

  it("a stale step whose target no longer exists (workflow updated without re-evaluation) goes to the default", () => {
    const stale: RoutingStep = { ...enterWorkflow(RULES, sales, T0)!, filterIndex: 5 };
    expect(afterTimeout(RULES, stale, sales, s(10)).step?.filterIndex).toBeNull();
  });
});

describe("skip_if", () => {
  // VIP: two targets that skip when nobody is available; then Sales; Never never matches; then the default.
  const SKIPS = config({
    task_routing: {
      filters: [
        {
          filter_friendly_name: "VIP",
          expression: "vip == true",
          targets: [
            { queue: Q1, skip_if: "workers.available == 0", timeout: 30 },
            { queue: Q2, skip_if: "workers.available == 0" },
          ],
        },
        { filter_friendly_name: "Sales", expression: "type == 'sales'", targets: [{ queue: Q3, timeout: 60 }] },
        { filter_friendly_name: "Never", expression: "type == 'nothing'", targets: [{ queue: Q4 }] },
      ],
      default_filter: { queue: QD },
    },
  });
  const vipSales = task({ vip: true, type: "sales" });
  const vipSupport = task({ vip: true, type: "support" });

  it.each<[string, number | undefined, boolean]>([
    ["nobody available", 0, true],
    ["two available", 2, false],
    ["no counter given (NULL)", undefined, false],
  ])("shouldSkip: %s", (_name, available, expected) => {
    const step = enterWorkflow(SKIPS, vipSales, T0)!;
    expect(shouldSkip(step, vipSales, (name) => (name === "available" ? available : 4), T0)).toBe(expected);
  });

  it("shouldSkip is false where there is no skip_if", () => {
    expect(shouldSkip(enterWorkflow(SKIPS, task({}), T0)!, task({}), () => 0, T0)).toBe(false);
  });

  it("skips to the next target of the same filter", () => {
    const first = enterWorkflow(SKIPS, vipSales, T0)!;
    const { step, events } = afterSkip(SKIPS, first, vipSales, T0);
    expect(step).toMatchObject({ filterIndex: 0, targetIndex: 1, deadline: null });
    expect(summary(events)).toEqual([
      ["workflow.skipped", 0, "VIP#0"],
      ["task-queue.moved", 0, Q1],
      ["workflow.target-matched", 0, "VIP#1"],
      ["task-queue.entered", 0, Q2],
    ]);
  });

  it("skipping the last target continues with the following filters, as if this one had not matched", () => {
    const second = afterSkip(SKIPS, enterWorkflow(SKIPS, vipSales, T0)!, vipSales, T0).step!;
    const { step, events } = afterSkip(SKIPS, second, vipSales, s(1));
    // Sales' timeout counts from workflow entry: 0 + 60 s.
    expect(step).toMatchObject({ filterIndex: 1, filterName: "Sales", targetIndex: 0, deadline: s(60), workflowEnteredAt: T0 });
    expect(summary(events)).toEqual([
      ["workflow.skipped", 1, "VIP#1"],
      ["task-queue.moved", 1, Q2],
      ["workflow.target-matched", 1, "Sales#0"],
      ["task-queue.entered", 1, Q3],
    ]);
  });

  it("then the default filter when no following filter matches", () => {
    const second = afterSkip(SKIPS, enterWorkflow(SKIPS, vipSupport, T0)!, vipSupport, T0).step!;
    const { step } = afterSkip(SKIPS, second, vipSupport, T0);
    expect(step).toMatchObject({ filterIndex: null, target: { queue: QD } });
  });

  it("a step reached by a skip after its deadline is left at once, reported at the skip", () => {
    // At +70 s the task skips into Sales, whose deadline (+60 s from workflow entry) has passed.
    const second = afterSkip(SKIPS, enterWorkflow(SKIPS, vipSales, T0)!, vipSales, T0).step!;
    const { step, events } = afterSkip(SKIPS, second, vipSales, s(70));
    expect(step?.filterIndex).toBeNull();
    expect(summary(events)).toEqual([
      ["workflow.skipped", 70, "VIP#1"],
      ["task-queue.moved", 70, Q2],
      ["workflow.target-matched", 70, "Sales#0"],
      ["task-queue.entered", 70, Q3],
      ["task-queue.timeout", 70, Q3],
      ["workflow.timeout", 70, "Sales#0"],
      ["workflow.target-matched", 70, "Default Filter#0"],
      ["task-queue.entered", 70, QD],
    ]);
  });

  it("skipping the default filter changes nothing", () => {
    const step = enterWorkflow(SKIPS, task({}), T0)!;
    expect(afterSkip(SKIPS, step, task({}), T0)).toEqual({ step, events: [] });
  });
});

describe("priority", () => {
  it.each([
    // Entering target 0 (priority 5) replaces the created priority 1.
    ["entering the workflow", 1, (): readonly RoutingEvent[] => enterWorkflowWithEvents(RULES, sales, T0).events, 5],
    // Target 1 sets none: the priority from target 0 stays.
    ["a step without priority keeps it", 5, () => afterTimeout(RULES, enterWorkflow(RULES, sales, T0)!, sales, s(10)).events, 5],
    // Crossing targets 1 and 2 at once: target 2's 20 wins.
    ["the last step entered that sets one wins", 5, () => afterTimeout(RULES, enterWorkflow(RULES, sales, T0)!, sales, s(25)).events, 20],
    // The default filter sets none.
    [
      "the default filter keeps it",
      20,
      () => afterTimeout(RULES, afterTimeout(RULES, enterWorkflow(RULES, sales, T0)!, sales, s(20)).step!, sales, s(30)).events,
      20,
    ],
    ["no events", 7, () => [], 7],
  ])("%s", (_name, before, events, expected) => {
    expect(priorityAfter(before, events())).toBe(expected);
  });
});

describe("re-evaluation", () => {
  it("after an attribute change the task lands in another filter, with the workflow clock restarted", () => {
    const second = afterTimeout(RULES, enterWorkflow(RULES, sales, T0)!, sales, s(10)).step!;
    const { step, events } = reevaluate(RULES, second, task({ type: "support" }), s(15));
    expect(step).toMatchObject({ filterIndex: 1, filterName: "Support", workflowEnteredAt: s(15), deadline: null });
    expect(summary(events)).toEqual([
      ["task-queue.moved", 15, Q2],
      ["workflow.target-matched", 15, "Support#0"],
      ["task-queue.entered", 15, Q4],
    ]);
  });

  it("restarts the step clock: back on target 0 with a deadline 10 s from the re-evaluation", () => {
    const second = afterTimeout(RULES, enterWorkflow(RULES, sales, T0)!, sales, s(10)).step!;
    const { step } = reevaluate(RULES, second, sales, s(15));
    expect(step).toMatchObject({ filterIndex: 0, targetIndex: 0, workflowEnteredAt: s(15), deadline: s(25) });
  });

  it("against an updated workflow (ReEvaluateTasks)", () => {
    const updated = config({
      task_routing: { filters: [{ filter_friendly_name: "All sales", expression: "type == 'sales'", targets: [{ queue: Q2 }] }] },
    });
    const first = enterWorkflow(RULES, sales, T0)!;
    const { step, events } = reevaluate(updated, first, sales, s(3));
    expect(step).toMatchObject({ filterName: "All sales", target: { queue: Q2 } });
    expect(summary(events).map((e) => e[0])).toEqual(["task-queue.moved", "workflow.target-matched", "task-queue.entered"]);
  });

  it("staying in the same queue reports only the match", () => {
    const first = enterWorkflow(RULES, sales, T0)!;
    expect(summary(reevaluate(RULES, first, sales, s(3)).events)).toEqual([["workflow.target-matched", 3, "Sales#0"]]);
  });
});

describe("time-of-day routing", () => {
  const HOURS = config({
    task_routing: {
      filters: [
        {
          filter_friendly_name: "Business hours",
          expression: "taskrouter.currentHour >= 9 AND taskrouter.currentHour < 17",
          targets: [{ queue: Q1 }],
        },
      ],
      default_filter: { queue: QD },
    },
  });
  it.each<[string, number, string | undefined, string]>([
    ["08:59 UTC", Date.UTC(2025, 0, 6, 8, 59), undefined, "Default Filter"],
    ["09:00 UTC", Date.UTC(2025, 0, 6, 9, 0), undefined, "Business hours"],
    ["16:59 UTC", Date.UTC(2025, 0, 6, 16, 59), undefined, "Business hours"],
    ["17:00 UTC", Date.UTC(2025, 0, 6, 17, 0), undefined, "Default Filter"],
    // New York in January is UTC−5: 14:00 UTC is 09:00 there, 22:00 UTC is 17:00.
    ["13:59 UTC in New York (08:59)", Date.UTC(2025, 0, 6, 13, 59), "America/New_York", "Default Filter"],
    ["14:00 UTC in New York (09:00)", Date.UTC(2025, 0, 6, 14, 0), "America/New_York", "Business hours"],
    ["21:59 UTC in New York (16:59)", Date.UTC(2025, 0, 6, 21, 59), "America/New_York", "Business hours"],
    ["22:00 UTC in New York (17:00)", Date.UTC(2025, 0, 6, 22, 0), "America/New_York", "Default Filter"],
    // In July New York is UTC−4: 13:00 UTC is 09:00.
    ["13:00 UTC in New York in July (09:00 EDT)", Date.UTC(2025, 6, 7, 13, 0), "America/New_York", "Business hours"],
    // Kolkata is UTC+5:30: 03:30 UTC is 09:00 there.
    ["03:29 UTC in Kolkata (08:59)", Date.UTC(2025, 0, 6, 3, 29), "Asia/Kolkata", "Default Filter"],
    ["03:30 UTC in Kolkata (09:00)", Date.UTC(2025, 0, 6, 3, 30), "Asia/Kolkata", "Business hours"],
  ])("%s", (_name, now, timeZone, filterName) => {
    const clock = timeZone === undefined ? undefined : { timeZone };
    expect(enterWorkflow(HOURS, task({}), now, clock)?.filterName).toBe(filterName);
  });
});

describe("known-worker targets", () => {
  const KNOWN = config({
    task_routing: {
      filters: [
        {
          expression: "1==1",
          targets: [
            { queue: Q1, known_worker_sid: "task.preferred_worker", timeout: 30 },
            { queue: Q1, known_worker_friendly_name: "task.customer.last_agent", timeout: 30 },
            { queue: Q1 },
          ],
        },
      ],
    },
  });
  const [bySid, byName, plain] = KNOWN.filters[0]!.targets as [RoutingTarget, RoutingTarget, RoutingTarget];
  const WK = `WK${"e".repeat(32)}`;

  it.each<[string, "bySid" | "byName" | "plain", TaskView["attributes"], { by: string; value: string | null } | null]>([
    ["by SID", "bySid", { preferred_worker: WK }, { by: "sid", value: WK }],
    ["by friendly name, nested", "byName", { customer: { last_agent: "alice" } }, { by: "friendly_name", value: "alice" }],
    // Missing, empty or not a string: the target matches nobody (value null), never everybody.
    ["attribute missing", "bySid", {}, { by: "sid", value: null }],
    ["attribute empty", "bySid", { preferred_worker: "" }, { by: "sid", value: null }],
    ["attribute a number", "byName", { customer: { last_agent: 7 } }, { by: "friendly_name", value: null }],
    ["no known worker on the target", "plain", { preferred_worker: WK }, null],
  ])("%s", (_name, which, attributes, expected) => {
    const target = { bySid, byName, plain }[which];
    expect(knownWorkerOf(target, task(attributes))).toEqual(expected);
  });
});
