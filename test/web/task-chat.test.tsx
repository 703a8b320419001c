/**
 * The chat panel as an agent uses it, in happy-dom with a fake socket and fetch: history from the
 * snapshot and live frames, sending through the SendMessage action (a plugin's beforeSendMessage can
 * change the text), delivery states, typing both ways, canned responses, attachments, read receipts,
 * and the draft surviving task switches and reloads.
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CH_SID,
  FakeWebSocket,
  MB_AGENT,
  MB_CUSTOMER,
  message,
  participant,
  renderCanvas,
  snapshot,
  stubFetch,
  task,
  WS_SID,
} from "./task-fixtures";

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  stubFetch({}); // nothing reaches a network; tests that need routes stub again
  sessionStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Renders the canvas and opens its socket with a snapshot. */
async function openChat(messages = [message(0, MB_CUSTOMER, "Hello, my order is late")], options: Parameters<typeof renderCanvas>[0] = {}) {
  const view = renderCanvas(options);
  await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
  const socket = FakeWebSocket.latest();
  act(() => {
    socket.serverOpen();
    socket.serverSend(snapshot(messages));
  });
  return { ...view, socket, log: screen.getByRole("log", { hidden: true }) };
}
const composer = () => screen.getByRole("textbox", { name: "Type a message…" }) as HTMLTextAreaElement;
const sends = (socket: FakeWebSocket) => socket.sent.filter((c) => (c as { type: string }).type === "message.send");

describe("history", () => {
  it("shows the snapshot and live messages in a polite log, customer, agent and notes apart", async () => {
    const { socket, log } = await openChat([message(0, MB_CUSTOMER, "Hello, my order is late"), message(1, MB_AGENT, "Let me check")]);
    expect(log.getAttribute("aria-live")).toBe("polite");
    expect(log.getAttribute("aria-label")).toBe("Conversation with Ann Lee");
    act(() => {
      socket.serverSend({ type: "participant.joined", participant: participant("MB" + "e".repeat(32), "agent", "Ben") });
      socket.serverSend({ type: "message.added", message: message(2, MB_CUSTOMER, "Thanks!") });
    });
    const items = within(log).getAllByRole("listitem");
    expect(items.map((li) => li.className.replace("sb-chat__", "").replace(/sb-chat__message--/, ""))).toEqual([
      "message customer",
      "message mine",
      "note",
      "message customer",
    ]);
    expect(items[1]!.textContent).toContain("You");
    expect(items[2]!.textContent).toBe("Ben joined");
    expect(items[3]!.textContent).toContain("Thanks!");
  });
});

describe("what a channel carries besides text", () => {
  const attributes = (value: unknown) => ({ attributes: JSON.stringify(value) });

  it("shows a placeholder for a message it cannot show, a Flows reply's answers, the customer's reaction, and where they came from", async () => {
    const { log } = await openChat([
      message(
        0,
        MB_CUSTOMER,
        "",
        attributes({ referral: { source: "ADS", ad_id: "2385194", ads_context_data: { ad_title: "Spring sale" } } }),
      ),
      message(1, MB_CUSTOMER, "", attributes({ unsupported: { type: "location", reason: "location.latitude: expected number" } })),
      message(
        2,
        MB_CUSTOMER,
        "Sent",
        attributes({
          interactive: { type: "nfm_reply", name: "flow", response: { flow_token: "t", party_size: "2", date: "2025-06-12" } },
        }),
      ),
      message(3, MB_AGENT, "It ships Monday", attributes({ reactions: [{ by: "customer", emoji: "❤️" }] })),
      message(4, MB_CUSTOMER, "", attributes({ referral: { source: "SHORTLINK", ref: "order-4411" } })),
      message(5, MB_CUSTOMER, "", attributes({ optin: { type: "notification_messages", title: "Spring offers" } })),
      // Twilio's click-to-WhatsApp referral (ReferralHeadline, ReferralSourceType …).
      message(6, MB_CUSTOMER, "Still on?", attributes({ referral: { headline: "Kettle week", sourceType: "ad", sourceId: "1202" } })),
    ]);
    const items = within(log).getAllByRole("listitem");
    expect(items[0]!.textContent).toContain("Came from the ad “Spring sale”");
    expect(items[1]!.textContent).toContain("Message not shown (location): location.latitude: expected number");
    // The flow token is Meta's bookkeeping, not an answer.
    const form = within(items[2]!).getByRole("group", { name: "Form answers" });
    expect(
      within(form)
        .getAllByRole("term")
        .map((dt) => dt.textContent),
    ).toEqual(["party_size", "date"]);
    expect(
      within(form)
        .getAllByRole("definition")
        .map((dd) => dd.textContent),
    ).toEqual(["2", "2025-06-12"]);
    expect(items[3]!.textContent).toContain("Customer reacted ❤️");
    expect(items[4]!.textContent).toContain("Came from a link (order-4411)");
    expect(items[5]!.textContent).toContain("Agreed to receive “Spring offers”");
    expect(items[6]!.textContent).toContain("Came from the ad “Kettle week”");
  });
});

describe("an unverified customer", () => {
  it("marks the name on the customer's messages as unverified, and not the agent's", async () => {
    const unverified = task({
      attributes: { conversationSid: CH_SID, from: "WV1", name: "Ann", customers: { name: null, unverified: { name: "Ann" } } },
    });
    const { log } = await openChat([message(0, MB_CUSTOMER, "Hello"), message(1, MB_AGENT, "Hi Ann")], { task: unverified });
    const [customer, mine] = within(log).getAllByRole("listitem");
    expect(customer!.querySelector(".sb-chat__author")!.textContent).toBe("Ann unverified");
    expect(mine!.querySelector(".sb-chat__author")!.textContent).toBe("You");
  });
});

describe("sending", () => {
  it("Enter sends through SendMessage (a plugin may change the text); the ack marks it sent; Shift+Enter is a new line", async () => {
    const { desktop, socket, log } = await openChat();
    const seen: unknown[] = [];
    desktop.Actions.addListener("beforeSendMessage", (payload) => {
      seen.push({ ...payload });
      payload.body = `${payload.body} [checked]`;
    });

    fireEvent.change(composer(), { target: { value: "Line one" } });
    fireEvent.keyDown(composer(), { key: "Enter", shiftKey: true });
    expect(sends(socket)).toEqual([]);

    fireEvent.keyDown(composer(), { key: "Enter" });
    await waitFor(() => expect(sends(socket)).toHaveLength(1));
    const sent = sends(socket)[0] as { clientId: string; body: string };
    expect(seen).toEqual([{ conversationSid: CH_SID, body: "Line one", attachments: [] }]);
    expect(sent.body).toBe("Line one [checked]");
    expect(composer().value).toBe("");
    const pending = within(log).getAllByRole("listitem").at(-1)!;
    expect(pending.textContent).toContain("Sending…");

    act(() => socket.serverSend({ type: "ack", clientId: sent.clientId, messageSid: message(1, MB_AGENT, "").sid }));
    expect(within(log).getAllByRole("listitem").at(-1)!.textContent).toContain("Sent");
    act(() => socket.serverSend({ type: "message.added", message: message(1, MB_AGENT, "Line one [checked]") }));
    expect(within(log).getAllByRole("listitem")).toHaveLength(2); // the stored copy replaces the pending one
  });

  it("a plugin that cancels SendMessage leaves the text in the composer", async () => {
    const { desktop, socket } = await openChat();
    desktop.Actions.addListener("beforeSendMessage", (_payload, cancel) => cancel("profanity"));
    fireEvent.change(composer(), { target: { value: "darn" } });
    fireEvent.keyDown(composer(), { key: "Enter" });
    await waitFor(() => expect(composer().value).toBe("darn"));
    expect(sends(socket)).toEqual([]);
  });

  it.each([
    // delivery_status on the stored message, error, what the agent reads
    ["queued", null, "Sending…"],
    ["sent", null, "Sent"],
    ["delivered", null, "Delivered"],
    ["read", null, "Read"],
    ["failed", "63016 Outside the 24 h window", "Not sent: 63016 Outside the 24 h window"],
    ["undelivered", null, "Not sent"],
  ] as const)("delivery_status %s with error %j is shown to the agent", async (status, error, text) => {
    const { socket, log } = await openChat([message(0, MB_AGENT, "Your order shipped")]);
    act(() =>
      socket.serverSend({
        type: "message.updated",
        message: message(0, MB_AGENT, "Your order shipped", { delivery_status: status, delivery_error: error }),
      }),
    );
    const item = within(log).getByRole("listitem");
    expect(item.querySelector(".sb-chat__delivery")!.textContent).toBe(text);
  });

  it("web chat: read once the customer's read index reaches the message", async () => {
    const { socket, log } = await openChat([message(0, MB_AGENT, "Hi")]);
    expect(within(log).getByRole("listitem").textContent).toContain("Sent");
    act(() =>
      socket.serverSend({
        type: "participant.updated",
        participant: participant(MB_CUSTOMER, "customer", "Ann", { last_read_message_index: 0 }),
      }),
    );
    expect(within(log).getByRole("listitem").textContent).toContain("Read");
  });
});

describe("typing", () => {
  it("shows the customer typing, and sends typing at most once per 2 s while the agent types", async () => {
    const { socket } = await openChat();
    act(() => socket.serverSend({ type: "typing", participantSid: MB_CUSTOMER, displayName: "Ann" }));
    expect(screen.getByText("Ann is typing…")).toBeTruthy();
    act(() => socket.serverSend({ type: "message.added", message: message(1, MB_CUSTOMER, "more") }));
    expect(screen.queryByText("Ann is typing…")).toBeNull();

    for (const text of ["H", "He", "Hel", "Hell"]) fireEvent.change(composer(), { target: { value: text } });
    await waitFor(() => expect(socket.sent.filter((c) => (c as { type: string }).type === "typing")).toHaveLength(1));
  });
});

describe("canned responses", () => {
  it("the menu is keyboard-usable and inserts the body into the draft", async () => {
    await openChat();
    fireEvent.change(composer(), { target: { value: "Hi. " } });
    composer().setSelectionRange(4, 4);
    const button = screen.getByRole("button", { name: "Canned responses" });
    expect(button.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(button);
    const search = screen.getByRole("searchbox", { name: "Search canned responses" });
    expect(document.activeElement).toBe(search);
    fireEvent.keyDown(search, { key: "ArrowDown" });
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    expect(document.activeElement!.textContent).toContain("Goodbye");
    fireEvent.click(document.activeElement!);
    expect(composer().value).toBe("Hi. Thanks for writing in.");
    expect(screen.queryByRole("menu")).toBeNull();
  });

  it("search filters, an empty result says so, Escape closes and returns focus", async () => {
    await openChat();
    const button = screen.getByRole("button", { name: "Canned responses" });
    fireEvent.click(button);
    fireEvent.change(screen.getByRole("searchbox"), { target: { value: "zzz" } });
    expect(screen.getByText("No canned responses match.")).toBeTruthy();
    fireEvent.keyDown(screen.getByRole("searchbox"), { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(button);
  });
});

describe("attachments", () => {
  it("uploads with the agent's token, then sends the media SIDs; images are fetched with the token", async () => {
    const mediaSid = "ME" + "8".repeat(32);
    const calls = stubFetch({
      [`POST /api/conversations/${CH_SID}/media`]: () =>
        Response.json({ sid: mediaSid, content_type: "image/png", filename: "receipt.png", size: 3 }, { status: 201 }),
      [`GET /api/media/${WS_SID}/${mediaSid}`]: () => new Response(new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" })),
    });
    const { socket, log } = await openChat();
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    const file = new File([new Uint8Array([1, 2, 3])], "receipt.png", { type: "image/png" });
    fireEvent.change(input, { target: { files: [file] } });
    expect(screen.getByText("receipt.png")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(sends(socket)).toHaveLength(1));
    expect(sends(socket)[0]).toMatchObject({ body: "", mediaSids: [mediaSid] });
    const upload = calls.find((call) => call.method === "POST")!;
    expect(new URL(upload.url).searchParams.get("filename")).toBe("receipt.png");
    expect(upload.headers.get("authorization")).toBe("Bearer jwt-token");
    expect(upload.headers.get("content-type")).toBe("image/png");

    act(() =>
      socket.serverSend({
        type: "message.added",
        message: message(1, MB_AGENT, "", {
          body: null,
          media: [{ sid: mediaSid, content_type: "image/png", filename: "receipt.png", size: 3 }],
        }),
      }),
    );
    const image = await within(log).findByRole("img", { name: "receipt.png" });
    expect(image.getAttribute("src")).toMatch(/^blob:/);
    expect(calls.at(-1)!.headers.get("authorization")).toBe("Bearer jwt-token");
  });

  it("a refused upload keeps the draft and shows ActionFailed with the server's reason", async () => {
    stubFetch({
      [`POST /api/conversations/${CH_SID}/media`]: () =>
        Response.json({ code: 20415, message: "Content-Type application/x-msdownload is not accepted", status: 415 }, { status: 415 }),
    });
    const { desktop, socket } = await openChat();
    const shown: unknown[] = [];
    desktop.Notifications.subscribe((list) => shown.push(...list.map((n) => n.id)));
    fireEvent.change(composer(), { target: { value: "see attached" } });
    fireEvent.change(document.querySelector<HTMLInputElement>('input[type="file"]')!, {
      target: { files: [new File(["MZ"], "tool.exe", { type: "application/x-msdownload" })] },
    });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(composer().value).toBe("see attached"));
    expect(sends(socket)).toEqual([]);
    expect(shown).toContain("ActionFailed");
  });
});

describe("read receipts and switching tasks", () => {
  it("marks messages read only while the chat is on screen", async () => {
    const { socket, rerender } = await openChat([message(0, MB_CUSTOMER, "a")], { active: false });
    expect(socket.sent).toEqual([]);
    rerender({ active: true });
    expect(socket.sent).toEqual([{ type: "read", index: 0 }]);
    act(() => socket.serverSend({ type: "message.added", message: message(1, MB_CUSTOMER, "b") }));
    expect(socket.sent.at(-1)).toEqual({ type: "read", index: 1 });
  });

  it("the draft survives hiding the canvas and a reload (sessionStorage per task)", async () => {
    const { rerender, unmount } = await openChat();
    fireEvent.change(composer(), { target: { value: "half-written" } });
    rerender({ active: false });
    rerender({ active: true });
    expect(composer().value).toBe("half-written");
    unmount();
    renderCanvas();
    expect(composer().value).toBe("half-written");
    cleanup();
    renderCanvas({ task: task({ taskSid: "WT" + "f".repeat(32) }) });
    expect(composer().value).toBe(""); // another task, another draft
  });

  it("while wrapping, the wrap-up panel replaces the composer: nothing more reaches the customer", async () => {
    await openChat([], { task: task({ state: "wrapping" }) });
    expect(screen.queryByRole("textbox", { name: "Type a message…" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Send" })).toBeNull();
    expect(screen.getByRole("region", { name: "Wrap-up" })).toBeTruthy();
  });
});

describe("internal notes and whispers", () => {
  const noteBox = () => screen.getByRole("textbox", { name: "Internal note — only your team sees it…" }) as HTMLTextAreaElement;

  it("the Internal note switch sends a staff-only note (tinted composer, 'Add note'), and switching back replies to the customer", async () => {
    const { socket } = await openChat();
    const toggle = screen.getByRole("button", { name: "Internal note" });
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    expect(noteBox().closest("form")!.hasAttribute("data-note")).toBe(true);
    fireEvent.change(noteBox(), { target: { value: "VIP — refund without asking" } });
    expect((socket.sent.at(-1) as { type: string; note?: boolean }).note).toBe(true); // typing a note shows to staff only
    fireEvent.click(screen.getByRole("button", { name: "Add note" }));
    await waitFor(() => expect(sends(socket)).toHaveLength(1));
    expect(sends(socket)[0]).toMatchObject({ body: "VIP — refund without asking", note: true });

    fireEvent.click(toggle);
    fireEvent.change(composer(), { target: { value: "Refunded!" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(sends(socket)).toHaveLength(2));
    expect(sends(socket)[1]).not.toHaveProperty("note");
  });

  it("shows a note and a supervisor's whisper on their own tinted bubble, labelled, with no delivery state", async () => {
    const { log } = await openChat([
      message(0, MB_CUSTOMER, "Hello"),
      message(1, MB_AGENT, "Check the order first", { visibility: "staff" }),
      message(2, null, "Offer the voucher", { visibility: "staff", author: "US" + "9".repeat(32), author_role: "supervisor" }),
      message(3, MB_AGENT, "Hi Ann"),
      // Written after the agent left (their wrap-up notes): no participant, authored by their identity.
      message(4, null, "Wrap-up: refunded", { visibility: "staff", author: "WK" + "4".repeat(32), author_role: "agent" }),
    ]);
    const [customer, note, whisper, reply, wrapup] = within(log).getAllByRole("listitem");
    expect(customer!.hasAttribute("data-staff")).toBe(false);
    expect(note!.hasAttribute("data-staff")).toBe(true);
    expect(note!.querySelector(".sb-chat__author")!.textContent).toBe("You Internal note");
    expect(note!.querySelector(".sb-chat__delivery")).toBeNull(); // no customer reads a note
    expect(whisper!.className).toContain("sb-chat__message--supervisor");
    expect(whisper!.querySelector(".sb-chat__author")!.textContent).toBe("Supervisor Whisper"); // never their SID
    expect(reply!.hasAttribute("data-staff")).toBe(false);
    expect(reply!.querySelector(".sb-chat__delivery")!.textContent).toBe("Sent");
    expect(wrapup!.className).toContain("sb-chat__message--mine");
    expect(wrapup!.querySelector(".sb-chat__author")!.textContent).toBe("You Internal note");
  });
});

describe("emoji", () => {
  it("a keyboard-usable picker inserts the emoji where the cursor is", async () => {
    await openChat();
    fireEvent.change(composer(), { target: { value: "Thanks " } });
    composer().setSelectionRange(7, 7);
    fireEvent.click(screen.getByRole("button", { name: "Emoji" }));
    const menu = screen.getByRole("menu", { name: "Emoji" });
    await waitFor(() => expect(document.activeElement).toBe(within(menu).getAllByRole("menuitem")[0]));
    fireEvent.keyDown(document.activeElement!, { key: "ArrowRight" }); // 🙂
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" }); // six to a row: from the 2nd to the 8th, 🎉
    expect(document.activeElement!.getAttribute("aria-label")).toBe("party popper");
    fireEvent.click(document.activeElement!);
    expect(composer().value).toBe("Thanks 🎉");
    expect(screen.queryByRole("menu")).toBeNull();
  });
});
