// Route one task with Switchboard's routing core, no server needed: `npx tsx examples/route-a-task.ts`
import { RoutingEngine } from "../durable-objects/router/engine";
import { parseTaskQueueConfig } from "../durable-objects/router/queues";
import { parseWorkflowConfiguration } from "../durable-objects/router/workflow";

const SUPPORT = "WQ" + "1".repeat(32);
const engine = new RoutingEngine({ timeZone: "Europe/Dublin" });
const queue = parseTaskQueueConfig({ sid: SUPPORT, friendlyName: "Support", targetWorkers: "skills HAS 'support'" });
if (!queue.ok) throw new Error(JSON.stringify(queue.problems));
engine.upsertQueue(queue.queue, Date.now());

const workflow = parseWorkflowConfiguration(
  `{"task_routing": {"filters": [{"filter_friendly_name": "Spanish support", "expression": "type == 'support'",
     "targets": [{"queue": "${SUPPORT}", "expression": "task.language IN worker.languages", "timeout": 30},
                 {"queue": "${SUPPORT}", "priority": 10}]}]}}`,
  { queueExists: (sid) => sid === SUPPORT },
);
if (!workflow.ok) throw new Error(JSON.stringify(workflow.problems));
engine.upsertWorkflow("WW" + "1".repeat(32), workflow.configuration, Date.now());

const agent = (n: number, languages: string[]) => ({
  sid: "WK" + String(n).repeat(32),
  friendlyName: `agent${n}`,
  activitySid: "WA" + "a".repeat(32),
  activityName: "Available",
  activityAvailable: true,
  attributes: { skills: ["support"], languages },
  channels: { chat: { capacity: 3, assigned: 0, enabled: true } },
  idleSince: 0,
});
engine.upsertWorker(agent(1, ["en"]), Date.now());
engine.upsertWorker(agent(2, ["en", "es"]), Date.now());

const task = {
  sid: "WT" + "1".repeat(32),
  workflowSid: "WW" + "1".repeat(32),
  attributes: { type: "support", language: "es" },
  priority: 0,
  channel: "chat",
  order: Date.now(),
};
const { reservations, events } = engine.createTask(task, Date.now());
console.log(events.map((e) => e.type).join(" → "));
console.log(`reserved for ${reservations[0]?.workerSid}`); // agent 2, the one who speaks Spanish
export { reservations };
