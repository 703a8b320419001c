/**
 * The supervisors' feed across regions, through real Router DOs: a workspace homed in us-east that
 * added eu-ireland (and ap-sydney), made through the TaskRouter API as the stock clients make it; a
 * supervisor connected to the home region's Router (where the Worker's /api/realtime puts them) sees
 * every region's agents, each queue's figures summed over the regions, and the other regions' changes in
 * the next delta. Evicting the holder or a region's Router mid-feed loses and doubles nothing; a frame
 * lost on the way is made good by a full share (at the next frame's gap, or at the lease's renewal); a
 * region that throws is reported missing while the others carry on, then comes back; another workspace's
 * supervisor never hears of this one. The clock is the test's (fake `Date`, a day ahead, so no alarm
 * fires by itself): each change comes a second or more after the last, so every Router flushes at once,
 * and the holder's renewal runs when the test fires its alarm.
 */
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { routerFor } from "../../platform/objects";
import type { SupervisorQueue, SupervisorWorker } from "../../contract/realtime-frames";
import type { RegionFrame } from "../../durable-objects/router/realtime/supervisor-parts";
import { AgentSocket, connectToRouter, queueAsSeen, type Frame } from "./realtime-helpers";
import { ok } from "./regions-helpers";
import { BASIC, call } from "./auth-helpers";
import { OTHER_ACCOUNT } from "./router-fixtures";

const HOUR = 3600_000;
const T0 = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR;
let elapsed = 0;
/** Moves the shared clock on by a second or more, so the next change is flushed at once everywhere. */
const later = (ms = 1_000) => vi.setSystemTime(T0 + (elapsed += ms));
const ACCOUNT = env.ACCOUNT_SID!;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  elapsed = 0;
  vi.setSystemTime(T0);
});

afterEach(() => {
  vi.useRealTimers();
});

interface Team {
  readonly ws: string;
  readonly queue: string;
  readonly available: string;
  readonly offline: string;
  /** Name → worker SID. */
  readonly workers: Record<string, string>;
  readonly router: (region: string) => ReturnType<typeof routerFor>;
  readonly task: (region: string) => Promise<string>;
  readonly supervise: () => Promise<AgentSocket>;
}

/** A workspace with one available agent in each of `regions` (the first is us-east, home), named by `names`. */
async function team(regions: readonly string[], names: readonly string[]): Promise<Team> {
  const ws = (await ok("POST", "/Workspaces", { FriendlyName: `Feed ${Math.random()}`, Template: "FIFO" })).sid;
  const api = (path: string) => `/Workspaces/${ws}${path}`;
  const listed = (await ok("GET", api("/Activities"))).activities as { sid: string; friendly_name: string }[];
  const activity = (name: string) => listed.find((a) => a.friendly_name === name)!.sid;
  const queue = ((await ok("GET", api("/TaskQueues"))).task_queues as { sid: string }[])[0]!.sid;
  const workers: Record<string, string> = {};
  for (const [i, region] of regions.entries()) {
    const name = names[i]!;
    workers[name] = (await ok("POST", api("/Workers"), { FriendlyName: name, Region: region, ActivitySid: activity("Available") })).sid;
  }
  const router = (region: string) => routerFor(env, ws, region);
  return {
    ws,
    queue,
    available: activity("Available"),
    offline: activity("Offline"),
    workers,
    router,
    task: async (region) => (await ok("POST", api("/Tasks"), { Attributes: "{}", Region: region })).sid,
    supervise: () =>
      connectToRouter(router("us-east"), {
        accountSid: ACCOUNT,
        workspaceSid: ws,
        role: "supervisor",
        ops: [],
        expiresAt: T0 + 2 * 24 * HOUR,
      }),
  };
}

/** A queue as the supervisor has it after `frame` (a delta's row carries only what changed): undefined when the frame does not carry it. */
const queueOf = (frame: Frame, sid: string) => queueAsSeen<SupervisorQueue>(frame, sid);
const workerOf = (frame: Frame, sid: string) => (frame.workers as SupervisorWorker[]).find((worker) => worker.sid === sid);
const names = (frame: Frame) => (frame.workers as SupervisorWorker[]).map((worker) => `${worker.friendly_name}@${worker.region}`);

/** What a region's Router does with its frames for holders, made to drop the next one (a frame lost on the way). */
function dropNextFrame(stub: ReturnType<typeof routerFor>) {
  return runInDurableObject(stub, (instance) => {
    const link = (instance as unknown as { supervisors: { link: { push: (...args: unknown[]) => void } } }).supervisors.link;
    const push = link.push;
    link.push = () => {
      link.push = push;
    };
  });
}

/** A region's Router whose answers to holders throw (the region is down), until `restore()`. */
async function breakRegion(stub: ReturnType<typeof routerFor>) {
  await runInDurableObject(stub, (instance) => {
    const feed = (instance as unknown as { supervisors: { subscribe: () => never } }).supervisors;
    feed.subscribe = () => {
      throw new Error("the region is down");
    };
  });
  return () =>
    runInDurableObject(stub, (instance) => delete (instance as unknown as { supervisors: { subscribe?: unknown } }).supervisors.subscribe);
}

/** A worker's Activity, changed through the API (which reaches the Router the worker's SID names). */
const setActivity = (ws: string, worker: string, activity: string) =>
  ok("POST", `/Workspaces/${ws}/Workers/${worker}`, { ActivitySid: activity });

/** The lease rows of a region's Router: holder → [expires_at, seq]. */
const leasesOf = (stub: ReturnType<typeof routerFor>) =>
  runInDurableObject(stub, (_, state) =>
    Object.fromEntries(
      state.storage.sql
        .exec<{ holder: string; expires_at: number; seq: number }>("SELECT holder, expires_at, seq FROM sb_supervisor_leases")
        .toArray()
        .map((row) => [row.holder, [row.expires_at, row.seq]]),
    ),
  );

describe("the supervisors' feed across two regions", () => {
  it("shows every region's agents in the snapshot, and another region's activity change and reservation in the next delta", async () => {
    const { ws, queue, workers, task, offline, available, supervise } = await team(["us-east", "eu-ireland"], ["Ann", "Eve"]);
    const socket = await supervise();
    const snapshot = await socket.nextOf("supervisor.snapshot");
    expect(names(snapshot)).toEqual(["Ann@us-east", "Eve@eu-ireland"]);
    expect(snapshot).toMatchObject({ regions: ["us-east", "eu-ireland"], missing_regions: [] });
    // Both agents are members of the FIFO template's queue, one in each region: 2 available, 2 eligible.
    expect(queueOf(snapshot, queue)).toMatchObject({ total_tasks: 0, total_available_workers: 2, total_eligible_workers: 2 });

    later();
    await setActivity(ws, workers.Eve!, offline);
    const wentOffline = await socket.nextOf("supervisor.delta");
    expect(names(wentOffline)).toEqual(["Eve@eu-ireland"]);
    expect(workerOf(wentOffline, workers.Eve!)).toMatchObject({ activity_name: "Offline", available: false });
    expect(queueOf(wentOffline, queue)).toMatchObject({ total_available_workers: 1, total_eligible_workers: 2 });
    expect(wentOffline.missing_regions).toEqual([]);

    later();
    await setActivity(ws, workers.Eve!, available);
    await socket.nextOf("supervisor.delta");
    later();
    const t1 = await task("eu-ireland");
    const reserved = await socket.nextOf("supervisor.delta");
    expect(workerOf(reserved, workers.Eve!)!.reservations).toMatchObject([{ task_sid: t1, status: "pending" }]);
    expect(queueOf(reserved, queue)).toMatchObject({
      total_tasks: 1,
      tasks_by_status: { pending: 0, reserved: 1 },
      longest_task_waiting_sid: t1,
    });
    expect(queueOf(reserved, queue)!.today).toMatchObject({ tasks_created: 1 });
  });

  it("reaches a supervisor connected through /api/realtime with a minted token, as the desktop connects", async () => {
    const { ws, workers, task } = await team(["us-east", "eu-ireland"], ["Ann", "Eve"]);
    const minted = await call("POST", "/api/tokens", {
      authorization: BASIC,
      origin: null,
      form: { WorkspaceSid: ws, Role: "supervisor" },
    });
    expect(minted.status).toBe(200);
    const res = await exports.default.fetch(`http://sb.test/api/realtime?token=${String(minted.body.token)}`, {
      headers: { Upgrade: "websocket" },
    });
    const socket = new AgentSocket(res.webSocket!);
    expect(names(await socket.nextOf("supervisor.snapshot"))).toEqual(["Ann@us-east", "Eve@eu-ireland"]);
    later();
    const t1 = await task("eu-ireland");
    expect(workerOf(await socket.nextOf("supervisor.delta"), workers.Eve!)!.reservations).toMatchObject([{ task_sid: t1 }]);
  });

  it("sums a queue's figures over the regions: tasks by status, workers, today's counts", async () => {
    const { queue, task, supervise } = await team(["us-east", "eu-ireland"], ["Ann", "Eve"]);
    const socket = await supervise();
    await socket.nextOf("supervisor.snapshot");
    // One task reserved in each region, then one more waiting in eu-ireland (Eve is full): 2 reserved + 1 pending.
    for (const region of ["us-east", "eu-ireland", "eu-ireland"]) {
      later();
      await task(region);
      await socket.nextOf("supervisor.delta");
    }
    const again = await (await supervise()).nextOf("supervisor.snapshot");
    expect(queueOf(again, queue)).toMatchObject({
      total_tasks: 3,
      tasks_by_status: { pending: 1, reserved: 2, assigned: 0 },
      total_available_workers: 2,
      total_eligible_workers: 2,
      today: { tasks_created: 3, tasks_accepted: 0 },
    });
    const last = socket.frames.filter((frame) => frame.type === "supervisor.delta").at(-1)!;
    expect(queueOf(last, queue)).toMatchObject({ total_tasks: 3, tasks_by_status: { pending: 1, reserved: 2 } });
  });

  it("carries on through an eviction of the holder and of the other region's Router, counting nothing twice", async () => {
    const { queue, workers, router, task, supervise } = await team(["us-east", "eu-ireland"], ["Ann", "Eve"]);
    const socket = await supervise();
    await socket.nextOf("supervisor.snapshot");
    later();
    await task("eu-ireland");
    expect(queueOf(await socket.nextOf("supervisor.delta"), queue)!.total_tasks).toBe(1);

    await evictDurableObject(router("us-east"));
    later();
    await task("eu-ireland");
    const afterHolder = await socket.nextOf("supervisor.delta");
    expect(queueOf(afterHolder, queue)).toMatchObject({ total_tasks: 2, tasks_by_status: { pending: 1, reserved: 1 } });

    await evictDurableObject(router("eu-ireland"));
    later();
    await task("us-east");
    const local = await socket.nextOf("supervisor.delta");
    expect(queueOf(local, queue)).toMatchObject({ total_tasks: 3, tasks_by_status: { pending: 1, reserved: 2 } });
    later();
    await task("eu-ireland");
    const afterRemote = await socket.nextOf("supervisor.delta");
    expect(queueOf(afterRemote, queue)).toMatchObject({ total_tasks: 4, tasks_by_status: { pending: 2, reserved: 2 } });
    expect(workerOf(afterRemote, workers.Eve!)?.reservations ?? []).toHaveLength(0); // Eve was not touched: not in this delta
    // A fresh snapshot agrees with what the deltas said.
    const fresh = await (await supervise()).nextOf("supervisor.snapshot");
    expect(queueOf(fresh, queue)).toMatchObject({ total_tasks: 4, tasks_by_status: { pending: 2, reserved: 2 } });
    expect(names(fresh)).toEqual(["Ann@us-east", "Eve@eu-ireland"]);
  });

  it("makes good a lost frame with the region's full share: at the next frame's gap, or at the lease's renewal", async () => {
    const { queue, workers, router, task, supervise } = await team(["us-east", "eu-ireland"], ["Ann", "Eve"]);
    const socket = await supervise();
    await socket.nextOf("supervisor.snapshot");

    await dropNextFrame(router("eu-ireland"));
    later();
    await task("eu-ireland"); // lost on the way: the supervisor hears nothing
    later();
    await task("eu-ireland"); // numbered one past the next the holder expects: it asks for a full share
    const healed = await socket.nextOf("supervisor.delta");
    expect(queueOf(healed, queue)).toMatchObject({ total_tasks: 2, tasks_by_status: { pending: 1, reserved: 1 } });
    expect(workerOf(healed, workers.Eve!)!.reservations).toHaveLength(1);

    await dropNextFrame(router("eu-ireland"));
    later();
    await task("eu-ireland"); // lost, and nothing follows it
    const before = socket.frames.length;
    later(10_000);
    expect(await runDurableObjectAlarm(router("us-east"))).toBe(true); // the renewal: eu-ireland answers in full
    const renewed = await socket.nextOf("supervisor.delta");
    expect(socket.frames.length).toBe(before + 1);
    expect(queueOf(renewed, queue)).toMatchObject({ total_tasks: 3, tasks_by_status: { pending: 2, reserved: 1 } });
  });
});

describe("a region joining while supervisors watch", () => {
  it("is asked for its share at the next renewal, and its agents appear", async () => {
    const { ws, supervise, router } = await team(["us-east"], ["Ann"]);
    const socket = await supervise();
    expect((await socket.nextOf("supervisor.snapshot")).regions).toEqual(["us-east"]);
    later();
    const eve = (await ok("POST", `/Workspaces/${ws}/Workers`, { FriendlyName: "Eve", Region: "eu-ireland" })).sid;
    later(10_000);
    expect(await runDurableObjectAlarm(router("us-east"))).toBe(true);
    const joined = await socket.nextOf("supervisor.delta");
    expect(names(joined)).toEqual(["Eve@eu-ireland"]);
    expect(workerOf(joined, eve)!.region).toBe("eu-ireland");
  });
});

describe("the supervisors' feed across three regions", () => {
  it("adds up three regions, drops a region's deleted worker, and keeps going when one region throws", async () => {
    const { ws, queue, workers, router, task, supervise } = await team(["us-east", "eu-ireland", "ap-sydney"], ["Ann", "Eve", "Sam"]);
    const socket = await supervise();
    const snapshot = await socket.nextOf("supervisor.snapshot");
    expect(names(snapshot)).toEqual(["Ann@us-east", "Eve@eu-ireland", "Sam@ap-sydney"]);
    expect(snapshot.regions).toEqual(["us-east", "eu-ireland", "ap-sydney"]);
    for (const region of ["ap-sydney", "eu-ireland", "us-east"]) {
      later();
      await task(region);
      await socket.nextOf("supervisor.delta");
    }
    const last = socket.frames.at(-1)!;
    expect(queueOf(last, queue)).toMatchObject({ total_tasks: 3, tasks_by_status: { reserved: 3 }, total_eligible_workers: 3 });

    later();
    await ok("POST", `/Workspaces/${ws}/Workers`, { FriendlyName: "Kai", Region: "ap-sydney" });
    const kai = await socket.nextOf("supervisor.delta");
    expect(names(kai)).toEqual(["Kai@ap-sydney"]);
    later();
    const deleted = await call("DELETE", `/taskrouter/v1/Workspaces/${ws}/Workers/${(kai.workers as SupervisorWorker[])[0]!.sid}`, {
      authorization: BASIC,
      origin: null,
    });
    expect(deleted.status).toBe(204);
    const gone = await socket.nextOf("supervisor.delta");
    expect(gone.removed_worker_sids).toEqual([(kai.workers as SupervisorWorker[])[0]!.sid]);

    // eu-ireland goes down: a new supervisor's snapshot says so, without Eve, with the other two regions' sums.
    const restore = await breakRegion(router("eu-ireland"));
    later(30_000); // the leases lapse: the next supervisor's holder asks every region again
    expect(await runDurableObjectAlarm(router("us-east"))).toBe(true); // the renewal fails for eu-ireland
    const missing = await socket.nextOf("supervisor.delta");
    expect(missing.missing_regions).toEqual(["eu-ireland"]);
    expect(missing.removed_worker_sids).toEqual([workers.Eve]);
    expect(queueOf(missing, queue)).toMatchObject({ total_tasks: 2, total_eligible_workers: 2 });
    const partial = await (await supervise()).nextOf("supervisor.snapshot");
    expect(partial.missing_regions).toEqual(["eu-ireland"]);
    expect(names(partial)).toEqual(["Ann@us-east", "Sam@ap-sydney"]);

    // The others carry on.
    later();
    await task("ap-sydney");
    const sydney = await socket.nextOf("supervisor.delta");
    expect(queueOf(sydney, queue)).toMatchObject({ total_tasks: 3, tasks_by_status: { pending: 1, reserved: 2 } });
    expect(sydney.missing_regions).toEqual(["eu-ireland"]);

    // eu-ireland answers again at the retry (2 s after the failure, platform/backoff.ts): its share is back.
    await restore();
    later(2_000);
    expect(await runDurableObjectAlarm(router("us-east"))).toBe(true);
    const back = await socket.nextOf("supervisor.delta");
    expect(back.missing_regions).toEqual([]);
    expect(names(back)).toEqual(["Eve@eu-ireland"]);
    expect(queueOf(back, queue)).toMatchObject({ total_tasks: 4, tasks_by_status: { pending: 1, reserved: 3 }, total_eligible_workers: 3 });
  });
});

describe("the feed's boundaries", () => {
  it("never sends one workspace's changes to another workspace's supervisor", async () => {
    const a = await team(["us-east", "eu-ireland"], ["Ann", "Eve"]);
    const b = await team(["us-east", "eu-ireland"], ["Bea", "Ema"]);
    const ofA = await a.supervise();
    const ofB = await b.supervise();
    expect(names(await ofB.nextOf("supervisor.snapshot"))).toEqual(["Bea@us-east", "Ema@eu-ireland"]);
    await ofA.nextOf("supervisor.snapshot");
    later();
    await a.task("eu-ireland");
    expect(names(await ofA.nextOf("supervisor.delta"))).toEqual(["Eve@eu-ireland"]);
    later();
    await b.task("eu-ireland");
    const forB = await ofB.nextOf("supervisor.delta");
    expect(names(forB)).toEqual(["Ema@eu-ireland"]);
    const heardByB = JSON.stringify(ofB.frames);
    for (const sid of [a.workers.Ann!, a.workers.Eve!]) expect(heardByB).not.toContain(sid);
    expect(ofB.frames.map((frame) => frame.type)).toEqual(["supervisor.snapshot", "supervisor.delta"]);
  });

  it("refuses a lease or a frame from another account, or for a region the workspace does not use, and changes nothing", async () => {
    const { queue, router, supervise } = await team(["us-east", "eu-ireland"], ["Ann", "Eve"]);
    const eu = router("eu-ireland");
    const home = router("us-east");
    expect(await eu.superviseRegion(OTHER_ACCOUNT, "us-east", null)).toMatchObject({ ok: false, status: 404 });
    expect(await eu.superviseRegion(ACCOUNT, "ap-sydney", null)).toMatchObject({
      ok: false,
      status: 400,
      message: 'Invalid parameter Region: "ap-sydney" is not another region of this workspace',
    });
    expect(await eu.superviseRegion(ACCOUNT, "eu-ireland", null)).toMatchObject({ ok: false, status: 400 });
    expect(await leasesOf(eu)).toEqual({});

    const socket = await supervise();
    await socket.nextOf("supervisor.snapshot");
    const forged: RegionFrame = { region: "eu-ireland", seq: 1, full: true, queues: [], workers: [], removed_worker_sids: [] };
    expect(await home.supervisorRegionFrame(OTHER_ACCOUNT, forged)).toMatchObject({ ok: false, status: 404 });
    expect(await home.supervisorRegionFrame(ACCOUNT, { ...forged, region: "ap-sydney" })).toMatchObject({ ok: false, status: 400 });
    const fresh = await (await supervise()).nextOf("supervisor.snapshot");
    expect(names(fresh)).toEqual(["Ann@us-east", "Eve@eu-ireland"]);
    expect(queueOf(fresh, queue)!.total_eligible_workers).toBe(2);
    expect(socket.frames.filter((frame) => frame.type === "supervisor.delta")).toEqual([]);
  });

  it("ends the other region's lease once the holder's last supervisor is gone", async () => {
    const { router, task, supervise } = await team(["us-east", "eu-ireland"], ["Ann", "Eve"]);
    const socket = await supervise();
    await socket.nextOf("supervisor.snapshot");
    expect(Object.keys(await leasesOf(router("eu-ireland")))).toEqual(["us-east"]);
    socket.ws.close(1000, "done");
    await vi.waitFor(
      () =>
        runInDurableObject(router("us-east"), (_, state) =>
          expect(state.getWebSockets("supervisor").filter((ws) => ws.readyState === WebSocket.OPEN)).toEqual([]),
        ),
      { timeout: 5_000 },
    );
    later();
    await task("eu-ireland"); // its frame is answered "no longer subscribed"
    await vi.waitFor(async () => expect((await leasesOf(router("eu-ireland")))["us-east"]![0]).toBe(0), { timeout: 5_000 });
  });
});
