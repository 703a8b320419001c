/**
 * The call tokens, through the Worker in workerd (livekit-server-sdk signing with workerd's WebCrypto)
 * with the real ConversationDO: an agent of the conversation gets the agent grant, a supervisor by Mode
 * the hidden monitor grant or the supervisor grant (whisper, barge) — each recorded as a
 * `supervisor.call.*` event, an agent naming a Mode refused — the widget's visitor the customer grant for their own conversation — each for
 * the room named for the conversation, on its region's server — and everyone else a 4xx that names why:
 * no token, Basic, not its agent, another workspace, a malformed SID, a closed conversation, a visitor
 * with no conversation yet; and while LiveKit is not configured, a 503 saying calls are off.
 */
import { env } from "cloudflare:workers";
import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { regionOfSid } from "../../platform/region-sids";
import { livekitOf, roomServiceOf } from "../../platform/livekit";
import { newChannel, newWorkspace, widget } from "./webchat-helpers";
import { install, LIVEKIT, uninstall } from "./livekit-double";
import { conversationFor } from "../../platform/objects";
import { eventually } from "./conversation-helpers";

type Settings = { LIVEKIT_URL?: string; LIVEKIT_API_KEY?: string; LIVEKIT_API_SECRET?: string };
const settings = env as Settings;
const verify = (token: string) => new TokenVerifier(LIVEKIT.LIVEKIT_API_KEY, LIVEKIT.LIVEKIT_API_SECRET).verify(token);

const ORIGIN = "https://sb.example";
const BASIC = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);
type Json = Record<string, unknown>;

async function call(method: string, path: string, headers: Record<string, string>, params?: Record<string, string>) {
  const init: RequestInit = { method, headers: { ...headers, ...(params ? { "content-type": "application/x-www-form-urlencoded" } : {}) } };
  if (params) init.body = new URLSearchParams(params).toString();
  const res = await app.request(`${ORIGIN}${path}`, init, env);
  return { status: res.status, body: (await res.json()) as Json };
}
async function ok(method: string, path: string, params?: Record<string, string>): Promise<Json> {
  const res = await call(method, path, { authorization: BASIC }, params);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const mediaToken = (conversationSid: string, token?: string) =>
  call("POST", `/api/conversations/${conversationSid}/media-token`, token === undefined ? {} : bearer(token));

let ws = "";
let conversation = "";
let closed = "";
let callless = "";
let ann = "";
let sue = "";
const tokens = { ann: "", bob: "", sue: "", backendSupervisor: "", otherWorkspace: "" };

const realtimeToken = async (workspaceSid: string, role: string, workerSid?: string) =>
  (await ok("POST", "/api/tokens", { WorkspaceSid: workspaceSid, Role: role, ...(workerSid ? { WorkerSid: workerSid } : {}) }))
    .token as string;

beforeAll(async () => {
  install();
  ws = await newWorkspace("calls");
  const worker = async (name: string) =>
    (await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Workers`, { FriendlyName: name })).sid as string;
  ann = await worker("Ann");
  const bob = await worker("Bob");
  sue = await worker("Sue");
  tokens.ann = await realtimeToken(ws, "worker", ann);
  tokens.bob = await realtimeToken(ws, "worker", bob);
  tokens.sue = await realtimeToken(ws, "supervisor", sue);
  tokens.backendSupervisor = await realtimeToken(ws, "supervisor");
  const other = await newWorkspace("elsewhere");
  const stranger = (await ok("POST", `/taskrouter/v1/Workspaces/${other}/Workers`, { FriendlyName: "Stranger" })).sid as string;
  tokens.otherWorkspace = await realtimeToken(other, "worker", stranger);

  const service = `/conversations/v1/Services/IS${ws.slice(2)}/Conversations`;
  conversation = (await ok("POST", service, { FriendlyName: "a call" })).sid as string;
  await ok("POST", `${service}/${conversation}/Participants`, { Identity: ann, Attributes: "{}" });
  // A token is for a live call: Ann starts one on the conversation.
  const started = await call("POST", `/api/conversations/${conversation}/call`, bearer(tokens.ann), { Kind: "voice" });
  if (started.status !== 201) throw new Error(`call: ${started.status} ${JSON.stringify(started.body)}`);
  callless = (await ok("POST", service, { FriendlyName: "no call" })).sid as string;
  await ok("POST", `${service}/${callless}/Participants`, { Identity: ann, Attributes: "{}" });
  closed = (await ok("POST", service, { FriendlyName: "over" })).sid as string;
  await ok("POST", `${service}/${closed}/Participants`, { Identity: ann });
  await ok("POST", `${service}/${closed}`, { State: "closed" });
}, 30_000);

afterAll(() => {
  uninstall();
});

describe("POST /api/conversations/{sid}/media-token", () => {
  it("gives the conversation's agent the agent grant for the room named for the conversation", async () => {
    const res = await mediaToken(conversation, tokens.ann);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ url: LIVEKIT.LIVEKIT_URL, room: conversation, identity: ann });
    const claims = await verify(res.body.token as string);
    expect(claims.sub).toBe(ann);
    expect(claims.video).toMatchObject({ room: conversation, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: false });
    expect(claims.video?.canPublishSources).toEqual(["microphone", "camera", "screen_share", "screen_share_audio"]);
    expect(claims.video?.hidden).toBeUndefined();
    expect(new Date(res.body.expires_at as string).getTime()).toBe(claims.exp! * 1000);
    // The room lives in the conversation's region: its SID names the workspace's home region.
    expect(regionOfSid(conversation)).toBe(regionOfSid(ws));
  });

  it("gives a supervisor the hidden monitor grant: subscribe only, publish nothing", async () => {
    for (const token of [tokens.sue, tokens.backendSupervisor]) {
      const res = await mediaToken(conversation, token);
      expect(res.status).toBe(200);
      expect(String(res.body.identity)).toMatch(/^monitor:/);
      const claims = await verify(res.body.token as string);
      expect(claims.video).toMatchObject({
        room: conversation,
        roomJoin: true,
        hidden: true,
        canPublish: false,
        canSubscribe: true,
        canPublishData: false,
      });
      expect(claims.video?.canPublishSources).toBeUndefined();
    }
  });

  it.each([
    // [Mode, grant, identity prefix, event]
    ["monitor", "monitor", "monitor:", "supervisor.call.monitor"],
    ["whisper", "supervisor", "supervisor:", "supervisor.call.whisper"],
    ["barge", "supervisor", "supervisor:", "supervisor.call.barge"],
  ] as const)("gives a supervisor asking Mode=%s the %s grant, and records it as %s", async (mode, grant, prefix, eventType) => {
    const res = await call("POST", `/api/conversations/${conversation}/media-token`, bearer(tokens.sue), { Mode: mode });
    expect(res.status).toBe(200);
    expect(res.body.identity).toBe(mode === "monitor" ? `monitor:${sue}` : `supervisor:${sue}`);
    expect(String(res.body.identity).startsWith(prefix)).toBe(true);
    const claims = await verify(res.body.token as string);
    expect(claims.attributes).toEqual({ "switchboard.role": grant });
    if (grant === "monitor") expect(claims.video).toMatchObject({ hidden: true, canPublish: false, canSubscribe: true });
    else {
      expect(claims.video).toMatchObject({ canPublish: true, canSubscribe: true, canPublishData: false });
      expect(claims.video?.hidden).toBeUndefined();
      expect(claims.video?.canPublishSources).toEqual(["microphone"]);
    }
    // The action is a workspace event on Ann's conversation, naming the call and who joined as what.
    const event = await eventually(`a ${eventType} event`, async () => {
      await conversationFor(env, conversation).sendWorkspaceEvents();
      const page = await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Events?EventType=${eventType}`);
      return (page.events as Json[]).find((e) => (e.event_data as Json).media_identity === res.body.identity);
    });
    const live = await conversationFor(env, conversation).getCall(env.ACCOUNT_SID!);
    expect(event.event_data).toMatchObject({
      conversation_sid: conversation,
      supervisor_worker_sid: sue,
      media_identity: res.body.identity,
      call_sid: live.ok ? live.value?.sid : "a call",
    });
  });

  it.each([
    // [who, token, Mode, status, what the message says]
    ["an agent of the conversation naming a Mode", "ann", "whisper", 403, "you join its call as its agent"],
    [
      "a backend's supervisor token whispering (it names nobody to speak as)",
      "backendSupervisor",
      "whisper",
      403,
      "names a worker or a user",
    ],
    ["a Mode Switchboard does not know", "sue", "coach", 400, "Mode"],
  ] as const)("refuses %s", async (_who, name, mode, status, message) => {
    const res = await call("POST", `/api/conversations/${conversation}/media-token`, bearer(tokens[name]), { Mode: mode });
    expect(res.status).toBe(status);
    expect(String(res.body.message)).toContain(message);
  });

  it("answers 409 when the conversation has no live call, to its agent and to a supervisor alike, recording nothing", async () => {
    for (const [token, params] of [
      [tokens.ann, undefined],
      [tokens.sue, { Mode: "barge" }],
    ] as const) {
      const res = await call("POST", `/api/conversations/${callless}/media-token`, bearer(token), params);
      expect(res.status).toBe(409);
      expect(String(res.body.message)).toContain("has no live call");
    }
    await conversationFor(env, callless).sendWorkspaceEvents();
    const page = await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Events?EventType=supervisor.call.barge`);
    expect((page.events as Json[]).filter((e) => (e.event_data as Json).conversation_sid === callless)).toEqual([]);
  });

  it.each([
    // [who, token, status, what the message says]
    ["no token at all", undefined, 401, "Authentication"],
    ["an agent who is not in the conversation", "bob", 403, "not an agent of conversation"],
    ["an agent of another workspace", "otherWorkspace", 404, "was not found"],
  ] as const)("refuses %s", async (_who, name, status, message) => {
    const res = await mediaToken(conversation, name === undefined ? undefined : tokens[name]);
    expect(res.status).toBe(status);
    if (name !== undefined) expect(String(res.body.message)).toContain(message);
  });

  it("refuses the account's Basic credentials: a media token is a person's", async () => {
    const res = await call("POST", `/api/conversations/${conversation}/media-token`, { authorization: BASIC });
    expect(res.status).toBe(403);
    expect(String(res.body.message)).toContain("realtime token");
  });

  it("answers 404 for a malformed or unknown conversation SID, and 400 for a parameter it does not take", async () => {
    expect((await mediaToken("CH123", tokens.ann)).status).toBe(404);
    expect((await mediaToken("CH" + "0".repeat(32), tokens.ann)).status).toBe(404);
    const extra = await call("POST", `/api/conversations/${conversation}/media-token`, bearer(tokens.ann), { Role: "agent" });
    expect(extra.status).toBe(400);
    expect(String(extra.body.message)).toContain("Unknown parameter Role");
  });

  it("answers 409 for a conversation without a live call: a token is for joining one", async () => {
    const res = await mediaToken(callless, tokens.ann);
    expect(res.status).toBe(409);
    expect(String(res.body.message)).toContain("has no live call");
    // A call that ended: no token either (its conversation may close with the call's task, a 409 too).
    expect((await call("POST", `/api/conversations/${callless}/call`, bearer(tokens.ann), { Kind: "voice" })).status).toBe(201);
    expect((await mediaToken(callless, tokens.ann)).status).toBe(200);
    expect((await call("POST", `/api/conversations/${callless}/call/hangup`, bearer(tokens.ann))).status).toBe(200);
    expect((await mediaToken(callless, tokens.sue)).status).toBe(409);
  });

  it("answers 409 for a closed conversation: it has no call", async () => {
    const res = await mediaToken(closed, tokens.ann);
    expect(res.status).toBe(409);
    expect(String(res.body.message)).toContain("is closed");
  });

  it("answers 503 naming what is missing while LiveKit is not configured", async () => {
    delete settings.LIVEKIT_API_SECRET;
    try {
      const res = await mediaToken(conversation, tokens.ann);
      expect(res.status).toBe(503);
      expect(String(res.body.message)).toContain("Calls are off: LiveKit is not configured for region");
      expect(String(res.body.message)).toContain("LIVEKIT_API_SECRET");
    } finally {
      settings.LIVEKIT_API_SECRET = LIVEKIT.LIVEKIT_API_SECRET;
    }
  });
});

describe("POST /api/webchat/{ws}/{channel}/media-token", () => {
  let chat: ReturnType<typeof widget>;
  beforeAll(async () => {
    chat = widget(ws, await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" }));
  });

  it("gives the visitor the customer grant for their own conversation, while its call is live", async () => {
    const session = await chat.session({ name: "Casey" });
    const before = await chat.post("/media-token", "", session.token);
    expect(before.status).toBe(404);
    expect(String(before.body.message)).toContain("write a message first");

    const sent = await chat.post("/messages", { client_id: "m1", body: "can we talk?" }, session.token);
    expect(sent.status).toBe(201);
    const visitorToken = (sent.body.token as string | undefined) ?? session.token;
    const noCall = await chat.post("/media-token", "", visitorToken);
    expect(noCall.status).toBe(409);
    expect(String(noCall.body.message)).toContain("has no live call");
    expect((await chat.post("/call", { Kind: "voice" }, visitorToken)).status).toBe(201);
    const res = await chat.post("/media-token", "", visitorToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ url: LIVEKIT.LIVEKIT_URL, room: sent.body.conversation_sid, identity: session.visitor_id });
    const claims = await verify(res.body.token as string);
    expect(claims.name).toBe("Casey");
    expect(claims.video).toMatchObject({
      room: sent.body.conversation_sid,
      roomJoin: true,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true, // a keypad's tones are LiveKit DTMF packets (issue 16)
    });
    expect(claims.video?.canPublishSources).toEqual(["microphone", "camera", "screen_share"]);
  });

  it("refuses a body that names anything, such as another room: the room is the session's conversation", async () => {
    const session = await chat.session();
    const res = await chat.post("/media-token", { room: "CH" + "0".repeat(32) }, session.token);
    expect(res.status).toBe(400);
    expect(String(res.body.message)).toContain("Invalid parameter body");
  });

  it("refuses without a visitor session, and with another channel's (a session of its channel only)", async () => {
    const none = await chat.post("/media-token", "");
    expect(none.status).toBe(401);
    expect(String(none.body.message)).toContain("A visitor session is required");
    const elsewhere = widget(ws, await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" }));
    const theirs = await elsewhere.session();
    const refused = await chat.post("/media-token", "", theirs.token);
    expect(refused.status).toBe(401);
    expect(refused.body.token).toBeUndefined();
  });

  it("answers 503 saying calls are off while LiveKit is not configured", async () => {
    const session = await chat.session();
    const sent = await chat.post("/messages", { client_id: "m1", body: "hello" }, session.token);
    delete settings.LIVEKIT_API_KEY;
    try {
      const res = await chat.post("/media-token", "", (sent.body.token as string | undefined) ?? session.token);
      expect(res.status).toBe(503);
      expect(String(res.body.message)).toContain("Calls are off");
    } finally {
      settings.LIVEKIT_API_KEY = LIVEKIT.LIVEKIT_API_KEY;
    }
  });
});

describe("livekit-server-sdk in workerd", () => {
  it("lists rooms over LiveKit's Twirp API, signed with the region's key (LiveKit's answer played by fetch)", async () => {
    const found = livekitOf(settings, "us-east");
    if (!found.ok) throw new Error(found.reason);
    const realFetch = globalThis.fetch;
    const asked: { url: string; claims: Awaited<ReturnType<typeof verify>>; body: unknown }[] = [];
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
      asked.push({ url: request.url, claims: await verify(token), body: await request.json() });
      return Response.json({ rooms: [{ name: conversation, numParticipants: 2 }] });
    };
    try {
      const rooms = await roomServiceOf(found.server).listRooms([conversation]);
      expect(rooms.map((room) => [room.name, room.numParticipants])).toEqual([[conversation, 2]]);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(asked).toHaveLength(1);
    expect(asked[0]!.url).toBe("http://127.0.0.1:7880/twirp/livekit.RoomService/ListRooms");
    expect(asked[0]!.claims.video).toMatchObject({ roomList: true });
    expect(asked[0]!.body).toEqual({ names: [conversation] });
  });
});

describe("/openapi.json", () => {
  it("documents both media-token routes", async () => {
    const doc = (await (await app.request(`${ORIGIN}/openapi.json`, {}, env)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths["/api/conversations/{ConversationSid}/media-token"]?.post).toBeDefined();
    expect(doc.paths["/api/webchat/{WorkspaceSid}/{ChannelSid}/media-token"]?.post).toBeDefined();
  });
});
