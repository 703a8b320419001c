/**
 * The stock `twilio-taskrouter` SDK (2.1.1) against the compat suite's `wrangler dev`, pointed at
 * Switchboard with `ebServer` / `wsServer` and an AccessToken the stock `twilio` package mints (signed
 * with the account's auth token): it connects and is ready, a task created with the REST client
 * reaches it as `reservationCreated`, accept / wrap up / complete and an activity change succeed with
 * their events, a refreshed token is used, and it reconnects when the server drops its socket.
 */
import { once } from "node:events";
import { randomUUID } from "node:crypto";
import twilio from "twilio";
import type { Reservation, Worker as SdkWorker } from "twilio-taskrouter";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { switchboardClient } from "./client";

const client = switchboardClient();
let ws: ReturnType<typeof client.taskrouter.v1.workspaces>;
let workspaceSid: string;
let workflowSid: string;
let available: string;
let workerSid: string;
let worker: SdkWorker;
const errors: unknown[] = [];

function accessToken(ttl = 3600): string {
  const accountSid = inject("accountSid");
  const token = new twilio.jwt.AccessToken(accountSid, accountSid, inject("authToken"), { identity: "alice", ttl });
  token.addGrant(new twilio.jwt.AccessToken.TaskRouterGrant({ workspaceSid, workerSid, role: "worker" }));
  return token.toJwt();
}

const host = () => new URL(inject("baseUrl")).host;

beforeAll(async () => {
  const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-sdk-${randomUUID().slice(0, 8)}` });
  workspaceSid = workspace.sid;
  ws = client.taskrouter.v1.workspaces(workspaceSid);
  available = (await ws.activities.list()).find((a) => a.friendlyName === "Available")!.sid;
  const queue = (await ws.taskQueues.create({ friendlyName: "Everyone", targetWorkers: "1 == 1" })).sid;
  const configuration = JSON.stringify({ task_routing: { filters: [], default_filter: { queue } } });
  workflowSid = (await ws.workflows.create({ friendlyName: "Main", configuration, taskReservationTimeout: 120 })).sid;
  workerSid = (await ws.workers.create({ friendlyName: "alice", attributes: JSON.stringify({ skills: ["en"] }) })).sid;

  // Node 22 has a built-in WebSocket, which never reports a failed handshake; the SDK is given `ws`.
  globalThis.WebSocket = (await import("ws")).default as unknown as typeof WebSocket;
  const sdk = (await import("twilio-taskrouter")).default as unknown as typeof import("twilio-taskrouter");
  worker = new sdk.Worker(accessToken(), {
    ebServer: `${inject("baseUrl")}/v1/wschannels`,
    wsServer: `ws://${host()}/v1/wschannels`,
    logLevel: "silent",
  });
  worker.on("error", (error) => errors.push(error));
  await once(worker, "ready");
});

afterAll(() => {
  worker?.disconnect();
});

describe("the stock twilio-taskrouter SDK", () => {
  it("is ready with the worker, its activities and its channels", () => {
    expect(worker.sid).toBe(workerSid);
    expect(worker.workspaceSid).toBe(workspaceSid);
    expect(worker.activity.name).toBe("Offline");
    expect([...worker.activities.values()].map((a) => a.name).sort()).toContain("Available");
    expect(worker.channels.size).toBeGreaterThan(0);
    expect(worker.attributes).toEqual({ skills: ["en"] });
  });

  it("changes its activity and hears activityUpdated", async () => {
    const updated = once(worker, "activityUpdated");
    await worker.activities.get(available)!.setAsCurrent();
    await updated;
    expect(worker.activity.sid).toBe(available);
    expect(worker.available).toBe(true);
  });

  it("gets a reservation for a task the REST client creates, accepts, wraps up and completes it", async () => {
    const created = once(worker, "reservationCreated");
    const task = await ws.tasks.create({ workflowSid, attributes: JSON.stringify({ from: "+15551230000" }) });
    const [reservation] = (await created) as [Reservation];
    expect(reservation.status).toBe("pending");
    expect(reservation.task.sid).toBe(task.sid);
    expect(reservation.task.attributes).toEqual({ from: "+15551230000" });

    const accepted = once(reservation, "accepted");
    await reservation.accept();
    await accepted;
    expect(reservation.status).toBe("accepted");
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe("assigned");

    const wrapping = once(reservation.task, "wrapup");
    await reservation.task.wrapUp({ reason: "call ended" });
    await wrapping;

    const completed = once(reservation.task, "completed");
    const done = await reservation.task.complete("resolved");
    await completed;
    expect(done.status).toBe("completed");
    expect((await ws.tasks(task.sid).fetch()).assignmentStatus).toBe("completed");
  });

  it("refuses a request for another worker", async () => {
    const bob = (await ws.workers.create({ friendlyName: "bob" })).sid;
    const response = await fetch(`${inject("baseUrl")}/v1/wschannels`, {
      method: "POST",
      body: JSON.stringify({ url: `Workspaces/${workspaceSid}/Workers/${bob}`, method: "GET", params: {}, token: accessToken() }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/worker/);
  });

  it("uses a refreshed token for its next requests", async () => {
    const updated = once(worker, "tokenUpdated");
    worker.updateToken(accessToken(7200));
    await updated;
    const changed = once(worker, "attributesUpdated");
    await worker.setAttributes({ skills: ["en", "es"] });
    await changed;
    expect(worker.attributes).toEqual({ skills: ["en", "es"] });
  });

  it("reconnects and is ready again when the server drops its socket", async () => {
    const disconnected = once(worker, "disconnected");
    const ready = once(worker, "ready");
    // A newer session that closes the existing ones: the server closes the SDK's socket.
    const Ws = (await import("ws")).default;
    const other = new Ws(`ws://${host()}/v1/wschannels?token=${accessToken()}&closeExistingSessions=true`);
    const [init] = (await once(other, "message")) as [Buffer];
    expect(JSON.parse(init.toString())).toMatchObject({
      event_type: "init",
      payload: { channel_id: workerSid, workspace_sid: workspaceSid },
    });
    await disconnected;
    await ready;
    other.close();
    expect(worker.activity.sid).toBe(available);
    expect(errors).toEqual([]);
  });
});
