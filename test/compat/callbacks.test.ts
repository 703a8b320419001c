/**
 * Event and assignment callbacks as a team's own server receives them: a local recorder on 127.0.0.1
 * stands in for it. Every request must carry an X-Twilio-Signature that the stock
 * `twilio.validateRequest` accepts, honour the workspace's EventsFilter, and an assignment callback's
 * `{"instruction":"accept"}` answer must accept the reservation.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { switchboardClient } from "./client";
import { listenLocally } from "../support/listen";

interface Received {
  readonly path: string;
  readonly url: string;
  readonly signature: string;
  readonly params: Record<string, string>;
}

const client = switchboardClient();
const received: Received[] = [];
let recorder: Server;
let base: string;

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

async function eventually<T>(find: () => T | undefined, what: string, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; received: ${received.map((r) => r.params.EventType ?? r.path).join(", ")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  recorder = createServer(async (req, res) => {
    const params = Object.fromEntries(new URLSearchParams(await body(req)));
    const path = req.url ?? "/";
    received.push({ path, url: `${base}${path}`, signature: String(req.headers["x-twilio-signature"] ?? ""), params });
    if (path.startsWith("/assign")) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ instruction: "accept" }));
    } else res.writeHead(204).end();
  });
  base = await listenLocally(recorder);
});

afterAll(() => new Promise<void>((resolve) => recorder.close(() => resolve())));

describe("callbacks", () => {
  it("delivers signed, filtered events and an assignment callback whose accept instruction is honoured", async () => {
    const workspace = await client.taskrouter.v1.workspaces.create({
      friendlyName: `compat-callbacks-${randomUUID().slice(0, 8)}`,
      eventCallbackUrl: `${base}/events`,
      eventsFilter: "task.created,reservation.created,reservation.accepted",
    });
    const ws = client.taskrouter.v1.workspaces(workspace.sid);
    const available = (await ws.activities.list()).find((a) => a.friendlyName === "Available")!.sid;
    const queue = (await ws.taskQueues.create({ friendlyName: "All", targetWorkers: "1==1" })).sid;
    const workflow = await ws.workflows.create({
      friendlyName: "Assign",
      configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue } } }),
      assignmentCallbackUrl: `${base}/assign`,
    });
    const worker = await ws.workers.create({ friendlyName: "ada", activitySid: available });
    const task = await ws.tasks.create({ workflowSid: workflow.sid, attributes: JSON.stringify({ type: "support" }) });

    const assignment = await eventually(
      () => received.find((r) => r.path === "/assign" && r.params.TaskSid === task.sid),
      "the assignment callback",
    );
    expect(assignment.params).toMatchObject({
      WorkspaceSid: workspace.sid,
      WorkflowSid: workflow.sid,
      WorkerSid: worker.sid,
      TaskQueueSid: queue,
    });
    expect(JSON.parse(assignment.params.TaskAttributes!)).toEqual({ type: "support" });
    expect(twilio.validateRequest(inject("authToken"), assignment.signature, assignment.url, assignment.params)).toBe(true);
    // The same request with a tampered parameter must not validate: the signature covers the body.
    expect(
      twilio.validateRequest(inject("authToken"), assignment.signature, assignment.url, {
        ...assignment.params,
        TaskSid: "WT" + "0".repeat(32),
      }),
    ).toBe(false);

    // The callback answered {"instruction":"accept"}: the reservation is accepted and the task assigned.
    const reservationSid = assignment.params.ReservationSid!;
    const accepted = await eventually(
      () => received.find((r) => r.params.EventType === "reservation.accepted" && r.params.ReservationSid === reservationSid),
      "reservation.accepted",
    );
    expect(twilio.validateRequest(inject("authToken"), accepted.signature, accepted.url, accepted.params)).toBe(true);
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe("assigned");

    const created = await eventually(
      () => received.find((r) => r.params.EventType === "task.created" && r.params.TaskSid === task.sid),
      "task.created",
    );
    expect(created.params).toMatchObject({ WorkspaceSid: workspace.sid, ResourceType: "Task", ResourceSid: task.sid });
    expect(twilio.validateRequest(inject("authToken"), created.signature, created.url, created.params)).toBe(true);

    // EventsFilter: nothing outside the three types reached the recorder for this workspace.
    const types = new Set(
      received.filter((r) => r.path === "/events" && r.params.WorkspaceSid === workspace.sid).map((r) => r.params.EventType),
    );
    expect([...types].every((t) => ["task.created", "reservation.created", "reservation.accepted"].includes(t!))).toBe(true);

    // The Events API has them too, and more (it is not filtered).
    const events = await ws.events.list({ taskSid: task.sid, limit: 50 });
    expect(events.map((e) => e.eventType)).toEqual(expect.arrayContaining(["task.created", "reservation.created", "reservation.accepted"]));
    expect(events[0]!.eventDate).toBeInstanceOf(Date);
  });
});
