/**
 * A workspace that spans regions, driven by the stock clients against the compat suite's `wrangler
 * dev`: the `twilio` package creates a worker and a task in eu-ireland (`Region` is Switchboard's
 * extension, so it goes through the client's own `request`, as a team would send any extra parameter)
 * and reads them back with its typed resources; the stock `twilio-taskrouter` Worker of that worker is
 * given the reservation of a task created there and accepts it, and of a task created in the home region
 * and handed over to eu-ireland by a workflow target naming it (the stock client's task reads follow it);
 * then the worker moves to ap-sydney (`Region` on update, through the same `request`) and its SDK, which
 * reconnects, is rung there.
 */
import { once } from "node:events";
import { randomUUID } from "node:crypto";
import twilio from "twilio";
import type { Reservation, Worker as SdkWorker } from "twilio-taskrouter";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { switchboardClient } from "./client";

const client = switchboardClient();
let workspaceSid: string;
let ws: ReturnType<typeof client.taskrouter.v1.workspaces>;
let workflowSid: string;
let workerSid: string;
let worker: SdkWorker | undefined;

/** A POST with Twilio's form parameters through the stock client's own request (201 or 200 expected). */
async function post(path: string, data: Record<string, string>): Promise<{ sid: string } & Record<string, unknown>> {
  const response = await client.request({ method: "post", uri: `${inject("baseUrl")}/taskrouter/v1${path}`, data });
  expect(response.statusCode).toBeLessThan(300);
  return (typeof response.body === "string" ? JSON.parse(response.body) : response.body) as { sid: string };
}

beforeAll(async () => {
  workspaceSid = (await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-regions-${randomUUID().slice(0, 8)}` })).sid;
  ws = client.taskrouter.v1.workspaces(workspaceSid);
  const queue = (await ws.taskQueues.create({ friendlyName: "Everyone", targetWorkers: "1 == 1" })).sid;
  const configuration = JSON.stringify({ task_routing: { filters: [], default_filter: { queue } } });
  workflowSid = (await ws.workflows.create({ friendlyName: "Main", configuration, taskReservationTimeout: 120 })).sid;
});

afterAll(() => worker?.disconnect());

describe("the stock clients in a workspace that spans regions", () => {
  it("create a worker and a task in eu-ireland and read them back", async () => {
    const created = await post(`/Workspaces/${workspaceSid}/Workers`, { FriendlyName: "siobhan", Region: "eu-ireland" });
    workerSid = created.sid;
    const fetched = await ws.workers(workerSid).fetch();
    expect(fetched.friendlyName).toBe("siobhan");
    expect((await ws.workers.list()).map((w) => w.sid)).toContain(workerSid);

    const task = await post(`/Workspaces/${workspaceSid}/Tasks`, { Attributes: "{}", Region: "eu-ireland", WorkflowSid: workflowSid });
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe("pending"); // siobhan is offline
    await ws.tasks(task.sid).update({ assignmentStatus: "canceled", reason: "test" });
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe("canceled");

    const bad = await client.request({
      method: "post",
      uri: `${inject("baseUrl")}/taskrouter/v1/Workspaces/${workspaceSid}/Tasks`,
      data: { Attributes: "{}", Region: "atlantis" },
    });
    expect(bad.statusCode).toBe(400);
  });

  it("ring the eu-ireland worker's SDK for a task created there", async () => {
    const accountSid = inject("accountSid");
    const token = new twilio.jwt.AccessToken(accountSid, accountSid, inject("authToken"), { identity: "siobhan", ttl: 3600 });
    token.addGrant(new twilio.jwt.AccessToken.TaskRouterGrant({ workspaceSid, workerSid, role: "worker" }));
    globalThis.WebSocket = (await import("ws")).default as unknown as typeof WebSocket;
    const sdk = (await import("twilio-taskrouter")).default as unknown as typeof import("twilio-taskrouter");
    worker = new sdk.Worker(token.toJwt(), {
      ebServer: `${inject("baseUrl")}/v1/wschannels`,
      wsServer: `ws://${new URL(inject("baseUrl")).host}/v1/wschannels`,
      logLevel: "silent",
    });
    await once(worker, "ready");
    expect(worker.sid).toBe(workerSid);
    const available = [...worker.activities.values()].find((a) => a.name === "Available")!;
    const updated = once(worker, "activityUpdated");
    await available.setAsCurrent();
    await updated;

    const rung = once(worker, "reservationCreated");
    const task = await post(`/Workspaces/${workspaceSid}/Tasks`, {
      Attributes: '{"lang":"ga"}',
      Region: "eu-ireland",
      WorkflowSid: workflowSid,
    });
    const [reservation] = (await rung) as [Reservation];
    expect(reservation.task.sid).toBe(task.sid);
    const accepted = once(reservation, "accepted");
    await reservation.accept();
    await accepted;
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe("assigned");
    await ws.tasks(task.sid).update({ assignmentStatus: "completed", reason: "done" });
  });

  it("ring the eu-ireland worker's SDK for a task created in the home region and handed over by a target naming eu-ireland", async () => {
    const queue = (await ws.taskQueues.create({ friendlyName: "Dublin", targetWorkers: "1 == 1" })).sid;
    const configuration = JSON.stringify({
      task_routing: { filters: [{ expression: "1==1", targets: [{ queue, region: "eu-ireland" }] }] },
    });
    const overflow = (await ws.workflows.create({ friendlyName: "To Dublin", configuration })).sid;

    const rung = once(worker!, "reservationCreated");
    const task = await ws.tasks.create({ attributes: '{"lang":"en"}', workflowSid: overflow });
    const [reservation] = (await rung) as [Reservation];
    expect(reservation.task.sid).toBe(task.sid);
    const accepted = once(reservation, "accepted");
    await reservation.accept();
    await accepted;
    const fetched = await ws.tasks(task.sid).fetch();
    expect([fetched.assignmentStatus, fetched.taskQueueSid]).toEqual(["assigned", queue]);
    // The SDK's own task calls name the task's SID, which names us-east: they are followed to eu-ireland.
    await reservation.task.complete("resolved in Dublin");
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe("completed");
  });

  it("move the worker to ap-sydney (Region on update), read it back there, and ring its SDK, which reconnected, for a task created there", async () => {
    const ready = once(worker!, "ready");
    const moved = await post(`/Workspaces/${workspaceSid}/Workers/${workerSid}`, { Region: "ap-sydney" });
    expect(moved.sid).toBe(workerSid);
    expect((await ws.workers(workerSid).fetch()).friendlyName).toBe("siobhan");
    expect((await ws.workers.list()).filter((w) => w.sid === workerSid)).toHaveLength(1);

    // The SDK's socket in eu-ireland was closed (4307); the SDK reconnects, and its new socket is held in ap-sydney.
    await ready;
    const rung = once(worker!, "reservationCreated");
    const task = await post(`/Workspaces/${workspaceSid}/Tasks`, { Attributes: "{}", Region: "ap-sydney", WorkflowSid: workflowSid });
    const [reservation] = (await rung) as [Reservation];
    expect(reservation.task.sid).toBe(task.sid);
    await ws.tasks(task.sid).update({ assignmentStatus: "canceled", reason: "test" });
  }, 60_000);
});
