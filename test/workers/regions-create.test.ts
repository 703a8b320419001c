/**
 * Workers and tasks created in a region, in a workspace homed in us-east that adds eu-ireland and
 * ap-sydney: each lands in its region's Router (asked of every Router directly), a task is reserved to
 * a worker of its own region, an agent's socket is held by their region's Router and rings there, and a
 * bad Region is a 400 that creates nothing. Moving a worker between regions: regions-move.test.ts.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { routerFor } from "../../platform/objects";
import { regionOfSid } from "../../platform/region-sids";
import { AgentSocket } from "./realtime-helpers";
import { agentToken, ok, regionsHoldingTask, regionsHoldingWorker, taskrouter } from "./regions-helpers";

const ALL = ["us-east", "eu-ireland", "ap-sydney"];
const ACCOUNT = env.ACCOUNT_SID!;
let ws: string;
let available: string;
const api = (path: string) => `/Workspaces/${ws}${path}`;

/** The worker of each region, all available. */
const workers: Record<string, string> = {};

beforeAll(async () => {
  ws = (await ok("POST", "/Workspaces", { FriendlyName: "Follow the sun", Template: "FIFO" })).sid;
  available = ((await ok("GET", api("/Activities"), { FriendlyName: "Available" })).activities as { sid: string }[])[0]!.sid;
  workers["eu-ireland"] = (
    await ok("POST", api("/Workers"), { FriendlyName: "Siobhan", ActivitySid: available, Region: "eu-ireland" })
  ).sid;
  workers["ap-sydney"] = (await ok("POST", api("/Workers"), { FriendlyName: "Matilda", ActivitySid: available, Region: "ap-sydney" })).sid;
  workers["us-east"] = (await ok("POST", api("/Workers"), { FriendlyName: "Uma", ActivitySid: available })).sid;
});

describe("workers created in a region", () => {
  it("land in that region's Router alone, and the workspace uses the regions in the order they joined", async () => {
    for (const region of ALL) {
      expect(await regionsHoldingWorker(ws, workers[region]!, ALL)).toEqual([region]);
      expect(regionOfSid(workers[region]!)).toBe(region);
    }
    expect(await ok("GET", `/Workspaces/${ws}`)).toMatchObject({ home_region: "us-east", regions: ["us-east", "eu-ireland", "ap-sydney"] });
  });

  it("are read and changed through any path, with configuration made after they joined", async () => {
    const lunch = (await ok("POST", api("/Activities"), { FriendlyName: "Lunch", Available: "false" })).sid;
    expect(await ok("POST", api(`/Workers/${workers["ap-sydney"]}`), { ActivitySid: lunch })).toMatchObject({ activity_name: "Lunch" });
    expect(await ok("POST", api(`/Workers/${workers["ap-sydney"]}`), { ActivitySid: available, Region: "ap-sydney" })).toMatchObject({
      activity_name: "Available",
    });
  });
});

describe("tasks created in a region", () => {
  it.each(ALL)("in %s land there and are reserved to that region's worker", async (region) => {
    const params: Record<string, string> = region === "us-east" ? {} : { Region: region }; // us-east: the default, the home region
    const task = (await ok("POST", api("/Tasks"), { Attributes: "{}", ...params })).sid;
    expect(await regionsHoldingTask(ws, task, ALL)).toEqual([region]);
    const reservations = (await ok("GET", api(`/Tasks/${task}/Reservations`))).reservations as { worker_sid: string; sid: string }[];
    expect(reservations.map((r) => r.worker_sid)).toEqual([workers[region]]);
    expect(regionOfSid(reservations[0]!.sid)).toBe(region);
    // Free the worker for the next test.
    await ok("POST", api(`/Tasks/${task}`), { AssignmentStatus: "canceled", Reason: "test" });
  });
});

describe("a bad Region", () => {
  it.each([
    ["a worker", "/Workers", { FriendlyName: "Nobody", Region: "mars-base" }],
    ["a task", "/Tasks", { Attributes: "{}", Region: "EU-IRELAND" }],
  ])("on %s is a 400 naming the regions, and nothing is created", async (_kind, path, params) => {
    const count = async () => {
      const per = await Promise.all(
        ALL.map(async (r) => {
          const router = routerFor(env, ws, r);
          const page = { pageSize: 1000, page: 0 };
          const [w, t] = await Promise.all([router.listWorkers(ACCOUNT, page), router.listTasks(ACCOUNT, page)]);
          return (w.ok ? w.value.items.length : 0) + (t.ok ? t.value.items.length : 0);
        }),
      );
      return per.reduce((a, b) => a + b, 0);
    };
    const before = await count();
    const reply = await taskrouter("POST", api(path), params);
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(20001);
    expect(reply.body.message).toMatch(
      /^Invalid parameter Region: must be one of this deployment's regions: us-east, us-west, eu-ireland, .* \(got "/,
    );
    expect(await count()).toBe(before);
    expect((await ok("GET", `/Workspaces/${ws}`)).regions).toEqual(["us-east", "eu-ireland", "ap-sydney"]);
  });
});

describe("an agent of eu-ireland", () => {
  it("connects from any edge to their region's Router and is rung for a task created there", async () => {
    // Siobhan goes offline, so the next Irish task can only go to Aoife.
    const offline = ((await ok("GET", api("/Activities"), { FriendlyName: "Offline" })).activities as { sid: string }[])[0]!.sid;
    await ok("POST", api(`/Workers/${workers["eu-ireland"]}`), { ActivitySid: offline });
    const agent = (await ok("POST", api("/Workers"), { FriendlyName: "Aoife", ActivitySid: available, Region: "eu-ireland" })).sid;
    const jwt = await agentToken(ws, agent);
    const res = await exports.default.fetch(`http://sb.test/api/realtime?token=${jwt}`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const socket = new AgentSocket(res.webSocket!);
    expect(await socket.nextOf("hello")).toMatchObject({ worker_sid: agent });

    const task = (await ok("POST", api("/Tasks"), { Attributes: "{}", Region: "eu-ireland" })).sid;
    const rung = await socket.nextOf("reservation.created");
    expect(rung).toMatchObject({ task: { sid: task } });
    socket.ws.close(1000, "done");
  });
});
