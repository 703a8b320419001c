/**
 * WorkspaceDO resources — activities, task channels, task queues, workflows: every RPC on its good
 * path, and every refusal as a 400 (or 404) naming Twilio's parameter that changes nothing (the
 * snapshot, version included, is the same before and after).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newSid } from "../../contract/ids";
import type { ApiResult, WorkspaceConfigSnapshot } from "../../durable-objects/common/rpc";
import { workspaceFor } from "../../platform/objects";

const ACCOUNT = "AC" + "c".repeat(32);
const ALL = { pageSize: 1000, page: 0 };
const MISSING = { WA: "WA" + "0".repeat(32), WQ: "WQ" + "0".repeat(32), WW: "WW" + "0".repeat(32), TC: "TC" + "0".repeat(32) };

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.message}`);
  return result.value;
}

async function newWorkspace() {
  const sid = newSid("WS");
  const stub = workspaceFor(env, sid);
  value(await stub.createWorkspace(ACCOUNT, sid, { friendlyName: "Resources" }));
  const snapshot = async (): Promise<WorkspaceConfigSnapshot> => value(await stub.getSnapshot(ACCOUNT));
  /** Runs a call that must be refused with `status` and a message containing `message`, changing nothing. */
  const refused = async (call: () => Promise<ApiResult<unknown>>, message: string, status = 400) => {
    const before = await snapshot();
    const result = await call();
    expect(result).toMatchObject({ ok: false, status, code: status === 404 ? 20404 : 20001 });
    expect(!result.ok && result.message).toContain(message);
    expect(await snapshot()).toEqual(before);
  };
  return { sid, stub, snapshot, refused };
}

const routeTo = (queue: string) => JSON.stringify({ task_routing: { filters: [], default_filter: { queue } } });

describe("activities", () => {
  it("are created available unless told otherwise, fetched, renamed and deleted", async () => {
    const { sid, stub, snapshot } = await newWorkspace();
    const version = (await snapshot()).version;
    const brk = value(await stub.createActivity(ACCOUNT, { friendlyName: "Break", available: false }));
    expect(brk).toEqual({
      account_sid: ACCOUNT,
      workspace_sid: sid,
      sid: brk.sid,
      friendly_name: "Break",
      available: false,
      date_created: brk.date_created,
      date_updated: brk.date_created,
    });
    expect(brk.sid).toMatch(/^WA[0-9a-f]{32}$/);
    expect(value(await stub.createActivity(ACCOUNT, { friendlyName: "Training" })).available).toBe(true);
    expect(value(await stub.getActivity(ACCOUNT, brk.sid))).toEqual(brk);
    expect(value(await stub.updateActivity(ACCOUNT, brk.sid, { friendlyName: "Lunch" }))).toMatchObject({
      friendly_name: "Lunch",
      available: false,
    });
    expect(value(await stub.deleteActivity(ACCOUNT, brk.sid))).toBeNull();
    expect(await stub.getActivity(ACCOUNT, brk.sid)).toMatchObject({ ok: false, status: 404 });
    expect((await snapshot()).version).toBe(version + 4); // create, create, update, delete
  });

  it("are filtered by FriendlyName and Available", async () => {
    const { stub } = await newWorkspace();
    value(await stub.createActivity(ACCOUNT, { friendlyName: "Break", available: false }));
    const names = async (filters: { friendlyName?: string; available?: boolean }) =>
      value(await stub.listActivities(ACCOUNT, filters, ALL))
        .items.map((a) => a.friendly_name)
        .sort();
    expect(await names({})).toEqual(["Available", "Break", "Offline", "Unavailable"]);
    expect(await names({ available: true })).toEqual(["Available"]);
    expect(await names({ available: false })).toEqual(["Break", "Offline", "Unavailable"]);
    expect(await names({ friendlyName: "Break" })).toEqual(["Break"]);
    expect(await names({ friendlyName: "break" })).toEqual([]); // exact match
    expect(await names({ friendlyName: "Break", available: true })).toEqual([]);
  });

  it("refuse bad input and what something relies on", async () => {
    const { stub, snapshot, refused } = await newWorkspace();
    const { workspace, activities } = await snapshot();
    const available = activities.find((a) => a.friendly_name === "Available")!;
    await refused(
      () => stub.createActivity(ACCOUNT, { friendlyName: "Available" }),
      'Invalid parameter FriendlyName: an Activity named "Available" already exists',
    );
    await refused(
      () => stub.createActivity(ACCOUNT, { friendlyName: "x".repeat(65) }),
      "Invalid parameter FriendlyName: must be at most 64 characters",
    );
    await refused(() => stub.createActivity(ACCOUNT, { friendlyName: "  " }), "Invalid parameter FriendlyName: must not be empty");
    await refused(() => stub.updateActivity(ACCOUNT, available.sid, { friendlyName: "Offline" }), "already exists");
    await refused(() => stub.updateActivity(ACCOUNT, MISSING.WA, { friendlyName: "X" }), "Activity", 404);
    await refused(() => stub.deleteActivity(ACCOUNT, MISSING.WA), "Activity", 404);
    await refused(() => stub.deleteActivity(ACCOUNT, workspace.default_activity_sid!), "the workspace's default activity");
    // Move the default elsewhere: Offline is still the timeout activity.
    value(await stub.updateWorkspace(ACCOUNT, { defaultActivitySid: available.sid }));
    await refused(() => stub.deleteActivity(ACCOUNT, workspace.timeout_activity_sid!), "the workspace's timeout activity");
    const brk = value(await stub.createActivity(ACCOUNT, { friendlyName: "Break", available: false }));
    value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Support", reservationActivitySid: brk.sid }));
    await refused(() => stub.deleteActivity(ACCOUNT, brk.sid), 'TaskQueue "Support" uses it');
  });
});

describe("task channels", () => {
  it("are created, found by SID or unique name, updated and deleted", async () => {
    const { sid, stub } = await newWorkspace();
    const fax = value(await stub.createTaskChannel(ACCOUNT, { friendlyName: "Fax", uniqueName: "fax", channelOptimizedRouting: true }));
    expect(fax).toEqual({
      account_sid: ACCOUNT,
      workspace_sid: sid,
      sid: fax.sid,
      friendly_name: "Fax",
      unique_name: "fax",
      channel_optimized_routing: true,
      date_created: fax.date_created,
      date_updated: fax.date_created,
    });
    expect(value(await stub.getTaskChannel(ACCOUNT, fax.sid))).toEqual(fax);
    expect(value(await stub.getTaskChannel(ACCOUNT, "fax"))).toEqual(fax);
    expect(value(await stub.updateTaskChannel(ACCOUNT, "fax", { channelOptimizedRouting: false }))).toMatchObject({
      friendly_name: "Fax",
      channel_optimized_routing: false,
    });
    expect(value(await stub.updateTaskChannel(ACCOUNT, fax.sid, { friendlyName: "Telefax" })).friendly_name).toBe("Telefax");
    expect(value(await stub.deleteTaskChannel(ACCOUNT, "fax"))).toBeNull();
    expect(await stub.getTaskChannel(ACCOUNT, "fax")).toMatchObject({ ok: false, status: 404 });
    expect(value(await stub.listTaskChannels(ACCOUNT, ALL)).items).toHaveLength(6);
  });

  it.each([
    [
      "a unique name in use",
      { friendlyName: "Voice 2", uniqueName: "voice" },
      'Invalid parameter UniqueName: a TaskChannel with unique name "voice" already exists',
    ],
    ["a unique name with a space", { friendlyName: "X", uniqueName: "web chat" }, "Invalid parameter UniqueName"],
    ["a unique name with a slash", { friendlyName: "X", uniqueName: "web/chat" }, "Invalid parameter UniqueName"],
    ["a unique name that looks like a SID", { friendlyName: "X", uniqueName: "TC" + "a".repeat(32) }, "Invalid parameter UniqueName"],
    ["a unique name of 65 characters", { friendlyName: "X", uniqueName: "c".repeat(65) }, "Invalid parameter UniqueName"],
    ["a blank FriendlyName", { friendlyName: "", uniqueName: "fax" }, "Invalid parameter FriendlyName"],
  ])("refuse %s", async (_name, input, message) => {
    const { stub, refused } = await newWorkspace();
    await refused(() => stub.createTaskChannel(ACCOUNT, input), message);
  });

  it("answer 404 for a channel that does not exist", async () => {
    const { stub, refused } = await newWorkspace();
    await refused(() => stub.updateTaskChannel(ACCOUNT, "fax", { friendlyName: "X" }), "TaskChannel fax", 404);
    await refused(() => stub.deleteTaskChannel(ACCOUNT, MISSING.TC), "TaskChannel", 404);
  });
});

describe("task queues", () => {
  it("take Twilio's defaults, or what they are given, with activity names filled in", async () => {
    const { sid, stub, snapshot } = await newWorkspace();
    const plain = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Plain" }));
    expect(plain).toEqual({
      account_sid: ACCOUNT,
      workspace_sid: sid,
      sid: plain.sid,
      friendly_name: "Plain",
      target_workers: "1==1",
      max_reserved_workers: 1,
      task_order: "FIFO",
      reservation_activity_sid: null,
      reservation_activity_name: null,
      assignment_activity_sid: null,
      assignment_activity_name: null,
      sla_threshold_seconds: null,
      waiting_threshold: null,
      longest_wait_threshold_seconds: null,
      service_level_target: null,
      wrap_up_timeout_seconds: null,
      date_created: plain.date_created,
      date_updated: plain.date_created,
    });
    const offline = (await snapshot()).workspace.default_activity_sid!;
    const full = value(
      await stub.createTaskQueue(ACCOUNT, {
        friendlyName: "Spanish",
        targetWorkers: "languages HAS 'es'",
        maxReservedWorkers: 5,
        taskOrder: "LIFO",
        reservationActivitySid: offline,
        assignmentActivitySid: offline,
      }),
    );
    expect(full).toMatchObject({
      target_workers: "languages HAS 'es'",
      max_reserved_workers: 5,
      task_order: "LIFO",
      reservation_activity_name: "Offline",
      assignment_activity_name: "Offline",
    });
    // An empty TargetWorkers is kept: no worker ever matches (Twilio's rule).
    expect(value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Parking", targetWorkers: "" })).target_workers).toBe("");
    expect(value(await stub.getTaskQueue(ACCOUNT, full.sid))).toEqual(full);
  });

  it("are updated field by field; an empty activity SID clears it", async () => {
    const { stub, snapshot } = await newWorkspace();
    const offline = (await snapshot()).workspace.default_activity_sid!;
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Q", reservationActivitySid: offline }));
    const updated = value(await stub.updateTaskQueue(ACCOUNT, queue.sid, { targetWorkers: "level > 2", maxReservedWorkers: 3 }));
    expect(updated).toMatchObject({
      friendly_name: "Q",
      target_workers: "level > 2",
      max_reserved_workers: 3,
      reservation_activity_sid: offline,
    });
    expect(value(await stub.updateTaskQueue(ACCOUNT, queue.sid, { reservationActivitySid: "" })).reservation_activity_sid).toBeNull();
  });

  it.each([
    [
      "a TargetWorkers syntax error, with its position and token",
      { friendlyName: "Q", targetWorkers: "skills HAS" },
      "Invalid parameter TargetWorkers: syntax error: Unexpected end of input at position 10",
    ],
    [
      "MaxReservedWorkers 51",
      { friendlyName: "Q", maxReservedWorkers: 51 },
      "Invalid parameter MaxReservedWorkers: must be an integer from 1 to 50",
    ],
    ["MaxReservedWorkers 0", { friendlyName: "Q", maxReservedWorkers: 0 }, "Invalid parameter MaxReservedWorkers"],
    ["an unknown TaskOrder", { friendlyName: "Q", taskOrder: "RANDOM" as never }, "Invalid parameter TaskOrder"],
    [
      "an unknown ReservationActivitySid",
      { friendlyName: "Q", reservationActivitySid: MISSING.WA },
      "Invalid parameter ReservationActivitySid: Activity",
    ],
    [
      "an AssignmentActivitySid that is not one",
      { friendlyName: "Q", assignmentActivitySid: "nope" },
      "Invalid parameter AssignmentActivitySid",
    ],
    ["a FriendlyName of 65 characters", { friendlyName: "q".repeat(65) }, "Invalid parameter FriendlyName"],
  ])("refuse %s", async (_name, input, message) => {
    const { stub, refused } = await newWorkspace();
    await refused(() => stub.createTaskQueue(ACCOUNT, input), message);
  });

  it("list every problem at once", async () => {
    const { stub, refused } = await newWorkspace();
    await refused(
      () => stub.createTaskQueue(ACCOUNT, { friendlyName: "Q", targetWorkers: "a ==", maxReservedWorkers: 99 }),
      "Invalid parameters: TargetWorkers: syntax error",
    );
    const result = await stub.createTaskQueue(ACCOUNT, { friendlyName: "Q", targetWorkers: "a ==", maxReservedWorkers: 99 });
    expect(!result.ok && result.message).toContain("; MaxReservedWorkers: must be an integer from 1 to 50");
  });

  it("keep friendly names unique", async () => {
    const { stub, refused } = await newWorkspace();
    const a = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "A" }));
    value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "B" }));
    await refused(() => stub.createTaskQueue(ACCOUNT, { friendlyName: "A" }), 'a TaskQueue named "A" already exists');
    await refused(() => stub.updateTaskQueue(ACCOUNT, a.sid, { friendlyName: "B" }), 'a TaskQueue named "B" already exists');
    expect(value(await stub.updateTaskQueue(ACCOUNT, a.sid, { friendlyName: "A" })).friendly_name).toBe("A"); // its own name is fine
  });

  it("cannot be deleted while a workflow routes to them, and the refusal names the workflow", async () => {
    const { stub, refused } = await newWorkspace();
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Q" }));
    const workflow = value(await stub.createWorkflow(ACCOUNT, { friendlyName: "Main", configuration: routeTo(queue.sid) }));
    await refused(() => stub.deleteTaskQueue(ACCOUNT, queue.sid), `Workflow "Main" (${workflow.sid}) routes tasks to it`);
    // Once the workflow routes elsewhere, the queue can go.
    const other = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Other" }));
    value(await stub.updateWorkflow(ACCOUNT, workflow.sid, { configuration: routeTo(other.sid) }));
    expect(value(await stub.deleteTaskQueue(ACCOUNT, queue.sid))).toBeNull();
    await refused(() => stub.deleteTaskQueue(ACCOUNT, queue.sid), "TaskQueue", 404);
    value(await stub.deleteWorkflow(ACCOUNT, workflow.sid));
    expect(value(await stub.deleteTaskQueue(ACCOUNT, other.sid))).toBeNull();
  });

  it("are filtered by FriendlyName, worker attributes, SIDs, and ordered by DateCreated", async () => {
    const { stub, refused } = await newWorkspace();
    const spanish = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Spanish", targetWorkers: "languages HAS 'es'" }));
    const senior = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Senior", targetWorkers: "level >= 3" }));
    const everyone = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Everyone" }));
    value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Nobody", targetWorkers: "" }));
    const names = async (filters: Parameters<typeof stub.listTaskQueues>[1]) =>
      value(await stub.listTaskQueues(ACCOUNT, filters, ALL)).items.map((q) => q.friendly_name);

    expect((await names({})).sort()).toEqual(["Everyone", "Nobody", "Senior", "Spanish"]);
    expect(await names({ friendlyName: "Senior" })).toEqual(["Senior"]);
    // A worker speaking es at level 2: Spanish and Everyone; nobody ever joins "Nobody".
    expect((await names({ evaluateWorkerAttributes: '{"languages":["es"],"level":2}' })).sort()).toEqual(["Everyone", "Spanish"]);
    expect((await names({ evaluateWorkerAttributes: '{"level":5}' })).sort()).toEqual(["Everyone", "Senior"]);
    expect((await names({ sids: [spanish.sid, senior.sid] })).sort()).toEqual(["Senior", "Spanish"]);
    expect(await names({ sids: [] })).toEqual([]);
    expect((await names({ sids: [everyone.sid], evaluateWorkerAttributes: "{}" })).sort()).toEqual(["Everyone"]);

    const asc = await names({ ordering: "DateCreated:asc" });
    expect(await names({ ordering: "DateCreated:desc" })).toEqual([...asc].reverse());

    await refused(
      () => stub.listTaskQueues(ACCOUNT, { evaluateWorkerAttributes: "{nope" }, ALL),
      "Invalid parameter EvaluateWorkerAttributes",
    );
    await refused(
      () => stub.listTaskQueues(ACCOUNT, { evaluateWorkerAttributes: "[1]" }, ALL),
      "Invalid parameter EvaluateWorkerAttributes",
    );
  });
});

describe("workflows", () => {
  it("are created with Twilio's defaults, fetched, updated and deleted", async () => {
    const { sid, stub } = await newWorkspace();
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Q" }));
    const configuration = routeTo(queue.sid);
    const workflow = value(await stub.createWorkflow(ACCOUNT, { friendlyName: "Main", configuration }));
    expect(workflow).toEqual({
      account_sid: ACCOUNT,
      workspace_sid: sid,
      sid: workflow.sid,
      friendly_name: "Main",
      configuration,
      assignment_callback_url: null,
      fallback_assignment_callback_url: null,
      task_reservation_timeout: 120,
      document_content_type: "application/json",
      date_created: workflow.date_created,
      date_updated: workflow.date_created,
    });
    expect(value(await stub.getWorkflow(ACCOUNT, workflow.sid))).toEqual(workflow);
    const updated = value(
      await stub.updateWorkflow(ACCOUNT, workflow.sid, {
        assignmentCallbackUrl: "http://127.0.0.1:9/app/assign",
        fallbackAssignmentCallbackUrl: "http://127.0.0.1:9/backup/assign",
        taskReservationTimeout: 86_400,
        reEvaluateTasks: true,
      }),
    );
    expect(updated).toMatchObject({
      friendly_name: "Main",
      configuration,
      assignment_callback_url: "http://127.0.0.1:9/app/assign",
      fallback_assignment_callback_url: "http://127.0.0.1:9/backup/assign",
      task_reservation_timeout: 86_400,
    });
    expect(value(await stub.updateWorkflow(ACCOUNT, workflow.sid, { assignmentCallbackUrl: "" })).assignment_callback_url).toBeNull();
    expect(value(await stub.deleteWorkflow(ACCOUNT, workflow.sid))).toBeNull();
    expect(await stub.getWorkflow(ACCOUNT, workflow.sid)).toMatchObject({ ok: false, status: 404 });
  });

  it("refuse a configuration with every problem and its JSON path in one message", async () => {
    const { stub, refused } = await newWorkspace();
    const configuration = JSON.stringify({
      task_routing: {
        filters: [{ filter_friendly_name: "Sales", expression: "type ==", targets: [{ queue: MISSING.WQ, timeout: -1 }] }],
      },
    });
    await refused(
      () => stub.createWorkflow(ACCOUNT, { friendlyName: "W", configuration }),
      "Invalid parameter Configuration: task_routing.filters[0].expression: syntax error",
    );
    const result = await stub.createWorkflow(ACCOUNT, { friendlyName: "W", configuration });
    const message = !result.ok ? result.message : "";
    expect(message).toContain(`task_routing.filters[0].targets[0].queue`);
    expect(message).toContain(`task_routing.filters[0].targets[0].timeout`);
    await refused(() => stub.createWorkflow(ACCOUNT, { friendlyName: "W", configuration: "{not json" }), "Invalid parameter Configuration");
  });

  it.each([
    [
      "TaskReservationTimeout 0",
      { taskReservationTimeout: 0 },
      "Invalid parameter TaskReservationTimeout: must be an integer number of seconds from 1 to 86400",
    ],
    ["TaskReservationTimeout 86 401", { taskReservationTimeout: 86_401 }, "Invalid parameter TaskReservationTimeout"],
    ["a relative AssignmentCallbackUrl", { assignmentCallbackUrl: "/assign" }, "Invalid parameter AssignmentCallbackUrl"],
    [
      "a javascript: FallbackAssignmentCallbackUrl",
      { fallbackAssignmentCallbackUrl: "javascript:alert(1)" },
      "Invalid parameter FallbackAssignmentCallbackUrl",
    ],
    ["a blank FriendlyName", { friendlyName: "" }, "Invalid parameter FriendlyName"],
  ])("refuse %s on create and on update", async (_name, input, message) => {
    const { stub, refused } = await newWorkspace();
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Q" }));
    await refused(() => stub.createWorkflow(ACCOUNT, { friendlyName: "W", configuration: routeTo(queue.sid), ...input }), message);
    const workflow = value(await stub.createWorkflow(ACCOUNT, { friendlyName: "W", configuration: routeTo(queue.sid) }));
    await refused(() => stub.updateWorkflow(ACCOUNT, workflow.sid, input), message);
  });

  it("answer 404 for a workflow that does not exist, and filter by FriendlyName", async () => {
    const { stub, refused } = await newWorkspace();
    await refused(() => stub.updateWorkflow(ACCOUNT, MISSING.WW, { friendlyName: "X" }), "Workflow", 404);
    await refused(() => stub.deleteWorkflow(ACCOUNT, MISSING.WW), "Workflow", 404);
    const queue = value(await stub.createTaskQueue(ACCOUNT, { friendlyName: "Q" }));
    value(await stub.createWorkflow(ACCOUNT, { friendlyName: "A", configuration: routeTo(queue.sid) }));
    value(await stub.createWorkflow(ACCOUNT, { friendlyName: "B", configuration: routeTo(queue.sid) }));
    expect(value(await stub.listWorkflows(ACCOUNT, { friendlyName: "B" }, ALL)).items.map((w) => w.friendly_name)).toEqual(["B"]);
  });
});
