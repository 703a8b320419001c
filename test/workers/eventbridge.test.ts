/**
 * `/v1/wschannels`, the stock twilio-taskrouter SDK's endpoint, end to end through the Worker's fetch
 * handler: the HTTP proxy (token in the body, Event Bridge shapes, a worker's token kept to its own
 * worker and workspace) and the socket (`init` first, a reservation and its task as frames, the
 * heartbeat from the Router's alarm, refused tokens closed with 4401, older sessions closed on request).
 */
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { routerFor } from "../../platform/objects";

const ORIGIN = "http://sb.test";
const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);

async function rest(method: string, path: string, params: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { authorization: AUTH } };
  if (method === "POST") {
    init.headers = { authorization: AUTH, "content-type": "application/x-www-form-urlencoded" };
    init.body = new URLSearchParams(params).toString();
  }
  const res = await exports.default.fetch(`${ORIGIN}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { sid: string } };
}

/** A POST as the SDK sends it: JSON text labelled as a form. */
async function bridge(url: string, method: string, params: Record<string, unknown>, token: string) {
  const res = await exports.default.fetch(`${ORIGIN}/v1/wschannels`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", apiversion: "v1" },
    body: JSON.stringify({ url, method, params, token }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { payload?: Record<string, unknown> & { contents?: Record<string, unknown>[] } } & { message?: string },
  };
}

/** An SDK socket's text frames, parsed when they are JSON ("" heartbeats kept as null). */
class BridgeSocket {
  readonly frames: ({ event_type: string; payload: Record<string, unknown> } | null)[] = [];
  close: { code: number; reason: string } | null = null;
  constructor(ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const text = event.data as string;
      this.frames.push(text.trim() === "" ? null : JSON.parse(text));
    });
    ws.addEventListener("close", (event) => {
      this.close = { code: event.code, reason: event.reason };
    });
    ws.accept();
  }
  async until<T>(find: () => T | undefined | null | false, what: string): Promise<T> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const found = find();
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  event(type: string) {
    return this.until(() => this.frames.find((frame) => frame?.event_type === type), type);
  }
}

async function connect(query: string): Promise<BridgeSocket> {
  const res = await exports.default.fetch(`${ORIGIN}/v1/wschannels${query}`, { headers: { Upgrade: "websocket" } });
  expect(res.status).toBe(101);
  return new BridgeSocket(res.webSocket!);
}

let workspace: string;
let available: string;
let offline: string;
const path = (rest_: string) => `Workspaces/${workspace}${rest_}`;
const api = (rest_: string) => `/taskrouter/v1/Workspaces/${workspace}${rest_}`;

async function agent(name: string) {
  const created = await rest("POST", api("/Workers"), { FriendlyName: name, Attributes: '{"skills":["en"]}' });
  const minted = await rest("POST", "/api/tokens", { WorkspaceSid: workspace, Role: "worker", WorkerSid: created.body.sid });
  return { sid: created.body.sid, token: minted.body.token as string };
}

beforeAll(async () => {
  workspace = (await rest("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "Bridge", Template: "FIFO" })).body.sid;
  available = ((await rest("GET", api("/Activities?FriendlyName=Available"))).body.activities as { sid: string }[])[0]!.sid;
  offline = ((await rest("GET", api("/Activities?FriendlyName=Offline"))).body.activities as { sid: string }[])[0]!.sid;
});

describe("POST /v1/wschannels", () => {
  it("answers the SDK's initialization in Event Bridge shapes", async () => {
    const ann = await agent("ann");
    const worker = await bridge(path(`/Workers/${ann.sid}`), "GET", {}, ann.token);
    expect(worker.status).toBe(200);
    expect(worker.body.payload).toMatchObject({
      sid: ann.sid,
      friendly_name: "ann",
      attributes: '{"skills":["en"]}',
      activity_name: "Offline",
    });
    expect(typeof worker.body.payload!.date_created).toBe("number");
    expect(typeof worker.body.payload!.version).toBe("number");

    const activities = await bridge(path("/Activities"), "GET", { PageSize: 1000 }, ann.token);
    expect(activities.body.payload).toMatchObject({ after_sid: null });
    expect(activities.body.payload!.contents!.map((a) => a.friendly_name)).toContain("Available");

    const channels = await bridge(path(`/Workers/${ann.sid}/WorkerChannels`), "GET", { PageSize: 1000 }, ann.token);
    expect(channels.body.payload!.contents![0]).toMatchObject({
      worker_sid: ann.sid,
      sid: expect.stringMatching(/^WC/),
      last_reserved_time: null,
    });

    const reservations = await bridge(path(`/Workers/${ann.sid}/Reservations`), "GET", { Active: "true", PageSize: 1000 }, ann.token);
    expect(reservations.body.payload).toEqual({ contents: [], after_sid: null });
  });

  it("changes the activity and takes attributes as an object", async () => {
    const bea = await agent("bea");
    const moved = await bridge(path(`/Workers/${bea.sid}`), "POST", { ActivitySid: available }, bea.token);
    expect(moved.body.payload).toMatchObject({ activity_sid: available, available: true });
    const attributes = await bridge(path(`/Workers/${bea.sid}`), "POST", { Attributes: { skills: ["en", "es"] } }, bea.token);
    expect(attributes.body.payload!.attributes).toBe('{"skills":["en","es"]}');
    // Back offline, so later tasks in this file go to the workers those tests expect.
    await bridge(path(`/Workers/${bea.sid}`), "POST", { ActivitySid: offline }, bea.token);
  });

  it("refuses bad tokens, bodies, paths and another worker's resources", async () => {
    const cid = await agent("cid");
    const dee = await agent("dee");
    expect(await bridge(path(`/Workers/${cid.sid}`), "GET", {}, "nope")).toMatchObject({
      status: 401,
      body: { message: expect.any(String) },
    });
    expect(await bridge(path(`/Workers/${dee.sid}`), "GET", {}, cid.token)).toMatchObject({ status: 403 });
    const elsewhere = `Workspaces/WS${"0".repeat(32)}/Workers/${cid.sid}`;
    expect(await bridge(elsewhere, "GET", {}, cid.token)).toMatchObject({ status: 403 });
    expect(await bridge(path("/Nothing"), "GET", {}, cid.token)).toMatchObject({ status: 404 });
    const bad = await bridge(path(`/Workers/${cid.sid}`), "POST", { ActivitySid: "WA" + "0".repeat(32) }, cid.token);
    expect(bad.status).toBe(400);
    const notJson = await exports.default.fetch(`${ORIGIN}/v1/wschannels`, { method: "POST", body: "url=x" });
    expect(notJson.status).toBe(400);
  });
});

describe("the SDK socket", () => {
  it("sends init, then the reservation with its task, the accept and the task's completion", async () => {
    const eve = await agent("eve");
    const socket = await connect(`?token=${eve.token}&closeExistingSessions=false&clientVersion=2.1.1`);
    const init = await socket.event("init");
    expect(init.payload).toMatchObject({ channel_id: eve.sid, workspace_sid: workspace, account_sid: env.ACCOUNT_SID });
    expect(init.payload.token_lifetime).toBeGreaterThan(0);

    await bridge(path(`/Workers/${eve.sid}`), "POST", { ActivitySid: available }, eve.token);
    expect((await socket.event("worker.activity.update")).payload).toMatchObject({ sid: eve.sid, activity_sid: available });

    const task = (await rest("POST", api("/Tasks"), { Attributes: '{"type":"support"}' })).body.sid;
    const created = await socket.event("reservation.created");
    expect(created.payload).toMatchObject({
      worker_sid: eve.sid,
      reservation_status: "pending",
      task: { sid: task, assignment_status: "reserved" },
    });
    const reservation = created.payload.sid as string;

    const active = await bridge(path(`/Workers/${eve.sid}/Reservations`), "GET", { Active: "true" }, eve.token);
    expect(active.body.payload!.contents!.map((r) => r.sid)).toEqual([reservation]);

    const accepted = await bridge(
      path(`/Workers/${eve.sid}/Reservations/${reservation}`),
      "POST",
      { ReservationStatus: "accepted" },
      eve.token,
    );
    expect(accepted.body.payload).toMatchObject({ reservation_status: "accepted" });
    expect((await socket.event("reservation.accepted")).payload).toMatchObject({
      sid: reservation,
      task: { assignment_status: "assigned" },
    });

    const wrapping = await bridge(path(`/Tasks/${task}`), "POST", { AssignmentStatus: "wrapping", Reason: "ended" }, eve.token);
    expect(wrapping.body.payload).toMatchObject({ sid: task, assignment_status: "wrapping", attributes: '{"type":"support"}' });
    await socket.event("task.wrapup");
    const done = await bridge(path(`/Tasks/${task}`), "POST", { AssignmentStatus: "completed", Reason: "done" }, eve.token);
    expect(done.body.payload).toMatchObject({ assignment_status: "completed", reason: "done" });
    await socket.event("reservation.completed");
    await socket.event("task.completed");
  });

  it("keeps the socket alive with an empty frame from the alarm", async () => {
    const fay = await agent("fay");
    const socket = await connect(`?token=${fay.token}`);
    await socket.event("init");
    const router = routerFor(env, workspace);
    const before = socket.frames.length;
    // The alarm is set to the heartbeat (or an earlier timer): fire until the heartbeat comes.
    for (let i = 0; i < 5 && !socket.frames.slice(before).includes(null); i++) {
      await runDurableObjectAlarm(router);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(socket.frames.slice(before)).toContain(null);
  });

  it("closes a bad token with 4401, and an older session when a new one asks", async () => {
    const bad = await connect("?token=nope");
    expect(await bad.until(() => bad.close, "the close")).toMatchObject({ code: 4401 });

    const gus = await agent("gus");
    const first = await connect(`?token=${gus.token}`);
    await first.event("init");
    const second = await connect(`?token=${gus.token}&closeExistingSessions=true`);
    await second.event("init");
    expect(await first.until(() => first.close, "the close")).toMatchObject({ code: 4409 });
    expect(second.close).toBeNull();
  });
});
