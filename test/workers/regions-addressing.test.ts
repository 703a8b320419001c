/**
 * Any edge reaches the Router that holds a worker, task or reservation from its SID alone: a worker and
 * a task made by the eu-ireland Router are fetched, updated and accepted through the TaskRouter paths
 * while the home region's Router (us-east) knows nothing of them; a SID that names no region (one from
 * before regions) is the home region's.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { newSid } from "../../contract/ids";
import { routerFor } from "../../platform/objects";
import { regionalSid } from "../../platform/region-sids";
import { ACCOUNT, AVAILABLE, WORKSPACE, snapshot } from "./router-fixtures";
import { ok, taskrouter, value } from "./regions-helpers";

const WS = `/Workspaces/${WORKSPACE}`; // a workspace SID from before regions: its home is us-east
const ireland = () => routerFor(env, WORKSPACE, "eu-ireland");
const home = () => routerFor(env, WORKSPACE, "us-east");

let worker: string;
let task: string;
let reservation: string;

beforeAll(async () => {
  for (const region of ["us-east", "eu-ireland"]) value(await routerFor(env, WORKSPACE, region).applyConfig(snapshot(), []));
  worker = value(await ireland().createWorker(ACCOUNT, { friendlyName: "Eve", activitySid: AVAILABLE })).worker.sid;
  task = value(await ireland().createTask(ACCOUNT, { attributes: "{}" })).task.sid;
  reservation = value(await ireland().listReservations(ACCOUNT, { taskSid: task }, { pageSize: 50, page: 0 })).items[0]!.sid;
  expect((await home().getWorker(ACCOUNT, worker)).ok).toBe(false);
});

describe("a worker of eu-ireland, through the home region's paths", () => {
  it("is fetched, updated, and its channels and reservations listed", async () => {
    expect(await ok("GET", `${WS}/Workers/${worker}`)).toMatchObject({ sid: worker, friendly_name: "Eve" });
    expect(await ok("POST", `${WS}/Workers/${worker}`, { Attributes: '{"languages":["ga"]}' })).toMatchObject({
      attributes: '{"languages":["ga"]}',
    });
    expect(value(await ireland().getWorker(ACCOUNT, worker)).worker.attributes).toBe('{"languages":["ga"]}');
    expect(((await ok("GET", `${WS}/Workers/${worker}/Channels`)).channels as unknown[]).length).toBe(3);
    expect(await ok("GET", `${WS}/Workers/${worker}/Channels/voice`)).toMatchObject({ task_channel_unique_name: "voice" });
    expect(await ok("POST", `${WS}/Workers/${worker}/Channels/voice`, { Capacity: "2" })).toMatchObject({ configured_capacity: 2 });
    const reservations = (await ok("GET", `${WS}/Workers/${worker}/Reservations`)).reservations as { sid: string }[];
    expect(reservations.map((r) => r.sid)).toEqual([reservation]);
  });
});

describe("a task of eu-ireland, through the home region's paths", () => {
  it("is fetched, its reservation accepted through the worker and the task wrapped up", async () => {
    expect(await ok("GET", `${WS}/Tasks/${task}`)).toMatchObject({ sid: task, assignment_status: "reserved" });
    const listed = (await ok("GET", `${WS}/Tasks/${task}/Reservations`)).reservations as { sid: string }[];
    expect(listed.map((r) => r.sid)).toEqual([reservation]);
    expect(await ok("GET", `${WS}/Tasks/${task}/Reservations/${reservation}`)).toMatchObject({ reservation_status: "pending" });
    expect(await ok("POST", `${WS}/Workers/${worker}/Reservations/${reservation}`, { ReservationStatus: "accepted" })).toMatchObject({
      reservation_status: "accepted",
    });
    expect(await ok("POST", `${WS}/Tasks/${task}`, { AssignmentStatus: "wrapping" })).toMatchObject({ assignment_status: "wrapping" });
    expect(value(await ireland().getTask(ACCOUNT, task)).task.assignment_status).toBe("wrapping");
  });

  it("has its events fetched by SID", async () => {
    const events = value(await ireland().listEvents(ACCOUNT, { pageSize: 50, page: 0, minutes: 60 })).items;
    const created = events.find((e) => e.event_type === "task.created")!;
    expect(await ok("GET", `${WS}/Events/${created.sid}`)).toMatchObject({ sid: created.sid, resource_sid: task });
  });
});

describe("SIDs that name no region, or a region that holds nothing", () => {
  it("reach the home region's Router: a worker from before regions is found there", async () => {
    const made = value(await home().createWorker(ACCOUNT, { friendlyName: "Old", activitySid: AVAILABLE })).worker.sid;
    const old = newSid("WK"); // as workers were minted before regions
    await runInDurableObject(home(), (_instance, state) => {
      state.storage.sql.exec("UPDATE sb_workers SET sid = ? WHERE sid = ?", old, made);
      state.storage.sql.exec("UPDATE sb_worker_channels SET worker_sid = ? WHERE worker_sid = ?", old, made);
    });
    await evictDurableObject(home());
    expect(await ok("GET", `${WS}/Workers/${old}`)).toMatchObject({ sid: old, friendly_name: "Old" });
  });

  it("answer 404 for a worker or task the Router its SID names does not hold", async () => {
    expect((await taskrouter("GET", `${WS}/Workers/${regionalSid("WK", "ap-sydney")}`)).status).toBe(404);
    expect((await taskrouter("GET", `${WS}/Tasks/${regionalSid("WT", "eu-ireland")}`)).status).toBe(404);
  });
});
