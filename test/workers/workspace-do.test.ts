/**
 * WorkspaceDO, the workspace itself: what a new workspace starts with (Twilio's defaults and the FIFO
 * template), settings, deletion (a tombstone: the SID is never served or created again), the account
 * check on every call, and the account directory kept current.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newSid } from "../../contract/ids";
import type { ApiResult } from "../../durable-objects/common/rpc";
import type { CreateWorkspaceInput } from "../../durable-objects/workspace/workspace-do";
import { accountFor, workspaceFor } from "../../platform/objects";

const ACCOUNT = "AC" + "a".repeat(32);
const OTHER_ACCOUNT = "AC" + "b".repeat(32);
const ALL = { pageSize: 1000, page: 0 };

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.message}`);
  return result.value;
}

async function newWorkspace(input: CreateWorkspaceInput = { friendlyName: "Support" }, account = ACCOUNT) {
  const sid = newSid("WS");
  const stub = workspaceFor(env, sid);
  const workspace = value(await stub.createWorkspace(account, sid, input));
  return { sid, stub, workspace };
}

const version = async (stub: DurableObjectStub<import("../../durable-objects/workspace/workspace-do").WorkspaceDO>) =>
  value(await stub.getSnapshot(ACCOUNT)).version;

describe("a new workspace", () => {
  it("starts with Twilio's default activities and task channels, and no queues or workflows", async () => {
    const { sid, stub, workspace } = await newWorkspace();
    const activities = value(await stub.listActivities(ACCOUNT, {}, ALL)).items;
    const byName = Object.fromEntries(activities.map((a) => [a.friendly_name, a]));
    expect(Object.keys(byName).sort()).toEqual(["Available", "Offline", "Unavailable"]);
    expect([byName.Offline?.available, byName.Available?.available, byName.Unavailable?.available]).toEqual([false, true, false]);

    expect(workspace).toEqual({
      account_sid: ACCOUNT,
      sid,
      friendly_name: "Support",
      event_callback_url: null,
      events_filter: null,
      default_activity_sid: byName.Offline?.sid,
      default_activity_name: "Offline",
      timeout_activity_sid: byName.Offline?.sid,
      timeout_activity_name: "Offline",
      multi_task_enabled: true,
      prioritize_queue_order: "FIFO",
      card_masking_enabled: true,
      hold_music_url: null, // Switchboard's own (issue 15): the built-in hold music
      // Switchboard's extension fields (issue 13): the home region, and the regions used so far.
      home_region: "us-east",
      regions: ["us-east"],
      jurisdiction: null, // a random SID: no jurisdiction
      date_created: workspace.date_created,
      date_updated: workspace.date_created,
    });
    expect(workspace.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const channels = value(await stub.listTaskChannels(ACCOUNT, ALL)).items;
    expect(channels.map((c) => [c.unique_name, c.friendly_name, c.channel_optimized_routing]).sort()).toEqual([
      ["chat", "Chat", false],
      ["default", "Default", false],
      ["email", "Email", false],
      ["sms", "SMS", false],
      ["video", "Video", false],
      ["voice", "Voice", false],
    ]);
    expect(value(await stub.listTaskQueues(ACCOUNT, {}, ALL)).items).toEqual([]);
    expect(value(await stub.listWorkflows(ACCOUNT, {}, ALL)).items).toEqual([]);
    expect(await version(stub)).toBe(1);
  });

  it("with Template=FIFO also gets a Sample Queue and a Default Fifo Workflow sending every task to it", async () => {
    const { sid, stub } = await newWorkspace({ friendlyName: "Fifo", template: "FIFO" });
    const [queue] = value(await stub.listTaskQueues(ACCOUNT, {}, ALL)).items;
    expect(queue).toMatchObject({
      workspace_sid: sid,
      friendly_name: "Sample Queue",
      target_workers: "1==1",
      task_order: "FIFO",
      max_reserved_workers: 1,
    });
    const workflows = value(await stub.listWorkflows(ACCOUNT, {}, ALL)).items;
    expect(workflows).toHaveLength(1);
    expect(workflows[0]).toMatchObject({
      friendly_name: "Default Fifo Workflow",
      task_reservation_timeout: 120,
      document_content_type: "application/json",
    });
    expect(JSON.parse(workflows[0]!.configuration)).toEqual({ task_routing: { filters: [], default_filter: { queue: queue!.sid } } });
  });

  it("takes its optional settings", async () => {
    const { workspace } = await newWorkspace({
      friendlyName: "Sales",
      eventCallbackUrl: "http://127.0.0.1:9/hooks/events",
      eventsFilter: "task.created,task.canceled",
      multiTaskEnabled: false,
      prioritizeQueueOrder: "LIFO",
    });
    expect(workspace).toMatchObject({
      event_callback_url: "http://127.0.0.1:9/hooks/events",
      events_filter: "task.created,task.canceled",
      multi_task_enabled: false,
      prioritize_queue_order: "LIFO",
    });
  });

  it.each([
    ["an empty FriendlyName", { friendlyName: " " }, "Invalid parameter FriendlyName: must not be empty"],
    ["a FriendlyName of 65 characters", { friendlyName: "x".repeat(65) }, "Invalid parameter FriendlyName: must be at most 64 characters"],
    ["a relative EventCallbackUrl", { friendlyName: "W", eventCallbackUrl: "/events" }, "Invalid parameter EventCallbackUrl"],
    ["an ftp EventCallbackUrl", { friendlyName: "W", eventCallbackUrl: "ftp://x.example" }, "Invalid parameter EventCallbackUrl"],
    ["an unknown Template", { friendlyName: "W", template: "LIFO" as never }, "Invalid parameter Template"],
    [
      "an unknown PrioritizeQueueOrder",
      { friendlyName: "W", prioritizeQueueOrder: "RANDOM" as never },
      "Invalid parameter PrioritizeQueueOrder",
    ],
  ])("is refused with %s, leaving nothing behind", async (_name, input, message) => {
    const sid = newSid("WS");
    const stub = workspaceFor(env, sid);
    const result = await stub.createWorkspace(ACCOUNT, sid, input);
    expect(result).toMatchObject({ ok: false, status: 400, code: 20001 });
    expect(!result.ok && result.message).toContain(message);
    expect(await stub.getWorkspace(ACCOUNT)).toMatchObject({ ok: false, status: 404 });
    const rows = await runInDurableObject(stub, (_i, state) =>
      ["workspace", "activities", "task_channels", "sb_outbox"].map(
        (t) => state.storage.sql.exec(`SELECT count(*) AS n FROM ${t}`).one().n,
      ),
    );
    expect(rows).toEqual([0, 0, 0, 0]);
    // The SID is still free: a good request creates it.
    expect(value(await stub.createWorkspace(ACCOUNT, sid, { friendlyName: "W" })).sid).toBe(sid);
  });

  it("cannot be created twice", async () => {
    const { sid, stub } = await newWorkspace();
    expect(await stub.createWorkspace(ACCOUNT, sid, { friendlyName: "Again" })).toMatchObject({ ok: false, status: 409 });
    expect(value(await stub.getWorkspace(ACCOUNT)).friendly_name).toBe("Support");
  });
});

describe("another account", () => {
  it("finds nothing, whatever it calls, and changes nothing", async () => {
    const { stub } = await newWorkspace();
    const before = value(await stub.getSnapshot(ACCOUNT));
    const wa = before.activities[0]!.sid;
    const calls: [string, () => Promise<unknown>][] = [
      ["getWorkspace", () => stub.getWorkspace(OTHER_ACCOUNT)],
      ["updateWorkspace", () => stub.updateWorkspace(OTHER_ACCOUNT, { friendlyName: "Mine" })],
      ["deleteWorkspace", () => stub.deleteWorkspace(OTHER_ACCOUNT)],
      ["getSnapshot", () => stub.getSnapshot(OTHER_ACCOUNT)],
      ["createActivity", () => stub.createActivity(OTHER_ACCOUNT, { friendlyName: "Break" })],
      ["getActivity", () => stub.getActivity(OTHER_ACCOUNT, wa)],
      ["updateActivity", () => stub.updateActivity(OTHER_ACCOUNT, wa, { friendlyName: "X" })],
      ["deleteActivity", () => stub.deleteActivity(OTHER_ACCOUNT, wa)],
      ["listActivities", () => stub.listActivities(OTHER_ACCOUNT, {}, ALL)],
      ["createTaskChannel", () => stub.createTaskChannel(OTHER_ACCOUNT, { friendlyName: "Fax", uniqueName: "fax" })],
      ["getTaskChannel", () => stub.getTaskChannel(OTHER_ACCOUNT, "voice")],
      ["updateTaskChannel", () => stub.updateTaskChannel(OTHER_ACCOUNT, "voice", { friendlyName: "X" })],
      ["deleteTaskChannel", () => stub.deleteTaskChannel(OTHER_ACCOUNT, "voice")],
      ["listTaskChannels", () => stub.listTaskChannels(OTHER_ACCOUNT, ALL)],
      ["createTaskQueue", () => stub.createTaskQueue(OTHER_ACCOUNT, { friendlyName: "Q" })],
      ["listTaskQueues", () => stub.listTaskQueues(OTHER_ACCOUNT, {}, ALL)],
      ["createWorkflow", () => stub.createWorkflow(OTHER_ACCOUNT, { friendlyName: "W", configuration: '{"task_routing":{"filters":[]}}' })],
      ["listWorkflows", () => stub.listWorkflows(OTHER_ACCOUNT, {}, ALL)],
    ];
    for (const [name, call] of calls) {
      expect(await call(), name).toMatchObject({ ok: false, status: 404, code: 20404 });
    }
    expect(value(await stub.getSnapshot(ACCOUNT))).toEqual(before);
  });

  it("finds nothing in an object that holds no workspace", async () => {
    const stub = workspaceFor(env, newSid("WS"));
    expect(await stub.getWorkspace(ACCOUNT)).toMatchObject({ ok: false, status: 404, code: 20404 });
    expect(await stub.listActivities(ACCOUNT, {}, ALL)).toMatchObject({ ok: false, status: 404 });
  });
});

describe("updating a workspace", () => {
  it("changes what it is given and keeps the rest", async () => {
    const { stub, workspace } = await newWorkspace({
      friendlyName: "Support",
      eventCallbackUrl: "http://127.0.0.1:9/a/e",
      eventsFilter: "task.created",
    });
    const available = value(await stub.listActivities(ACCOUNT, { friendlyName: "Available" }, ALL)).items[0]!;
    const updated = value(
      await stub.updateWorkspace(ACCOUNT, {
        friendlyName: "Care",
        eventsFilter: "",
        multiTaskEnabled: false,
        prioritizeQueueOrder: "LIFO",
        defaultActivitySid: available.sid,
      }),
    );
    expect(updated).toMatchObject({
      friendly_name: "Care",
      event_callback_url: "http://127.0.0.1:9/a/e", // not given: kept
      events_filter: null, // "" clears
      multi_task_enabled: false,
      prioritize_queue_order: "LIFO",
      default_activity_sid: available.sid,
      default_activity_name: "Available",
      timeout_activity_sid: workspace.timeout_activity_sid,
      timeout_activity_name: "Offline",
    });
    expect(value(await stub.updateWorkspace(ACCOUNT, { eventCallbackUrl: "" })).event_callback_url).toBeNull();
    expect(await version(stub)).toBe(3);
  });

  it.each([
    ["an unknown DefaultActivitySid", { defaultActivitySid: "WA" + "0".repeat(32) }, "Invalid parameter DefaultActivitySid"],
    [
      "a TimeoutActivitySid that is not an Activity SID",
      { timeoutActivitySid: "WQ" + "0".repeat(32) },
      "Invalid parameter TimeoutActivitySid",
    ],
    ["a bad EventCallbackUrl", { eventCallbackUrl: "mailto:x@example.com" }, "Invalid parameter EventCallbackUrl"],
    ["a blank FriendlyName", { friendlyName: "" }, "Invalid parameter FriendlyName"],
  ])("refuses %s and changes nothing", async (_name, input, message) => {
    const { stub } = await newWorkspace();
    const before = value(await stub.getSnapshot(ACCOUNT));
    const result = await stub.updateWorkspace(ACCOUNT, input);
    expect(result).toMatchObject({ ok: false, status: 400, code: 20001 });
    expect(!result.ok && result.message).toContain(message);
    expect(value(await stub.getSnapshot(ACCOUNT))).toEqual(before);
  });
});

describe("deleting a workspace", () => {
  it("wipes it, and its SID is never served or created again", async () => {
    const { sid, stub } = await newWorkspace({ friendlyName: "Gone", template: "FIFO" });
    expect(await stub.deleteWorkspace(ACCOUNT)).toEqual({ ok: true, value: null });
    expect(await stub.getWorkspace(ACCOUNT)).toMatchObject({ ok: false, status: 404 });
    expect(await stub.listActivities(ACCOUNT, {}, ALL)).toMatchObject({ ok: false, status: 404 });
    expect(await stub.deleteWorkspace(ACCOUNT)).toMatchObject({ ok: false, status: 404 });
    expect(await stub.createWorkspace(ACCOUNT, sid, { friendlyName: "Again" })).toMatchObject({ ok: false, status: 409 });
    const left = await runInDurableObject(stub, (_i, state) =>
      ["activities", "task_channels", "task_queues", "workflows", "workflow_queues"].map(
        (t) => state.storage.sql.exec(`SELECT count(*) AS n FROM ${t}`).one().n,
      ),
    );
    expect(left).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("the account directory", () => {
  const listed = async (account = ACCOUNT) => value(await accountFor(env, account).listWorkspaces({}, ALL)).items;

  it("follows creation, every change to the workspace record, and deletion", async () => {
    const { sid, stub, workspace } = await newWorkspace({ friendlyName: "Directory" });
    expect((await listed()).find((w) => w.sid === sid)).toEqual(workspace);

    const renamed = value(await stub.updateWorkspace(ACCOUNT, { friendlyName: "Renamed" }));
    expect((await listed()).find((w) => w.sid === sid)).toEqual(renamed);

    // Renaming the default activity changes the workspace record (default_activity_name) too.
    value(await stub.updateActivity(ACCOUNT, workspace.default_activity_sid!, { friendlyName: "Away" }));
    expect((await listed()).find((w) => w.sid === sid)?.default_activity_name).toBe("Away");

    value(await stub.deleteWorkspace(ACCOUNT));
    expect((await listed()).find((w) => w.sid === sid)).toBeUndefined();
  });

  it("lists a workspace only under its own account", async () => {
    const { sid } = await newWorkspace({ friendlyName: "Elsewhere" }, OTHER_ACCOUNT);
    expect((await listed()).find((w) => w.sid === sid)).toBeUndefined();
    expect((await listed(OTHER_ACCOUNT)).find((w) => w.sid === sid)?.account_sid).toBe(OTHER_ACCOUNT);
  });
});

describe("callbackSettings", () => {
  it("tells the callback consumer where the workspace's and a workflow's callbacks go", async () => {
    const { sid, stub } = await newWorkspace({
      friendlyName: "Hooks",
      eventCallbackUrl: "http://127.0.0.1:9/a/e",
      eventsFilter: "task.created",
    });
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Q" }));
    const workflow = value(
      await stub.createWorkflow(ACCOUNT, {
        friendlyName: "W",
        configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: queue.sid } } }),
        assignmentCallbackUrl: "http://127.0.0.1:9/a/assign",
      }),
    );
    expect(await stub.callbackSettings(sid, workflow.sid)).toEqual({
      ok: true,
      value: {
        workspaceName: "Hooks",
        eventCallbackUrl: "http://127.0.0.1:9/a/e",
        eventsFilter: "task.created",
        workflow: { assignmentCallbackUrl: "http://127.0.0.1:9/a/assign", fallbackAssignmentCallbackUrl: null },
      },
    });
    expect(value(await stub.callbackSettings(sid, "WW" + "0".repeat(32))).workflow).toBeNull();
    expect(await stub.callbackSettings("WS" + "0".repeat(32))).toMatchObject({ ok: false, status: 404 });
  });
});
