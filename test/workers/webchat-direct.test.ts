/**
 * A web chat visitor's messages go straight to their conversation (workers/inbound/direct.ts), not
 * through the workspace's DirectoryDO, which is one per workspace in its home region: a new visitor's
 * first message opens the conversation their session names and rings an agent even while the directory
 * cannot be reached at all — the environment is instrumented so that every call to this workspace's
 * DirectoryDO throws, whoever makes it — and the directory hears of the visitor once it answers again
 * (the conversation's alarm): the conversation listed, the profile the task named made. A conversation
 * that has closed is not reopened: the next message goes the directory's way, which routes it with the
 * customer's history and last agent, and the answer carries a session naming the new conversation.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversationFor, directoryFor } from "../../platform/objects";
import { call, BASIC } from "./auth-helpers";
import { ok } from "./regions-helpers";
import { newChannel, widget } from "./webchat-helpers";
import { interceptStubs, WatchedCalls } from "./stub-intercept";
import { eventually } from "../support/eventually";

const ACCOUNT = env.ACCOUNT_SID!;

/** The workspace whose DirectoryDO is unreachable while `directory.down` holds. */
let ws = "";
let restore = () => {};
/** The Directory's RPC methods: a stub of the workspace's name answering one of them is its DirectoryDO's. */
const DIRECTORY_METHODS = new Set(["resolveInbound", "findOpen", "findLatest", "upsert", "noteWorker", "webhookConfigs", "list"]);
const directory = new WatchedCalls(DIRECTORY_METHODS);

let channel = "";
let agent = "";
const api = (path: string) => `/Workspaces/${ws}${path}`;

beforeAll(async () => {
  restore = interceptStubs(env.DIRECTORY, (name) => name === ws, directory.intercept);
  ws = (await ok("POST", "/Workspaces", { FriendlyName: "Direct web chat", Template: "FIFO" })).sid;
  const available = ((await ok("GET", api("/Activities"), { FriendlyName: "Available" })).activities as { sid: string }[])[0]!.sid;
  agent = (await ok("POST", api("/Workers"), { FriendlyName: "Ada Agent", ActivitySid: available })).sid;
  channel = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" });
});

afterAll(() => {
  restore();
});

const conversation = async (sid: string) => {
  const found = await conversationFor(env, sid).getConversation(ACCOUNT);
  if (!found.ok) throw new Error(found.message);
  return found.value;
};
const taskOf = async (conversationSid: string) => ok("GET", api(`/Tasks/${(await conversation(conversationSid)).task_sid!}`));
const attributesOf = async (conversationSid: string) =>
  JSON.parse((await taskOf(conversationSid)).attributes as string) as {
    from: string;
    customers: { profile_sid: string };
    history: { conversation_sid: string }[];
    known_worker_sid?: string;
  };
const reservationsOf = async (taskSid: string) =>
  (await ok("GET", api(`/Tasks/${taskSid}/Reservations`))).reservations as { sid: string; worker_sid: string }[];

describe("a new visitor", () => {
  let first = "";

  it("rings an agent with their first message while the workspace's directory cannot be reached", async () => {
    directory.down = true;
    directory.calls.length = 0;
    const visitor = widget(ws, channel);
    const session = await visitor.session({});
    expect(session.conversation_sid).toBeNull();
    const sent = await visitor.post("/messages", { client_id: "c-1", body: "Hello from Sydney" }, session.token);
    expect(sent.status).toBe(201);
    expect(sent.body.token).toBeUndefined(); // the conversation is the one the session named
    first = sent.body.conversation_sid as string;

    const task = await taskOf(first);
    expect((await reservationsOf(task.sid)).map((r) => r.worker_sid)).toEqual([agent]);
    // What the directory would have answered for someone it never saw: a new profile, nothing before.
    const attributes = await attributesOf(first);
    expect(attributes.customers.profile_sid).toMatch(/^PR[0-9a-f]{32}$/);
    expect(attributes).toMatchObject({ from: session.visitor_id, history: [] });
    expect(attributes.known_worker_sid).toBeUndefined();
    // Only the conversation, after the task, tried the directory (and failed); the Worker never asked it.
    expect(directory.calls.filter((c) => c === "resolveInbound")).toEqual(["resolveInbound"]);
    expect(directory.calls).not.toContain("findOpen");

    // Their next message joins the same conversation, the directory still down.
    const again = await visitor.post("/messages", { client_id: "c-2", body: "Still there?" }, session.token);
    expect(again.status).toBe(201);
    expect(again.body.conversation_sid).toBe(first);
  });

  it("is told to the directory once it answers again: the conversation listed, the profile the task named made", async () => {
    directory.down = false;
    expect(await runDurableObjectAlarm(conversationFor(env, first))).toBe(true);
    const attributes = await attributesOf(first);
    const visitorId = attributes.from;
    expect(await directoryFor(env, ws).findOpen(ACCOUNT, channel, visitorId)).toEqual({ ok: true, value: first });
    const profile = await directoryFor(env, ws).getProfile(ACCOUNT, attributes.customers.profile_sid);
    expect(profile).toMatchObject({ ok: true, value: { addresses: [{ channel: "web", address: visitorId }] } });
    const listed = await call("GET", `/conversations/v1/Conversations?PageSize=50`, { authorization: BASIC, origin: null });
    expect((listed.body.conversations as { sid: string }[]).map((c) => c.sid)).toContain(first);
    // The agent is free for the next visitor.
    await ok("POST", api(`/Tasks/${(await taskOf(first)).sid}`), { AssignmentStatus: "canceled", Reason: "test" });
  });
});

describe("a visitor whose conversation closed", () => {
  it("opens the next one the directory's way, routed with their history and last agent, and is handed a session naming it", async () => {
    const visitor = widget(ws, channel);
    const session = await visitor.session({});
    const sent = await visitor.post("/messages", { client_id: "c-1", body: "First question" }, session.token);
    const closed = sent.body.conversation_sid as string;
    const task = await taskOf(closed);
    const [reservation] = await reservationsOf(task.sid);
    await ok("POST", api(`/Tasks/${task.sid}/Reservations/${reservation!.sid}`), { ReservationStatus: "accepted" });
    const visitorId = (await attributesOf(closed)).from;
    await eventually(async () => {
      const profile = await directoryFor(env, ws).findProfile(ACCOUNT, { channel: "web", address: visitorId });
      return profile.ok && profile.value?.last_worker_sid === agent ? true : undefined;
    }, "the agent noted as the customer's last");
    const closing = await call("POST", `/conversations/v1/Conversations/${closed}`, {
      authorization: BASIC,
      origin: null,
      form: { State: "closed" },
    });
    expect(closing.status).toBe(200);

    const next = await visitor.post("/messages", { client_id: "c-2", body: "Second question" }, session.token);
    expect(next.status).toBe(201);
    const reopened = next.body.conversation_sid as string;
    expect(reopened).not.toBe(closed);
    expect(next.body.token).toEqual(expect.any(String));
    const attributes = await attributesOf(reopened);
    expect(attributes.known_worker_sid).toBe(agent);
    expect(attributes.history.map((h) => h.conversation_sid)).toEqual([closed]);

    // With the session handed back, the next message goes to the new conversation and none is handed again.
    const third = await visitor.post("/messages", { client_id: "c-3", body: "Thanks" }, next.body.token as string);
    expect(third.body).toMatchObject({ conversation_sid: reopened });
    expect(third.body.token).toBeUndefined();
    // The old session still works: its messages reach the open conversation, with a session naming it.
    const stale = await visitor.post("/messages", { client_id: "c-4", body: "Old tab" }, session.token);
    expect(stale.body).toMatchObject({ conversation_sid: reopened, token: expect.any(String) });
  });

  it("finds a visitor's conversation again when they come back before writing more", async () => {
    const visitor = widget(ws, channel);
    const session = await visitor.session({});
    const back = await visitor.session({ token: session.token });
    expect(back.conversation_sid).toBeNull(); // nothing opened yet
    const sent = await visitor.post("/messages", { client_id: "c-1", body: "Hi" }, back.token);
    expect(sent.body.token).toBeUndefined(); // the conversation the first session named, kept
    directory.calls.length = 0;
    expect((await visitor.session({ token: session.token })).conversation_sid).toBe(sent.body.conversation_sid);
    // Their open and latest conversation come from one question to the workspace's directory.
    expect(directory.calls).toEqual(["findLatest"]);
  });
});
