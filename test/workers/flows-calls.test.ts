/**
 * A web call answered by its channel's Studio flow, end to end in workerd (issue 16): the widget's call
 * route, the real ConversationDO, FlowDO, Router and engine, LiveKit's room service played by
 * livekit-double.ts and the media service by media-voice-double.ts (which checks its secret and each
 * command's body as the real one does); the media service's replies go signed through the real
 * `/webhooks/media/voice` routes. The menu: welcome → "press 1 for billing, 2 for a message, 3 to leave"
 * → 1 enqueues the call (its task, with self_service), 2 records a voicemail, anything else says goodbye
 * and hangs up.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as livekitDouble from "./livekit-double";
import { commandsIn, install, media, reset, reply, uninstall, upload, wav } from "./media-voice-double";
import { conversationFor, flowFor, workspaceFor } from "../../platform/objects";
import type { CallRecord } from "../../contract/calls";
import type { VoiceCommand } from "../../platform/media-voice";
import type { ExecutionRecord } from "../../durable-objects/flow/flow-records";
import { ACCOUNT, AUTH, eventually } from "./conversation-helpers";
import { fetchApp, must, newChannel, newWorkspace, widget } from "./webchat-helpers";

beforeAll(livekitDouble.install);
beforeAll(install);
afterEach(() => {
  livekitDouble.reset();
  reset();
});
afterAll(() => {
  uninstall();
  livekitDouble.uninstall();
});

const scene = { ws: "", workflow: "", flowSid: "" };
let chat: ReturnType<typeof widget>;

const definition = (workflow: string) => ({
  description: "Phone menu",
  initial_state: "Trigger",
  states: [
    {
      name: "Trigger",
      type: "trigger",
      properties: {},
      transitions: [{ event: "incomingCall", next: "welcome" }, { event: "incomingMessage" }],
    },
    {
      name: "welcome",
      type: "say-play",
      properties: { say: "Welcome to Acme.", loop: 1 },
      transitions: [{ event: "audioComplete", next: "menu" }],
    },
    {
      name: "menu",
      type: "gather-input-on-call",
      properties: { say: "Press 1 for billing, 2 to leave a message, 3 to leave.", number_of_digits: 1, timeout: 5, finish_on_key: "#" },
      transitions: [
        { event: "keypress", next: "split" },
        { event: "speech", next: "bye" },
        { event: "timeout", next: "bye" },
      ],
    },
    {
      name: "split",
      type: "split-based-on",
      properties: { input: "{{widgets.menu.Digits}}" },
      transitions: [
        { event: "noMatch", next: "bye" },
        {
          event: "match",
          next: "billing",
          conditions: [{ friendly_name: "1", arguments: ["{{widgets.menu.Digits}}"], type: "equal_to", value: "1" }],
        },
        {
          event: "match",
          next: "voicemail",
          conditions: [{ friendly_name: "2", arguments: ["{{widgets.menu.Digits}}"], type: "equal_to", value: "2" }],
        },
      ],
    },
    {
      name: "billing",
      type: "enqueue-call",
      properties: { workflow_sid: workflow, task_attributes: '{"queue":"billing","caller":"{{trigger.call.From}}"}' },
      transitions: [{ event: "callComplete" }, { event: "failedToEnqueue", next: "bye" }, { event: "callFailure", next: "bye" }],
    },
    {
      name: "voicemail",
      type: "record-voicemail",
      properties: { max_length: 60, timeout: 5, finish_on_key: "#", play_beep: "true", trim: "trim-silence" },
      transitions: [{ event: "recordingComplete", next: "thanks" }, { event: "noAudio", next: "bye" }, { event: "hangup" }],
    },
    { name: "thanks", type: "say-play", properties: { say: "Thanks, we will call you back." }, transitions: [{ event: "audioComplete" }] },
    { name: "bye", type: "say-play", properties: { say: "Goodbye." }, transitions: [{ event: "audioComplete" }] },
  ],
});

beforeAll(async () => {
  scene.ws = await newWorkspace("calls in flows");
  const workflows = await fetchApp(`/taskrouter/v1/Workspaces/${scene.ws}/Workflows`, { headers: { authorization: AUTH } });
  scene.workflow = ((await workflows.json()) as { workflows: { sid: string }[] }).workflows[0]!.sid;
  const flow = workspaceFor(env, scene.ws).createFlow(ACCOUNT, {
    friendlyName: "Phone menu",
    status: "published",
    definition: definition(scene.workflow),
  });
  scene.flowSid = (await must<{ sid: string }>(flow)).sid;
  chat = widget(scene.ws, await newChannel(scene.ws, { Kind: "webchat", "Settings.allowed_origins": "*", FlowSid: scene.flowSid }));
}, 30_000);

const callOf = (room: string) => must(conversationFor(env, room).getCall(ACCOUNT)) as Promise<CallRecord>;
const executionOf = (sid: string) => must(flowFor(env, sid).getExecution(ACCOUNT)) as Promise<ExecutionRecord>;

/** A new visitor calls; answers the call as the route answered it. */
async function visitorCalls() {
  const session = await chat.session({ name: "Casey" });
  const res = await chat.post("/call", { Kind: "voice" }, session.token);
  expect(res.status).toBe(201);
  const call = res.body.call as CallRecord;
  return { session, call, room: call.room };
}

/** The `n`th voice command (1-based) sent to `room`, once it is there. */
const nthCommand = (room: string, n: number, kind?: string): Promise<VoiceCommand> =>
  eventually(`voice command ${n} in ${room}`, async () => {
    const command = commandsIn(room)[n - 1];
    if (command && kind && command.action.kind !== kind) throw new Error(`command ${n} is ${command.action.kind}, not ${kind}`);
    return command;
  });

/** Calls, hears the welcome, and is at the menu (its gather command answered back). */
async function atTheMenu() {
  const called = await visitorCalls();
  const welcome = await nthCommand(called.room, 1, "say-play");
  expect((await reply(welcome, { ok: true, value: {} })).body).toEqual({ applied: true });
  const menu = await nthCommand(called.room, 2, "gather");
  return { ...called, menu };
}

describe("a web call on a channel whose flow takes calls", () => {
  it("is answered by the flow: its execution starts with the call's trigger, no task, no hold music; the voice says the welcome", async () => {
    const { session, call, room } = await visitorCalls();
    expect(call).toMatchObject({ state: "waiting", task_sid: null });
    expect(call.execution_sid).toMatch(/^FN[0-9a-f]{32}$/);
    const welcome = await nthCommand(room, 1, "say-play");
    expect(welcome).toMatchObject({
      livekitUrl: livekitDouble.LIVEKIT.LIVEKIT_URL,
      action: { kind: "say-play", prompt: { say: "Welcome to Acme." } },
      reply: {
        url: "https://sb.example/webhooks/media/voice",
        accountSid: ACCOUNT,
        workspaceSid: scene.ws,
        executionSid: call.execution_sid,
      },
    });
    const execution = await executionOf(call.execution_sid!);
    expect(execution).toMatchObject({ status: "active", conversation_sid: room, contact_channel_address: session.visitor_id });
    expect((execution.context.trigger as { call: unknown }).call).toMatchObject({
      CallSid: call.sid,
      From: session.visitor_id,
      Direction: "inbound",
      CallStatus: "in-progress",
      ConversationSid: room,
      Kind: "voice",
    });
    expect(media.hold).toEqual([]);
    expect((await callOf(room)).task_sid).toBeNull();
    // The visitor's first message only opened the call: no messaging execution either.
    expect(await must(conversationFor(env, room).flowState(ACCOUNT))).toMatchObject({ executionSid: null, pending: false });
    expect(media.refused).toEqual([]);
  });

  it("say → gather → Digits 1 → enqueue-call: the call's own task with the flow's attributes and self_service; the voice leaves, the music starts", async () => {
    const { session, room, menu, call } = await atTheMenu();
    expect(menu.action).toMatchObject({ kind: "gather", gather: { input: expect.arrayContaining(["dtmf"]), number_of_digits: 1 } });
    await reply(menu, { ok: true, value: { Digits: "1" } });
    const taskSid = await eventually("the call's task", async () => (await callOf(room)).task_sid ?? undefined);
    const task = await fetchApp(`/taskrouter/v1/Workspaces/${scene.ws}/Tasks/${taskSid}`, { headers: { authorization: AUTH } });
    const body = (await task.json()) as { task_channel_unique_name: string; attributes: string };
    expect(body.task_channel_unique_name).toBe("voice");
    const attributes = JSON.parse(body.attributes) as Record<string, unknown>;
    expect(attributes).toMatchObject({ queue: "billing", caller: session.visitor_id, call_sid: call.sid, conversationSid: room });
    expect(attributes.self_service).toMatchObject({ execution_sid: call.execution_sid, flow_sid: scene.flowSid });
    await eventually("the voice told to leave", async () => (media.voiceStops.includes(room) ? true : undefined));
    await eventually("hold music", async () => (media.hold.some((h) => h.room === room && h.on) ? true : undefined));
    expect(await callOf(room)).toMatchObject({ state: "waiting", execution_sid: call.execution_sid });
    expect((await executionOf(call.execution_sid!)).status).toBe("ended");
  });

  it("a flow that ends without handing the call on hangs up: the call ends completed and its room closes", async () => {
    const { room, menu, call } = await atTheMenu();
    await reply(menu, { ok: true, value: { Digits: "3" } });
    const bye = await nthCommand(room, 3, "say-play");
    expect(bye.action).toMatchObject({ prompt: { say: "Goodbye." } });
    await reply(bye, { ok: true, value: {} });
    const ended = await eventually("the call's end", async () => {
      const now = await callOf(room);
      return now.state === "ended" ? now : undefined;
    });
    expect(ended).toMatchObject({ end_reason: "completed", task_sid: null });
    expect(livekitDouble.livekit.calls.some((c) => c.method === "DeleteRoom" && c.body.room === room)).toBe(true);
    expect((await executionOf(call.execution_sid!)).status).toBe("ended");
  });

  it("the caller hanging up mid-gather ends the execution (hangup); a late reply then changes nothing", async () => {
    const { session, room, menu, call } = await atTheMenu();
    const hung = await chat.post("/call/hangup", {}, session.token);
    expect(hung.status).toBe(200);
    const execution = await eventually("the execution's end", async () => {
      const now = await executionOf(call.execution_sid!);
      return now.status === "ended" ? now : undefined;
    });
    expect(execution.status).toBe("ended");
    expect(await reply(menu, { ok: true, value: { Digits: "1" } })).toMatchObject({ status: 200, body: { applied: false } });
    expect((await callOf(room)).task_sid).toBeNull();
    expect(commandsIn(room)).toHaveLength(2);
  });

  it("a voicemail: the signed upload is stored (the same for a repeat), the reply names it, and its URL serves an authenticated user only", async () => {
    const { room, menu } = await atTheMenu();
    await reply(menu, { ok: true, value: { Digits: "2" } });
    const record = await nthCommand(room, 3, "record");
    expect(record.action).toMatchObject({ record: { max_length_s: 60, play_beep: true } });
    const audio = wav(1);
    const stored = await upload(record, audio);
    expect(stored.status).toBe(201);
    expect(stored.body.RecordingSid).toMatch(/^ME[0-9a-f]{32}$/);
    expect(await upload(record, audio)).toMatchObject({ status: 201, body: stored.body });
    expect((await upload(record, audio, "text/plain")).status).toBe(415);
    await reply(record, { ok: true, value: { ...stored.body, RecordingDuration: 1 } });
    expect((await nthCommand(room, 4, "say-play")).action).toMatchObject({ prompt: { say: "Thanks, we will call you back." } });
    const url = stored.body.RecordingUrl as string;
    const fetched = await fetchApp(new URL(url).pathname, { headers: { authorization: AUTH } });
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toBe("audio/wav");
    expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(audio);
    expect((await fetchApp(new URL(url).pathname)).status).toBe(401);
  });

  it("refuses a forged or stale signature (401), a bad body (400 naming the field) and a duplicate (applied: false), changing nothing", async () => {
    const { room, menu } = await atTheMenu();
    const one = { ok: true, value: { Digits: "1" } } as const;
    expect((await reply(menu, one, { secret: "not-the-secret" })).status).toBe(401);
    expect((await reply(menu, one, { at: Date.now() - 10 * 60_000 })).status).toBe(401);
    const { url: _url, ...to } = menu.reply;
    const badBody = await reply(menu, one, { body: JSON.stringify({ ...to, executionSid: "FN-nope", result: one }) });
    expect(badBody.status).toBe(400);
    expect(String(badBody.body.message)).toContain("executionSid");
    const unknown = await reply(menu, one, { body: JSON.stringify({ ...to, executionSid: "FN" + "0".repeat(32), result: one }) });
    expect(unknown.status).toBe(404);
    expect((await callOf(room)).task_sid).toBeNull();
    expect(commandsIn(room)).toHaveLength(2);
    // The real reply applies once; the same again changes nothing.
    expect((await reply(menu, { ok: true, value: { Digits: "3" } })).body).toEqual({ applied: true });
    expect((await reply(menu, { ok: true, value: { Digits: "1" } })).body).toEqual({ applied: false });
    expect((await nthCommand(room, 3, "say-play")).action).toMatchObject({ prompt: { say: "Goodbye." } });
    expect((await callOf(room)).task_sid).toBeNull();
  });

  it("survives an eviction between the command and its reply: the reply applies once, the command is not sent again", async () => {
    const { room, menu, call } = await atTheMenu();
    await evictDurableObject(flowFor(env, call.execution_sid!));
    // Woken again (a read): the dispatched gather is not sent again.
    expect((await executionOf(call.execution_sid!)).status).toBe("active");
    expect(commandsIn(room)).toHaveLength(2);
    expect((await reply(menu, { ok: true, value: { Digits: "3" } })).body).toEqual({ applied: true });
    await nthCommand(room, 3, "say-play");
    await evictDurableObject(flowFor(env, call.execution_sid!));
    expect((await reply(menu, { ok: true, value: { Digits: "3" } })).body).toEqual({ applied: false });
    expect(commandsIn(room)).toHaveLength(3);
  });

  it("a command the media service never answers fails on its watchdog: the gather times out and the flow says goodbye", async () => {
    const { room, call } = await atTheMenu();
    const flow = flowFor(env, call.execution_sid!);
    await eventually("the watchdog's failure", async () => {
      await runDurableObjectAlarm(flow);
      return commandsIn(room).length >= 3 ? true : undefined;
    });
    expect(commandsIn(room)[2]!.action).toMatchObject({ kind: "say-play", prompt: { say: "Goodbye." } });
    const steps = (await must(flow.listSteps(ACCOUNT, { pageSize: 50, page: 0 }))) as {
      items: { name: string; transitioned_from: string }[];
    };
    expect(steps.items.some((s) => s.transitioned_from === "menu" && s.name === "timeout")).toBe(true);
  });

  it("without a media service every voice widget fails at once: the flow runs out and hangs up", async () => {
    delete (env as { MEDIA_SERVICE_URL?: string }).MEDIA_SERVICE_URL;
    const { room } = await visitorCalls();
    const ended = await eventually("the call's end", async () => {
      const now = await callOf(room);
      return now.state === "ended" ? now : undefined;
    });
    expect(ended).toMatchObject({ end_reason: "completed", task_sid: null });
  });
});

describe("a call the flow cannot answer", () => {
  it("waits for an agent as without a flow when the channel's flow cannot start, the reason kept", async () => {
    const draft = workspaceFor(env, scene.ws).createFlow(ACCOUNT, {
      friendlyName: "Draft",
      status: "draft",
      definition: definition(scene.workflow),
    });
    const flowSid = (await must<{ sid: string }>(draft)).sid;
    const other = widget(scene.ws, await newChannel(scene.ws, { Kind: "webchat", "Settings.allowed_origins": "*", FlowSid: flowSid }));
    const session = await other.session({ name: "Dana" });
    const res = await other.post("/call", { Kind: "voice" }, session.token);
    expect(res.status).toBe(201);
    const call = res.body.call as CallRecord;
    expect(call.execution_sid).toBeNull();
    expect(call.task_sid).toMatch(/^WT/);
    const state = await must(conversationFor(env, call.room).flowState(ACCOUNT));
    expect(state.error).toContain(flowSid);
    expect(commandsIn(call.room)).toEqual([]);
  });
});
