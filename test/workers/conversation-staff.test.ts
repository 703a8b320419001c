/**
 * Staff-only messages in live conversations, through the Worker with the real RouterDO, DirectoryDO and
 * ConversationDO: internal notes (REST `Visibility=staff`, or `note: true` on the agents' socket) are
 * never delivered to an SMS customer (Twilio's API double counts every send), never reach the web chat
 * customer's socket (live or in a snapshot after `?since=`), and are listed and pushed to staff marked
 * `visibility: "staff"`; a watching supervisor whispers to the agent, barges in to write to the
 * customer and barges out to watch again; and each of those actions is one `supervisor.*` event in the
 * workspace's Events API, however often the conversation hands it over.
 */
import { env, exports } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { CONVERSATION_SUBPROTOCOL, type ConversationFrame, type MessageRecord } from "../../contract/conversations";
import type { EventRecord } from "../../contract/taskrouter";
import { AgentSocket } from "./realtime-helpers";
import { openSocket as openWidgetSocket, widget } from "./webchat-helpers";
import { conversationFor, directoryFor, routerOf } from "../../platform/objects";
import { eventually as pollUntil } from "../support/eventually";
import { ACCOUNT, ORIGIN, eventually, ok, rest, smsChannel, textChannel, twilioDouble, type Body } from "./conversation-helpers";

const NUMBER = "+15552224444";

/** Every body Twilio's Messages API (the double) was asked to send to a customer. */
const sentToCustomers = twilioDouble();

let ws = "";
let sms = "";
let chat = "";
let ann = "";
let sue = "";
let annToken = "";
/** A supervisor who is also a worker (not in the agents' queue): may barge in as themselves. */
let sueToken = "";
/** A backend's supervisor token naming no worker and no user. */
let anonymousSupervisor = "";

beforeAll(async () => {
  ws = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "staff notes" })).sid;
  const base = `/taskrouter/v1/Workspaces/${ws}`;
  const available = ((await ok("GET", `${base}/Activities?FriendlyName=Available`)).activities as Body[])[0]!.sid;
  const agents = (await ok("POST", `${base}/TaskQueues`, { FriendlyName: "Agents", TargetWorkers: "role == 'agent'" })).sid;
  const configuration = { task_routing: { filters: [], default_filter: { queue: agents } } };
  const workflow = (await ok("POST", `${base}/Workflows`, { FriendlyName: "Messaging", Configuration: JSON.stringify(configuration) })).sid;
  ann = (await ok("POST", `${base}/Workers`, { FriendlyName: "Ann", ActivitySid: available, Attributes: '{"role":"agent"}' })).sid;
  // Ann takes every test's conversation: room for all of them on every channel.
  for (const channel of (await ok("GET", `${base}/Workers/${ann}/Channels`)).channels as Body[])
    await ok("POST", `${base}/Workers/${ann}/Channels/${channel.sid}`, { Capacity: "50" });
  sue = (await ok("POST", `${base}/Workers`, { FriendlyName: "Sue", Attributes: '{"role":"supervisor"}' })).sid;
  annToken = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "worker", WorkerSid: ann })).token as string;
  sueToken = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "supervisor", WorkerSid: sue })).token as string;
  anonymousSupervisor = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "supervisor" })).token as string;
  sms = await smsChannel(ws, NUMBER, workflow);
  chat = (await ok("POST", `/api/workspaces/${ws}/channels`, { Kind: "webchat", WorkflowSid: workflow, "Settings.allowed_origins": "*" }))
    .sid;
}, 30_000);

/** The customer texts the channel's number. */
const text = (from: string, body: string) => textChannel(ws, sms, from, NUMBER, body);

async function taskOf(sid: string): Promise<string> {
  return eventually("the conversation's task", async () => {
    const read = await conversationFor(env, sid).getConversation(ACCOUNT);
    return read.ok && read.value.task_sid !== null ? read.value.task_sid : undefined;
  });
}

/** Ann accepts the conversation's task and is in the conversation. */
async function annAccepts(sid: string): Promise<string> {
  const taskSid = await taskOf(sid);
  const reservation = await eventually("Ann's reservation", async () => {
    const page = await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}/Reservations?ReservationStatus=pending`);
    return (page.reservations as Body[])[0];
  });
  await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}/Reservations/${reservation.sid}`, { ReservationStatus: "accepted" });
  await eventually("Ann in the conversation", async () => {
    const page = await conversationFor(env, sid).listParticipants(ACCOUNT, { pageSize: 50, page: 0 });
    return page.ok && page.value.items.some((p) => p.identity === ann) ? true : undefined;
  });
  return taskSid;
}

/** An SMS customer writes in and Ann takes the conversation. */
async function smsConversation(customer: string) {
  await text(customer, "where is my parcel?");
  const found = await directoryFor(env, ws).findOpen(ACCOUNT, sms, customer);
  if (!found.ok || found.value === null) throw new Error(`no conversation for ${customer}`);
  const sid = found.value;
  return { sid, taskSid: await annAccepts(sid) };
}

/** A web chat visitor writes in and Ann takes the conversation; with the visitor's widget routes. */
async function webConversation() {
  const routes = widget(ws, chat);
  const visitor = await routes.session({ name: "Vic" });
  const first = await routes.post("/messages", { client_id: "v-1", body: "hello?" }, visitor.token);
  expect(first.status).toBe(201);
  const sid = first.body.conversation_sid as string;
  return { sid, routes, visitor, taskSid: await annAccepts(sid) };
}

async function staffSocket(sid: string, token: string, query = "") {
  const res = await exports.default.fetch(`${ORIGIN}/api/conversations/${sid}/socket${query}`, {
    headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `${CONVERSATION_SUBPROTOCOL}, token.${token}` },
  });
  expect(res.status).toBe(101);
  const socket = new AgentSocket(res.webSocket!);
  await socket.nextOf("conversation.snapshot");
  return socket;
}

const listed = async (sid: string) =>
  ((await ok("GET", `/conversations/v1/Conversations/${sid}/Messages?PageSize=50`)).messages as MessageRecord[]).map((m) => [
    m.body,
    m.visibility,
  ]);

/** Waits (polling, letting the socket's frames in) until the customer's widget socket got a message with `body`. */
const customerSees = (customer: { frames: Record<string, unknown>[] }, body: string) =>
  pollUntil(
    () =>
      customer.frames.some((f) => f.type === "message.added" && (f as { message: MessageRecord }).message.body === body) ? true : undefined,
    `"${body}" on the customer's socket`,
  );

const added = async (socket: AgentSocket, body: string) =>
  (await socket.next(
    (f) => f.type === "message.added" && (f as unknown as { message: MessageRecord }).message.body === body,
  )) as unknown as {
    message: MessageRecord;
  };

/** The workspace's events of a type about a conversation, through the Events API. */
async function eventsOf(type: string, conversationSid: string): Promise<EventRecord[]> {
  const page = await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Events?EventType=${type}&PageSize=100`);
  return (page.events as EventRecord[]).filter((e) => e.event_data.conversation_sid === conversationSid);
}

describe("internal notes", () => {
  it("on SMS: a note by REST or on the agent's socket is stored and listed marked, and never sent to the customer", async () => {
    const { sid } = await smsConversation("+15550401010");
    const note = await rest("POST", `/conversations/v1/Conversations/${sid}/Messages`, {
      Author: ann,
      Body: "customer sounds upset, card 4111 1111 1111 1111",
      Visibility: "staff",
    });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ visibility: "staff", delivery_status: null, delivery: null });
    expect(note.body.body).toBe("customer sounds upset, card **** **** **** 1111");

    const agent = await staffSocket(sid, annToken);
    agent.send({ type: "message.send", clientId: "n-1", body: "checking the depot", note: true });
    expect((await added(agent, "checking the depot")).message).toMatchObject({ visibility: "staff", author: ann, author_role: "agent" });
    await ok("POST", `/conversations/v1/Conversations/${sid}/Messages`, { Author: ann, Body: "It is on its way" });
    await conversationFor(env, sid).deliverPending();
    await evictDurableObject(conversationFor(env, sid));
    await conversationFor(env, sid).deliverPending();

    expect(sentToCustomers).toContain("It is on its way");
    expect(sentToCustomers.some((body) => body.includes("upset") || body.includes("depot"))).toBe(false);
    expect(await listed(sid)).toEqual([
      ["where is my parcel?", "all"],
      ["customer sounds upset, card **** **** **** 1111", "staff"],
      ["checking the depot", "staff"],
      ["It is on its way", "all"],
    ]);
    agent.ws.close(1000, "done");
  });

  it("refuses a bad Visibility with a 400 naming it, and stores nothing", async () => {
    const { sid } = await smsConversation("+15550401011");
    const bad = await rest("POST", `/conversations/v1/Conversations/${sid}/Messages`, { Body: "x", Visibility: "secret" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("Visibility");
    expect(await listed(sid)).toEqual([["where is my parcel?", "all"]]);
  });

  it("on web chat: the customer's socket never sees a note, live or in the snapshot after ?since=; the agent's does", async () => {
    const { sid, routes, visitor } = await webConversation();
    const protocols = [CONVERSATION_SUBPROTOCOL, `token.${visitor.token}`];
    const customer = await openWidgetSocket(`${routes.base}/socket`, protocols);
    await customer.next("conversation.snapshot");
    const agent = await staffSocket(sid, annToken);

    agent.send({ type: "typing", note: true });
    agent.send({ type: "message.send", clientId: "n-2", body: "VIP customer", note: true });
    expect((await added(agent, "VIP customer")).message.visibility).toBe("staff");
    agent.send({ type: "message.send", clientId: "m-1", body: "Hi Vic, how can I help?" });
    await added(agent, "Hi Vic, how can I help?");
    // The customer's next message arrives after the note: had the note been sent them, it would be before.
    await customer.next("message.added");
    const bodies = () =>
      customer.frames.flatMap((f) => (f.type === "message.added" ? [(f as { message: MessageRecord }).message.body] : []));
    await customerSees(customer, "Hi Vic, how can I help?");
    expect(bodies()).toEqual(["Hi Vic, how can I help?"]);
    // Typing a note is shown to staff only; typing a reply is shown to the customer.
    expect(customer.frames.filter((f) => f.type === "typing")).toEqual([]);
    agent.send({ type: "typing" });
    expect(await customer.next("typing")).toMatchObject({ type: "typing" });
    customer.socket.close();

    for (const query of ["", "?since=0"]) {
      const again = await openWidgetSocket(`${routes.base}/socket${query}`, protocols);
      const snapshot = (await again.next("conversation.snapshot")) as Extract<ConversationFrame, { type: "conversation.snapshot" }>;
      expect(snapshot.messages.map((m) => m.body)).toEqual(
        query === "" ? ["hello?", "Hi Vic, how can I help?"] : ["Hi Vic, how can I help?"],
      );
      again.socket.close();
    }
    // The customer cannot write a note.
    const customerAgain = await openWidgetSocket(`${routes.base}/socket`, protocols);
    await customerAgain.next("conversation.snapshot");
    customerAgain.socket.send(JSON.stringify({ type: "message.send", clientId: "c-n", body: "psst", note: true }));
    expect(await customerAgain.next("error")).toMatchObject({ status: 403, clientId: "c-n" });
    customerAgain.socket.close();
    agent.ws.close(1000, "done");
  });

  it("refuses a malformed note command with a 400 error frame naming the field", async () => {
    const { sid } = await smsConversation("+15550401012");
    const agent = await staffSocket(sid, annToken);
    agent.send({ type: "message.send", clientId: "n-bad", body: "x", note: "yes" });
    expect(await agent.nextOf("error")).toMatchObject({ status: 400, clientId: "n-bad", message: expect.stringContaining("note") });
    agent.ws.close(1000, "done");
  });
});

describe("supervisors in a live conversation", () => {
  /** A web chat Ann took, with the customer's, Ann's and Sue's (watching) sockets open. */
  async function watchedConversation() {
    const { sid, routes, visitor, taskSid } = await webConversation();
    const customer = await openWidgetSocket(`${routes.base}/socket`, [CONVERSATION_SUBPROTOCOL, `token.${visitor.token}`]);
    await customer.next("conversation.snapshot");
    return { sid, taskSid, customer, agent: await staffSocket(sid, annToken), supervisor: await staffSocket(sid, sueToken) };
  }

  it("a watching supervisor's whisper reaches the agent and never the customer; watching and whispering are events", async () => {
    const { sid, taskSid, customer, agent, supervisor } = await watchedConversation();

    supervisor.send({ type: "message.send", clientId: "w-1", body: "offer the refund", note: true });
    expect(await supervisor.nextOf("ack")).toMatchObject({ clientId: "w-1" });
    expect((await added(agent, "offer the refund")).message).toMatchObject({
      visibility: "staff",
      author: sue,
      author_role: "supervisor",
      participant_sid: null,
    });
    // Without a note a watching supervisor writes nothing: that is barging in.
    supervisor.send({ type: "message.send", clientId: "w-2", body: "hello customer" });
    expect(await supervisor.nextOf("error")).toMatchObject({ status: 403, clientId: "w-2" });

    agent.send({ type: "message.send", clientId: "m-2", body: "We can refund you" });
    await customerSees(customer, "We can refund you");
    expect(customer.frames.filter((f) => f.type === "message.added").map((f) => (f as { message: MessageRecord }).message.body)).toEqual([
      "We can refund you",
    ]);

    const stub = conversationFor(env, sid);
    await stub.sendWorkspaceEvents();
    const [monitor] = await eventsOf("supervisor.monitor", sid);
    expect(monitor).toMatchObject({
      resource_type: "Task",
      resource_sid: taskSid,
      event_data: { conversation_sid: sid, task_sid: taskSid, worker_sid: ann, worker_name: "Ann", supervisor_worker_sid: sue },
    });
    const whispers = await eventsOf("supervisor.whisper", sid);
    expect(whispers).toHaveLength(1);
    expect(whispers[0]!.event_data).toMatchObject({ supervisor_worker_sid: sue, worker_sid: ann, task_sid: taskSid });
    // Filtering by the agent or the task finds them too.
    const byTask = await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Events?TaskSid=${taskSid}&EventType=supervisor.whisper`);
    expect((byTask.events as EventRecord[]).map((e) => e.sid)).toEqual([whispers[0]!.sid]);
    customer.socket.close();
    agent.ws.close(1000, "done");
    supervisor.ws.close(1000, "done");
  });

  it("a supervisor barges in to write to the customer, then out to watch again; each is one event", async () => {
    const { sid, taskSid, customer, agent, supervisor } = await watchedConversation();

    supervisor.send({ type: "barge.join", displayName: "Sue (supervisor)" });
    const joined = (await supervisor.nextOf("conversation.snapshot")) as Extract<ConversationFrame, { type: "conversation.snapshot" }>;
    const me = joined.participants.find((p) => p.sid === joined.you);
    expect(me).toMatchObject({ identity: sue, role: "supervisor", display_name: "Sue (supervisor)" });
    expect(await agent.nextOf("participant.joined")).toMatchObject({ participant: { identity: sue, role: "supervisor" } });

    supervisor.send({ type: "message.send", clientId: "b-1", body: "I am Sue, the team lead" });
    expect((await added(agent, "I am Sue, the team lead")).message).toMatchObject({ visibility: "all", author_role: "supervisor" });
    await customerSees(customer, "I am Sue, the team lead");
    // Twice: the second is refused, nothing changes.
    supervisor.send({ type: "barge.join" });
    expect(await supervisor.nextOf("error")).toMatchObject({ status: 409 });

    supervisor.send({ type: "barge.leave" });
    const watching = (await supervisor.nextOf("conversation.snapshot")) as Extract<ConversationFrame, { type: "conversation.snapshot" }>;
    expect(watching.you).toBe(`supervisor:${sue}`);
    expect(watching.participants.map((p) => p.role).sort()).toEqual(["agent", "customer"]);
    expect(supervisor.close).toBeNull();
    supervisor.send({ type: "message.send", clientId: "b-2", body: "again" });
    expect(await supervisor.nextOf("error")).toMatchObject({ status: 403, clientId: "b-2" });

    const stub = conversationFor(env, sid);
    await stub.sendWorkspaceEvents();
    await evictDurableObject(stub);
    const joinedEvents = await eventsOf("supervisor.barge.joined", sid);
    const leftEvents = await eventsOf("supervisor.barge.left", sid);
    expect(joinedEvents).toHaveLength(1);
    expect(leftEvents).toHaveLength(1);
    expect(joinedEvents[0]!.event_data).toMatchObject({
      supervisor_worker_sid: sue,
      supervisor_name: "Sue (supervisor)",
      worker_sid: ann,
      task_sid: taskSid,
      participant_sid: me!.sid,
    });
    // The same action handed over again (its answer lost, the outbox resends it) records nothing new.
    const again = await routerOf(env, ws, taskSid).recordConversationEvent(ACCOUNT, {
      key: joinedEvents[0]!.sid.slice(2, 26),
      type: "supervisor.barge.joined",
      at: Date.now(),
      conversationSid: sid,
      taskSid,
      workerSid: ann,
      supervisor: { workerSid: sue, userSid: null, name: "Sue (supervisor)" },
    });
    expect(again).toEqual({ ok: true, value: { eventSid: joinedEvents[0]!.sid, recorded: false } });
    expect(await eventsOf("supervisor.barge.joined", sid)).toHaveLength(1);
    customer.socket.close();
    agent.ws.close(1000, "done");
    supervisor.ws.close(1000, "done");
  });

  it("refuses barging to an agent (403) and to a supervisor token with no identity to join as (403)", async () => {
    const { sid } = await smsConversation("+15550401013");
    const agent = await staffSocket(sid, annToken);
    agent.send({ type: "barge.join" });
    expect(await agent.nextOf("error")).toMatchObject({ status: 403 });
    const anonymous = await staffSocket(sid, anonymousSupervisor);
    anonymous.send({ type: "barge.join" });
    expect(await anonymous.nextOf("error")).toMatchObject({ status: 403, message: expect.stringContaining("identity") });
    agent.ws.close(1000, "done");
    anonymous.ws.close(1000, "done");
  });

  it("watching a conversation with no task is an event of the home region's Router, about the conversation", async () => {
    const sid = (await ok("POST", `/conversations/v1/Services/IS${ws.slice(2)}/Conversations`, { FriendlyName: "no task" })).sid;
    const supervisor = await staffSocket(sid, sueToken);
    await conversationFor(env, sid).sendWorkspaceEvents();
    const [monitor] = await eventsOf("supervisor.monitor", sid);
    expect(monitor).toMatchObject({
      resource_type: "Conversation",
      resource_sid: sid,
      event_data: { conversation_sid: sid, task_sid: null, worker_sid: null, supervisor_worker_sid: sue },
    });
    supervisor.ws.close(1000, "done");
  });

  it("the Router refuses a malformed action with a 400 naming it, and records nothing", async () => {
    const { sid, taskSid } = await smsConversation("+15550401015");
    const input = {
      key: "not-a-key",
      type: "supervisor.whisper" as const,
      at: Date.now(),
      conversationSid: sid,
      taskSid,
      workerSid: ann,
      supervisor: { workerSid: sue, userSid: null, name: null },
    };
    expect(await routerOf(env, ws, taskSid).recordConversationEvent(ACCOUNT, input)).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining("Key"),
    });
    const badType = { ...input, key: "0".repeat(24), type: "supervisor.spy" as "supervisor.whisper" };
    expect(await routerOf(env, ws, taskSid).recordConversationEvent(ACCOUNT, badType)).toMatchObject({ ok: false, status: 400 });
    expect(await eventsOf("supervisor.whisper", sid)).toEqual([]);
  });

  it("a supervisor of another workspace cannot open the conversation to watch or whisper (4404)", async () => {
    const { sid } = await smsConversation("+15550401014");
    const other = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "elsewhere" })).sid;
    const foreign = (await ok("POST", "/api/tokens", { WorkspaceSid: other, Role: "supervisor" })).token as string;
    const res = await exports.default.fetch(`${ORIGIN}/api/conversations/${sid}/socket`, {
      headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `${CONVERSATION_SUBPROTOCOL}, token.${foreign}` },
    });
    const socket = new AgentSocket(res.webSocket!);
    expect((await socket.closed()).code).toBe(4404);
    await conversationFor(env, sid).sendWorkspaceEvents();
    expect(await eventsOf("supervisor.monitor", sid)).toEqual([]);
  });
});

describe("an agent's notes after they left (wrap-up notes)", () => {
  /** POST /api/conversations/{sid}/notes with a Bearer token (none: the account's Basic credentials). */
  async function note(sid: string, token: string | null, params: Record<string, string>) {
    const basic = "Basic " + btoa(`${ACCOUNT}:${env.AUTH_TOKEN}`);
    const res = await exports.default.fetch(`${ORIGIN}/api/conversations/${sid}/notes`, {
      method: "POST",
      headers: { authorization: token === null ? basic : `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
    });
    return { status: res.status, body: (await res.json()) as Body & { message: string } };
  }

  it("the agent who wrapped up (no longer a participant) adds a staff note once per ClientId; nobody else may", async () => {
    const { sid, taskSid } = await smsConversation("+15550401030");
    await ok("POST", `/taskrouter/v1/Workspaces/${ws}/Tasks/${taskSid}`, { AssignmentStatus: "wrapping" });
    await eventually("Ann gone from the conversation", async () => {
      const page = await conversationFor(env, sid).listParticipants(ACCOUNT, { pageSize: 50, page: 0 });
      return page.ok && !page.value.items.some((p) => p.identity === ann) ? true : undefined;
    });

    const first = await note(sid, annToken, { Body: "Wrap-up (Resolved): refund of card 4111 1111 1111 1111", ClientId: "w-1" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ author: ann, author_role: "agent", visibility: "staff", delivery_status: null });
    expect(first.body.body).toBe("Wrap-up (Resolved): refund of card **** **** **** 1111");
    const again = await note(sid, annToken, { Body: "Wrap-up (Resolved): refund of card 4111 1111 1111 1111", ClientId: "w-1" });
    expect(again.body.sid).toBe(first.body.sid); // a retry is the same note

    // Sue never was this conversation's agent; a supervisor whispers on the socket; a backend uses the API.
    const sueWorker = (await ok("POST", "/api/tokens", { WorkspaceSid: ws, Role: "worker", WorkerSid: sue })).token as string;
    expect(await note(sid, sueWorker, { Body: "not mine" })).toMatchObject({ status: 403 });
    expect(await note(sid, sueToken, { Body: "whisper?" })).toMatchObject({ status: 403 });
    expect(await note(sid, null, { Body: "backend" })).toMatchObject({ status: 403 });
    expect((await note(sid, annToken, {})).body.message).toBe("Missing required parameter Body");
    expect((await note(sid, annToken, { Body: "x", Extra: "1" })).status).toBe(400);
    expect((await note("CH" + "0".repeat(32), annToken, { Body: "x" })).status).toBe(404);
    const stranger = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "elsewhere" })).sid;
    const elsewhere = (await ok("POST", `/taskrouter/v1/Workspaces/${stranger}/Workers`, { FriendlyName: "Eve" })).sid;
    const eve = (await ok("POST", "/api/tokens", { WorkspaceSid: stranger, Role: "worker", WorkerSid: elsewhere })).token as string;
    expect((await note(sid, eve, { Body: "x" })).status).toBe(404);

    await conversationFor(env, sid).deliverPending();
    expect(sentToCustomers.some((body) => body.includes("Wrap-up"))).toBe(false);
    expect((await listed(sid)).filter(([, visibility]) => visibility === "staff")).toEqual([
      ["Wrap-up (Resolved): refund of card **** **** **** 1111", "staff"],
    ]);
  });
});

describe("the API's description", () => {
  it("/openapi.json describes Visibility on sending a message, in both mounts", async () => {
    type Schema = { properties: Record<string, unknown> };
    const res = await exports.default.fetch(`${ORIGIN}/openapi.json`);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: Schema }> } }>>;
    };
    const paths = Object.keys(doc.paths).filter((path) => /\/Conversations\/\{ConversationSid\}\/Messages$/.test(path));
    expect(paths.length).toBeGreaterThanOrEqual(2);
    for (const path of paths) {
      const form = doc.paths[path]!.post!.requestBody.content["application/x-www-form-urlencoded"]!.schema;
      expect(JSON.stringify(form.properties.Visibility)).toMatch(/internal note/);
    }
  });
});
