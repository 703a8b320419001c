/**
 * Routing through the stock `twilio` client, as a team migrating from TaskRouter would drive it:
 * workers and their channels, tasks, reservations (through the task and through the worker) and
 * events, on a workspace configured with the same client. The full path: a workflow routes a task to
 * the one matching worker → reservation → accept → wrap up → complete, and the events tell it.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { raw, switchboardClient } from "./client";

const client = switchboardClient();
let ws: ReturnType<typeof client.taskrouter.v1.workspaces>;
let workspaceSid: string;
let available: string;
let offline: string;
let support: string;
let workflowSid: string;

beforeAll(async () => {
  const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-routing-${randomUUID().slice(0, 8)}` });
  workspaceSid = workspace.sid;
  ws = client.taskrouter.v1.workspaces(workspaceSid);
  const activities = await ws.activities.list();
  available = activities.find((a) => a.friendlyName === "Available")!.sid;
  offline = activities.find((a) => a.friendlyName === "Offline")!.sid;
  support = (await ws.taskQueues.create({ friendlyName: "Support", targetWorkers: "skills HAS 'support'" })).sid;
  const sales = (await ws.taskQueues.create({ friendlyName: "Sales", targetWorkers: "skills HAS 'sales'" })).sid;
  const configuration = JSON.stringify({
    task_routing: {
      filters: [
        { filter_friendly_name: "Support", expression: "type == 'support'", targets: [{ queue: support }] },
        { filter_friendly_name: "Sales", expression: "type == 'sales'", targets: [{ queue: sales }] },
      ],
      default_filter: { queue: support },
    },
  });
  workflowSid = (await ws.workflows.create({ friendlyName: "Main", configuration, taskReservationTimeout: 60 })).sid;
});

describe("workers", () => {
  it("create, fetch, update, list with filters, remove", async () => {
    const ann = await ws.workers.create({
      friendlyName: "Ann",
      activitySid: available,
      attributes: JSON.stringify({ skills: ["support"], level: 3 }),
    });
    expect(ann.sid).toMatch(/^WK[0-9a-f]{32}$/);
    expect(ann).toMatchObject({ friendlyName: "Ann", activityName: "Available", available: true, workspaceSid });
    expect(ann.dateCreated).toBeInstanceOf(Date);
    expect(JSON.parse(ann.attributes)).toEqual({ skills: ["support"], level: 3 });

    const zed = await ws.workers.create({ friendlyName: "Zed" }); // the workspace's default activity
    expect(zed).toMatchObject({ activityName: "Offline", available: false });
    expect((await ws.workers(zed.sid).fetch()).friendlyName).toBe("Zed");

    expect((await ws.workers.list({ available: "true" })).map((w) => w.friendlyName)).toEqual(["Ann"]);
    expect((await ws.workers.list({ taskQueueSid: support })).map((w) => w.friendlyName)).toEqual(["Ann"]);
    expect((await ws.workers.list({ targetWorkersExpression: "level >= 3" })).map((w) => w.friendlyName)).toEqual(["Ann"]);
    expect((await ws.workers.list({ activityName: "Offline" })).map((w) => w.friendlyName)).toEqual(["Zed"]);
    expect((await ws.workers.list({ pageSize: 1 })).map((w) => w.friendlyName)).toEqual(["Ann", "Zed"]); // follows next_page_url

    const renamed = await ws.workers(zed.sid).update({ friendlyName: "Zoe", activitySid: available });
    expect(renamed).toMatchObject({ friendlyName: "Zoe", activityName: "Available", available: true });
    expect(await ws.workers(zed.sid).remove()).toBe(true);
    await expect(ws.workers(zed.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it("refuses a duplicate name and bad attributes with Twilio's error shape", async () => {
    await expect(ws.workers.create({ friendlyName: "ann" })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(ws.workers.create({ friendlyName: "Bad", attributes: "{oops" })).rejects.toMatchObject({
      status: 400,
      code: 20001,
      message: "Invalid parameter Attributes: must be valid JSON",
    });
  });

  it("lists, fetches by unique name and updates worker channels", async () => {
    const [ann] = await ws.workers.list({ friendlyName: "Ann" });
    const channels = await ws.workers(ann!.sid).workerChannels.list();
    expect(channels.map((ch) => ch.taskChannelUniqueName)).toContain("voice");
    const voice = await ws.workers(ann!.sid).workerChannels("voice").fetch();
    expect(voice).toMatchObject({ taskChannelUniqueName: "voice", configuredCapacity: 1, assignedTasks: 0, available: true });
    const chat = await ws.workers(ann!.sid).workerChannels("chat").update({ capacity: 2 });
    expect(chat).toMatchObject({ configuredCapacity: 2, availableCapacityPercentage: 100 });
  });
});

describe("the full path: workflow → reservation → accept → complete", () => {
  it("routes a support task to Ann, who accepts, wraps up and completes it; the events tell it", async () => {
    const [ann] = await ws.workers.list({ friendlyName: "Ann" });
    const task = await ws.tasks.create({ attributes: JSON.stringify({ type: "support" }), workflowSid, taskChannel: "voice", priority: 3 });
    expect(task.sid).toMatch(/^WT[0-9a-f]{32}$/);
    expect(task).toMatchObject({
      assignmentStatus: "reserved",
      priority: 3,
      taskQueueFriendlyName: "Support",
      workflowFriendlyName: "Main",
    });

    const [reservation] = await ws.workers(ann!.sid).reservations.list({ reservationStatus: "pending" });
    expect(reservation).toMatchObject({ taskSid: task.sid, workerName: "Ann", reservationStatus: "pending" });
    expect((await ws.tasks(task.sid).reservations(reservation!.sid).fetch()).workerSid).toBe(ann!.sid);

    const accepted = await ws.workers(ann!.sid).reservations(reservation!.sid).update({ reservationStatus: "accepted" });
    expect(accepted.reservationStatus).toBe("accepted");
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe("assigned");
    expect((await ws.workers(ann!.sid).workerChannels("voice").fetch()).assignedTasks).toBe(1);
    await expect(ws.tasks(task.sid).reservations(reservation!.sid).update({ reservationStatus: "accepted" })).rejects.toMatchObject({
      status: 400,
    });

    expect((await ws.tasks(task.sid).update({ assignmentStatus: "wrapping" })).assignmentStatus).toBe("wrapping");
    const completed = await ws.tasks(task.sid).update({ assignmentStatus: "completed", reason: "resolved" });
    expect(completed).toMatchObject({ assignmentStatus: "completed", reason: "resolved" });
    expect((await ws.tasks(task.sid).reservations(reservation!.sid).fetch()).reservationStatus).toBe("completed");
    expect((await ws.workers(ann!.sid).workerChannels("voice").fetch()).assignedTasks).toBe(0);

    const events = await ws.events.list({ taskSid: task.sid });
    expect(events.map((e) => e.eventType).reverse()).toEqual([
      "task.created",
      "workflow.entered",
      "workflow.target-matched",
      "task-queue.entered",
      "reservation.created",
      "reservation.accepted",
      "reservation.wrapup",
      "task.wrapup",
      "reservation.completed",
      "task.completed",
    ]);
    const created = events.find((e) => e.eventType === "reservation.created")!;
    expect(created.eventDate).toBeInstanceOf(Date);
    expect(created.eventData).toMatchObject({ reservation_sid: reservation!.sid, task_sid: task.sid, worker_sid: ann!.sid });
    expect((await ws.events(created.sid).fetch()).resourceSid).toBe(reservation!.sid);
  });

  it("re-offers a rejected task to the next worker and moves the rejecting worker", async () => {
    const bea = await ws.workers.create({ friendlyName: "Bea", activitySid: available, attributes: JSON.stringify({ skills: ["sales"] }) });
    const cal = await ws.workers.create({ friendlyName: "Cal", activitySid: available, attributes: JSON.stringify({ skills: ["sales"] }) });
    const task = await ws.tasks.create({ attributes: JSON.stringify({ type: "sales" }), workflowSid });
    const [first] = await ws.tasks(task.sid).reservations.list();
    expect(first!.workerSid).toBe(bea.sid); // idle longest
    await ws.tasks(task.sid).reservations(first!.sid).update({ reservationStatus: "rejected", workerActivitySid: offline });
    expect((await ws.workers(bea.sid).fetch()).activityName).toBe("Offline");
    const all = await ws.tasks(task.sid).reservations.list();
    expect(all.map((r) => [r.workerName, r.reservationStatus])).toEqual([
      ["Bea", "rejected"],
      ["Cal", "pending"],
    ]);
    expect((await ws.tasks.list({ assignmentStatus: ["reserved"] })).map((t) => t.sid)).toEqual([task.sid]);
    expect(await ws.tasks(task.sid).remove()).toBe(true);
    expect((await ws.workers(cal.sid).workerChannels("default").fetch()).assignedTasks).toBe(0);
  });

  it("cancels a waiting task, and guards updates with If-Match", async () => {
    const task = await ws.tasks.create({ attributes: JSON.stringify({ type: "nobody" }), workflowSid, taskChannel: "chat" });
    const path = `/taskrouter/v1/Workspaces/${workspaceSid}/Tasks/${task.sid}`;
    await expect(ws.tasks(task.sid).update({ priority: 9, ifMatch: '"999"' })).rejects.toMatchObject({ status: 412 });
    const canceled = await ws.tasks(task.sid).update({ assignmentStatus: "canceled", reason: "caller hung up" });
    expect(canceled).toMatchObject({ assignmentStatus: "canceled", reason: "caller hung up" });
    expect((await raw("POST", path, { Priority: "1" })).status).toBe(400); // a canceled task is final
  });
});
