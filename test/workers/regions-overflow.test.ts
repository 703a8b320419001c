/**
 * Overflow between regions through the TaskRouter API, as a team configures and uses it: a workflow
 * target's `region` is validated when the workflow is saved (an unknown region, or one outside a pinned
 * workspace's jurisdiction, is a 400 naming the path that saves nothing) and makes the region one of
 * the workspace's; a task created in the home region and overflowing to eu-ireland is reserved to the
 * worker there, and every path that names its SID — fetch, update, its reservations, the lists — still
 * finds it, once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually";
import { regionOfSid } from "../../platform/region-sids";
import { ok, regionsHoldingTask, taskrouter } from "./regions-helpers";

let ws: string;
let queue: string;
let siobhan: string;
const api = (path: string) => `/Workspaces/${ws}${path}`;
const overflow = (region: string) =>
  JSON.stringify({ task_routing: { filters: [{ expression: "1==1", targets: [{ queue, region }] }], default_filter: { queue } } });

beforeAll(async () => {
  ws = (await ok("POST", "/Workspaces", { FriendlyName: "Overflow to Dublin" })).sid;
  const available = ((await ok("GET", api("/Activities"), { FriendlyName: "Available" })).activities as { sid: string }[])[0]!.sid;
  queue = (await ok("POST", api("/TaskQueues"), { FriendlyName: "Everyone", TargetWorkers: "1==1" })).sid;
  siobhan = (await ok("POST", api("/Workers"), { FriendlyName: "Siobhan", ActivitySid: available, Region: "eu-ireland" })).sid;
});

describe("a workflow target's region", () => {
  it.each([
    ["an unknown region", "mars-base", 'no region "mars-base" in this deployment'],
    ["a region spelt wrong", "EU-IRELAND", 'no region "EU-IRELAND" in this deployment'],
  ])("is refused when it is %s: a 400 naming the path, and no workflow is saved", async (_name, region, message) => {
    const reply = await taskrouter("POST", api("/Workflows"), { FriendlyName: "Bad", Configuration: overflow(region) });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain("task_routing.filters[0].targets[0].region");
    expect(reply.body.message).toContain(message);
    expect((await ok("GET", api("/Workflows"), { FriendlyName: "Bad" })).workflows).toEqual([]);
  });

  it("is refused outside a pinned workspace's jurisdiction", async () => {
    const pinned = (await ok("POST", "/Workspaces", { FriendlyName: "Berlin", Jurisdiction: "eu" })).sid;
    const euQueue = (await ok("POST", `/Workspaces/${pinned}/TaskQueues`, { FriendlyName: "Everyone", TargetWorkers: "1==1" })).sid;
    const configuration = JSON.stringify({
      task_routing: { filters: [{ expression: "1==1", targets: [{ queue: euQueue, region: "us-east" }] }] },
    });
    const reply = await taskrouter("POST", `/Workspaces/${pinned}/Workflows`, { FriendlyName: "Out", Configuration: configuration });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain("task_routing.filters[0].targets[0].region: region us-east is outside the jurisdiction");
    expect((await ok("GET", `/Workspaces/${pinned}`)).regions).toEqual(["eu-frankfurt"]);
  });

  it("makes the region one of the workspace's when the workflow is saved", async () => {
    await ok("POST", api("/Workflows"), { FriendlyName: "To Sydney", Configuration: overflow("ap-sydney") });
    expect((await ok("GET", api(""))).regions).toEqual(["us-east", "eu-ireland", "ap-sydney"]);
  });
});

describe("a task that overflows to another region", () => {
  it("is reserved to that region's worker, and found through its SID, its reservations and the lists, once", async () => {
    const workflow = (await ok("POST", api("/Workflows"), { FriendlyName: "To Dublin", Configuration: overflow("eu-ireland") })).sid;
    const task = (await ok("POST", api("/Tasks"), { Attributes: '{"type":"chat"}', WorkflowSid: workflow })).sid;
    expect(regionOfSid(task)).toBe("us-east");

    const reserved = await eventually(async () => {
      const fetched = await ok("GET", api(`/Tasks/${task}`));
      return fetched.assignment_status === "reserved" ? fetched : undefined;
    }, "the task reserved in eu-ireland");
    // Its SID still names us-east; its record names the region that holds it now.
    expect(reserved).toMatchObject({ sid: task, task_queue_sid: queue, region: "eu-ireland" });
    expect(await regionsHoldingTask(ws, task, ["us-east", "eu-ireland"])).toEqual(["eu-ireland"]);

    const reservations = (await ok("GET", api(`/Tasks/${task}/Reservations`))).reservations as { sid: string; worker_sid: string }[];
    expect(reservations.map((r) => r.worker_sid)).toEqual([siobhan]);
    expect(regionOfSid(reservations[0]!.sid)).toBe("eu-ireland");

    const listed = (await ok("GET", api("/Tasks"))).tasks as { sid: string; region: string }[];
    expect(listed.filter((t) => t.sid === task).map((t) => t.region)).toEqual(["eu-ireland"]);
    const events = (await ok("GET", api("/Events"), { TaskSid: task, EventType: "task.transferred-region" })).events as {
      event_data: Record<string, unknown>;
    }[];
    expect(events.map((e) => [e.event_data.from_region, e.event_data.to_region, e.event_data.hop])).toEqual([["us-east", "eu-ireland", 1]]);

    expect(await ok("POST", api(`/Tasks/${task}/Reservations/${reservations[0]!.sid}`), { ReservationStatus: "accepted" })).toMatchObject({
      reservation_status: "accepted",
    });
    expect(await ok("POST", api(`/Tasks/${task}`), { AssignmentStatus: "completed", Reason: "done" })).toMatchObject({
      assignment_status: "completed",
    });
  });
});
