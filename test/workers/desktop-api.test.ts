/**
 * The desktop's backend: workspace desktop settings (read by users of the workspace, written by admins
 * or Basic, validated), transfer targets, the Queue Stats' daily figures (the same as the supervisors'
 * feed carries live), and the session cookie on the
 * worker and channel updates (supervisors and admins only) and on profile reads (any user of the
 * workspace) — with Basic working as before, other workspaces 404 and cross-site POSTs refused.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import type { SupervisorQueue } from "../../contract/realtime-frames";
import { app } from "../../workers/app";
import { routerFor } from "../../platform/objects";
import { BASIC, call, makeUser, signIn, team } from "./auth-helpers";
import { connectToRouter } from "./realtime-helpers";

const PASSWORD = "desktop-api-password";
let ws: string;
let otherWs: string;
let workers: [string, string];
let queueSid: string;
let admin: string;
let supervisor: string;
let agent: string;
let stranger: string;

const basic = { authorization: BASIC, origin: null } as const;

async function taskrouter(method: string, path: string, form?: Record<string, string>) {
  const reply = await call(method, `/taskrouter/v1${path}`, { ...basic, ...(form ? { form } : {}) });
  if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${reply.body.message}`);
  return reply.body as Record<string, string>;
}

beforeAll(async () => {
  ({ workspaceSid: ws, workers } = await team());
  ({ workspaceSid: otherWs } = await team());
  queueSid = (await taskrouter("POST", `/Workspaces/${ws}/TaskQueues`, { FriendlyName: "Support", TargetWorkers: "1==1" })).sid!;
  await makeUser({ Email: "admin@desktop.test", Role: "admin", Password: PASSWORD });
  await makeUser({ Email: "super@desktop.test", Role: "supervisor", WorkspaceSid: ws, Password: PASSWORD });
  await makeUser({ Email: "agent@desktop.test", Role: "agent", WorkspaceSid: ws, WorkerSid: workers[0], Password: PASSWORD });
  await makeUser({ Email: "stranger@desktop.test", Role: "supervisor", WorkspaceSid: otherWs, Password: PASSWORD });
  admin = await signIn("admin@desktop.test", PASSWORD);
  supervisor = await signIn("super@desktop.test", PASSWORD);
  agent = await signIn("agent@desktop.test", PASSWORD);
  stranger = await signIn("stranger@desktop.test", PASSWORD);
});

const settings = (workspace = ws) => `/api/workspaces/${workspace}/desktop-settings`;

describe("desktop settings", () => {
  it("defaults when unset, readable by every user of the workspace and Basic", async () => {
    const fresh = (await team()).workspaceSid;
    const reply = await call("GET", settings(fresh), basic);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      crm_url_template: null,
      disposition_codes: ["Resolved", "Follow-up needed", "No answer"],
      canned_responses: [],
      url: `http://sb.test/api/workspaces/${fresh}/desktop-settings`,
    });
    for (const cookie of [() => agent, () => supervisor, () => admin]) {
      expect((await call("GET", settings(), { cookie: cookie() })).status).toBe(200);
    }
  });

  it("an admin changes them (form); agents then read the new values; omitted fields keep theirs", async () => {
    const form = new URLSearchParams();
    form.append("CrmUrlTemplate", "https://crm.example/customers?phone={{task.from}}");
    form.append("DispositionCode", "Sold");
    form.append("DispositionCode", "Not interested");
    form.append("CannedResponses", JSON.stringify([{ title: "Hello", body: "Hi, how can I help?" }]));
    // A repeated DispositionCode: the form is sent by hand (call() takes a record).
    const raw = await app.request(
      `http://sb.test${settings()}`,
      {
        method: "POST",
        headers: { origin: "http://sb.test", cookie: `sb_session=${admin}`, "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      },
      env,
    );
    expect(raw.status).toBe(200);
    const read = await call("GET", settings(), { cookie: agent });
    expect(read.body).toMatchObject({
      crm_url_template: "https://crm.example/customers?phone={{task.from}}",
      disposition_codes: ["Sold", "Not interested"],
      canned_responses: [{ title: "Hello", body: "Hi, how can I help?" }],
    });
    // JSON body with the array itself; the CRM link stays.
    const json = await call("POST", settings(), {
      authorization: BASIC,
      origin: null,
      json: {
        DispositionCode: ["Done"],
        CannedResponses: [
          { title: "Bye", body: "Thanks!" },
          { title: "Wait", body: "One moment." },
        ],
      },
    });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      crm_url_template: "https://crm.example/customers?phone={{task.from}}",
      disposition_codes: ["Done"],
      canned_responses: [
        { title: "Bye", body: "Thanks!" },
        { title: "Wait", body: "One moment." },
      ],
    });
    // An empty CrmUrlTemplate removes the link.
    expect((await call("POST", settings(), { ...basic, form: { CrmUrlTemplate: "" } })).body.crm_url_template).toBeNull();
  });

  it.each([
    ["CrmUrlTemplate", { CrmUrlTemplate: "ftp://crm.example/{{task.from}}" }],
    ["CrmUrlTemplate", { CrmUrlTemplate: "javascript:alert(1)" }],
    ["CrmUrlTemplate", { CrmUrlTemplate: "https://crm.example/?q={{constructor}}" }],
    ["CrmUrlTemplate", { CrmUrlTemplate: "not a url {{task.from}}" }],
    ["DispositionCode", { DispositionCode: "x".repeat(65) }],
    ["DispositionCode", { DispositionCode: "   " }],
    ["CannedResponses", { CannedResponses: "not json" }],
    ["CannedResponses", { CannedResponses: "42" }],
    ["CannedResponses", { CannedResponses: JSON.stringify({ title: "a", body: "b" }) }],
    ["CannedResponses", { CannedResponses: JSON.stringify([{ title: "", body: "b" }]) }],
    ["CannedResponses", { CannedResponses: JSON.stringify([{ title: "t".repeat(81), body: "b" }]) }],
    ["CannedResponses", { CannedResponses: JSON.stringify([{ title: "a", body: "b".repeat(2001) }]) }],
    ["CannedResponses", { CannedResponses: JSON.stringify(Array.from({ length: 101 }, (_, i) => ({ title: `t${i}`, body: "b" }))) }],
    ["Colour", { Colour: "red" }],
  ])("refuses a bad %s with a 400 naming it", async (name, form) => {
    const reply = await call("POST", settings(), { ...basic, form });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain(name);
  });

  it("refuses more than 50 disposition codes", async () => {
    const reply = await call("POST", settings(), { ...basic, json: { DispositionCode: Array.from({ length: 51 }, (_, i) => `c${i}`) } });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain("DispositionCode");
  });

  it.each([
    ["an agent", () => agent, undefined, 403],
    ["a supervisor", () => supervisor, undefined, 403],
    ["an admin from another site", () => admin, "https://evil.example", 403],
    ["nobody", () => null, undefined, 401],
    ["another workspace's supervisor", () => stranger, undefined, 404],
  ])("refuses changes from %s", async (_, cookie, origin, status) => {
    const reply = await call("POST", settings(), { cookie: cookie(), ...(origin ? { origin } : {}), form: { DispositionCode: "Hacked" } });
    expect(reply.status).toBe(status);
  });

  it("answers 404 to another workspace's user", async () => {
    expect((await call("GET", settings(), { cookie: stranger })).status).toBe(404);
  });

  it.each([
    ["a workspace that does not exist", `/api/workspaces/WS${"0".repeat(32)}/desktop-settings`, () => admin],
    ["a malformed workspace SID", "/api/workspaces/nope/desktop-settings", () => admin],
  ])("answers 404 for %s", async (_, path, cookie) => {
    expect((await call("GET", path, { cookie: cookie() })).status).toBe(404);
  });
});

describe("transfer targets", () => {
  it("lists the queues and workers with who is available", async () => {
    const reply = await call("GET", `/api/workspaces/${ws}/transfer-targets`, { cookie: agent });
    expect(reply.status).toBe(200);
    expect(reply.body.queues).toEqual([{ sid: queueSid, friendly_name: "Support" }]);
    const people = reply.body.workers as { sid: string; friendly_name: string; available: boolean }[];
    expect(people.map((w) => w.friendly_name).sort()).toEqual(["Ada", "Ben"]);
    for (const person of people) expect(typeof person.available).toBe("boolean");
  });

  it("is the workspace's own: 404 for another workspace's user, 401 without a session", async () => {
    expect((await call("GET", `/api/workspaces/${ws}/transfer-targets`, { cookie: stranger })).status).toBe(404);
    expect((await call("GET", `/api/workspaces/${ws}/transfer-targets`, { origin: null })).status).toBe(401);
  });
});

describe("queue statistics for Queue Stats", () => {
  it("gives each queue's counts since midnight UTC and a null service level before any answer", async () => {
    const reply = await call("GET", `/api/workspaces/${ws}/queue-statistics?ServiceLevelSeconds=20`, { cookie: supervisor });
    expect(reply.status).toBe(200);
    expect(reply.body.service_level_threshold).toBe(20);
    expect(String(reply.body.start_time)).toMatch(/T00:00:00\.000Z$/);
    expect(reply.body.queues).toEqual([
      expect.objectContaining({ sid: queueSid, friendly_name: "Support", tasks_entered: 0, reservations_accepted: 0, service_level: null }),
    ]);
  });

  it("answers the figures the supervisors' feed carries live: 2 tasks created, 1 accepted within 30 s", async () => {
    const {
      workspaceSid,
      workers: [ada],
    } = await team();
    const path = `/Workspaces/${workspaceSid}`;
    const queue = (await taskrouter("POST", `${path}/TaskQueues`, { FriendlyName: "Support", TargetWorkers: "1==1" })).sid!;
    const config = JSON.stringify({ task_routing: { filters: [], default_filter: { queue } } });
    const workflow = (await taskrouter("POST", `${path}/Workflows`, { FriendlyName: "Route", Configuration: config })).sid!;
    const activities = (await call("GET", `/taskrouter/v1${path}/Activities?FriendlyName=Available`, basic)).body.activities as {
      sid: string;
    }[];
    await taskrouter("POST", `${path}/Workers/${ada}`, { ActivitySid: activities[0]!.sid });
    const task = await taskrouter("POST", `${path}/Tasks`, { WorkflowSid: workflow, Attributes: "{}" });
    await taskrouter("POST", `${path}/Tasks`, { WorkflowSid: workflow, Attributes: "{}" });
    const listed = await call("GET", `/taskrouter/v1${path}/Tasks/${task.sid}/Reservations`, basic);
    const [reservation] = listed.body.reservations as { sid: string }[];
    await taskrouter("POST", `${path}/Tasks/${task.sid}/Reservations/${reservation!.sid}`, { ReservationStatus: "accepted" });

    const rest = await call("GET", `/api/workspaces/${workspaceSid}/queue-statistics`, basic);
    const figures = (rest.body.queues as Record<string, unknown>[]).find((q) => q.sid === queue);
    expect(figures).toMatchObject({ tasks_entered: 2, reservations_accepted: 1, answered_within_threshold: 1, service_level: 1 });
    const accountSid = (await taskrouter("GET", path)).account_sid!;
    const identity = { accountSid, workspaceSid, role: "supervisor" as const, ops: [], expiresAt: Date.now() + 3600_000 };
    const socket = await connectToRouter(routerFor(env, workspaceSid), identity);
    const snapshot = await socket.nextOf("supervisor.snapshot");
    const live = (snapshot.queues as SupervisorQueue[]).find((q) => q.sid === queue)!.today;
    expect(live).toEqual({
      since: Date.parse(String(rest.body.start_time)),
      tasks_created: figures!.tasks_entered,
      tasks_accepted: figures!.reservations_accepted,
      tasks_completed: figures!.tasks_completed,
      tasks_canceled: figures!.tasks_canceled,
      service_level: figures!.service_level,
      service_level_threshold: rest.body.service_level_threshold,
    });
    socket.ws.close(1000, "done");
  });

  it.each([
    ["an agent", () => agent, 403],
    ["another workspace's supervisor", () => stranger, 404],
  ])("refuses %s", async (_, cookie, status) => {
    expect((await call("GET", `/api/workspaces/${ws}/queue-statistics`, { cookie: cookie() })).status).toBe(status);
  });

  it("refuses a bad ServiceLevelSeconds", async () => {
    const reply = await call("GET", `/api/workspaces/${ws}/queue-statistics?ServiceLevelSeconds=0`, basic);
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain("ServiceLevelSeconds");
  });
});

describe("a supervisor's session on worker updates", () => {
  const worker = () => `/taskrouter/v1/Workspaces/${ws}/Workers/${workers[1]}`;
  const channel = () => `${worker()}/Channels/chat`;

  it("a supervisor changes a worker's attributes and a channel's capacity", async () => {
    const attrs = JSON.stringify({ skills: ["billing", "sales"], team: "blue" });
    const updated = await call("POST", worker(), { cookie: supervisor, form: { Attributes: attrs } });
    expect(updated.status).toBe(200);
    expect(updated.body.attributes).toBe(attrs);
    const capacity = await call("POST", channel(), { cookie: admin, form: { Capacity: "3", Available: "true" } });
    expect(capacity.status).toBe(200);
    expect(capacity.body).toMatchObject({ configured_capacity: 3, available: true });
  });

  it.each([
    ["an agent", () => agent, undefined, { Attributes: "{}" }, 403],
    ["another workspace's supervisor", () => stranger, undefined, { Attributes: "{}" }, 404],
    ["a cross-site request", () => supervisor, "https://evil.example", { Attributes: "{}" }, 403],
    ["a change of activity (Attributes only)", () => supervisor, undefined, { FriendlyName: "Renamed" }, 403],
    ["bad Attributes", () => supervisor, undefined, { Attributes: "not json" }, 400],
    ["a supervisor's move to another region (an admin's only)", () => supervisor, undefined, { Region: "eu-ireland" }, 403],
  ])("refuses %s on the worker", async (_, cookie, origin, form, status) => {
    const reply = await call("POST", worker(), { cookie: cookie(), ...(origin ? { origin } : {}), form });
    expect(reply.status).toBe(status);
  });

  it("an admin's session may name the worker's Region (the desktop's move); the supervisor's may not", async () => {
    const before = await call("GET", worker(), basic);
    const same = await call("POST", worker(), { cookie: admin, form: { Region: "us-east" } });
    expect([same.status, same.body.sid]).toEqual([200, workers[1]]);
    const refused = await call("POST", worker(), { cookie: supervisor, form: { Region: "us-east" } });
    expect([refused.status, refused.body.message]).toEqual([403, "Only an admin may move a worker to another region"]);
    expect((await call("GET", worker(), basic)).body.version).toBe(before.body.version);
    // The desktop's move: the admin's session names another region, and the worker is held there.
    const moved = await call("POST", worker(), { cookie: admin, form: { Region: "eu-ireland" } });
    expect([moved.status, moved.body.sid, moved.body.region]).toEqual([200, workers[1], "eu-ireland"]);
    expect((await call("GET", worker(), basic)).body.region).toBe("eu-ireland");
  });

  it.each([
    ["an agent", () => agent, 403],
    ["another workspace's supervisor", () => stranger, 404],
  ])("refuses %s on a channel", async (_, cookie, status) => {
    expect((await call("POST", channel(), { cookie: cookie(), form: { Capacity: "9" } })).status).toBe(status);
  });

  it("keeps Basic exactly as before, and without either credential answers 401", async () => {
    expect((await call("POST", worker(), { ...basic, form: { FriendlyName: "Ben" } })).status).toBe(200);
    expect((await call("POST", worker(), { origin: null, form: { Attributes: "{}" } })).status).toBe(401);
    expect((await call("GET", worker(), { cookie: supervisor })).status).toBe(401);
    // Basic wins when both are sent.
    expect((await call("POST", worker(), { ...basic, cookie: agent, form: { FriendlyName: "Ben" } })).status).toBe(200);
  });
});

describe("profiles read with the session cookie", () => {
  let profileSid: string;
  beforeAll(async () => {
    const created = await call("POST", `/api/workspaces/${ws}/profiles`, { ...basic, form: { FriendlyName: "Grace", Email: "g@x.test" } });
    profileSid = created.body.sid as string;
  });
  const one = () => `/api/workspaces/${ws}/profiles/${profileSid}`;

  it("any user of the workspace reads a profile and its conversations", async () => {
    for (const cookie of [() => agent, () => supervisor, () => admin]) {
      const read = await call("GET", one(), { cookie: cookie() });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ sid: profileSid, friendly_name: "Grace" });
      const history = await call("GET", `${one()}/conversations`, { cookie: cookie() });
      expect(history.status).toBe(200);
      expect(history.body.conversations).toEqual([]);
    }
  });

  it("another workspace's user gets a 404; lists and changes still need Basic", async () => {
    expect((await call("GET", one(), { cookie: stranger })).status).toBe(404);
    expect((await call("GET", `${one()}/conversations`, { cookie: stranger })).status).toBe(404);
    expect((await call("GET", `/api/workspaces/${ws}/profiles`, { cookie: agent })).status).toBe(401);
    expect((await call("POST", one(), { cookie: admin, form: { FriendlyName: "X" } })).status).toBe(401);
    expect((await call("DELETE", one(), { cookie: admin })).status).toBe(401);
    expect((await call("GET", one(), basic)).status).toBe(200);
  });
});
