/**
 * Failover to a partner region, and return (platform/failover.ts, placement.ts, the ConversationDO's task
 * port): a workspace homed in us-east whose partner is us-west, with an available agent in each. The
 * environment is instrumented so that every call to the workspace's us-east Router throws, as an
 * unreachable region's would, whoever makes it (the Worker or a Durable Object: they share the binding);
 * the isolate's failover clock is the test's. While us-east is down — by its calls failing for 30 s, or
 * by REGIONS_DOWN — new tasks, through the REST API and a customer's web chat, are created in us-west
 * (their SIDs name it, its agent is reserved); when us-east answers again, or the variable is cleared,
 * new tasks go home again, and the task us-east stored before is still there, reserved to its own agent
 * and accepted once. An EU-pinned workspace whose region's partner is outside the EU is answered 503,
 * never failed over.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regionHealth } from "../../platform/failover";
import { conversationFor, routerFor, routerName } from "../../platform/objects";
import { regionOfSid } from "../../platform/region-sids";
import { eventually } from "../support/eventually";
import { ok, regionsHoldingTask, taskrouter } from "./regions-helpers";
import { newChannel, widget } from "./webchat-helpers";

const ACCOUNT = env.ACCOUNT_SID!;
const T0 = 1_900_000_000_000;
let now = T0;
const realClock = regionHealth.clock;

/** Router names (WS…:region) whose every call throws, as an unreachable region's do. */
const unreachable = new Set<string>();
type GetByName = (this: object, name: string, options?: unknown) => unknown;
const proto = Object.getPrototypeOf(env.ROUTER) as { getByName: GetByName };
const realGetByName = proto.getByName;
const thrower = new Proxy(
  {},
  { get: (_target, prop) => (prop === "then" ? undefined : () => Promise.reject(new Error("Network connection lost."))) },
);

let ws: string;
let uma: string; // available in us-east
let wes: string; // available in us-west
const api = (path: string) => `/Workspaces/${ws}${path}`;
const createTask = () => taskrouter("POST", api("/Tasks"), { Attributes: JSON.stringify({ type: "support" }) });
const reservationsOf = async (taskSid: string) =>
  (await ok("GET", api(`/Tasks/${taskSid}/Reservations`))).reservations as {
    sid: string;
    worker_sid: string;
    reservation_status: string;
  }[];
/** Held directly by a Router, without the lists (which would ask the unreachable region too). */
const tasksIn = async (region: string) => {
  const page = await routerFor(env, ws, region).listTasks(ACCOUNT, { pageSize: 50, page: 0 });
  if (!page.ok) throw new Error(page.message);
  return page.value.items.map((t) => t.sid);
};

beforeAll(async () => {
  proto.getByName = function (this: object, name: string, options?: unknown) {
    return unreachable.has(name) ? thrower : realGetByName.call(this, name, options);
  };
  regionHealth.clock = () => now;
  ws = (await ok("POST", "/Workspaces", { FriendlyName: "Failover", Template: "FIFO" })).sid;
  const available = ((await ok("GET", api("/Activities"), { FriendlyName: "Available" })).activities as { sid: string }[])[0]!.sid;
  uma = (await ok("POST", api("/Workers"), { FriendlyName: "Uma", ActivitySid: available })).sid;
  wes = (await ok("POST", api("/Workers"), { FriendlyName: "Wes", ActivitySid: available, Region: "us-west" })).sid;
});

afterAll(() => {
  proto.getByName = realGetByName;
  regionHealth.clock = realClock;
  delete (env as { REGIONS_DOWN?: string }).REGIONS_DOWN;
});

describe("us-east unreachable, then back", () => {
  let before: string; // stored in us-east before it went down, reserved to Uma

  it("a task created while us-east is up is stored there and reserved to its agent", async () => {
    const created = await createTask();
    expect(created.status).toBe(201);
    before = created.body.sid as string;
    expect(regionOfSid(before)).toBe("us-east");
    expect((await reservationsOf(before)).map((r) => r.worker_sid)).toEqual([uma]);
  });

  it("for less than 30 s: new tasks are refused with a 503 and created nowhere", async () => {
    unreachable.add(routerName(ws, "us-east"));
    const westBefore = await tasksIn("us-west");
    const first = await createTask();
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ code: 20503, message: "The Router of region us-east cannot be reached; try again" });
    now = T0 + 29_000;
    expect((await createTask()).status).toBe(503);
    expect(await tasksIn("us-west")).toEqual(westBefore);
  });

  it("after 30 s of failures: new tasks are created in the partner, us-west, and reserved to its agent", async () => {
    now = T0 + 30_000;
    const created = await createTask();
    expect(created.status).toBe(201);
    const sid = created.body.sid as string;
    expect(regionOfSid(sid)).toBe("us-west");
    expect(created.body.region).toBe("us-west");
    expect(await tasksIn("us-west")).toContain(sid);
    expect((await reservationsOf(sid)).map((r) => r.worker_sid)).toEqual([wes]);
    await ok("POST", api(`/Tasks/${sid}`), { AssignmentStatus: "canceled", Reason: "test" }); // Wes is free again
    expect((await ok("GET", `/Workspaces/${ws}`)).regions).toEqual(["us-east", "us-west"]);
  });

  it("a customer's web chat opens a conversation whose task is created in us-west too", async () => {
    const channel = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" });
    const customer = widget(ws, channel);
    const session = await customer.session({ name: "Ada" });
    const sent = await customer.post("/messages", { client_id: "c-1", body: "Is anyone there?" }, session.token);
    expect(sent.status).toBe(201);
    const taskSid = await eventually(async () => {
      const conversation = await conversationFor(env, sent.body.conversation_sid as string).getConversation(ACCOUNT);
      return conversation.ok ? (conversation.value.task_sid ?? undefined) : undefined;
    }, "the conversation's task");
    expect(regionOfSid(taskSid)).toBe("us-west");
    expect(await tasksIn("us-west")).toContain(taskSid);
    await ok("POST", api(`/Tasks/${taskSid}`), { AssignmentStatus: "canceled", Reason: "test" });
  });

  it("when us-east answers again (asked at most every 5 s), new tasks go home; the task it stored continues there, accepted once", async () => {
    unreachable.clear();
    now = T0 + 34_000; // 5 s after the last failed call
    const created = await createTask();
    expect(created.status).toBe(201);
    expect(regionOfSid(created.body.sid as string)).toBe("us-east");
    await ok("POST", api(`/Tasks/${created.body.sid as string}`), { AssignmentStatus: "canceled", Reason: "test" });

    expect(await regionsHoldingTask(ws, before, ["us-east", "us-west"])).toEqual(["us-east"]);
    const [reservation] = await reservationsOf(before);
    expect(reservation).toMatchObject({ worker_sid: uma, reservation_status: "pending" });
    const accepted = await taskrouter("POST", api(`/Workers/${uma}/Reservations/${reservation!.sid}`), { ReservationStatus: "accepted" });
    expect(accepted.body).toMatchObject({ reservation_status: "accepted" });
    const again = await taskrouter("POST", api(`/Workers/${uma}/Reservations/${reservation!.sid}`), { ReservationStatus: "accepted" });
    expect(again.status).toBeGreaterThanOrEqual(400); // accepted once: the second is refused
    expect(await ok("GET", api(`/Tasks/${before}`))).toMatchObject({ assignment_status: "assigned", region: "us-east" });
    expect((await reservationsOf(before)).map((r) => [r.worker_sid, r.reservation_status])).toEqual([[uma, "accepted"]]);
  });
});

describe("REGIONS_DOWN", () => {
  it("sends new tasks to the partner while it names the region, and home again once cleared", async () => {
    (env as { REGIONS_DOWN?: string }).REGIONS_DOWN = "us-east";
    const moved = await createTask();
    expect(moved.status).toBe(201);
    expect(regionOfSid(moved.body.sid as string)).toBe("us-west");
    await ok("POST", api(`/Tasks/${moved.body.sid as string}`), { AssignmentStatus: "canceled", Reason: "test" });
    (env as { REGIONS_DOWN?: string }).REGIONS_DOWN = "";
    const home = await createTask();
    expect(regionOfSid(home.body.sid as string)).toBe("us-east");
  });

  it("refuses, with a 503 naming the region and why, a pinned workspace whose partner is outside its jurisdiction", async () => {
    const eu = (await ok("POST", "/Workspaces", { FriendlyName: "EU", Template: "FIFO", Jurisdiction: "eu" })).sid;
    (env as { REGIONS_DOWN?: string }).REGIONS_DOWN = "eu-frankfurt";
    try {
      const refused = await taskrouter("POST", `/Workspaces/${eu}/Tasks`, { Attributes: "{}" });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({
        code: 20503,
        message:
          'Region eu-frankfurt is down (REGIONS_DOWN) and its partner eu-ireland is outside this workspace\'s jurisdiction ("eu"); new tasks cannot be created until eu-frankfurt is back',
      });

      // A customer's message is kept; its conversation's task waits (the alarm retries) rather than leave the EU.
      const channel = await newChannel(eu, { Kind: "webchat", "Settings.allowed_origins": "*" });
      const customer = widget(eu, channel);
      const session = await customer.session({});
      const sent = await customer.post("/messages", { client_id: "c-1", body: "Hallo?" }, session.token);
      expect(sent.status).toBe(201);
      const conversation = await conversationFor(env, sent.body.conversation_sid as string).getConversation(ACCOUNT);
      expect(conversation).toMatchObject({ ok: true, value: { task_sid: null } });
      expect((await ok("GET", `/Workspaces/${eu}/Tasks`)).tasks).toEqual([]);
      expect((await ok("GET", `/Workspaces/${eu}`)).regions).toEqual(["eu-frankfurt"]);
    } finally {
      (env as { REGIONS_DOWN?: string }).REGIONS_DOWN = "";
    }
  });
});
