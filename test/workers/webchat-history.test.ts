/**
 * What a returning visitor sees of their past: the agent who wrapped up is still named on their
 * messages and still counts as having read the visitor's (the snapshot carries the participants who
 * left, with when they joined and left), and after the conversation closed a new session still finds
 * it, its socket shows the transcript read-only, and the next message opens a new conversation.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ConversationFrame } from "../../contract/conversations";
import { conversationTaskEvent, must, newChannel, newWorkspace, openSocket, widget } from "./webchat-helpers";
import { conversationFor } from "../../platform/objects";

type Snapshot = Extract<ConversationFrame, { type: "conversation.snapshot" }>;
const WORKER = "WK" + "a".repeat(32);

let ws = "";
let chat = "";

beforeAll(async () => {
  ws = await newWorkspace("webchat history");
  chat = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" });
}, 30_000);

const account = () => env.ACCOUNT_SID!;

/** A task event for the conversation's task, as the queue consumer hands it over. */
const taskEvent = (conversationSid: string, eventType: string) =>
  conversationTaskEvent(ws, conversationSid, eventType, { sid: WORKER, name: "Ada Lovelace" });

/** A visitor who wrote once, whose agent joined, answered and read it. */
async function answeredVisitor() {
  const routes = widget(ws, chat);
  const visitor = await routes.session({ name: "Grace" });
  const first = await routes.post("/messages", { client_id: "c-1", body: "Hello?" }, visitor.token);
  const conversationSid = first.body.conversation_sid as string;
  await taskEvent(conversationSid, "reservation.accepted");
  const stub = conversationFor(env, conversationSid);
  const agent = await must(stub.getParticipant(account(), WORKER));
  await must(stub.addMessage(account(), { participantSid: agent.sid, body: "Hi Grace, Ada here." }));
  await must(stub.updateParticipant(account(), agent.sid, { lastReadMessageIndex: 0 }));
  const protocols = ["switchboard.conversation.v1", `token.${visitor.token}`];
  const snapshot = async () => {
    const live = await openSocket(`${routes.base}/socket`, protocols);
    const frame = (await live.next("conversation.snapshot")) as Snapshot;
    live.socket.close();
    return frame;
  };
  return { routes, visitor, conversationSid, agentSid: agent.sid, snapshot };
}

describe("a visitor's transcript after the agent left", () => {
  it("still names the agent and keeps what they read, with when they joined and left", async () => {
    const { conversationSid, agentSid, snapshot } = await answeredVisitor();
    await taskEvent(conversationSid, "task.wrapup");

    const after = await snapshot();
    expect(after.conversation.state).toBe("inactive");
    expect(after.participants.map((p) => p.role)).toEqual(["customer"]); // the agent is no longer a participant
    expect(after.past_participants).toEqual([
      expect.objectContaining({
        sid: agentSid,
        identity: WORKER,
        role: "agent",
        display_name: "Ada Lovelace",
        last_read_message_index: 0,
        date_created: expect.stringMatching(/^\d{4}-/),
        date_left: expect.stringMatching(/^\d{4}-/),
      }),
    ]);
    expect(after.messages.map((m) => m.participant_sid)).toEqual([after.you, agentSid]);
  });
});

describe("a visitor whose conversation closed", () => {
  it("gets it back from a new session and its socket, read-only, and opens a new one by writing", async () => {
    const { routes, visitor, conversationSid, snapshot } = await answeredVisitor();
    await taskEvent(conversationSid, "task.completed");

    const session = await routes.session({ token: visitor.token });
    expect(session.conversation_sid).toBe(conversationSid);
    const closed = await snapshot();
    expect(closed.conversation).toMatchObject({ sid: conversationSid, state: "closed" });
    expect(closed.messages.map((m) => m.body)).toEqual(["Hello?", "Hi Grace, Ada here."]);
    expect(closed.past_participants.map((p) => p.display_name)).toEqual(["Ada Lovelace"]);

    const next = await routes.post("/messages", { client_id: "c-2", body: "One more thing" }, visitor.token);
    expect(next.status).toBe(201);
    expect(next.body.conversation_sid).not.toBe(conversationSid);
    expect((await routes.session({ token: visitor.token })).conversation_sid).toBe(next.body.conversation_sid);
  });

  it("serves the closed conversation's attachments from the agent to its visitor only", async () => {
    const { routes, visitor, conversationSid } = await answeredVisitor();
    const stranger = await routes.session();
    const upload = await routes.upload(new Uint8Array([1, 2, 3]), "application/pdf", stranger.token, "receipt.pdf");
    const mediaSid = upload.body.sid as string;
    const stub = conversationFor(env, conversationSid);
    const agent = await must(stub.getParticipant(account(), WORKER));
    await must(stub.addMessage(account(), { participantSid: agent.sid, body: "", mediaSids: [mediaSid] }));
    await taskEvent(conversationSid, "task.completed");

    const mine = await routes.raw(`/media/${mediaSid}?token=${encodeURIComponent(visitor.token)}`);
    expect(mine.status).toBe(200);
    const other = await routes.session();
    const theirs = await routes.raw(`/media/${mediaSid}?token=${encodeURIComponent(other.token)}`);
    expect(theirs.status).toBe(404);
  });
});
