/**
 * Moving a worker between regions (durable-objects/router/lifecycle/worker-move.ts). Through the REST
 * API, in a workspace homed in us-east: `Region` on update moves an idle worker to eu-ireland's Router,
 * their SID still reaches them on every path, they take tasks created there, they are listed once, and
 * their agent's socket is closed with 4307 and reconnects to eu-ireland; a busy worker is a 409 that
 * moves nothing. Then Router to Router, with each side evicted: A evicted after marking the worker
 * moving (B not reachable: a 503, the worker offered nothing meanwhile), B evicted after taking the
 * worker but before A recorded it — the worker ends up in B once, A keeps the tombstone. The clock is
 * a day ahead (as in regions-handover), so a failed move's retry fires only when the test runs the alarm.
 */
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Router } from "../../durable-objects/router/lifecycle/router";
import type { WorkerMovePayload } from "../../durable-objects/router/lifecycle/worker-move";
import { followMoves, routerFor } from "../../platform/objects";
import { eventually } from "../support/eventually";
import { AgentSocket } from "./realtime-helpers";
import { agentToken, ok, regionsHoldingWorker, taskrouter } from "./regions-helpers";
import { ACCOUNT, AVAILABLE, snapshot, value } from "./router-fixtures";

const ALL = ["us-east", "eu-ireland", "ap-sydney"];
let ws: string;
let available: string;
const api = (path: string) => `/Workspaces/${ws}${path}`;

beforeAll(async () => {
  ws = (await ok("POST", "/Workspaces", { FriendlyName: "Movers", Template: "FIFO" })).sid;
  available = ((await ok("GET", api("/Activities"), { FriendlyName: "Available" })).activities as { sid: string }[])[0]!.sid;
});

async function openSocket(token: string): Promise<AgentSocket> {
  const res = await exports.default.fetch(`http://sb.test/api/realtime?token=${token}`, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  return new AgentSocket(res.webSocket!);
}

/**
 * The stock SDK's socket (`/v1/wschannels`), its Event Bridge frames read as AgentSocket frames:
 * `{ event_type, payload }` becomes `{ type: event_type, … }` ("" heartbeats skipped).
 */
async function openSdkSocket(token: string): Promise<AgentSocket> {
  const res = await exports.default.fetch(`http://sb.test/v1/wschannels?token=${token}`, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const socket = new AgentSocket(ws, (text) => {
    if (text.trim() === "") return null;
    const frame = JSON.parse(text) as { event_type: string; payload: Record<string, unknown> };
    return { ...frame.payload, type: frame.event_type };
  });
  return socket;
}

describe("Region on a worker's update", () => {
  it("moves an idle worker to that region, whose SID still reaches them, who takes tasks there and is listed once", async () => {
    const attributes = JSON.stringify({ skills: ["billing"], languages: ["ga"] });
    const sid = (await ok("POST", api("/Workers"), { FriendlyName: "Niamh", ActivitySid: available, Attributes: attributes })).sid;
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["us-east"]);
    const channel = (await ok("POST", api(`/Workers/${sid}/Channels/default`), { Capacity: "3" })) as { sid: string };

    const moved = await ok("POST", api(`/Workers/${sid}`), { Region: "eu-ireland" });
    // Its SID still names us-east; its record names the region that holds it now.
    expect(moved).toMatchObject({ sid, friendly_name: "Niamh", attributes, activity_sid: available, region: "eu-ireland" });
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["eu-ireland"]);
    expect((await ok("GET", `/Workspaces/${ws}`)).regions).toContain("eu-ireland");

    // Every path by SID: the worker, their channels (capacity kept), statistics, reservations, and a change.
    expect(await ok("GET", api(`/Workers/${sid}`))).toMatchObject({ sid, friendly_name: "Niamh" });
    expect(await ok("GET", api(`/Workers/${sid}/Channels/default`))).toMatchObject({ sid: channel.sid, configured_capacity: 3 });
    expect(await ok("GET", api(`/Workers/${sid}/Statistics`))).toMatchObject({ worker_sid: sid });
    expect(await ok("GET", api(`/Workers/${sid}/Reservations`))).toMatchObject({ reservations: [] });
    expect(await ok("POST", api(`/Workers/${sid}`), { FriendlyName: "Niamh Ní Bhriain" })).toMatchObject({
      friendly_name: "Niamh Ní Bhriain",
    });
    // Listed once across the regions, and the Router of the first region answers only "moved".
    const listed = (await ok("GET", api("/Workers"), { FriendlyName: "Niamh Ní Bhriain" })).workers as { sid: string; region: string }[];
    expect(listed.map((w) => [w.sid, w.region])).toEqual([[sid, "eu-ireland"]]);
    expect(await routerFor(env, ws, "us-east").getWorker(ACCOUNT, sid)).toMatchObject({ ok: false, status: 409, movedTo: "eu-ireland" });
    // Each region's Events list says what happened there: the worker left us-east, and arrived in eu-ireland.
    const transfers = (await ok("GET", api("/Events"), { WorkerSid: sid, EventType: "worker.transferred-region" })).events as {
      description: string;
      event_data: { from_region: string; to_region: string };
    }[];
    expect(transfers.map((e) => e.description).sort()).toEqual([
      "Worker Niamh arrived from region us-east",
      "Worker Niamh moved to region eu-ireland",
    ]);
    expect(transfers.every((e) => e.event_data.from_region === "us-east" && e.event_data.to_region === "eu-ireland")).toBe(true);

    // A task created in eu-ireland is reserved to them there.
    const task = (await ok("POST", api("/Tasks"), { Attributes: "{}", Region: "eu-ireland" })).sid;
    const reservations = (await ok("GET", api(`/Tasks/${task}/Reservations`))).reservations as { worker_sid: string }[];
    expect(reservations.map((r) => r.worker_sid)).toEqual([sid]);
    await ok("POST", api(`/Tasks/${task}`), { AssignmentStatus: "canceled", Reason: "test" });

    // The region they are in already changes nothing; moving back works the same way.
    expect(await ok("POST", api(`/Workers/${sid}`), { Region: "eu-ireland" })).toMatchObject({ sid });
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["eu-ireland"]);
    expect(await ok("POST", api(`/Workers/${sid}`), { Region: "us-east" })).toMatchObject({ sid, friendly_name: "Niamh Ní Bhriain" });
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["us-east"]);
    expect(await ok("GET", api(`/Workers/${sid}`))).toMatchObject({ sid });
  });

  it("refuses a worker holding a reservation with a 409 that moves and changes nothing", async () => {
    await ok("POST", api("/Workers"), { FriendlyName: "Busy Bee", ActivitySid: available });
    const task = (await ok("POST", api("/Tasks"), { Attributes: "{}" })).sid;
    const reserved = (await ok("GET", api(`/Tasks/${task}/Reservations`))).reservations as { worker_sid: string }[];
    expect(reserved).toHaveLength(1);
    const sid = reserved[0]!.worker_sid; // whoever of us-east's available workers was rung
    const name = (await ok("GET", api(`/Workers/${sid}`))).friendly_name;
    const reply = await taskrouter("POST", api(`/Workers/${sid}`), { Region: "ap-sydney", FriendlyName: "Renamed" });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe(20409);
    expect(reply.body.message).toMatch(new RegExp(`^Worker ${sid} cannot move to region ap-sydney while holding 1 reservation`));
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["us-east"]);
    expect(await ok("GET", api(`/Workers/${sid}`))).toMatchObject({ friendly_name: name });
    const after = (await ok("GET", api(`/Tasks/${task}/Reservations`))).reservations as {
      worker_sid: string;
      reservation_status: string;
    }[];
    expect(after.find((r) => r.worker_sid === sid)?.reservation_status).toBe("pending");
    await ok("POST", api(`/Tasks/${task}`), { AssignmentStatus: "canceled", Reason: "test" });
  });

  it("refuses a region that does not exist with a 400, and moves nothing", async () => {
    const sid = (await ok("POST", api("/Workers"), { FriendlyName: "Stay Put" })).sid;
    const reply = await taskrouter("POST", api(`/Workers/${sid}`), { Region: "mars-base" });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/Region/);
    expect(await regionsHoldingWorker(ws, sid, ALL)).toEqual(["us-east"]);
  });

  it("closes the agent's socket with a reconnect code, and the reconnect reaches the new region, which rings them", async () => {
    const sid = (await ok("POST", api("/Workers"), { FriendlyName: "Roaming Rory", ActivitySid: available })).sid;
    const token = await agentToken(ws, sid);
    const before = await openSocket(token);
    expect(await before.nextOf("hello")).toMatchObject({ worker_sid: sid });

    const sdkBefore = await openSdkSocket(token);
    expect((await sdkBefore.nextOf("init")).type).toBe("init");

    await ok("POST", api(`/Workers/${sid}`), { Region: "ap-sydney" });
    expect((await sdkBefore.closed()).code).toBe(4307);
    const { code } = await before.closed();
    expect(code).toBe(4307);
    expect([4403, 4410]).not.toContain(code); // the desktop's final codes (web/desktop/src/app/agent/realtime-client.ts)

    // The same token (minted before the move) reconnects, through the SID's region, to ap-sydney's Router.
    const after = await openSocket(token);
    expect(await after.nextOf("hello")).toMatchObject({ worker_sid: sid });
    // The SDK's socket reconnects there too.
    const sdkAfter = await openSdkSocket(token);
    expect(await sdkAfter.nextOf("init")).toMatchObject({ channel_id: sid });
    const task = (await ok("POST", api("/Tasks"), { Attributes: "{}", Region: "ap-sydney" })).sid;
    expect(await after.nextOf("reservation.created")).toMatchObject({ task: { sid: task } });
    expect(await sdkAfter.nextOf("reservation.created")).toMatchObject({ task_sid: task });
    sdkAfter.ws.close(1000, "done");
    // A fresh token, and /api/tokens' check, find them too.
    const again = await openSocket(await agentToken(ws, sid));
    expect(await again.nextOf("hello")).toMatchObject({ worker_sid: sid });
    await ok("POST", api(`/Tasks/${task}`), { AssignmentStatus: "canceled", Reason: "test" });
    after.ws.close(1000, "done");
    again.ws.close(1000, "done");
  });
});

// ── Router to Router, under eviction ───────────────────────────────────────────────────────────────

describe("a worker's move between Routers", () => {
  beforeAll(() => void vi.setSystemTime(Date.now() + 86_400_000));
  afterAll(() => void vi.useRealTimers());

  let workspaces = 0;
  const SNAPSHOT = snapshot(1);

  /** A workspace of its own: A configured with an available worker; B not configured yet (so not reachable). */
  async function scenario() {
    const wsSid = "WS" + (0xb000 + ++workspaces).toString(16).padStart(32, "0");
    const a = () => routerFor(env, wsSid, "us-east");
    const b = () => routerFor(env, wsSid, "eu-ireland");
    value(await a().applyConfig(SNAPSHOT, []));
    const worker = value(await a().createWorker(ACCOUNT, { friendlyName: "Uma", activitySid: AVAILABLE })).worker.sid;
    return {
      wsSid,
      a,
      b,
      worker,
      openB: async () => void value(await b().applyConfig(SNAPSHOT, [])),
      payload: () =>
        runInDurableObject(a(), (instance) =>
          (instance as unknown as { router: Router }).router.workerMovePayload(
            { kind: "worker", workerSid: worker, region: "eu-ireland", hop: 1 },
            Date.now(),
          ),
        ),
      holding: () => regionsHoldingWorker(wsSid, worker, ["us-east", "eu-ireland"]),
    };
  }

  it("answers 503 while B cannot be reached; the worker stays in A offered nothing, after an eviction too, and the retry moves them once", async () => {
    const s = await scenario();
    expect(await s.a().moveWorker(ACCOUNT, s.worker, "eu-ireland")).toMatchObject({ ok: false, status: 503 });
    await evictDurableObject(s.a());
    expect(await s.holding()).toEqual(["us-east"]);
    const task = value(await s.a().createTask(ACCOUNT, { attributes: "{}" })).task.sid;
    expect(value(await s.a().listReservations(ACCOUNT, { taskSid: task }, { pageSize: 50, page: 0 })).items).toEqual([]);

    await s.openB();
    await runDurableObjectAlarm(s.a());
    await eventually(async () => ((await s.a().getWorker(ACCOUNT, s.worker)).ok ? undefined : true), "A recording the move");
    expect(await s.holding()).toEqual(["eu-ireland"]);
    expect(await s.a().getWorker(ACCOUNT, s.worker)).toMatchObject({ ok: false, status: 409, movedTo: "eu-ireland" });
    // A's task is still waiting in A, not reserved to the worker who left.
    expect(value(await s.a().listReservations(ACCOUNT, { taskSid: task }, { pageSize: 50, page: 0 })).items).toEqual([]);

    await evictDurableObject(s.a());
    await evictDurableObject(s.b());
    expect(await s.holding()).toEqual(["eu-ireland"]);
    expect(await s.a().getWorker(ACCOUNT, s.worker)).toMatchObject({ ok: false, movedTo: "eu-ireland" });
  });

  it("converges when B is evicted after taking the worker and A before recording it: the worker is in B once", async () => {
    const s = await scenario();
    await s.openB();
    // A marks the worker moving, then is evicted before its drain reaches B (the move is on B's side here).
    await runInDurableObject(s.a(), (instance) =>
      value((instance as unknown as { router: Router }).router.startWorkerMove(ACCOUNT, s.worker, "eu-ireland", Date.now())),
    );
    const payload = (await s.payload()) as WorkerMovePayload;
    expect(value(await s.b().acceptWorkerMove(ACCOUNT, payload))).toEqual({ accepted: true });
    await evictDurableObject(s.b());
    await evictDurableObject(s.a());

    // A's wake-up drain and this update meet: B answers "already taken", A records the move, the update lands in B.
    const renamed = await followMoves(env, s.wsSid, s.worker, (router) =>
      router.updateWorker(ACCOUNT, s.worker, { friendlyName: "Uma B" }),
    );
    expect(value(renamed).worker).toMatchObject({ sid: s.worker, friendly_name: "Uma B" });
    expect(await s.holding()).toEqual(["eu-ireland"]);
    expect(value(await s.b().acceptWorkerMove(ACCOUNT, payload))).toEqual({ accepted: false });
    expect(value(await s.b().acceptWorkerMove(ACCOUNT, { ...payload, hop: 0 }))).toEqual({ accepted: false });
    expect(value(await s.b().listWorkers(ACCOUNT, { pageSize: 50, page: 0 })).items.map((w) => w.friendly_name)).toEqual(["Uma B"]);
  });
});
