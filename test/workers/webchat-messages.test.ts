/**
 * A visitor writing through the widget's routes: the first message opens a conversation (and its
 * task), a resend with the same client_id stores nothing twice, card numbers are masked before they
 * are stored, bad input is a 400 naming the field with nothing stored, and the visitor's socket
 * shows them their conversation.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationFrame, MessageRecord } from "../../contract/conversations";
import { newChannel, newWorkspace, openSocket, widget } from "./webchat-helpers";
import { conversationFor } from "../../platform/objects";

let ws = "";
let chat = "";
let other = "";

beforeAll(async () => {
  ws = await newWorkspace("webchat messages");
  chat = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" });
  other = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" });
});

const account = () => env.ACCOUNT_SID!;

async function messagesOf(conversationSid: string): Promise<MessageRecord[]> {
  const listed = await conversationFor(env, conversationSid).listMessages(account(), { pageSize: 50, page: 0 }, "asc");
  if (!listed.ok) throw new Error(listed.message);
  return [...listed.value.items] as MessageRecord[];
}

describe("POST …/messages", () => {
  it("opens a conversation with the first message, continues it with the next, and the session finds it again", async () => {
    const routes = widget(ws, chat);
    const ada = await routes.session({ name: "Ada" });
    const first = await routes.post("/messages", { client_id: "c-1", body: "Hello" }, ada.token);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      conversation_sid: expect.stringMatching(/^CH[0-9a-f]{32}$/),
      message_sid: expect.stringMatching(/^IM/),
    });
    const conversationSid = first.body.conversation_sid as string;
    const second = await routes.post("/messages", { client_id: "c-2", body: "Anyone there?" }, ada.token);
    expect(second.body.conversation_sid).toBe(conversationSid);

    expect((await messagesOf(conversationSid)).map((m) => [m.body, m.author])).toEqual([
      ["Hello", ada.visitor_id],
      ["Anyone there?", ada.visitor_id],
    ]);
    const conversation = await conversationFor(env, conversationSid).getConversation(account());
    expect(conversation).toMatchObject({ ok: true, value: { channel: "web", channel_sid: chat, task_sid: expect.stringMatching(/^WT/) } });
    expect((await routes.session({ token: ada.token })).conversation_sid).toBe(conversationSid);
  });

  it("stores a resend after a network drop (same client_id) once, answering the same message", async () => {
    const routes = widget(ws, chat);
    const bob = await routes.session();
    const sent = await routes.post("/messages", { client_id: "c-same", body: "once" }, bob.token);
    const again = await routes.post("/messages", { client_id: "c-same", body: "once" }, bob.token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(sent.body);
    expect(await messagesOf(sent.body.conversation_sid as string)).toHaveLength(1);
  });

  it("masks a card number before it is stored", async () => {
    const routes = widget(ws, chat);
    const cleo = await routes.session();
    const sent = await routes.post("/messages", { client_id: "c-card", body: "my card is 4111 1111 1111 1111" }, cleo.token);
    const [stored] = await messagesOf(sent.body.conversation_sid as string);
    expect(stored!.body).toBe("my card is **** **** **** 1111");
  });

  it("attaches the visitor's own upload, and refuses someone else's", async () => {
    const routes = widget(ws, chat);
    const dee = await routes.session();
    const eve = await routes.session();
    const upload = await routes.upload(new Uint8Array([1, 2, 3]), "application/pdf", dee.token, "invoice.pdf");
    const sid = upload.body.sid as string;
    const stolen = await routes.post("/messages", { client_id: "c-x", body: "", media_sids: [sid] }, eve.token);
    expect(stolen.status).toBe(400);
    expect(stolen.body.message).toContain("media_sids[0]");
    expect((await routes.session({ token: eve.token })).conversation_sid).toBeNull(); // nothing was stored for Eve

    const sent = await routes.post("/messages", { client_id: "c-pdf", body: "", media_sids: [sid] }, dee.token);
    expect(sent.status).toBe(201);
    const [stored] = await messagesOf(sent.body.conversation_sid as string);
    expect(stored!.media).toEqual([{ sid, content_type: "application/pdf", filename: "invoice.pdf", size: 3 }]);
  });

  it.each([
    ["an empty body without media", { client_id: "c-1", body: "  " }, "body"],
    ["a body over 4000 characters", { client_id: "c-1", body: "x".repeat(4001) }, "body"],
    ["no client_id", { body: "hi" }, "client_id"],
    ["a client_id with spaces", { client_id: "a b", body: "hi" }, "client_id"],
    ["a malformed media SID", { client_id: "c-1", body: "hi", media_sids: ["ME1"] }, "media_sids.0"],
    ["an unknown field", { client_id: "c-1", body: "hi", author: "someone else" }, "author"],
  ])("refuses %s with a 400 naming %s, storing nothing", async (_, body, field) => {
    const routes = widget(ws, chat);
    const fay = await routes.session();
    const res = await routes.post("/messages", body, fay.token);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(field);
    expect((await routes.session({ token: fay.token })).conversation_sid).toBeNull();
  });

  it.each([
    ["no session", async () => undefined, 401],
    ["another channel's session", async () => (await widget(ws, other).session()).token, 401],
    ["a forged session", async () => "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJXVjEifQ.c2ln", 401],
  ])("refuses %s with %i", async (_, token, status) => {
    const res = await widget(ws, chat).post("/messages", { client_id: "c-1", body: "hi" }, await token());
    expect(res.status).toBe(status);
  });
});

describe("the visitor's socket", () => {
  it("shows the visitor their conversation, then each new message, resuming after ?since=", async () => {
    const routes = widget(ws, chat);
    const gus = await routes.session({ name: "Gus" });
    const first = await routes.post("/messages", { client_id: "c-1", body: "first" }, gus.token);
    const protocols = ["switchboard.conversation.v1", `token.${gus.token}`];

    const live = await openSocket(`${routes.base}/socket`, protocols);
    expect(live.protocol).toBe("switchboard.conversation.v1");
    const snapshot = (await live.next("conversation.snapshot")) as Extract<ConversationFrame, { type: "conversation.snapshot" }>;
    expect(snapshot.conversation.sid).toBe(first.body.conversation_sid);
    expect(snapshot.messages.map((m) => m.body)).toEqual(["first"]);
    const me = snapshot.participants.find((p) => p.sid === snapshot.you);
    expect(me).toMatchObject({ identity: gus.visitor_id, role: "customer" });

    await routes.post("/messages", { client_id: "c-2", body: "second" }, gus.token);
    expect(((await live.next("message.added")) as { message: MessageRecord }).message.body).toBe("second");
    live.socket.close();

    const resumed = await openSocket(`${routes.base}/socket?since=0`, protocols);
    const after = (await resumed.next("conversation.snapshot")) as Extract<ConversationFrame, { type: "conversation.snapshot" }>;
    expect(after.messages.map((m) => m.body)).toEqual(["second"]);
    resumed.socket.close();
  });
});
