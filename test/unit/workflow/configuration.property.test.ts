/**
 * Whatever an admin or a client sends as a workflow configuration or task queue settings, parsing
 * answers with a configuration or a list of problems — it never throws (which would be a 500).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTaskQueueConfig } from "../../../durable-objects/router/queues/task-queue";
import { parseWorkflowConfiguration } from "../../../durable-objects/router/workflow/configuration";

const QUEUE = "WQ" + "1".repeat(32);

/** Configurations that look like the real thing, with any field possibly replaced by junk. */
const junk = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.jsonValue({ maxDepth: 2 }));
const target = fc.record(
  {
    queue: fc.oneof(fc.constant(QUEUE), junk),
    expression: fc.oneof(fc.constantFrom("worker.level > 2", "task.x IN worker.y", "a ==", ""), junk),
    priority: fc.oneof(fc.integer({ min: -5, max: 20 }), junk),
    timeout: fc.oneof(fc.integer({ min: -5, max: 100 }), junk),
    order_by: fc.oneof(fc.constantFrom("worker.level DESC", "level sideways"), junk),
    skip_if: fc.oneof(fc.constantFrom("workers.available == 0", "workers.busy"), junk),
    known_worker_sid: fc.oneof(fc.constant("task.agent"), junk),
  },
  { requiredKeys: [] },
);
const configuration = fc.record(
  {
    task_routing: fc.oneof(
      fc.record(
        {
          filters: fc.oneof(
            fc.array(
              fc.record(
                {
                  expression: fc.oneof(fc.constant("type == 'x'"), junk),
                  targets: fc.oneof(fc.array(target), junk),
                  filter_friendly_name: junk,
                },
                { requiredKeys: [] },
              ),
            ),
            junk,
          ),
          default_filter: fc.oneof(fc.record({ queue: fc.oneof(fc.constant(QUEUE), junk) }), junk),
        },
        { requiredKeys: [] },
      ),
      junk,
    ),
  },
  { requiredKeys: [] },
);

function wellFormed(result: ReturnType<typeof parseWorkflowConfiguration>): void {
  if (result.ok) return;
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(typeof problem.path).toBe("string");
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

describe("parsing never throws", () => {
  // About 3 s on a loaded 2-core machine.
  it("on near-valid workflow configurations, as objects and as JSON text", () => {
    fc.assert(
      fc.property(configuration, (config) => {
        wellFormed(parseWorkflowConfiguration(config, { queueExists: (sid) => sid === QUEUE }));
        wellFormed(parseWorkflowConfiguration(JSON.stringify(config)));
      }),
      { numRuns: 500 },
    );
  }, 10_000);

  it("on arbitrary text and values", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue(), fc.anything()), (input) => {
        wellFormed(parseWorkflowConfiguration(input));
      }),
      { numRuns: 500 },
    );
  });

  it("on arbitrary task queue settings", () => {
    fc.assert(
      fc.property(
        fc.record({
          sid: fc.oneof(fc.constant(QUEUE), junk),
          friendlyName: junk,
          targetWorkers: junk,
          orderBy: junk,
          maxReservedWorkers: junk,
          taskOrder: junk,
        }),
        (input) => {
          const result = parseTaskQueueConfig(input as Parameters<typeof parseTaskQueueConfig>[0]);
          if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
