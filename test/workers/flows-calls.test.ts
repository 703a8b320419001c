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
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AccessToken } from "livekit-server-sdk";
import * as livekitDouble from "./livekit-double";
import { commandsIn, install, media, reset, reply, uninstall, upload, wav } from "./media-voice-double";
import { conversationFor, flowFor, workspaceFor } from "../../platform/objects";
import type { CallRecord } from "../../contract/calls";
import { VOICE_SIGNATURE_HEADER, type VoiceCommand } from "../../platform/media-voice";
import { VOICEMAIL_LIMIT } from "../../workers/inbound/media-voice";
import type { ExecutionRecord } from "../../durable-objects/flow/flow-records";
import { ACCOUNT, AUTH, eventually } from "./conversation-helpers";
import { conversationTaskEvent, fetchApp, must, newChannel, newWorkspace, widget } from "./webchat-helpers";

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

/** A LiveKit webhook, signed as LiveKit signs it (a JWT by the region's key carrying the body's sha256). */
async function livekitWebhook(body: Record<string, unknown>) {
  const text = JSON.stringify({ createdAt: String(Math.floor(Date.now() / 1000)), ...body });
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  const token = new AccessToken(livekitDouble.LIVEKIT.LIVEKIT_API_KEY, livekitDouble.LIVEKIT.LIVEKIT_API_SECRET, { ttl: "5m" });
  token.sha256 = btoa(String.fromCharCode(...hash));
  return fetchApp("/webhooks/livekit", {
    method: "POST",
    headers: { "content-type": "application/webhook+json", authorization: await token.toJwt() },
    body: text,
  });
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

  it("a caller who drops out and is not back within the grace abandons the call: the execution ends (hangup), told once", async () => {
    const { session, room, call } = await atTheMenu();
    const participant = { identity: session.visitor_id, name: "Casey", attributes: { "switchboard.role": "customer" } };
    expect(
      (
        await livekitWebhook({
          event: "participant_joined",
          id: "EV_join_" + room,
          room: { sid: "RM_calls", name: room },
          participant: { ...participant, sid: "PA_" + room },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await livekitWebhook({
          event: "participant_left",
          id: "EV_left_" + room,
          room: { sid: "RM_calls", name: room },
          participant: { ...participant, sid: "PA_" + room },
        })
      ).status,
    ).toBe(200);
    const conversation = conversationFor(env, room);
    const ended = await eventually("the call abandoned", async () => {
      await runDurableObjectAlarm(conversation);
      const now = await callOf(room);
      return now.state === "ended" ? now : undefined;
    });
    expect(ended.end_reason).toBe("abandoned");
    await eventually("the execution's end", async () => ((await executionOf(call.execution_sid!)).status === "ended" ? true : undefined));
    // Told again (an outbox retry): nothing changes.
    expect(await must(flowFor(env, call.execution_sid!).callEnded(ACCOUNT))).toMatchObject({ status: "ended" });
    expect(media.voiceStops).toContain(room);
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
    const path = `${record.reply.url}/${record.reply.executionSid}/${record.reply.effectId}/recording`;
    const put = (body: Uint8Array, signature: string) =>
      fetchApp(new URL(path).pathname, {
        method: "PUT",
        headers: { "content-type": "audio/wav", [VOICE_SIGNATURE_HEADER]: signature },
        body,
      });
    expect((await put(audio, `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`)).status).toBe(401);
    expect((await put(new Uint8Array(VOICEMAIL_LIMIT + 1), `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`)).status).toBe(413);
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

/**
 * While `fn` runs, every ConversationDO's FlowDO.start for a call fails as an eviction or an unreachable
 * FlowDO would (`failures` times, then it goes through): the ports are patched on the class's prototype,
 * found through a live instance, since the call's conversation does not exist before the call.
 */
async function withCallStartFailing<T>(failures: number, fn: () => Promise<T>, before?: () => Promise<unknown>): Promise<T> {
  type Ports = { flows?: { start: (...args: unknown[]) => Promise<unknown> } };
  const any = conversationFor(env, (await visitorCalls()).room);
  const proto = await runInDurableObject(any, (instance) => Object.getPrototypeOf(instance) as { callPorts: (row: unknown) => Ports });
  const original = proto.callPorts;
  let left = failures;
  proto.callPorts = function (this: unknown, row: unknown) {
    const ports = original.call(this, row);
    const flows = ports.flows!;
    return {
      ...ports,
      flows: {
        ...flows,
        start: async (...args: unknown[]) => {
          await before?.();
          return left-- > 0 ? Promise.reject(new Error("the object was evicted")) : flows.start(...args);
        },
      },
    };
  };
  try {
    return await fn();
  } finally {
    proto.callPorts = original;
  }
}

/** Runs the conversation's alarm until `done` holds (each run fires the earliest timer due). */
async function alarmsUntil(room: string, what: string, done: (call: CallRecord) => boolean, limit = 10): Promise<CallRecord> {
  for (let run = 0; run < limit; run++) {
    const call = await callOf(room);
    if (done(call)) return call;
    await runDurableObjectAlarm(conversationFor(env, room));
  }
  throw new Error(`${what}: not after ${limit} alarms`);
}

describe("a call whose execution start is not answered", () => {
  it(
    "is started from the alarm after an eviction: the caller then hears the welcome, and no task is made",
    { timeout: 30_000 },
    async () => {
      const called = await withCallStartFailing(1, async () => {
        const { call, room } = await visitorCalls();
        expect(call.execution_sid).toMatch(/^FN/);
        expect(call.task_sid).toBeNull();
        expect(commandsIn(room)).toEqual([]);
        return call;
      });
      // What an eviction before FlowDO.start answered leaves: the execution recorded, its start not made.
      await evictDurableObject(conversationFor(env, called.room));
      await alarmsUntil(called.room, "the welcome", () => commandsIn(called.room).length > 0);
      const welcome = await nthCommand(called.room, 1, "say-play");
      expect(welcome.reply.executionSid).toBe(called.execution_sid);
      const execution = await executionOf(called.execution_sid!);
      expect(execution.status).toBe("active");
      const now = await callOf(called.room);
      expect(now).toMatchObject({ execution_sid: called.execution_sid, task_sid: null });
    },
  );

  it("waits for an agent once the start has failed its last attempt: the call's task, the reason kept, no voice", async () => {
    const call = await withCallStartFailing(100, async () => {
      const { call, room } = await visitorCalls();
      expect(call.execution_sid).toMatch(/^FN/);
      return alarmsUntil(room, "the call's task", (now) => now.task_sid !== null);
    });
    expect(call.execution_sid).toBeNull();
    expect(call.task_sid).toMatch(/^WT/);
    const state = await must(conversationFor(env, call.room).flowState(ACCOUNT));
    expect(state.error).toContain("the object was evicted");
    expect(commandsIn(call.room)).toEqual([]);
    // Nothing is left to retry: another alarm changes nothing.
    await runDurableObjectAlarm(conversationFor(env, call.room));
    expect(await callOf(call.room)).toMatchObject({ task_sid: call.task_sid, execution_sid: null });
  });
});

describe("a call that ends while its execution starts", () => {
  it("tells the execution once it has started: it ends (hangup) and nothing is left to retry", async () => {
    const session = await chat.session({ name: "Lou" });
    // The caller hangs up while FlowDO.start is out: the end's first telling finds no execution yet.
    const hangUp = async () => expect((await chat.post("/call/hangup", {}, session.token)).status).toBe(200);
    const call = await withCallStartFailing(
      0,
      async () => (await chat.post("/call", { Kind: "voice" }, session.token)).body.call as CallRecord,
      hangUp,
    );
    expect(call.state).toBe("ended");
    const execution = await eventually("the execution's end", async () => {
      const now = await executionOf(call.execution_sid!);
      return now.status === "ended" ? now : undefined;
    });
    expect(execution.status).toBe("ended");
    await runDurableObjectAlarm(conversationFor(env, call.room));
    expect(await callOf(call.room)).toMatchObject({ state: "ended", task_sid: null });
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

  it("never answers an agent's call: an agent escalating the chat the flow handed them keeps their task, no execution, no voice", async () => {
    const base = `/taskrouter/v1/Workspaces/${scene.ws}`;
    const form = (params: Record<string, string>) => ({
      method: "POST",
      headers: { authorization: AUTH, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params),
    });
    const channels = (await (await fetchApp(`${base}/TaskChannels`, { headers: { authorization: AUTH } })).json()) as {
      channels: { sid: string; unique_name: string }[];
    };
    const chatChannel = channels.channels.find((c) => c.unique_name === "chat")!.sid;
    const both = definition(scene.workflow);
    const handOff = {
      name: "to_agent",
      type: "send-to-flex",
      properties: { workflow: scene.workflow, channel: chatChannel, attributes: "{}" },
      transitions: [{ event: "callComplete" }, { event: "failedToEnqueue" }, { event: "callFailure" }],
    };
    const flow = workspaceFor(env, scene.ws).createFlow(ACCOUNT, {
      friendlyName: "Chat and calls",
      status: "published",
      definition: {
        ...both,
        states: [
          {
            ...both.states[0]!,
            transitions: [
              { event: "incomingCall", next: "welcome" },
              { event: "incomingMessage", next: "to_agent" },
            ],
          },
          ...both.states.slice(1),
          handOff,
        ],
      },
    });
    const flowSid = (await must<{ sid: string }>(flow)).sid;
    const site = widget(scene.ws, await newChannel(scene.ws, { Kind: "webchat", "Settings.allowed_origins": "*", FlowSid: flowSid }));
    const session = await site.session({ name: "Eve" });
    const sent = await site.post("/messages", { client_id: "m1", body: "hello" }, session.token);
    const room = sent.body.conversation_sid as string;
    const chatTask = await eventually("the chat's task", async () => {
      const conversation = await must(conversationFor(env, room).getConversation(ACCOUNT));
      return conversation.task_sid ?? undefined;
    });
    const ann = ((await (await fetchApp(`${base}/Workers`, form({ FriendlyName: "Ann" }))).json()) as { sid: string }).sid;
    const token = (
      (await (await fetchApp("/api/tokens", form({ WorkspaceSid: scene.ws, Role: "worker", WorkerSid: ann }))).json()) as {
        token: string;
      }
    ).token;
    await conversationTaskEvent(scene.ws, room, "reservation.accepted", { sid: ann, name: "Ann" });
    const started = await fetchApp(`/api/conversations/${room}/call`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ Kind: "voice" }),
    });
    expect(started.status).toBe(201);
    const call = ((await started.json()) as { call: CallRecord }).call;
    expect(call).toMatchObject({ started_by: "agent", execution_sid: null, task_sid: chatTask });
    expect(commandsIn(room)).toEqual([]);
  });
});

describe("a flow's hand-off carries the widget's priority and timeout to the task", () => {
  const taskOf = async (sid: string) =>
    (await (await fetchApp(`/taskrouter/v1/Workspaces/${scene.ws}/Tasks/${sid}`, { headers: { authorization: AUTH } })).json()) as {
      priority: number;
      timeout: number;
      attributes: string;
    };
  /** A published flow whose trigger's `event` goes straight to `widget`, on a new web chat channel. */
  async function siteWith(event: "incomingCall" | "incomingMessage", widget: Record<string, unknown>) {
    const flow = workspaceFor(env, scene.ws).createFlow(ACCOUNT, {
      friendlyName: `Hand-off on ${event}`,
      status: "published",
      definition: {
        description: "hand-off",
        initial_state: "Trigger",
        states: [
          { name: "Trigger", type: "trigger", properties: {}, transitions: [{ event, next: "handoff" }] },
          { name: "handoff", ...widget },
        ],
      },
    });
    const flowSid = (await must<{ sid: string }>(flow)).sid;
    return widgetOf(await newChannel(scene.ws, { Kind: "webchat", "Settings.allowed_origins": "*", FlowSid: flowSid }));
  }
  const widgetOf = (channel: string) => widget(scene.ws, channel);
  const transitions = [{ event: "callComplete" }, { event: "failedToEnqueue" }, { event: "callFailure" }];

  it.each([
    {
      name: "enqueue-call",
      properties: () => ({ workflow_sid: scene.workflow, task_attributes: '{"queue":"vip"}', priority: 7, timeout: 600 }),
    },
    {
      name: "send-to-flex",
      properties: () => ({ workflow: scene.workflow, channel: "chat", attributes: '{"queue":"vip"}', priority: "7", timeout: "600" }),
    },
  ])("$name on a call: the call's task has Priority 7 and Timeout 600", async ({ name, properties }) => {
    const site = await siteWith("incomingCall", { type: name, properties: properties(), transitions });
    const session = await site.session({ name: "Finn" });
    const res = await site.post("/call", { Kind: "voice" }, session.token);
    expect(res.status).toBe(201);
    const room = (res.body.call as CallRecord).room;
    const call = await eventually("the call's task", async () => {
      const now = await callOf(room);
      return now.task_sid ? now : undefined;
    });
    const task = await taskOf(call.task_sid!);
    expect(task).toMatchObject({ priority: 7, timeout: 600 });
    expect(JSON.parse(task.attributes)).toMatchObject({ queue: "vip" });
  });

  it("send-to-flex on a chat: the conversation's task has Priority 9 and Timeout 3600", async () => {
    const site = await siteWith("incomingMessage", {
      type: "send-to-flex",
      properties: { workflow: scene.workflow, channel: "chat", attributes: '{"queue":"vip"}', priority: "9", timeout: "3600" },
      transitions,
    });
    const session = await site.session({ name: "Gus" });
    const sent = await site.post("/messages", { client_id: "m1", body: "hello" }, session.token);
    const room = sent.body.conversation_sid as string;
    const taskSid = await eventually("the chat's task", async () => {
      const conversation = await must(conversationFor(env, room).getConversation(ACCOUNT));
      return conversation.task_sid ?? undefined;
    });
    expect(await taskOf(taskSid)).toMatchObject({ priority: 9, timeout: 3600 });
  });

  it("a timeout the Router would refuse fails enqueue-call (failedToEnqueue, naming Timeout): no task, the flow hangs up", async () => {
    const site = await siteWith("incomingCall", {
      type: "enqueue-call",
      properties: { workflow_sid: scene.workflow, task_attributes: "{}", timeout: "0" },
      transitions,
    });
    const session = await site.session({ name: "Ida" });
    const call = (await site.post("/call", { Kind: "voice" }, session.token)).body.call as CallRecord;
    const ended = await eventually("the call's end", async () =>
      (await callOf(call.room)).state === "ended" ? callOf(call.room) : undefined,
    );
    expect(ended).toMatchObject({ end_reason: "completed", task_sid: null });
    const context = (await must(flowFor(env, call.execution_sid!).executionContext(ACCOUNT))) as { widgets: unknown };
    expect(JSON.stringify(context.widgets)).toContain("Invalid parameter Timeout: must be a whole number of seconds from 1 to 1209600");
  });

  it("a priority the Router would refuse fails send-to-flex on a chat (failedToEnqueue, naming Priority): no task", async () => {
    const site = await siteWith("incomingMessage", {
      type: "send-to-flex",
      properties: { workflow: scene.workflow, channel: "chat", attributes: "{}", priority: "99999999999" },
      transitions,
    });
    const session = await site.session({ name: "Jay" });
    const room = (await site.post("/messages", { client_id: "m1", body: "hello" }, session.token)).body.conversation_sid as string;
    const executionSid = await eventually("the execution", async () => {
      const state = await must(conversationFor(env, room).flowState(ACCOUNT));
      return state.executionSid ?? undefined;
    });
    const execution = await eventually("the execution's end", async () => {
      const now = await executionOf(executionSid);
      return now.status === "ended" ? now : undefined;
    });
    expect(execution.status).toBe("ended");
    const context = (await must(flowFor(env, executionSid).executionContext(ACCOUNT))) as { widgets: unknown };
    expect(JSON.stringify(context.widgets)).toContain("Invalid parameter Priority: must be a whole number from 0 to 2147483647");
    expect((await must(conversationFor(env, room).getConversation(ACCOUNT))).task_sid).toBeNull();
  });

  it("without them, the Router's defaults: Priority 0 and Timeout 86400", async () => {
    const site = await siteWith("incomingCall", {
      type: "enqueue-call",
      properties: { workflow_sid: scene.workflow, task_attributes: "{}" },
      transitions,
    });
    const session = await site.session({ name: "Hal" });
    const room = ((await site.post("/call", { Kind: "voice" }, session.token)).body.call as CallRecord).room;
    const call = await eventually("the call's task", async () => ((await callOf(room)).task_sid ? callOf(room) : undefined));
    expect(await taskOf(call.task_sid!)).toMatchObject({ priority: 0, timeout: 86400 });
  });
});

describe("connect-call-to a worker (noun client)", () => {
  const place = { ws: "", ivy: "", jo: "", site: null as ReturnType<typeof widget> | null };
  const rest = async (path: string, params?: Record<string, string>) => {
    const res = await fetchApp(
      `/taskrouter/v1/Workspaces/${place.ws}${path}`,
      params
        ? {
            method: "POST",
            headers: { authorization: AUTH, "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(params),
          }
        : { headers: { authorization: AUTH } },
    );
    return (await res.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    place.ws = await newWorkspace("connect a call");
    const available = ((await rest("/Activities?FriendlyName=Available")).activities as { sid: string }[])[0]!.sid;
    const team = (await rest("/TaskQueues", { FriendlyName: "Team", TargetWorkers: "team == 'calls'" })).sid as string;
    const configuration = {
      task_routing: {
        filters: [
          {
            filter_friendly_name: "to a worker",
            expression: "transferTargetType == 'worker'",
            targets: [{ queue: team, known_worker_sid: "task.known_worker_sid" }],
          },
        ],
        default_filter: { queue: team },
      },
    };
    const workflow = (await rest("/Workflows", { FriendlyName: "Calls", Configuration: JSON.stringify(configuration) })).sid as string;
    // Ivy waits longest: without the known worker she would get the call.
    place.ivy = (await rest("/Workers", { FriendlyName: "Ivy", ActivitySid: available, Attributes: '{"team":"calls"}' })).sid as string;
    place.jo = (await rest("/Workers", { FriendlyName: "Jo", ActivitySid: available, Attributes: '{"team":"calls"}' })).sid as string;
    const flow = workspaceFor(env, place.ws).createFlow(ACCOUNT, {
      friendlyName: "Straight to Jo",
      status: "published",
      definition: {
        description: "connect",
        initial_state: "Trigger",
        states: [
          { name: "Trigger", type: "trigger", properties: {}, transitions: [{ event: "incomingCall", next: "to_jo" }] },
          {
            name: "to_jo",
            type: "connect-call-to",
            properties: { noun: "client", to: place.jo },
            transitions: [{ event: "callCompleted" }, { event: "hangup" }],
          },
        ],
      },
    });
    const flowSid = (await must<{ sid: string }>(flow)).sid;
    const channel = await newChannel(place.ws, {
      Kind: "webchat",
      "Settings.allowed_origins": "*",
      FlowSid: flowSid,
      WorkflowSid: workflow,
    });
    place.site = widget(place.ws, channel);
  }, 30_000);

  it("makes the call's task for that worker (transferTargetType worker, known_worker_sid), and only they are offered it", async () => {
    const session = await place.site!.session({ name: "Kim" });
    const res = await place.site!.post("/call", { Kind: "voice" }, session.token);
    expect(res.status).toBe(201);
    const room = (res.body.call as CallRecord).room;
    const call = await eventually("the call's task", async () => {
      const now = await callOf(room);
      return now.task_sid ? now : undefined;
    });
    const task = await rest(`/Tasks/${call.task_sid}`);
    expect(JSON.parse(task.attributes as string)).toMatchObject({
      conversationSid: room,
      transferTargetType: "worker",
      transferTargetSid: place.jo,
      known_worker_sid: place.jo,
    });
    const reservation = await eventually("the call's reservation", async () => {
      const page = await rest(`/Tasks/${call.task_sid}/Reservations?ReservationStatus=pending`);
      return (page.reservations as { worker_sid: string }[])[0];
    });
    expect(reservation.worker_sid).toBe(place.jo);
    const execution = await executionOf(call.execution_sid!);
    expect(execution.status).toBe("ended");
  });
});
