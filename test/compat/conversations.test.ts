/**
 * Conversations v1 through the stock `twilio` client pointed at Switchboard
 * (`client.conversations.baseUrl = origin + "/conversations"`), as a team moving off Twilio would use
 * it: conversations by SID and unique name, chat and SMS participants, messages in order and across
 * pages, the chat service's twin paths, card numbers masked, and Twilio's errors for bad input,
 * bad credentials and unknown SIDs.
 */
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { beforeAll, describe, expect, it } from "vitest";
import { raw, switchboardClient } from "./client";

function conversationsClient(credentials?: { username: string; password: string }) {
  const client = switchboardClient(credentials);
  client.conversations.baseUrl = `${inject("baseUrl")}/conversations`;
  return client;
}

const client = conversationsClient();
const v1 = client.conversations.v1;
const suffix = () => randomUUID().slice(0, 8);
let serviceSid: string;
let otherServiceSid: string;

beforeAll(async () => {
  // The account's oldest workspace holds account-level conversations; these two are this file's services.
  const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-conversations-${suffix()}`, template: "FIFO" });
  const other = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-conversations-other-${suffix()}` });
  serviceSid = `IS${workspace.sid.slice(2)}`;
  otherServiceSid = `IS${other.sid.slice(2)}`;
});

describe("conversations", () => {
  it("create, fetch by SID and by unique name, update, delete", async () => {
    const uniqueName = `order-${suffix()}`;
    const created = await v1.conversations.create({ friendlyName: "Order 42", uniqueName, attributes: JSON.stringify({ order: 42 }) });
    expect(created.sid).toMatch(/^CH[0-9a-f]{32}$/);
    expect(created).toMatchObject({ friendlyName: "Order 42", uniqueName, state: "active", accountSid: inject("accountSid") });
    expect(created.chatServiceSid).toMatch(/^IS[0-9a-f]{32}$/);
    expect(JSON.parse(created.attributes)).toEqual({ order: 42 });
    expect(created.url).toBe(`${inject("baseUrl")}/conversations/v1/Conversations/${created.sid}`);
    expect(created.links.messages).toBe(`${created.url}/Messages`);
    expect(created.dateCreated).toBeInstanceOf(Date);

    expect((await v1.conversations(created.sid).fetch()).toJSON()).toEqual(created.toJSON());
    expect((await v1.conversations(uniqueName).fetch()).sid).toBe(created.sid);

    const updated = await v1.conversations(created.sid).update({ friendlyName: "Order 42 (late)", state: "inactive" });
    expect(updated).toMatchObject({ friendlyName: "Order 42 (late)", state: "inactive", uniqueName });

    expect(await v1.conversations(uniqueName).remove()).toBe(true);
    await expect(v1.conversations(created.sid).fetch()).rejects.toMatchObject({ status: 404 });
  });

  it("keeps unique names unique: a second conversation with the same one is refused", async () => {
    const uniqueName = `dup-${suffix()}`;
    await v1.conversations.create({ uniqueName });
    await expect(v1.conversations.create({ uniqueName })).rejects.toMatchObject({ status: 409 });
  });

  it("accepts and ignores MessagingServiceSid and Timers (nothing here sends through them)", async () => {
    const created = await v1.conversations.create({
      friendlyName: "timers",
      messagingServiceSid: "MG" + "0".repeat(32),
      "timers.inactive": "PT1M",
      "timers.closed": "PT10M",
    });
    expect(created.friendlyName).toBe("timers");
  });

  it("lists a chat service's conversations across pages and by state", async () => {
    // A workspace of its own: the account's oldest one also holds the account-level conversations of other tests.
    const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-conversations-list-${suffix()}` });
    const listedServiceSid = `IS${workspace.sid.slice(2)}`;
    const service = v1.services(listedServiceSid);
    const made = await Promise.all(["a", "b", "c"].map((name) => service.conversations.create({ friendlyName: name })));
    await service.conversations(made[2]!.sid).update({ state: "closed" });

    const all = await service.conversations.list({ pageSize: 2 }); // follows next_page_url
    expect(all.map((c) => c.sid).sort()).toEqual(made.map((c) => c.sid).sort());
    expect(all.every((c) => c.chatServiceSid === listedServiceSid)).toBe(true);
    expect(all[0]!.url).toBe(`${inject("baseUrl")}/conversations/v1/Services/${listedServiceSid}/Conversations/${all[0]!.sid}`);

    expect((await service.conversations.list({ state: "closed" })).map((c) => c.sid)).toEqual([made[2]!.sid]);
    const tomorrow = new Date(Date.now() + 86_400_000);
    expect(await service.conversations.list({ startDate: tomorrow.toISOString() })).toEqual([]);
  });

  it("service-scoped paths reach only their own service's conversations", async () => {
    const created = await v1.services(serviceSid).conversations.create({ friendlyName: "scoped", uniqueName: `scoped-${suffix()}` });
    expect(created.chatServiceSid).toBe(serviceSid);
    expect((await v1.services(serviceSid).conversations(created.uniqueName).fetch()).sid).toBe(created.sid);
    await expect(v1.services(otherServiceSid).conversations(created.sid).fetch()).rejects.toMatchObject({ status: 404 });
    await expect(v1.services(otherServiceSid).conversations(created.sid).messages.create({ body: "x" })).rejects.toMatchObject({
      status: 404,
    });
    await expect(v1.services("IS" + "0".repeat(32)).conversations.list()).rejects.toMatchObject({ status: 404 });
  });
});

describe("participants", () => {
  it("adds a chat participant and an SMS participant, lists, fetches by identity, updates and removes", async () => {
    const conversation = v1.conversations((await v1.conversations.create({ friendlyName: "people" })).sid);
    const chat = await conversation.participants.create({ identity: "ann", attributes: JSON.stringify({ team: "blue" }) });
    expect(chat.sid).toMatch(/^MB[0-9a-f]{32}$/);
    expect(chat).toMatchObject({ identity: "ann", messagingBinding: null });
    const sms = await conversation.participants.create({
      "messagingBinding.address": "+15551230001",
      "messagingBinding.proxyAddress": "+15559870000",
    });
    expect(sms.identity).toBeNull();
    expect(sms.messagingBinding).toMatchObject({ address: "+15551230001", proxy_address: "+15559870000" });

    const listed = await conversation.participants.list({ pageSize: 1 });
    expect(listed.map((p) => p.sid).sort()).toEqual([chat.sid, sms.sid].sort());
    expect((await conversation.participants("ann").fetch()).sid).toBe(chat.sid);

    const updated = await conversation
      .participants(chat.sid)
      .update({ attributes: JSON.stringify({ team: "red" }), lastReadMessageIndex: 0 });
    expect(JSON.parse(updated.attributes)).toEqual({ team: "red" });
    expect(updated.lastReadMessageIndex).toBe(0);

    expect(await conversation.participants(sms.sid).remove()).toBe(true);
    expect((await conversation.participants.list()).map((p) => p.sid)).toEqual([chat.sid]);
    await expect(conversation.participants(sms.sid).fetch()).rejects.toMatchObject({ status: 404 });
  });

  it.each([
    [{}, /Identity/],
    [{ Identity: "x", "MessagingBinding.Address": "+15550000000", "MessagingBinding.ProxyAddress": "+15551111111" }, /Identity/],
    [{ "MessagingBinding.Address": "+15550000000" }, /MessagingBinding\.ProxyAddress/],
    [{ Identity: "x", Attributes: "[1]" }, /Attributes/],
  ])("refuses %j with a 400 naming the field, and adds nobody", async (body, field) => {
    const sid = (await v1.conversations.create({})).sid;
    const res = await raw("POST", `/conversations/v1/Conversations/${sid}/Participants`, body as Record<string, string>);
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(field);
    expect(await v1.conversations(sid).participants.list()).toEqual([]);
  });
});

describe("messages", () => {
  it("keeps messages in index order, pages through them, lists newest first with Order=desc", async () => {
    const conversationSid = (await v1.conversations.create({ friendlyName: "chatty" })).sid;
    const conversation = v1.conversations(conversationSid);
    const bodies = ["one", "two", "three", "four", "five"];
    for (const body of bodies) await conversation.messages.create({ author: "ann", body });

    const asc = await conversation.messages.list({ pageSize: 2 }); // three pages, followed by the client
    expect(asc.map((m) => m.body)).toEqual(bodies);
    expect(asc.map((m) => m.index)).toEqual([0, 1, 2, 3, 4]);
    expect((await conversation.messages.list({ order: "desc" })).map((m) => m.body)).toEqual([...bodies].reverse());

    const first = asc[0]!;
    expect(first).toMatchObject({ author: "ann", conversationSid });
    expect(first.url).toBe(`${inject("baseUrl")}/conversations/v1/Conversations/${conversationSid}/Messages/${first.sid}`);
    expect((await conversation.messages(first.sid).fetch()).body).toBe("one");

    const edited = await conversation.messages(first.sid).update({ body: "uno", attributes: JSON.stringify({ edited: true }) });
    expect(edited).toMatchObject({ body: "uno", index: 0 });
    expect(await conversation.messages(first.sid).remove()).toBe(true);
    expect((await conversation.messages.list()).map((m) => m.body)).toEqual(bodies.slice(1));
  });

  it("masks a card number in a message body before it is stored or shown", async () => {
    const conversation = v1.conversations((await v1.conversations.create({})).sid);
    const sent = await conversation.messages.create({ author: "customer", body: "my card is 4111 1111 1111 1111, exp 12/29" });
    expect(sent.body).not.toContain("4111 1111 1111 1111");
    expect(sent.body).toContain("1111, exp 12/29");
    expect((await conversation.messages(sent.sid).fetch()).body).toBe(sent.body);
    expect((await conversation.messages.list()).map((m) => m.body)).toEqual([sent.body]);
  });

  it("lists an internal note (Visibility=staff, Switchboard's extension) with the rest, and the stock client reads both", async () => {
    const sid = (await v1.conversations.create({ friendlyName: "with a note" })).sid;
    await v1.conversations(sid).messages.create({ author: "ann", body: "Your order has shipped" });
    const note = await raw("POST", `/conversations/v1/Conversations/${sid}/Messages`, { Author: "ann", Body: "VIP", Visibility: "staff" });
    expect(note.status).toBe(201);
    const listed = await v1.conversations(sid).messages.list();
    expect(listed.map((m) => [m.index, m.author, m.body])).toEqual([
      [0, "ann", "Your order has shipped"],
      [1, "ann", "VIP"],
    ]);
    const page = await raw("GET", `/conversations/v1/Conversations/${sid}/Messages`);
    const messages = (page.body as { messages: { visibility: string }[] }).messages;
    expect(messages.map((m) => m.visibility)).toEqual(["all", "staff"]);
  });

  it.each([
    [{}, /Body/],
    [{ Body: "hi", Attributes: "not json" }, /Attributes/],
    [{ Body: "hi", ContentSid: "HX" + "0".repeat(32) }, /ContentSid/],
    [{ MediaSid: "ME" + "0".repeat(32) }, /MediaSid/],
    [{ Body: "hi", Colour: "red" }, /Colour/],
  ])("refuses %j with a 400 naming the field, and stores nothing", async (body, field) => {
    const sid = (await v1.conversations.create({})).sid;
    const res = await raw("POST", `/conversations/v1/Conversations/${sid}/Messages`, body as Record<string, string>);
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(field);
    expect(await v1.conversations(sid).messages.list()).toEqual([]);
  });
});

describe("errors", () => {
  it.each([
    ["State", { State: "paused" }],
    ["Attributes", { Attributes: "{oops" }],
    ["DateCreated", { DateCreated: "yesterday" }],
  ])("a bad %s is a 400 naming it", async (field, body) => {
    const res = await raw("POST", "/conversations/v1/Conversations", body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 20001, status: 400 });
    expect((res.body as { message: string }).message).toContain(field);
  });

  it("answers 401 without credentials or with another account's", async () => {
    expect((await raw("GET", "/conversations/v1/Conversations", undefined, false)).status).toBe(401);
    const stranger = conversationsClient({ username: "AC" + "9".repeat(32), password: "nope" });
    await expect(stranger.conversations.v1.conversations.list()).rejects.toMatchObject({ status: 401 });
  });

  it("answers 404 for an unknown conversation, participant or message", async () => {
    const unknown = "CH" + "0".repeat(32);
    await expect(v1.conversations(unknown).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(v1.conversations("no-such-unique-name").fetch()).rejects.toMatchObject({ status: 404 });
    await expect(v1.conversations(unknown).messages.list()).rejects.toMatchObject({ status: 404 });
    const sid = (await v1.conversations.create({})).sid;
    await expect(
      v1
        .conversations(sid)
        .participants("MB" + "0".repeat(32))
        .fetch(),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      v1
        .conversations(sid)
        .messages("IM" + "0".repeat(32))
        .fetch(),
    ).rejects.toMatchObject({ status: 404 });
  });
});
