// The conversation's pure core on node:sqlite: creating it, message indexes, idempotency keys, and card
// numbers masked before anything reaches storage (read from the raw tables, not the records).
import { describe, expect, it } from "vitest";
import { newConversation, storeConversation, updateConversation } from "../../../durable-objects/conversation/lifecycle/conversation";
import { addMessage, getMessage, listMessages, removeMessage } from "../../../durable-objects/conversation/lifecycle/messages";
import { addParticipant } from "../../../durable-objects/conversation/lifecycle/participants";
import { receive } from "../../../durable-objects/conversation/lifecycle/inbound";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { ACCOUNT, CARD, OTHER_ACCOUNT, WORKSPACE, at, context, inbound, migratedHost } from "./conversation-fixtures";

function created(host: StoreHost = migratedHost()) {
  const op = at(host, 1_000);
  const row = newConversation(op, ACCOUNT, { workspaceSid: WORKSPACE, friendlyName: "Support" });
  if (!row.ok) throw new Error(row.message);
  storeConversation(op, row.value);
  return host;
}

const value = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe("creating", () => {
  it("stores Twilio's shape, with the chat service derived from the workspace", () => {
    const host = created();
    const record = value(updateConversation(at(host, 2_000), ACCOUNT, {}));
    expect(record).toMatchObject({
      friendly_name: "Support",
      attributes: "{}",
      state: "active",
      chat_service_sid: "IS" + "1".repeat(32),
      timers: {},
      bindings: null,
      date_created: "1970-01-01T00:00:01Z",
      date_updated: "1970-01-01T00:00:02Z",
    });
  });

  it("refuses a second create on the same object with 409, and another account sees nothing (404)", () => {
    const host = created();
    const again = newConversation(at(host, 2_000), ACCOUNT, { workspaceSid: WORKSPACE });
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(addMessage(at(host, 2_000), OTHER_ACCOUNT, { body: "hi" })).toMatchObject({ ok: false, status: 404, code: 20404 });
  });

  it.each([
    ["not JSON", { attributes: "{nope" }, /Attributes: must be valid JSON/],
    ["an unknown state", { state: "open" as never }, /State/],
  ])("refuses %s with a 400 naming the field", (_what, input, message) => {
    const result = newConversation(at(migratedHost(), 1), ACCOUNT, { workspaceSid: WORKSPACE, ...input });
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toMatch(message);
  });
});

describe("messages", () => {
  it("are indexed 0, 1, 2 … and an index is never given twice, even after a removal", () => {
    const host = created();
    const indexes = ["a", "b", "c"].map((body, i) => value(addMessage(at(host, 2_000 + i), ACCOUNT, { body })).index);
    expect(indexes).toEqual([0, 1, 2]);
    value(removeMessage(at(host, 3_000), ACCOUNT, "2"));
    expect(value(addMessage(at(host, 4_000), ACCOUNT, { body: "d" })).index).toBe(3);
    expect(value(getMessage(at(host, 4_000), ACCOUNT, "1")).body).toBe("b");
  });

  it("lists in either order with pages", () => {
    const host = created();
    for (const body of ["a", "b", "c"]) value(addMessage(at(host, 2_000), ACCOUNT, { body }));
    const desc = value(listMessages(at(host, 3_000), ACCOUNT, { pageSize: 2, page: 0 }, "desc"));
    expect(desc.items.map((m) => m.body)).toEqual(["c", "b"]);
    expect(desc.nextPageToken).not.toBeNull();
    const rest = value(listMessages(at(host, 3_000), ACCOUNT, { pageSize: 2, page: 0, pageToken: desc.nextPageToken! }, "desc"));
    expect(rest.items.map((m) => m.body)).toEqual(["a"]);
  });

  it("answers the same message for the same idempotency key, storing one", () => {
    const host = created();
    const first = value(addMessage(at(host, 2_000), ACCOUNT, { body: "once", idempotencyKey: "k1" }));
    const second = value(addMessage(at(host, 3_000), ACCOUNT, { body: "once", idempotencyKey: "k1" }));
    expect(second.sid).toBe(first.sid);
    expect(host.sql.exec("SELECT count(*) AS n FROM sb_messages").toArray()).toEqual([{ n: 1 }]);
  });

  it("needs a body or media (400 naming Body) and stores nothing", () => {
    const host = created();
    const result = addMessage(at(host, 2_000), ACCOUNT, { body: "" });
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toMatch(/Body/);
    expect(host.sql.exec("SELECT count(*) AS n FROM sb_messages").toArray()).toEqual([{ n: 0 }]);
  });

  it("never stores a card number, in the body, the attributes or an inbound message", () => {
    const host = created();
    value(addMessage(at(host, 2_000), ACCOUNT, { body: `card ${CARD}`, attributes: JSON.stringify({ note: CARD, [CARD]: 1 }) }));
    value(addParticipant(at(host, 2_000), ACCOUNT, { identity: "agent", attributes: JSON.stringify({ card: CARD }) }));
    const raw = JSON.stringify([
      host.sql.exec("SELECT * FROM sb_messages").toArray(),
      host.sql.exec("SELECT * FROM sb_participants").toArray(),
    ]);
    expect(raw).not.toMatch(/4111.?1111.?1111/);
    expect(raw).toContain("**** **** **** 1111");
  });

  it("refuses a message to a closed conversation with 409", () => {
    const host = created();
    value(updateConversation(at(host, 2_000), ACCOUNT, { state: "closed" }));
    expect(addMessage(at(host, 3_000), ACCOUNT, { body: "late" })).toMatchObject({ ok: false, status: 409 });
    expect(updateConversation(at(host, 3_000), ACCOUNT, { state: "active" })).toMatchObject({ ok: false, status: 400 });
  });
});

describe("receive", () => {
  it.each([
    // what the customer wrote → the preview the agent reads while it rings
    ["Hello there", "Hello there"],
    ["  Where is\n\n my   order?  ", "Where is my order?"], // one line
    [`pay with ${CARD}`, "pay with **** **** **** 1111"], // masked as the message is
    ["x".repeat(140), "x".repeat(140)], // up to 140 characters as they are
    ["x".repeat(141), "x".repeat(139) + "…"], // longer: cut at 139 and marked
    ["", null], // an attachment alone has no text to show
  ])("gives the task the start of the first message: %j → %j", (body, preview) => {
    const host = migratedHost();
    value(host.transactionSync(() => receive(at(host, 1_000), ACCOUNT, context(), inbound("SMp", body))));
    const [row] = host.sql.exec("SELECT task_request FROM sb_conversation").toArray();
    expect(JSON.parse(JSON.parse(String(row!.task_request)).attributes).preview).toBe(preview);
  });

  it("creates the conversation, the customer and the message once; a second delivery is a duplicate", () => {
    const host = migratedHost();
    const op = at(host, 5_000);
    const first = value(host.transactionSync(() => receive(op, ACCOUNT, context(), inbound("SM1", `pay with ${CARD}`))));
    expect(first).toMatchObject({ duplicate: false, created: true });
    expect(op.effects.createTask).toBe(true);
    const again = value(receive(at(host, 6_000), ACCOUNT, context(), inbound("SM1", "different")));
    expect(again).toEqual({ messageSid: first.messageSid, duplicate: true, created: false });
    const messages = host.sql.exec("SELECT body, author, participant_sid FROM sb_messages").toArray();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toBe("pay with **** **** **** 1111");
    const [customer] = host.sql.exec("SELECT sid, role, binding_address, binding_type, identity FROM sb_participants").toArray();
    expect(customer).toMatchObject({ role: "customer", binding_address: "+15550001111", binding_type: "sms", identity: null });
    expect(messages[0]!.participant_sid).toBe(customer!.sid);
    const [task] = host.sql.exec("SELECT task_request, task_pending FROM sb_conversation").toArray();
    expect(task!.task_pending).toBe(1);
    const attributes = JSON.parse(JSON.parse(String(task!.task_request)).attributes);
    expect(attributes).toMatchObject({
      channelType: "sms",
      from: "+15550001111",
      direction: "inbound",
      customerName: "Ada",
      known_worker_sid: "WK" + "9".repeat(32),
      customers: { profile_sid: "PR" + "1".repeat(32), email: "ada@example.com", last_worker_sid: "WK" + "9".repeat(32) },
    });
    expect(attributes.history).toHaveLength(1);
  });

  it("keeps what a visitor only said about themselves apart, in customers.unverified, card numbers masked", () => {
    const host = migratedHost();
    const anonymous = context({
      kind: "webchat",
      customer: { profileSid: "PR" + "2".repeat(32), name: null, email: null, phone: null, lastWorkerSid: null, history: [] },
    });
    const said = { name: `Grace ${CARD}`, email: "grace@example.com" };
    const web = inbound("v-2", "hi", { channel: "web", customerAddress: "visitor-2", customerName: said.name, unverified: said });
    value(receive(at(host, 1_000), ACCOUNT, anonymous, web));
    const [task] = host.sql.exec("SELECT task_request FROM sb_conversation").toArray();
    const attributes = JSON.parse(JSON.parse(String(task!.task_request)).attributes);
    // the profile's own fields stay empty: only the profile's (or a signed identity's) details go there
    expect(attributes.customers).toEqual({
      profile_sid: "PR" + "2".repeat(32),
      name: null,
      email: null,
      phone: null,
      last_worker_sid: null,
      unverified: { name: "Grace **** **** **** 1111", email: "grace@example.com" },
    });
    expect(attributes).not.toHaveProperty("known_worker_sid");
  });

  it("opens nothing for a message that only knows its conversation (a session's), and keeps what the directory is to be told", () => {
    const host = migratedHost();
    const web = inbound("v-3", "hi", { channel: "web", customerAddress: "visitor-3" });
    const { customer: _, ...joinOnly } = context({ kind: "webchat" });
    expect(receive(at(host, 1_000), ACCOUNT, joinOnly, web)).toMatchObject({ ok: false, status: 404 });
    expect(host.sql.exec("SELECT count(*) AS n FROM sb_conversation").toArray()).toEqual([{ n: 0 }]);

    const register = { workspaceSid: WORKSPACE, channelSid: joinOnly.channelSid, channel: "web" as const, customerAddress: "visitor-3" };
    const opening = context({
      kind: "webchat",
      register: { ...register, customerName: null, thread: null, newProfileSid: "PR" + "3".repeat(32) },
    });
    value(host.transactionSync(() => receive(at(host, 2_000), ACCOUNT, opening, web)));
    expect(JSON.parse(String(host.sql.exec("SELECT body FROM sb_registration").toArray()[0]!.body))).toMatchObject(register);
    // Once open, a message that only knows its conversation joins it.
    expect(
      value(receive(at(host, 3_000), ACCOUNT, joinOnly, inbound("v-4", "again", { channel: "web", customerAddress: "visitor-3" }))),
    ).toMatchObject({
      duplicate: false,
      created: false,
    });
  });

  it("makes a web visitor a chat identity, not a binding, and their messages are never queued for delivery", () => {
    const host = migratedHost();
    const web = inbound("v-1", "hi", { channel: "web", customerAddress: "visitor-1" });
    value(receive(at(host, 1_000), ACCOUNT, context({ kind: "webchat" }), web));
    value(addMessage(at(host, 2_000), ACCOUNT, { author: "agent", body: "hello" }));
    expect(host.sql.exec("SELECT identity, binding_address FROM sb_participants").toArray()).toEqual([
      { identity: "visitor-1", binding_address: null },
    ]);
    expect(host.sql.exec("SELECT count(*) AS n FROM sb_deliveries").toArray()).toEqual([{ n: 0 }]);
  });
});
