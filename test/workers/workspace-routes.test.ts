/**
 * The configuration routes over HTTP (Workspaces, Activities, TaskChannels, TaskQueues, Workflows):
 * Twilio's status codes (201 on create, 204 on delete), `url` and `links` on every resource, list
 * bodies under Twilio's keys with absolute paging URLs, and Twilio-shaped 4xx bodies.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { accountFor, routerFor } from "../../platform/objects";
import type { WorkspaceConfigSnapshot } from "../../durable-objects/common/rpc";

const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);
const ORIGIN = "http://sb.test";
const V1 = `${ORIGIN}/taskrouter/v1`;

/** A resource body, or a list or error body: the fields the tests read, the rest unknown. */
interface Body {
  sid: string;
  url: string;
  links: Record<string, string>;
  meta: Record<string, unknown>;
  message: string;
  [field: string]: unknown;
}

/** The items of a list body, under Twilio's key for the list. */
const items = (body: Body, key: string) => body[key] as Body[];

async function call(method: string, path: string, params?: Record<string, string>, authorization = AUTH) {
  const url = path.startsWith("http") ? path : `${V1}${path}`;
  const init: RequestInit = { method, headers: { authorization } };
  if (params && method === "POST") {
    init.body = new URLSearchParams(params).toString();
    (init.headers as Record<string, string>)["content-type"] = "application/x-www-form-urlencoded";
  }
  const target = params && method !== "POST" ? `${url}?${new URLSearchParams(params)}` : url;
  const res = await app.request(target, init, env);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Body };
}

async function workspace(params: Record<string, string> = { FriendlyName: "Routes" }) {
  const res = await call("POST", "/Workspaces", params);
  expect(res.status).toBe(201);
  return res.body;
}

describe("Workspaces", () => {
  it("create (201), fetch, update, list and delete (204), with Twilio's url and links", async () => {
    const ws = await workspace({ FriendlyName: "Routes", Template: "FIFO", MultiTaskEnabled: "false" });
    const base = `${V1}/Workspaces/${ws.sid}`;
    expect(ws.url).toBe(base);
    expect(ws.links).toEqual({
      activities: `${base}/Activities`,
      events: `${base}/Events`,
      task_queues: `${base}/TaskQueues`,
      tasks: `${base}/Tasks`,
      workers: `${base}/Workers`,
      workflows: `${base}/Workflows`,
      statistics: `${base}/Statistics`,
      real_time_statistics: `${base}/RealTimeStatistics`,
      cumulative_statistics: `${base}/CumulativeStatistics`,
      task_channels: `${base}/TaskChannels`,
    });
    expect(ws).toMatchObject({
      friendly_name: "Routes",
      multi_task_enabled: false,
      account_sid: env.ACCOUNT_SID,
      default_activity_name: "Offline",
    });

    expect((await call("GET", `/Workspaces/${ws.sid}`)).body).toEqual(ws);
    const updated = await call("POST", `/Workspaces/${ws.sid}`, { FriendlyName: "Renamed", PrioritizeQueueOrder: "LIFO" });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ friendly_name: "Renamed", prioritize_queue_order: "LIFO" });

    const list = await call("GET", "/Workspaces", { FriendlyName: "Renamed" });
    expect(list.status).toBe(200);
    expect(items(list.body, "workspaces").map((w) => w.sid)).toContain(ws.sid);
    expect(list.body.meta).toMatchObject({ key: "workspaces", page: 0, page_size: 50, next_page_url: null });

    const removed = await app.request(`${base}`, { method: "DELETE", headers: { authorization: AUTH } }, env);
    expect(removed.status).toBe(204);
    expect(await removed.text()).toBe("");
    expect((await call("GET", `/Workspaces/${ws.sid}`)).status).toBe(404);
    expect(items((await call("GET", "/Workspaces", { FriendlyName: "Renamed" })).body, "workspaces").map((w) => w.sid)).not.toContain(
      ws.sid,
    );
  });

  it.each([
    ["a missing FriendlyName", "POST", "/Workspaces", {}, 400, "Missing required parameter FriendlyName"],
    ["an unknown Template", "POST", "/Workspaces", { FriendlyName: "W", Template: "LIFO" }, 400, "Invalid parameter Template"],
    [
      "a relative EventCallbackUrl",
      "POST",
      "/Workspaces",
      { FriendlyName: "W", EventCallbackUrl: "/x" },
      400,
      "Invalid parameter EventCallbackUrl",
    ],
    ["a path that is not a workspace SID", "GET", "/Workspaces/nope", undefined, 404, "was not found"],
    ["an unknown workspace", "GET", `/Workspaces/WS${"0".repeat(32)}`, undefined, 404, "was not found"],
  ])("answer %s with Twilio's error body", async (_name, method, path, params, status, message) => {
    const res = await call(method, path, params);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({
      status,
      code: status === 404 ? 20404 : 20001,
      more_info: `${ORIGIN}/docs/errors/${status === 404 ? 20404 : 20001}`,
    });
    expect(res.body.message).toContain(message);
  });

  it("pages by following next_page_url", async () => {
    const created = [
      await workspace({ FriendlyName: "Paged" }),
      await workspace({ FriendlyName: "Paged" }),
      await workspace({ FriendlyName: "Paged" }),
    ];
    const seen: string[] = [];
    let next: string | null = `${V1}/Workspaces?FriendlyName=Paged&PageSize=1`;
    while (next) {
      const page = await call("GET", next);
      expect(page.body.meta.page_size).toBe(1);
      seen.push(...items(page.body, "workspaces").map((w) => w.sid));
      next = page.body.meta.next_page_url as string | null;
    }
    expect(seen.sort()).toEqual(created.map((w) => w.sid).sort());
  });

  it("are reachable with an API key of the account", async () => {
    const key = await accountFor(env, env.ACCOUNT_SID!).createApiKey("routes test");
    if (!key.ok) throw new Error(key.message);
    const res = await call("GET", "/Workspaces", undefined, "Basic " + btoa(`${key.value.sid}:${key.value.secret}`));
    expect(res.status).toBe(200);
    const wrong = await call("GET", "/Workspaces", undefined, "Basic " + btoa(`${key.value.sid}:not-the-secret`));
    expect(wrong.status).toBe(401);
  });
});

describe("Activities", () => {
  it("create, fetch, rename, list with filters, delete", async () => {
    const ws = await workspace();
    const base = `/Workspaces/${ws.sid}/Activities`;
    const created = await call("POST", base, { FriendlyName: "Break", Available: "false" });
    expect(created.status).toBe(201);
    const activity = created.body;
    expect(activity).toMatchObject({ friendly_name: "Break", available: false, workspace_sid: ws.sid });
    expect(activity.url).toBe(`${V1}${base}/${activity.sid}`);
    expect(activity.links).toEqual({ workspace: `${V1}/Workspaces/${ws.sid}` });
    expect((await call("GET", `${base}/${activity.sid}`)).body).toEqual(activity);
    expect((await call("POST", `${base}/${activity.sid}`, { FriendlyName: "Lunch" })).body.friendly_name).toBe("Lunch");
    const unavailable = await call("GET", base, { Available: "false" });
    expect(
      items(unavailable.body, "activities")
        .map((a) => a.friendly_name)
        .sort(),
    ).toEqual(["Lunch", "Offline", "Unavailable"]);
    expect(unavailable.body.meta.key).toBe("activities");
    expect((await call("DELETE", `${base}/${activity.sid}`)).status).toBe(204);
    expect((await call("GET", `${base}/${activity.sid}`)).status).toBe(404);
  });

  it("refuse deleting the default activity with a 400 that says why", async () => {
    const ws = await workspace();
    const res = await call("DELETE", `/Workspaces/${ws.sid}/Activities/${ws.default_activity_sid as string}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("default activity");
  });
});

describe("TaskChannels", () => {
  it("are listed under `channels` and reached by SID or unique name", async () => {
    const ws = await workspace();
    const base = `/Workspaces/${ws.sid}/TaskChannels`;
    const list = await call("GET", base);
    expect(list.body.meta.key).toBe("channels");
    const voice = items(list.body, "channels").find((c) => c.unique_name === "voice")!;
    expect(voice.url).toBe(`${V1}${base}/${voice.sid}`);
    expect(voice.links).toEqual({ workspace: `${V1}/Workspaces/${ws.sid}` });
    expect((await call("GET", `${base}/voice`)).body).toEqual(voice);
    const created = await call("POST", base, { FriendlyName: "Fax", UniqueName: "fax", ChannelOptimizedRouting: "true" });
    expect(created.status).toBe(201);
    expect(created.body.channel_optimized_routing).toBe(true);
    expect((await call("POST", `${base}/fax`, { FriendlyName: "Telefax" })).body.friendly_name).toBe("Telefax");
    expect((await call("DELETE", `${base}/fax`)).status).toBe(204);
    expect((await call("POST", base, { FriendlyName: "V", UniqueName: "voice" })).status).toBe(400);
  });
});

describe("TaskQueues", () => {
  it("create with Twilio's links, filter by worker attributes, update, delete", async () => {
    const ws = await workspace();
    const wsUrl = `${V1}/Workspaces/${ws.sid}`;
    const base = `/Workspaces/${ws.sid}/TaskQueues`;
    const created = await call("POST", base, {
      FriendlyName: "Spanish",
      TargetWorkers: "languages HAS 'es'",
      MaxReservedWorkers: "2",
      ReservationActivitySid: ws.default_activity_sid as string,
    });
    expect(created.status).toBe(201);
    const queue = created.body;
    expect(queue).toMatchObject({ target_workers: "languages HAS 'es'", max_reserved_workers: 2, reservation_activity_name: "Offline" });
    expect(queue.url).toBe(`${wsUrl}/TaskQueues/${queue.sid}`);
    expect(queue.links).toEqual({
      workspace: wsUrl,
      statistics: `${queue.url}/Statistics`,
      real_time_statistics: `${queue.url}/RealTimeStatistics`,
      cumulative_statistics: `${queue.url}/CumulativeStatistics`,
      list_statistics: `${wsUrl}/TaskQueues/Statistics`,
      bulk_real_time_statistics: `${wsUrl}/TaskQueues/RealTimeStatistics`,
      reservation_activity: `${wsUrl}/Activities/${ws.default_activity_sid as string}`,
    });
    await call("POST", base, { FriendlyName: "Everyone" });
    const matching = await call("GET", base, { EvaluateWorkerAttributes: '{"languages":["en"]}' });
    expect(items(matching.body, "task_queues").map((q) => q.friendly_name)).toEqual(["Everyone"]);
    expect(matching.body.meta.key).toBe("task_queues");
    expect((await call("POST", `${base}/${queue.sid}`, { TaskOrder: "LIFO" })).body.task_order).toBe("LIFO");
    expect((await call("DELETE", `${base}/${queue.sid}`)).status).toBe(204);
  });

  it.each([
    [
      { FriendlyName: "Q", TargetWorkers: "skills HAS" },
      "Invalid parameter TargetWorkers: syntax error: Unexpected end of input at position 10",
    ],
    [{ FriendlyName: "Q", MaxReservedWorkers: "51" }, "Invalid parameter MaxReservedWorkers"],
    [{ FriendlyName: "Q", TaskOrder: "RANDOM" }, "Invalid parameter TaskOrder"],
    [{ FriendlyName: "Q", AssignmentActivitySid: "WA" + "0".repeat(32) }, "Invalid parameter AssignmentActivitySid"],
  ])("refuse %o with a 400 naming the parameter", async (params, message) => {
    const ws = await workspace();
    const res = await call("POST", `/Workspaces/${ws.sid}/TaskQueues`, params);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 20001, status: 400 });
    expect(res.body.message).toContain(message);
  });

  it("keep Switchboard's desk settings (thresholds, automatic end of wrap-up); 0 clears one", async () => {
    const ws = await workspace();
    const base = `/Workspaces/${ws.sid}/TaskQueues`;
    const plain = (await call("POST", base, { FriendlyName: "Plain" })).body;
    expect(plain).toMatchObject({
      sla_threshold_seconds: null,
      waiting_threshold: null,
      longest_wait_threshold_seconds: null,
      service_level_target: null,
      wrap_up_timeout_seconds: null,
    });
    const created = await call("POST", base, {
      FriendlyName: "Chat",
      SlaThresholdSeconds: "45",
      WaitingThreshold: "10",
      LongestWaitThresholdSeconds: "120",
      ServiceLevelTarget: "80",
      WrapUpTimeoutSeconds: "30",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      sla_threshold_seconds: 45,
      waiting_threshold: 10,
      longest_wait_threshold_seconds: 120,
      service_level_target: 80,
      wrap_up_timeout_seconds: 30,
    });
    // An update changes only what it names; 0 turns a setting off.
    const updated = await call("POST", `${base}/${created.body.sid}`, { WrapUpTimeoutSeconds: "0", WaitingThreshold: "12" });
    expect(updated.body).toMatchObject({ sla_threshold_seconds: 45, waiting_threshold: 12, wrap_up_timeout_seconds: null });
    expect((await call("GET", `${base}/${created.body.sid}`)).body).toMatchObject({ waiting_threshold: 12, wrap_up_timeout_seconds: null });
    // The Router routes by the same record, so it has the settings too.
    const snapshot = await runInDurableObject(
      routerFor(env, ws.sid),
      (_instance, state) =>
        JSON.parse(state.storage.sql.exec("SELECT snapshot FROM sb_config").one().snapshot as string) as WorkspaceConfigSnapshot,
    );
    expect(snapshot.taskQueues.find((q) => q.sid === created.body.sid)).toMatchObject({ sla_threshold_seconds: 45, waiting_threshold: 12 });
  });

  it.each([
    [{ SlaThresholdSeconds: "-1" }, "Invalid parameter SlaThresholdSeconds: must be an integer from 0 to 86400"],
    [{ WaitingThreshold: "many" }, "Invalid parameter WaitingThreshold"],
    [{ LongestWaitThresholdSeconds: "86401" }, "Invalid parameter LongestWaitThresholdSeconds"],
    [{ ServiceLevelTarget: "101" }, "Invalid parameter ServiceLevelTarget: must be an integer from 0 to 100"],
    [{ WrapUpTimeoutSeconds: "1.5" }, "Invalid parameter WrapUpTimeoutSeconds"],
  ])("refuse the desk setting %o with a 400 naming it, changing nothing", async (params, message) => {
    const ws = await workspace();
    const base = `/Workspaces/${ws.sid}/TaskQueues`;
    const queue = (await call("POST", base, { FriendlyName: "Q", WrapUpTimeoutSeconds: "20" })).body;
    const created = await call("POST", base, { FriendlyName: "R", ...params });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain(message);
    const updated = await call("POST", `${base}/${queue.sid}`, params);
    expect(updated.status).toBe(400);
    expect(updated.body.message).toContain(message);
    expect((await call("GET", `${base}/${queue.sid}`)).body).toMatchObject({ wrap_up_timeout_seconds: 20, sla_threshold_seconds: null });
    expect(items((await call("GET", base)).body, "task_queues").map((q) => q.friendly_name)).toEqual(["Q"]);
  });

  it("describe the desk settings in /openapi.json, on create and on update", async () => {
    type Body = { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } };
    const doc = (await (await app.request("http://sb.test/openapi.json", {}, env)).json()) as {
      paths: Record<string, Record<string, Body>>;
    };
    const form = (path: string) => doc.paths[path]!.post!.requestBody.content["application/x-www-form-urlencoded"]!.schema.properties;
    for (const path of [
      "/taskrouter/v1/Workspaces/{WorkspaceSid}/TaskQueues",
      "/taskrouter/v1/Workspaces/{WorkspaceSid}/TaskQueues/{Sid}",
    ]) {
      const properties = form(path);
      for (const name of [
        "SlaThresholdSeconds",
        "WaitingThreshold",
        "LongestWaitThresholdSeconds",
        "ServiceLevelTarget",
        "WrapUpTimeoutSeconds",
      ])
        expect(JSON.stringify(properties[name])).toMatch(/Switchboard only/);
    }
  });

  it("filter by WorkerSid: the queues the Router says the worker is in", async () => {
    const ws = await workspace();
    const base = `/Workspaces/${ws.sid}/TaskQueues`;
    const spanish = (await call("POST", base, { FriendlyName: "Spanish", TargetWorkers: "languages HAS 'es'" })).body;
    await call("POST", base, { FriendlyName: "French", TargetWorkers: "languages HAS 'fr'" });
    const router = routerFor(env, ws.sid);
    const created = await router.createWorker(env.ACCOUNT_SID!, { friendlyName: "Ana", attributes: '{"languages":["es"]}' });
    if (!created.ok) throw new Error(created.message);
    const listed = await call("GET", base, { WorkerSid: created.value.worker.sid });
    expect(items(listed.body, "task_queues").map((q) => q.sid)).toEqual([spanish.sid]);
    const unknown = await call("GET", base, { WorkerSid: "WK" + "0".repeat(32) });
    expect(unknown.status).toBe(404);
  });

  it("leave /TaskQueues/Statistics to the statistics routes", async () => {
    const ws = await workspace();
    const res = await call("GET", `/Workspaces/${ws.sid}/TaskQueues/Statistics`);
    expect(res.body?.message ?? "").not.toContain("TaskQueue Statistics");
  });
});

describe("Workflows", () => {
  it("create, fetch, update with ReEvaluateTasks, delete", async () => {
    const ws = await workspace();
    const base = `/Workspaces/${ws.sid}/Workflows`;
    const queue = (await call("POST", `/Workspaces/${ws.sid}/TaskQueues`, { FriendlyName: "Q" })).body;
    const configuration = JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } });
    const created = await call("POST", base, { FriendlyName: "Main", Configuration: configuration, TaskReservationTimeout: "30" });
    expect(created.status).toBe(201);
    const workflow = created.body;
    expect(workflow).toMatchObject({ configuration, task_reservation_timeout: 30, document_content_type: "application/json" });
    expect(workflow.links).toEqual({
      statistics: `${workflow.url}/Statistics`,
      real_time_statistics: `${workflow.url}/RealTimeStatistics`,
      cumulative_statistics: `${workflow.url}/CumulativeStatistics`,
    });
    expect((await call("GET", `${base}/${workflow.sid}`)).body).toEqual(workflow);
    const updated = await call("POST", `${base}/${workflow.sid}`, {
      AssignmentCallbackUrl: "http://127.0.0.1:9/app/a",
      ReEvaluateTasks: "true",
    });
    expect(updated.body.assignment_callback_url).toBe("http://127.0.0.1:9/app/a");
    expect(items((await call("GET", base)).body, "workflows").map((w) => w.sid)).toEqual([workflow.sid]);
    expect((await call("DELETE", `${base}/${workflow.sid}`)).status).toBe(204);
  });

  it("answer a bad configuration with every problem and its path", async () => {
    const ws = await workspace();
    const configuration = JSON.stringify({ task_routing: { filters: [{ expression: "", targets: [{ queue: "WQ" + "0".repeat(32) }] }] } });
    const res = await call("POST", `/Workspaces/${ws.sid}/Workflows`, { FriendlyName: "W", Configuration: configuration });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(
      /^Invalid parameter Configuration: task_routing\.filters\[0\]\.expression: .*; task_routing\.filters\[0\]\.targets\[0\]\.queue: /,
    );
  });
});
