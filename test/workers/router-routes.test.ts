/**
 * The TaskRouter routes the Router DO answers (Workers, WorkerChannels, Tasks, Reservations, Events),
 * called as HTTP with Twilio's form-encoded parameters: status codes, `url`/`links`, ETags, paging
 * `meta`, and Twilio-shaped errors that name the parameter. The workspace's configuration is pushed to
 * its Router directly, as the Workspace DO does.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { routerFor } from "../../platform/objects";
import { AVAILABLE, OFFLINE, SUPPORT, WORKSPACE, snapshot, value } from "./router-fixtures";

const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);
const WS = `/taskrouter/v1/Workspaces/${WORKSPACE}`;
const ORIGIN = "http://switchboard.test";

async function call(method: string, path: string, params?: Record<string, string | string[]>, headers: Record<string, string> = {}) {
  const form = new URLSearchParams();
  for (const [name, v] of Object.entries(params ?? {})) for (const one of Array.isArray(v) ? v : [v]) form.append(name, one);
  const init: RequestInit = { method, headers: { authorization: AUTH, ...headers } };
  let url = `${ORIGIN}${path}`;
  if (method === "POST") {
    init.body = form.toString();
    (init.headers as Record<string, string>)["content-type"] = "application/x-www-form-urlencoded";
  } else if (params) url += `?${form.toString()}`;
  const res = await app.request(url, init, env);
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get("etag"),
    body: (text ? JSON.parse(text) : null) as Body,
  };
}

type Body = Record<string, unknown>;

beforeAll(async () => {
  value(await routerFor(env, WORKSPACE).applyConfig(snapshot(), []));
});

describe("workers and their channels", () => {
  let worker: Body;

  it("creates a worker: 201, Twilio's url and links, and an ETag", async () => {
    const res = await call("POST", `${WS}/Workers`, { FriendlyName: "Ann", ActivitySid: AVAILABLE, Attributes: '{"skills":["support"]}' });
    expect(res.status).toBe(201);
    worker = res.body;
    expect(worker).toMatchObject({
      friendly_name: "Ann",
      activity_name: "Available",
      available: true,
      url: `${ORIGIN}${WS}/Workers/${worker.sid as string}`,
      links: {
        activity: `${ORIGIN}${WS}/Activities/${AVAILABLE}`,
        channels: `${ORIGIN}${WS}/Workers/${worker.sid as string}/Channels`,
        reservations: `${ORIGIN}${WS}/Workers/${worker.sid as string}/Reservations`,
        workspace: `${ORIGIN}${WS}`,
      },
    });
    expect(res.etag).toBe('"1"');
  });

  it("lists workers with filters and Twilio's paging meta", async () => {
    await call("POST", `${WS}/Workers`, { FriendlyName: "Bob" }); // the default activity: Offline
    const available = await call("GET", `${WS}/Workers`, { Available: "true" });
    expect((available.body.workers as Body[]).map((w) => w.friendly_name)).toEqual(["Ann"]);
    const inSupport = await call("GET", `${WS}/Workers`, { TaskQueueSid: SUPPORT });
    expect((inSupport.body.workers as Body[]).map((w) => w.friendly_name)).toEqual(["Ann"]);
    const byExpression = await call("GET", `${WS}/Workers`, { TargetWorkersExpression: "activity_name == 'Offline'", PageSize: "1" });
    expect((byExpression.body.workers as Body[]).map((w) => w.friendly_name)).toEqual(["Bob"]);
    expect(byExpression.body.meta).toMatchObject({ key: "workers", page: 0, page_size: 1, next_page_url: null });
    const paged = await call("GET", `${WS}/Workers`, { PageSize: "1", Ordering: "DateCreated:desc" });
    expect((paged.body.workers as Body[]).map((w) => w.friendly_name)).toEqual(["Bob"]);
    const next = new URL(String((paged.body.meta as Body).next_page_url));
    const second = await call("GET", `${next.pathname}`, Object.fromEntries(next.searchParams));
    expect((second.body.workers as Body[]).map((w) => w.friendly_name)).toEqual(["Ann"]);
  });

  it("updates with If-Match: the current ETag wins, a stale one is a 412", async () => {
    const stale = await call("POST", `${WS}/Workers/${worker.sid as string}`, { Attributes: "{}" }, { "if-match": '"7"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, code: 20412 });
    const fresh = await call("GET", `${WS}/Workers/${worker.sid as string}`);
    const updated = await call(
      "POST",
      `${WS}/Workers/${worker.sid as string}`,
      { Attributes: '{"skills":["support","sales"]}' },
      { "if-match": fresh.etag! },
    );
    expect(updated.status).toBe(200);
    expect(updated.body.attributes).toBe('{"skills":["support","sales"]}');
    expect(updated.etag).not.toBe(fresh.etag);
  });

  it("names the parameter of bad input", async () => {
    const bad = await call("POST", `${WS}/Workers`, { FriendlyName: "Cid", Attributes: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 20001, message: "Invalid parameter Attributes: must be valid JSON" });
    const unknown = await call("POST", `${WS}/Workers`, { FriendlyName: "Cid", Skills: "x" });
    expect(unknown.body).toMatchObject({ status: 400, message: "Unknown parameter Skills" });
  });

  it("lists, fetches (by unique name) and updates worker channels", async () => {
    const list = await call("GET", `${WS}/Workers/${worker.sid as string}/Channels`);
    expect((list.body.channels as Body[]).map((ch) => ch.task_channel_unique_name)).toEqual(["default", "voice", "chat"]);
    const chat = await call("POST", `${WS}/Workers/${worker.sid as string}/Channels/chat`, { Capacity: "3" });
    expect(chat.body).toMatchObject({ configured_capacity: 3, assigned_tasks: 0, available: true, available_capacity_percentage: 100 });
    expect(chat.body.url).toBe(`${ORIGIN}${WS}/Workers/${worker.sid as string}/Channels/${chat.body.sid as string}`);
    expect((await call("POST", `${WS}/Workers/${worker.sid as string}/Channels/chat`, { Capacity: "51" })).status).toBe(400);
  });
});

describe("tasks and reservations", () => {
  it("creates a task (201, ETag), reserves it, accepts it through Instruction, completes it, deletes it", async () => {
    const created = await call("POST", `${WS}/Tasks`, { Attributes: '{"type":"support"}', TaskChannel: "chat", Priority: "5" });
    expect(created.status).toBe(201);
    expect(created.etag).toMatch(/^"\d+"$/);
    const task = created.body;
    expect(task).toMatchObject({
      assignment_status: "reserved",
      priority: 5,
      task_queue_sid: SUPPORT,
      task_queue_friendly_name: "Support",
      task_channel_unique_name: "chat",
      links: {
        reservations: `${ORIGIN}${WS}/Tasks/${task.sid as string}/Reservations`,
        task_queue: `${ORIGIN}${WS}/TaskQueues/${SUPPORT}`,
      },
    });

    const listed = await call("GET", `${WS}/Tasks`, { AssignmentStatus: ["pending", "reserved"] });
    expect((listed.body.tasks as Body[]).map((t) => t.sid)).toContain(task.sid);
    expect((await call("GET", `${WS}/Tasks`, { AssignmentStatus: "assigned" })).body.tasks).toEqual([]);
    expect((await call("GET", `${WS}/Tasks`, { EvaluateTaskAttributes: "type == 'support'" })).body.tasks).toHaveLength(1);

    const reservations = await call("GET", `${WS}/Tasks/${task.sid as string}/Reservations`);
    const [reservation] = reservations.body.reservations as Body[];
    expect(reservation).toMatchObject({ worker_name: "Ann", reservation_status: "pending" });
    const viaWorker = `${WS}/Workers/${reservation!.worker_sid as string}/Reservations/${reservation!.sid as string}`;
    expect((await call("GET", viaWorker)).body.url).toBe(`${ORIGIN}${viaWorker}`);

    // Twilio's conference supervision is not a reservation update here: refused by name, and nothing changes.
    const viaTask = `${WS}/Tasks/${task.sid as string}/Reservations/${reservation!.sid as string}`;
    const supervised = await call("POST", viaTask, { Instruction: "conference", Supervisor: "client:sam", SupervisorMode: "monitor" });
    expect(supervised.status).toBe(400);
    expect(supervised.body.message).toMatch(/^Invalid parameter Supervisor: .*media-token and Mode=monitor\|whisper\|barge/);
    expect((await call("GET", viaTask)).body.reservation_status).toBe("pending");

    const accepted = await call("POST", viaWorker, { Instruction: "dequeue", DequeueFrom: "+15550100" });
    expect(accepted.body.reservation_status).toBe("accepted");
    const again = await call("POST", viaWorker, { ReservationStatus: "accepted" });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/no longer pending/);

    const completed = await call("POST", `${WS}/Tasks/${task.sid as string}`, { AssignmentStatus: "completed", Reason: "resolved" });
    expect(completed.body).toMatchObject({ assignment_status: "completed", reason: "resolved" });
    expect((await call("DELETE", `${WS}/Tasks/${task.sid as string}`)).status).toBe(204);
    expect((await call("GET", `${WS}/Tasks/${task.sid as string}`)).status).toBe(404);
  });

  it("refuses what it does not support, and bad AssignmentStatus values, by name", async () => {
    const routed = await call("POST", `${WS}/Tasks`, { RoutingTarget: "WK" + "0".repeat(32) });
    expect(routed.body).toMatchObject({ status: 400, message: expect.stringMatching(/^RoutingTarget is not supported/) });
    const status = await call("GET", `${WS}/Tasks`, { AssignmentStatus: "done" });
    expect(status.body).toMatchObject({ status: 400, message: expect.stringMatching(/AssignmentStatus/) });
  });
});

describe("events", () => {
  it("lists the workspace's events newest first and fetches one", async () => {
    const offline = await call("POST", `${WS}/Workers`, { FriendlyName: "Dee", ActivitySid: OFFLINE });
    const events = await call("GET", `${WS}/Events`, { WorkerSid: offline.body.sid as string });
    const [created] = events.body.events as Body[];
    expect(created).toMatchObject({
      event_type: "worker.created",
      resource_type: "Worker",
      resource_sid: offline.body.sid,
      resource_url: `${ORIGIN}${WS}/Workers/${offline.body.sid as string}`,
      actor_type: "account",
      event_data: { worker_name: "Dee", worker_activity_name: "Offline" },
    });
    const one = await call("GET", `${WS}/Events/${created!.sid as string}`);
    expect(one.body).toMatchObject({ sid: created!.sid, url: `${ORIGIN}${WS}/Events/${created!.sid as string}` });
    expect((await call("GET", `${WS}/Events`, { Minutes: "0" })).status).toBe(400);
  });
});
