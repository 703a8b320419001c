/**
 * The conversation socket as the agent's desktop uses it, without React: frames folded into the chat
 * state (order, merge after a reconnect, join/leave notes, typing, delivery states), and the client's
 * wire behaviour — subprotocols, `?since=` on reconnect with backoff, unacknowledged messages re-sent
 * with the same clientId until the ack, typing throttled, read only moving forward, final closes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  applyFrame,
  deliveryOf,
  initialChatState,
  lastMessageOf,
  timelineOf,
  unreadOf,
  type ChatState,
} from "../../web/desktop/src/app/task/chat-state";
import { CONVERSATION_BACKOFF, createConversationClient } from "../../web/desktop/src/app/task/conversation-client";
import { backoffDelay, DEFAULT_BACKOFF } from "../../web/socket/reconnecting-socket";
import { CH_SID, FakeWebSocket, MB_AGENT, MB_CUSTOMER, MB_OTHER, message, participant, snapshot } from "./task-fixtures";

const fold = (...frames: Parameters<typeof applyFrame>[1][]): ChatState =>
  frames.reduce((s, f) => applyFrame(s, f, 1000), initialChatState);

describe("chat state", () => {
  it("orders messages by index, de-duplicates by SID and tells customer, agent, other agent and system apart", () => {
    const state = fold(
      snapshot([message(1, MB_AGENT, "Hi Ann"), message(0, MB_CUSTOMER, "Hello")]),
      { type: "message.added", message: message(2, null, "Conversation transferred") },
      { type: "participant.joined", participant: participant(MB_OTHER, "agent", "Ben") },
      { type: "message.added", message: message(3, MB_OTHER, "Ben here") },
      { type: "message.added", message: message(1, MB_AGENT, "Hi Ann") }, // a replay after reconnect
    );
    expect(
      timelineOf(state).map((i) =>
        i.kind === "message" ? `${i.author}:${i.message.body}` : i.kind === "note" ? `note:${i.note.kind}:${i.note.name}` : "pending",
      ),
    ).toEqual(["customer:Hello", "mine:Hi Ann", "system:Conversation transferred", "note:joined:Ben", "agent:Ben here"]);
  });

  it("a watching supervisor's own whispers are theirs: `you` names the identity they write as", () => {
    const me = "US" + "1".repeat(32);
    const state = fold({
      ...snapshot([
        message(0, null, "Offer the voucher", { visibility: "staff", author: me, author_role: "supervisor" }),
        message(1, null, "Check the order", { visibility: "staff", author: "US" + "2".repeat(32), author_role: "supervisor" }),
      ]),
      you: `supervisor:${me}`,
    } as Parameters<typeof applyFrame>[1]);
    expect(timelineOf(state).map((i) => (i.kind === "message" ? i.author : i.kind))).toEqual(["mine", "supervisor"]);
    // A backend's token names nobody: nothing is theirs.
    expect(fold({ ...snapshot([]), you: "supervisor:" } as Parameters<typeof applyFrame>[1]).youIdentity).toBeNull();
  });

  it("a reconnect snapshot (only newer messages) merges with what is shown", () => {
    const before = fold(snapshot([message(0, MB_CUSTOMER, "a"), message(1, MB_AGENT, "b")]));
    const after = applyFrame(before, snapshot([message(2, MB_CUSTOMER, "c")]), 2000);
    expect(after.messages.map((m) => m.body)).toEqual(["a", "b", "c"]);
  });

  it("drops a message the customer withdrew, live (message.removed) and from a later snapshot", () => {
    const removed = message(1, MB_CUSTOMER, "", {
      body: null,
      attributes: JSON.stringify({ removed: { by: "customer", date_removed: "x" } }),
    });
    const live = fold(snapshot([message(0, MB_CUSTOMER, "a"), message(1, MB_CUSTOMER, "wrong photo"), message(2, MB_AGENT, "b")]), {
      type: "message.removed",
      message: removed,
    });
    expect(live.messages.map((m) => m.body)).toEqual(["a", "b"]);
    // A reconnect: the snapshot still lists the withdrawn message, marked.
    const again = applyFrame(live, snapshot([message(0, MB_CUSTOMER, "a"), removed, message(2, MB_AGENT, "b")]), 2000);
    expect(again.messages.map((m) => m.body)).toEqual(["a", "b"]);
  });

  it.each([
    // delivery_status from the channel, the customer's read index (web chat), expected state and error
    ["queued", null, "queued", null],
    ["sending", null, "queued", null],
    ["sent", null, "sent", null],
    ["delivered", null, "delivered", null],
    ["read", null, "read", null],
    ["failed", null, "failed", "30008 Unknown error"],
    ["undelivered", null, "failed", "30008 Unknown error"],
    [null, null, "sent", null],
    [null, 0, "sent", null], // read up to index 0, the message is index 1
    [null, 1, "read", null],
  ] as const)("delivery_status %s, customer read %s → %s", (status, readIndex, expected, error) => {
    const customer = participant(MB_CUSTOMER, "customer", "Ann", { last_read_message_index: readIndex });
    const mine = message(1, MB_AGENT, "hi", {
      delivery_status: status,
      delivery_error: status === "failed" || status === "undelivered" ? "30008 Unknown error" : null,
    });
    const state = fold(snapshot([message(0, MB_CUSTOMER, "q"), mine], [participant(MB_AGENT, "agent", "Ada"), customer]));
    expect(deliveryOf(state, mine)).toEqual({ status: expected, error });
  });

  it("typing shows who, never oneself, and stops when that person's message arrives", () => {
    let state = fold(snapshot([]));
    state = applyFrame(state, { type: "typing", participantSid: MB_AGENT, displayName: "Ada" }, 1000);
    expect(state.typing).toBeNull();
    state = applyFrame(state, { type: "typing", participantSid: MB_CUSTOMER, displayName: null }, 1000);
    expect(state.typing).toEqual({ participantSid: MB_CUSTOMER, name: "Ann", until: 7000 });
    state = applyFrame(state, { type: "message.added", message: message(0, MB_CUSTOMER, "hi") }, 1500);
    expect(state.typing).toBeNull();
  });
});

describe("a task card's summary: unread count and last message", () => {
  it("counts others' messages after what the agent read (the server's index, raised by a read sent since), not their own", () => {
    const me = participant(MB_AGENT, "agent", "Ada", { last_read_message_index: 1 });
    const state = fold(
      snapshot(
        [message(0, MB_CUSTOMER, "a"), message(1, MB_CUSTOMER, "b"), message(2, MB_AGENT, "mine"), message(3, MB_CUSTOMER, "c")],
        [me, participant(MB_CUSTOMER, "customer", "Ann")],
      ),
      {
        type: "message.added",
        message: message(4, null, "Offer a voucher", { visibility: "staff", author_role: "supervisor", author: "Sam" }),
      },
      { type: "message.added", message: message(5, null, "Conversation transferred") },
    );
    // Read up to 1: index 2 is the agent's own, 3 the customer's, 4 a whisper (counts), 5 a system line (does not).
    expect(unreadOf(state)).toBe(2);
    expect(unreadOf({ ...state, readIndex: 4 })).toBe(0);
    expect(unreadOf(applyFrame(state, { type: "participant.updated", participant: { ...me, last_read_message_index: 3 } }, 0))).toBe(1);
  });

  it("the last message with something to show, and who wrote it", () => {
    const state = fold(snapshot([message(0, MB_CUSTOMER, "Where is my parcel?"), message(1, MB_AGENT, "Checking now")]), {
      type: "message.added",
      message: message(2, MB_CUSTOMER, "", {
        media: [{ sid: "ME" + "1".repeat(32), content_type: "image/png", filename: "a.png", size: 3 }],
      }),
    });
    expect(lastMessageOf(state)).toMatchObject({ author: "customer", message: { index: 2 } });
    expect(lastMessageOf(fold(snapshot([message(0, MB_AGENT, "Hi")])))).toMatchObject({ author: "mine" });
    expect(lastMessageOf(initialChatState)).toBeNull();
  });
});

describe("conversation client", () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  const open = () =>
    createConversationClient({
      conversationSid: CH_SID,
      token: async () => "jwt",
      origin: "https://desk.example",
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
      random: () => 0,
    });

  it("connects with the token subprotocol and resumes after the last index on reconnect, with growing delays", async () => {
    const client = open();
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeWebSocket.latest();
    expect(first.url).toBe(`wss://desk.example/api/conversations/${CH_SID}/socket`);
    expect(first.protocols).toEqual(["switchboard.conversation.v1", "token.jwt"]);
    first.serverOpen();
    first.serverSend(snapshot([message(0, MB_CUSTOMER, "a"), message(4, MB_CUSTOMER, "b")]));

    first.serverClose(1006);
    expect(client.getState().connection).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeWebSocket.latest().url).toBe(`wss://desk.example/api/conversations/${CH_SID}/socket?since=4`);
    FakeWebSocket.latest().serverClose(1006); // the second attempt fails too: 2 s next
    await vi.advanceTimersByTimeAsync(1999);
    expect(FakeWebSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeWebSocket.instances).toHaveLength(3);
    client.close();
  });

  it.each([
    // 1 s doubling to 30 s, up to half taken off at random.
    [0, 1, 500],
    [0, 0, 1000],
    [3, 0, 8000],
    [10, 0, 30_000],
  ])("backoff attempt %i, random %d → %i ms", (attempt, random, expected) => {
    expect(backoffDelay({ ...DEFAULT_BACKOFF, minDelayMs: 0, ...CONVERSATION_BACKOFF }, attempt, random)).toBe(expected);
  });

  it("re-sends an unacknowledged message with the same clientId after a reconnect, and not after its ack", async () => {
    const client = open();
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeWebSocket.latest();
    const queued = client.send("while connecting"); // not open yet: kept for later
    first.serverOpen();
    expect(first.sent).toEqual([{ type: "message.send", clientId: queued, body: "while connecting" }]);
    const acked = client.send("will be acked");
    first.serverSend({ type: "ack", clientId: acked, messageSid: "IM" + "9".repeat(32) });
    expect(client.getState().pending.map((p) => p.status)).toEqual(["sending", "sent"]);

    first.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    const second = FakeWebSocket.latest();
    second.serverOpen();
    expect(second.sent).toEqual([{ type: "message.send", clientId: queued, body: "while connecting" }]);
    client.close();
  });

  it("an error frame marks that message failed with the server's reason", async () => {
    const client = open();
    await vi.advanceTimersByTimeAsync(0);
    FakeWebSocket.latest().serverOpen();
    const id = client.send("x");
    FakeWebSocket.latest().serverSend({ type: "error", clientId: id, status: 400, message: "The conversation is closed" });
    expect(client.getState().pending[0]).toMatchObject({ status: "failed", error: "The conversation is closed" });
    client.close();
  });

  it("typing goes out at most once per 2 s; read only moves forward", async () => {
    let now = 10_000;
    const client = createConversationClient({
      conversationSid: CH_SID,
      token: async () => "jwt",
      origin: "http://localhost:8787",
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
      now: () => now,
    });
    await vi.advanceTimersByTimeAsync(0);
    const socket = FakeWebSocket.latest();
    expect(socket.url.startsWith("ws://localhost:8787/")).toBe(true);
    socket.serverOpen();
    expect([client.sendTyping(), client.sendTyping()]).toEqual([true, false]);
    now += 1999;
    expect(client.sendTyping()).toBe(false);
    now += 1;
    expect(client.sendTyping()).toBe(true);
    client.markRead(3);
    client.markRead(3);
    client.markRead(2);
    client.markRead(5);
    expect(socket.sent).toEqual([{ type: "typing" }, { type: "typing" }, { type: "read", index: 3 }, { type: "read", index: 5 }]);
    client.close();
  });

  it("sends a note, and a supervisor's barge in and out", async () => {
    const client = open();
    await vi.advanceTimersByTimeAsync(0);
    const socket = FakeWebSocket.latest();
    socket.serverOpen();
    const note = client.send("only for staff", { note: true });
    const refused = client.send("to the customer");
    expect(client.bargeJoin("Sam")).toBe(true);
    expect(client.bargeLeave()).toBe(true);
    expect(socket.sent).toEqual([
      { type: "message.send", clientId: note, body: "only for staff", note: true },
      { type: "message.send", clientId: refused, body: "to the customer" },
      { type: "barge.join", displayName: "Sam" },
      { type: "barge.leave" },
    ]);
    expect(client.getState().pending.map((p) => p.note)).toEqual([true, false]);
    client.close();
  });

  it.each([4403, 4404])("close %i is final: no reconnect, the reason is kept", async (code) => {
    const client = open();
    await vi.advanceTimersByTimeAsync(0);
    FakeWebSocket.latest().serverClose(code, "no access");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(client.getState()).toMatchObject({ connection: "closed", closedReason: "no access" });
  });

  it("a token that cannot be had (signed out, offline) is retried later, not thrown", async () => {
    let fail = true;
    const client = createConversationClient({
      conversationSid: CH_SID,
      token: async () => {
        if (fail) throw new Error("offline");
        return "jwt";
      },
      origin: "https://desk.example",
      WebSocket: FakeWebSocket as unknown as typeof WebSocket,
      random: () => 0,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeWebSocket.instances).toHaveLength(0);
    fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    client.close();
  });
});
