/**
 * A call recorded end to end in workerd (issue 15): the workspace's (or queue's) setting, the call
 * connecting → LiveKit's egress asked for a room-composite, dual-channel Ogg of the room into the
 * recording's first part; the agent's pause (the egress stopped), resume (a second part), the hang-up (the
 * last egress stopped); egress's signed webhooks completing each part; `call.recording` on the call
 * throughout. Egress's API is the schema-checking double (test/support/doubles/egress-api.ts: the
 * roomRecord grant, @livekit/protocol's messages), reached through `fetch` as in calls.test.ts.
 */
import { env } from "cloudflare:workers";
import { AccessToken } from "livekit-server-sdk";
import { EgressStatus, FileInfo, WebhookEvent } from "@livekit/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversationFor, directoryFor } from "../../platform/objects";
import type { RecordingRecord } from "../../contract/recordings";
import { createEgressApi } from "../support/doubles/egress-api";
import { conversationTaskEvent, fetchApp, must, newChannel, newWorkspace, widget } from "./webchat-helpers";
import { eventually } from "./conversation-helpers";

const SETTINGS = {
  LIVEKIT_URL: "ws://127.0.0.1:7880",
  LIVEKIT_API_KEY: "APIrecord",
  LIVEKIT_API_SECRET: "record-test-secret-of-32-characters",
  LIVEKIT_EGRESS_URL: "http://127.0.0.1:7881",
  RECORDING_S3_ENDPOINT: "https://sb.example/api/s3",
  RECORDING_S3_ACCESS_KEY_ID: "AKIDRECORD",
  RECORDING_S3_SECRET_ACCESS_KEY: "record-s3-secret",
};
const settings = env as Partial<typeof SETTINGS>;
const BASIC = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const egress = createEgressApi(SETTINGS.LIVEKIT_API_KEY, SETTINGS.LIVEKIT_API_SECRET);
let realFetch: typeof fetch;

beforeAll(() => {
  Object.assign(settings, SETTINGS);
  realFetch = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.host === "127.0.0.1:7881") return egress.handle(request);
    // The room service: made and closed rooms answer as LiveKit does; nobody is listed.
    if (url.host === "127.0.0.1:7880") {
      const method = url.pathname.split("/").at(-1);
      return Response.json(
        method === "CreateRoom" ? { sid: "RM_record", name: "room" } : method === "ListParticipants" ? { participants: [] } : {},
      );
    }
    return realFetch(input, init);
  };
});

afterAll(() => {
  globalThis.fetch = realFetch;
  for (const name of Object.keys(SETTINGS)) delete settings[name as keyof typeof SETTINGS];
});

const form = async (method: string, path: string, headers: Record<string, string>, params: Record<string, string> = {}) => {
  const res = await fetchApp(path, {
    method,
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

let eventId = 0;
/** A LiveKit webhook, signed as LiveKit signs it. */
async function webhook(body: string) {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  const token = new AccessToken(SETTINGS.LIVEKIT_API_KEY, SETTINGS.LIVEKIT_API_SECRET, { ttl: "5m" });
  token.sha256 = btoa(String.fromCharCode(...hash));
  const res = await fetchApp("/webhooks/livekit", {
    method: "POST",
    headers: { "content-type": "application/webhook+json", authorization: await token.toJwt() },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const joined = (room: string, identity: string, role: string) =>
  JSON.stringify({
    event: "participant_joined",
    id: `EV_${++eventId}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { sid: "RM_record", name: room },
    participant: { sid: `PA_${identity}`, identity, name: identity, attributes: { "switchboard.role": role } },
  });
/** Egress's `egress_ended` for a part: complete, with its file. */
const ended = (egressId: string, seconds: number) => {
  const info = egress.info(egressId).clone();
  info.status = EgressStatus.EGRESS_COMPLETE;
  info.endedAt = BigInt(Date.now()) * 1_000_000n;
  const request = info.request.value as { fileOutputs: { filepath: string }[] };
  info.fileResults = [
    new FileInfo({ filename: request.fileOutputs[0]!.filepath, duration: BigInt(seconds) * 1_000_000_000n, size: 4096n }),
  ];
  return new WebhookEvent({
    event: "egress_ended",
    id: `EV_${++eventId}`,
    egressInfo: info,
    createdAt: BigInt(Math.floor(Date.now() / 1000)),
  }).toJsonString();
};

let ws = "";
let chat: ReturnType<typeof widget>;
const ann = { sid: "", name: "Ann" };
let bearer = { authorization: "" };

beforeAll(async () => {
  ws = await newWorkspace("recordings");
  chat = widget(ws, await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" }));
  ann.sid = (await form("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, BASIC, { FriendlyName: "Ann" })).body.sid as string;
  bearer = {
    authorization: `Bearer ${(await form("POST", "/api/tokens", BASIC, { WorkspaceSid: ws, Role: "worker", WorkerSid: ann.sid })).body.token as string}`,
  };
}, 30_000);

/** A visitor's call that Ann answers: both in the room, so it connects. */
async function connectedCall() {
  const session = await chat.session({ name: "Casey" });
  const started = await chat.post("/call", { Kind: "voice" }, session.token);
  expect(started.status).toBe(201);
  const call = started.body.call as { room: string; sid: string; task_sid: string };
  await conversationTaskEvent(ws, call.room, "reservation.accepted", ann);
  await webhook(joined(call.room, session.visitor_id, "customer"));
  await webhook(joined(call.room, ann.sid, "agent"));
  return call;
}
const callOf = async (room: string) => (await must(conversationFor(env, room).getCall(env.ACCOUNT_SID!)))!;
/** Until egress's double saw what `seen` looks for (the conversation asks egress in the background). */
const egressSaw = (what: string, seen: () => boolean) => eventually(what, async () => (seen() ? true : undefined));
/** The call once its recording is `wanted`: the conversation asks egress in the background, after the change. */
const recordingIs = (room: string, wanted: "on" | "paused" | "off") =>
  eventually(`the recording ${wanted}`, async () => {
    const call = await callOf(room);
    return call.recording === wanted ? call : undefined;
  });
const settingsTo = (params: Record<string, string>) => form("POST", `/api/workspaces/${ws}/recordings/settings`, BASIC, params);

describe("recording a call", () => {
  it("records a connected call; pause stops the egress, resume starts a part, hang-up stops it; egress's webhooks complete it", async () => {
    await settingsTo({ RecordCalls: "true", Queues: "{}" });
    const before = egress.started.length;
    const call = await connectedCall();
    await egressSaw("egress asked to record", () => egress.started.length > before);
    expect(egress.started.length).toBe(before + 1);
    const request = egress.started.at(-1)!;
    expect(request.roomName).toBe(call.room);
    expect(request.audioOnly).toBe(true);
    expect(request.fileOutputs[0]!.filepath).toMatch(new RegExp(`^recordings/${ws}/RE[0-9a-f]{32}/1\\.ogg$`));
    expect(await recordingIs(call.room, "on")).toMatchObject({ state: "connected" });
    const [first] = (await must(directoryFor(env, ws).listRecordings(env.ACCOUNT_SID!, { pageSize: 50, page: 0 }, { callSid: call.sid })))
      .items;
    expect(first).toMatchObject({ status: "in-progress", conversation_sid: call.room });

    const paused = await form("POST", `/api/conversations/${call.room}/call/recording`, bearer, { Status: "paused" });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ sid: first!.sid, status: "paused" });
    const egress1 = first!.parts[0]!.egress_id!;
    expect(egress.stopped).toContain(egress1);
    expect((await callOf(call.room)).recording).toBe("paused");

    const resumed = await form("POST", `/api/conversations/${call.room}/call/recording`, bearer, { Status: "in-progress" });
    expect(resumed.body).toMatchObject({ status: "in-progress", parts: [{ index: 1 }, { index: 2 }] });
    expect(egress.started.at(-1)!.fileOutputs[0]!.filepath).toMatch(/\/2\.ogg$/);
    const egress2 = (resumed.body as unknown as RecordingRecord).parts[1]!.egress_id!;
    expect((await callOf(call.room)).recording).toBe("on");

    expect((await form("POST", `/api/conversations/${call.room}/call/hangup`, bearer)).status).toBe(200);
    await egressSaw("the last part's egress stopped", () => egress.stopped.includes(egress2));

    expect((await webhook(ended(egress1, 30))).body).toEqual({ applied: true });
    expect((await webhook(ended(egress1, 30))).body).toEqual({ applied: false }); // twice: once
    await webhook(ended(egress2, 12));
    const done = (await (await fetchApp(`/api/workspaces/${ws}/recordings/${first!.sid}`, { headers: BASIC })).json()) as RecordingRecord;
    expect(done).toMatchObject({
      status: "completed",
      duration: 42,
      parts: [
        { status: "completed", duration: 30 },
        { status: "completed", duration: 12 },
      ],
    });
  });

  it("the queue's own setting wins: a queue set not to record, in a workspace that records, is not recorded", async () => {
    const probe = await connectedCall();
    const queueSid = (
      (await (await fetchApp(`/taskrouter/v1/Workspaces/${ws}/Tasks/${probe.task_sid}`, { headers: BASIC })).json()) as {
        task_queue_sid: string;
      }
    ).task_queue_sid;
    await form("POST", `/api/conversations/${probe.room}/call/hangup`, bearer);
    await settingsTo({ RecordCalls: "true", Queues: JSON.stringify({ [queueSid]: false }) });
    const before = egress.started.length;
    const call = await connectedCall();
    expect(egress.started.length).toBe(before);
    expect(await callOf(call.room)).toMatchObject({ state: "connected", recording: "off" });
    const refused = await form("POST", `/api/conversations/${call.room}/call/recording`, bearer, { Status: "paused" });
    expect(refused.status).toBe(404);
    await form("POST", `/api/conversations/${call.room}/call/hangup`, bearer);
    await settingsTo({ Queues: JSON.stringify({ [queueSid]: null }) });
  });

  it("egress unavailable: the recording fails with LiveKit's reason, the call goes on", async () => {
    await settingsTo({ RecordCalls: "true" });
    egress.failNextStart();
    const call = await connectedCall();
    const recording = await eventually("the recording failed", async () => {
      const [listed] = (
        await must(directoryFor(env, ws).listRecordings(env.ACCOUNT_SID!, { pageSize: 50, page: 0 }, { callSid: call.sid }))
      ).items;
      return listed?.status === "failed" ? listed : undefined;
    });
    expect(await callOf(call.room)).toMatchObject({ state: "connected", recording: "off" });
    expect(recording).toMatchObject({ status: "failed", error: expect.stringContaining("egress not connected") });
    await form("POST", `/api/conversations/${call.room}/call/hangup`, bearer);
  });

  it("refuses a bad Status (400), someone who is not the call's agent (403), a call not yet connected (409)", async () => {
    await settingsTo({ RecordCalls: "true" });
    const call = await connectedCall();
    await recordingIs(call.room, "on");
    expect((await form("POST", `/api/conversations/${call.room}/call/recording`, bearer, { Status: "recording" })).status).toBe(400);
    const bob = (await form("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, BASIC, { FriendlyName: "Bob" })).body.sid as string;
    const bobToken = (await form("POST", "/api/tokens", BASIC, { WorkspaceSid: ws, Role: "worker", WorkerSid: bob })).body.token as string;
    const notHis = await form(
      "POST",
      `/api/conversations/${call.room}/call/recording`,
      { authorization: `Bearer ${bobToken}` },
      { Status: "paused" },
    );
    expect([403, 404]).toContain(notHis.status);
    expect((await callOf(call.room)).recording).toBe("on");
    await form("POST", `/api/conversations/${call.room}/call/hangup`, bearer);
    const session = await chat.session({ name: "Dana" });
    const waiting = (await chat.post("/call", { Kind: "voice" }, session.token)).body.call as { room: string };
    await conversationTaskEvent(ws, waiting.room, "reservation.accepted", ann);
    expect((await form("POST", `/api/conversations/${waiting.room}/call/recording`, bearer, { Status: "paused" })).status).toBe(409);
  });
});
