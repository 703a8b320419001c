/**
 * The ConversationDO over RPC and its sockets, as the Worker, the inbound path and the queue consumer
 * call it: create/get/update/delete, another account's 404, an inbound message stored once and its task
 * created in a real Router DO with the Flex attributes, the agent joining on the accepted reservation,
 * and agents' and strangers' sockets. Objects are evicted between steps. Storage is per test file, so
 * each test uses its own conversation SID.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newSid } from "../../contract/ids";
import type { InboundContext } from "../../durable-objects/common/conversations";
import type { InboundMessage } from "../../channels/messages";
import { IDENTITY_HEADER } from "../../durable-objects/conversation/socket-commands";
import { conversationFor, routerFor } from "../../platform/objects";
import { AgentSocket } from "./realtime-helpers";
import { ACCOUNT, AVAILABLE, OTHER_ACCOUNT, WORKFLOW, WORKSPACE, snapshot, value } from "./router-fixtures";

const fresh = () => {
  const sid = newSid("CH");
  return { sid, stub: () => conversationFor(env, sid) };
};
const CARD = "4111 1111 1111 1111";

const context: InboundContext = {
  workspaceSid: WORKSPACE,
  channelSid: "XC" + "1".repeat(32),
  kind: "twilio",
  workflowSid: WORKFLOW,
  taskChannel: "chat",
  customer: { profileSid: "PR" + "1".repeat(32), name: "Ada", email: null, phone: "+15550001111", lastWorkerSid: null, history: [] },
};
const inbound = (providerMessageId: string, body: string, customerAddress = `+1555${Math.floor(Math.random() * 1e7)}`): InboundMessage => ({
  providerMessageId,
  channel: "sms",
  customerAddress,
  proxyAddress: "+15559990000",
  customerName: "Ada",
  body,
  media: [],
  attributes: {},
  thread: null,
  sentAt: Date.now(),
});

describe("the conversation over RPC", () => {
  it("is created, read, updated and deleted; another account gets 404 throughout; a deleted SID is never reused", async () => {
    const { sid, stub } = fresh();
    const created = value(
      await stub().create(ACCOUNT, { workspaceSid: WORKSPACE, friendlyName: "Billing", attributes: `{"card":"${CARD}"}` }),
    );
    expect(created).toMatchObject({ sid, account_sid: ACCOUNT, state: "active", attributes: '{"card":"**** **** **** 1111"}' });
    await evictDurableObject(stub());
    expect(value(await stub().getConversation(ACCOUNT))).toEqual(created);
    expect(await stub().getConversation(OTHER_ACCOUNT)).toMatchObject({ ok: false, status: 404, code: 20404 });
    expect(await stub().addMessage(OTHER_ACCOUNT, { body: "hi" })).toMatchObject({ ok: false, status: 404 });
    expect(value(await stub().updateConversation(ACCOUNT, { state: "inactive" })).state).toBe("inactive");
    expect(await stub().create(ACCOUNT, { workspaceSid: WORKSPACE })).toMatchObject({ ok: false, status: 409 });

    value(await stub().deleteConversation(ACCOUNT));
    await evictDurableObject(stub());
    expect(await stub().getConversation(ACCOUNT)).toMatchObject({ ok: false, status: 404 });
    expect(await stub().create(ACCOUNT, { workspaceSid: WORKSPACE })).toMatchObject({ ok: false, status: 409 });
  });

  it("refuses a unique name another conversation of the workspace holds (409, 50353)", async () => {
    const a = fresh();
    const b = fresh();
    value(await a.stub().create(ACCOUNT, { workspaceSid: WORKSPACE, uniqueName: "vip-ada" }));
    expect(await b.stub().create(ACCOUNT, { workspaceSid: WORKSPACE, uniqueName: "vip-ada" })).toMatchObject({
      ok: false,
      status: 409,
      code: 50353,
    });
    expect(await b.stub().getConversation(ACCOUNT)).toMatchObject({ ok: false, status: 404 });
  });

  it("never answers a conversation that was never created", async () => {
    expect(await fresh().stub().getConversation(ACCOUNT)).toMatchObject({ ok: false, status: 404 });
  });
});

describe("an inbound conversation", () => {
  it("stores a message delivered twice once, creates the task in the Router, and the accepting agent joins once", async () => {
    const router = routerFor(env, WORKSPACE);
    value(await router.applyConfig(snapshot(1), []));
    const ann = value(await router.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE })).worker;
    const { sid, stub } = fresh();

    const first = value(await stub().receive(ACCOUNT, context, inbound("SM1", `my card ${CARD}`)));
    expect(first).toMatchObject({ duplicate: false, created: true });
    await evictDurableObject(stub());
    expect(value(await stub().receive(ACCOUNT, context, inbound("SM1", "again")))).toEqual({ ...first, duplicate: true, created: false });
    const messages = value(await stub().listMessages(ACCOUNT, { pageSize: 50, page: 0 }, "asc")).items;
    expect(messages.map((m) => m.body)).toEqual(["my card **** **** **** 1111"]);

    const conversation = value(await stub().getConversation(ACCOUNT));
    expect(conversation).toMatchObject({ channel: "sms", channel_sid: context.channelSid, friendly_name: "Ada" });
    const task = value(await router.getTask(ACCOUNT, conversation.task_sid!)).task;
    expect(JSON.parse(task.attributes)).toMatchObject({
      conversationSid: sid,
      channelType: "sms",
      direction: "inbound",
      customerName: "Ada",
    });
    expect(task.assignment_status).toBe("reserved");
    const [reservation] = value(await router.listReservations(ACCOUNT, { taskSid: task.sid }, { pageSize: 5, page: 0 })).items;
    expect(reservation?.worker_sid).toBe(ann.sid);

    const accepted = {
      eventSid: newSid("EV"),
      eventType: "reservation.accepted",
      workspaceSid: WORKSPACE,
      taskSid: task.sid,
      conversationSid: sid,
      workerSid: ann.sid,
      workerName: "Ann",
      reservationSid: reservation!.sid,
      at: Date.now(),
    };
    value(await stub().onTaskEvent(ACCOUNT, accepted));
    await evictDurableObject(stub());
    value(await stub().onTaskEvent(ACCOUNT, accepted));
    const people = value(await stub().listParticipants(ACCOUNT, { pageSize: 50, page: 0 })).items;
    expect(people.map((p) => [p.role, p.identity ?? p.messaging_binding?.address])).toEqual([
      ["customer", expect.stringMatching(/^\+1555/)],
      ["agent", ann.sid],
    ]);
  });
});

describe("sockets", () => {
  async function connect(sid: string, identity: object, since?: number) {
    const url = `https://conversation.internal/socket${since === undefined ? "" : `?since=${since}`}`;
    const response = await conversationFor(env, sid).fetch(
      new Request(url, { headers: { upgrade: "websocket", [IDENTITY_HEADER]: JSON.stringify(identity) } }),
    );
    expect(response.status).toBe(101);
    return new AgentSocket(response.webSocket!);
  }
  const agent = (workerSid: string) => ({
    accountSid: ACCOUNT,
    workspaceSid: WORKSPACE,
    role: "agent",
    identity: workerSid,
    displayName: "Ann",
  });

  it("gives an agent the snapshot, then message.added for what others write and an ack for what they send", async () => {
    const { sid, stub } = fresh();
    const worker = newSid("WK");
    value(await stub().create(ACCOUNT, { workspaceSid: WORKSPACE }));
    value(await stub().addMessage(ACCOUNT, { author: "system", body: "before" }));
    value(await stub().addParticipant(ACCOUNT, { identity: worker, role: "agent" }));
    const socket = await connect(sid, agent(worker));
    const snapshot = await socket.nextOf("conversation.snapshot");
    expect((snapshot.messages as { body: string }[]).map((m) => m.body)).toEqual(["before"]);

    await evictDurableObject(stub());
    value(await stub().addMessage(ACCOUNT, { author: "bot", body: "from the API" }));
    expect(((await socket.nextOf("message.added")).message as { body: string }).body).toBe("from the API");

    socket.send({ type: "message.send", clientId: "c1", body: "from the desktop" });
    const ack = await socket.nextOf("ack");
    // The sender hears its ack before the stored copy, so its client never shows the message twice.
    const added = await socket.next((f) => f.type === "message.added" && (f.message as { sid: string }).sid === ack.messageSid);
    expect(socket.frames.indexOf(ack)).toBeLessThan(socket.frames.indexOf(added));
    socket.send({ type: "message.send", clientId: "c1", body: "from the desktop" });
    expect((await socket.nextOf("ack")).messageSid).toBe(ack.messageSid);
    socket.send({ type: "message.send", body: "no client id" });
    expect(await socket.nextOf("error")).toMatchObject({ status: 400, message: expect.stringMatching(/clientId/) });
    const all = value(await stub().listMessages(ACCOUNT, { pageSize: 50, page: 0 }, "asc")).items;
    expect(all.map((m) => m.body)).toEqual(["before", "from the API", "from the desktop"]);
  });

  it("tells an agent's socket when the customer withdraws a message (message.removed) and when they react to one (message.updated)", async () => {
    const { sid, stub } = fresh();
    const worker = newSid("WK");
    const customer = "5830912837465123";
    const ig = { ...inbound("aWdf-WITHDRAWN", "wrong photo", customer), channel: "instagram" as const };
    value(await stub().receive(ACCOUNT, { ...context, kind: "instagram" }, ig));
    value(await stub().addParticipant(ACCOUNT, { identity: worker, role: "agent" }));
    const socket = await connect(sid, agent(worker));
    await socket.nextOf("conversation.snapshot");
    await evictDurableObject(stub());

    const at = Date.now();
    value(
      await stub().applyChange(ACCOUNT, {
        kind: "reaction",
        providerMessageId: "aWdf-WITHDRAWN",
        customerAddress: customer,
        emoji: "😮",
        at,
      }),
    );
    const updated = (await socket.nextOf("message.updated")).message as { index: number; attributes: string };
    expect([updated.index, JSON.parse(updated.attributes)]).toEqual([0, { reactions: [{ by: "customer", emoji: "😮" }] }]);
    const change = { kind: "unsent", providerMessageId: "aWdf-WITHDRAWN", customerAddress: customer, at } as const;
    expect(value(await stub().applyChange(ACCOUNT, change)).messageSid).toMatch(/^IM/);
    const removed = (await socket.nextOf("message.removed")).message as { index: number; body: string | null };
    expect([removed.index, removed.body]).toEqual([0, null]);
    expect(await stub().applyChange(OTHER_ACCOUNT, change)).toMatchObject({ ok: false, status: 404 });
  });

  it.each([
    ["a worker who is no participant", { role: "agent", identity: "WK" + "f".repeat(32) }, 4403],
    ["another account", { role: "agent", accountSid: OTHER_ACCOUNT }, 4404],
    ["a customer identity that is not the customer", { role: "customer", identity: "visitor-x" }, 4403],
  ])("refuses %s with a close code, and nothing changes", async (_who, overrides, code) => {
    const { sid, stub } = fresh();
    const worker = newSid("WK");
    value(await stub().create(ACCOUNT, { workspaceSid: WORKSPACE }));
    value(await stub().addParticipant(ACCOUNT, { identity: worker, role: "agent" }));
    const socket = await connect(sid, { ...agent(worker), ...overrides });
    expect((await socket.closed()).code).toBe(code);
    expect(value(await stub().listParticipants(ACCOUNT, { pageSize: 50, page: 0 })).items).toHaveLength(1);
  });
});
