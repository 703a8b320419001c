/**
 * Workflows written in Twilio's older shapes, through the stock `twilio` client, as a team would bring
 * them over from code built on an old SDK's WorkflowBuilder or on the oldest docs: each is created, read
 * back as it was sent, and routes a task exactly as the modern form does. Keys whose segments start
 * with a digit (`worker.routing.levels.9am`, `skills.2`) work in a queue's target_workers, a target's
 * order_by and a filter's expression; a shape that says two things at once is refused with its path.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { switchboardClient } from "./client";

const client = switchboardClient();
let ws: ReturnType<typeof client.taskrouter.v1.workspaces>;
let available: string;
let support: string;
let everyone: string;

beforeAll(async () => {
  const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-shapes-${randomUUID().slice(0, 8)}` });
  ws = client.taskrouter.v1.workspaces(workspace.sid);
  available = (await ws.activities.list()).find((a) => a.friendlyName === "Available")!.sid;
  // skills.2: the third element of a worker's skills array.
  support = (await ws.taskQueues.create({ friendlyName: "Support", targetWorkers: "skills.2 == 'support'" })).sid;
  everyone = (await ws.taskQueues.create({ friendlyName: "Everyone", targetWorkers: "1==1" })).sid;
});

describe("older workflow shapes through the stock client", () => {
  // Each says: support tasks to Support at priority 5 for 30 s, everything else to Everyone. Nobody is
  // available in this part, so each task waits where its workflow put it: a support task in Support at
  // priority 5, a billing task in Everyone at the priority it was created with (1).
  const shapes: [string, (q: { support: string; everyone: string }) => unknown][] = [
    [
      "the modern form",
      (q) => ({
        task_routing: {
          filters: [
            { filter_friendly_name: "Support", expression: "type == 'support'", targets: [{ queue: q.support, priority: 5, timeout: 30 }] },
          ],
          default_filter: { queue: q.everyone },
        },
      }),
    ],
    [
      "friendly_name, as the older SDK WorkflowBuilders wrote it",
      (q) => ({
        task_routing: {
          filters: [
            { friendly_name: "Support", expression: "type == 'support'", targets: [{ queue: q.support, priority: 5, timeout: 30 }] },
          ],
          default_filter: { queue: q.everyone },
        },
      }),
    ],
    [
      "unset keys as null and the default filter as a whole target",
      (q) => ({
        task_routing: {
          filters: [
            {
              friendly_name: "Support",
              expression: "type == 'support'",
              targets: [{ queue: q.support, expression: "1==1", priority: "5", timeout: "30" }],
            },
          ],
          default_filter: { queue: q.everyone, expression: null, priority: null, timeout: null },
        },
      }),
    ],
    [
      "queue, priority and timeout on the filter, as the oldest docs wrote it",
      (q) => ({
        task_routing: {
          filters: [{ filter_friendly_name: "Support", expression: "type == 'support'", queue: q.support, priority: "5", timeout: 30 }],
          default_filter: { queue: q.everyone },
        },
      }),
    ],
  ];

  it.each(shapes)("%s: created, read back as sent, and routing as the modern form", async (name, shape) => {
    const configuration = JSON.stringify(shape({ support, everyone }), null, 2);
    const workflow = await ws.workflows.create({ friendlyName: name.slice(0, 60), configuration });
    expect(JSON.parse((await ws.workflows(workflow.sid).fetch()).configuration)).toEqual(JSON.parse(configuration));

    const supportTask = await ws.tasks.create({ workflowSid: workflow.sid, attributes: JSON.stringify({ type: "support" }), priority: 1 });
    expect(supportTask).toMatchObject({ assignmentStatus: "pending", taskQueueSid: support, priority: 5 });
    const billingTask = await ws.tasks.create({ workflowSid: workflow.sid, attributes: JSON.stringify({ type: "billing" }), priority: 1 });
    expect(billingTask).toMatchObject({ assignmentStatus: "pending", taskQueueSid: everyone, priority: 1 });
    const matched = (await ws.events.list({ taskSid: supportTask.sid })).find((e) => e.eventType === "workflow.target-matched");
    expect(matched?.eventData).toMatchObject({ workflow_filter_name: "Support" });
    for (const task of [supportTask, billingTask]) await ws.tasks(task.sid).remove();
  });

  it("updates a workflow to an older shape, and refuses one that gives a filter both targets and a queue", async () => {
    const modern = shapes[0]![1]({ support, everyone });
    const workflow = await ws.workflows.create({ friendlyName: "Updated", configuration: JSON.stringify(modern) });
    const oldest = JSON.stringify(shapes[3]![1]({ support, everyone }));
    expect((await ws.workflows(workflow.sid).update({ configuration: oldest })).configuration).toBe(oldest);

    const both = { task_routing: { filters: [{ expression: "1==1", queue: support, targets: [{ queue: everyone }] }] } };
    await expect(ws.workflows(workflow.sid).update({ configuration: JSON.stringify(both) })).rejects.toMatchObject({
      status: 400,
      code: 20001,
      message: expect.stringContaining('task_routing.filters[0]: has both "targets" and "queue"'),
    });
    expect((await ws.workflows(workflow.sid).fetch()).configuration).toBe(oldest);
  });
});

describe("keys whose segments start with a digit", () => {
  it("route a morning task to the agent with the highest 9am level among those whose skills.2 is support", async () => {
    // Ann has been idle longest, so without the order_by she would be chosen; Cid's skills.2 is not support.
    const agent = (friendlyName: string, attributes: object) =>
      ws.workers.create({ friendlyName, activitySid: available, attributes: JSON.stringify(attributes) });
    const ann = await agent("Ann", { skills: ["voice", "chat", "support"], routing: { levels: { "9am": 2 } } });
    const bob = await agent("Bob", { skills: ["voice", "chat", "support"], routing: { levels: { "9am": 5 } } });
    await agent("Cid", { skills: ["voice", "support", "chat"], routing: { levels: { "9am": 9 } } });
    const configuration = JSON.stringify({
      task_routing: {
        filters: [
          {
            filter_friendly_name: "Morning",
            expression: "task.shift.9am == true",
            targets: [{ queue: support, order_by: "worker.routing.levels.9am DESC" }],
          },
        ],
        default_filter: { queue: everyone },
      },
    });
    const workflow = await ws.workflows.create({ friendlyName: "Mornings", configuration });
    const task = await ws.tasks.create({ workflowSid: workflow.sid, attributes: JSON.stringify({ shift: { "9am": true } }) });
    expect(task).toMatchObject({ assignmentStatus: "reserved", taskQueueSid: support });
    expect((await ws.tasks(task.sid).reservations.list()).map((r) => r.workerSid)).toEqual([bob.sid]);
    expect((await ws.workers.list({ targetWorkersExpression: "routing.levels.9am >= 5" })).map((w) => w.friendlyName).sort()).toEqual([
      "Bob",
      "Cid",
    ]);
    expect((await ws.workers.list({ taskQueueSid: support })).map((w) => w.sid).sort()).toEqual([ann.sid, bob.sid].sort());
  });
});
