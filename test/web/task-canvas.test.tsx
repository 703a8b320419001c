/**
 * The task canvas around the chat: the header, keyboard tabs, wrap-up with a disposition (CompleteTask
 * gets the code as its reason), the transfer dialog (focus trapped, Escape, arrow keys, TransferTask
 * POSTing the transfer with the agent's token), and the customer panel (attributes, previous
 * conversations, the CustomerPanel slot, the CRM screen pop — only http(s), sandboxed).
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CH_SID, FakeWebSocket, PR_SID, renderCanvas, settings, stubFetch, task, WK_ME, WS_SID } from "./task-fixtures";

const WQ = "WQ" + "b".repeat(32);
const WK_BEN = "WK" + "d".repeat(32);

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

describe("header and tabs", () => {
  it("names the customer, channel and queue; plugins add to the header", () => {
    const { desktop } = renderCanvas();
    act(() => desktop.Slots.add("TaskCanvas.Header", { key: "vip", component: () => <span>VIP customer</span> }));
    const header = screen.getByRole("banner");
    expect(within(header).getByRole("heading", { level: 2 }).textContent).toBe("Ann Lee");
    expect(header.textContent).toContain("ann@example.com");
    expect(header.textContent).toContain("Channel: chat");
    expect(header.textContent).toContain("Queue: Support");
    expect(header.textContent).toMatch(/With you for [\d:]+/); // counted below
    expect(header.textContent).toContain("VIP customer");
  });

  it("names an anonymous web visitor so, never by their visitor ID", () => {
    const visitor = "WV" + "0a".repeat(16);
    renderCanvas({ task: task({ attributes: { conversationSid: CH_SID, channelType: "web", from: visitor, name: visitor } }) });
    const header = screen.getByRole("banner");
    expect(within(header).getByRole("heading", { level: 2 }).textContent).toBe("Website visitor");
    expect(header.textContent).not.toContain(visitor);
  });

  it("counts the time since the server accepted the task, ticking each second", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    try {
      vi.setSystemTime(Date.UTC(2026, 0, 2, 10, 5));
      // Accepted 2:05 ago by the server's account (already on this clock), whenever this tab first saw it.
      renderCanvas({ task: task({ acceptedAt: Date.now() - 125_000 }) });
      const header = screen.getByRole("banner");
      expect(within(header).getByLabelText("With you for 2:05")).toBeTruthy();
      act(() => void vi.advanceTimersByTime(1_000));
      expect(within(header).getByLabelText("With you for 2:06")).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the customer beside the chat, in a pane the agent resizes with the keys (mirrored right to left), remembered", () => {
    localStorage.removeItem("sb.pane.customer");
    const { desktop, unmount } = renderCanvas();
    expect(screen.getAllByRole("tab").map((tab) => tab.textContent)).toEqual(["Chat"]);
    const pane = screen.getByRole("complementary", { name: "Customer" });
    const handle = screen.getByRole("separator", { name: "Resize the customer panel" });
    expect(pane.style.inlineSize).toBe("320px");
    // The pane is at the end: the handle moving towards the start (left, left to right) widens it.
    fireEvent.keyDown(handle, { key: "ArrowLeft" });
    expect(pane.style.inlineSize).toBe("336px");
    fireEvent.keyDown(handle, { key: "End" });
    expect([pane.style.inlineSize, handle.getAttribute("aria-valuenow")]).toEqual(["520px", "520"]);
    fireEvent.keyDown(handle, { key: "ArrowLeft" }); // never past its limit
    expect(pane.style.inlineSize).toBe("520px");
    act(() => desktop.Strings.setLocale("ar"));
    document.documentElement.dir = "rtl";
    try {
      fireEvent.keyDown(handle, { key: "ArrowLeft" }); // right to left, the pane is on the left: left narrows it... of 16
      expect(pane.style.inlineSize).toBe("504px");
    } finally {
      document.documentElement.dir = "";
    }
    unmount();
    renderCanvas();
    expect(screen.getByRole("complementary", { name: "Customer" }).style.inlineSize).toBe("504px"); // remembered
  });

  it("marks a name the visitor only typed as unverified, and a known customer's not at all", () => {
    const said = { name: "Grace Hopper", email: "grace@example.com" };
    const anonymous = task({
      attributes: {
        conversationSid: CH_SID,
        from: "WV1",
        name: "Grace Hopper",
        customers: { profile_sid: PR_SID, name: null, unverified: said },
      },
    });
    const { unmount } = renderCanvas({ task: anonymous });
    const heading = within(screen.getByRole("banner")).getByRole("heading", { level: 2 });
    expect(heading.textContent).toBe("Grace Hopper unverified");
    expect(within(heading).getByText("unverified").getAttribute("title")).toBe("The visitor typed this themselves; nobody has checked it.");
    unmount();
    renderCanvas();
    expect(within(screen.getByRole("banner")).getByRole("heading", { level: 2 }).textContent).toBe("Ann Lee");
  });

  it("a task without a conversation has only the Customer tab and no Transfer", () => {
    renderCanvas({ task: task({ conversationSid: null }) });
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["Customer"]);
    expect(screen.queryByRole("button", { name: "Transfer" })).toBeNull();
    expect(FakeWebSocket.instances).toHaveLength(0);
  });
});

describe("wrap-up", () => {
  it("counts down to the end of wrap-up when the queue ends it by itself", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    try {
      vi.setSystemTime(Date.UTC(2026, 0, 2, 10, 5));
      renderCanvas({ task: task({ state: "wrapping", wrapupEndsAt: Date.now() + 30_000 }) });
      expect(screen.getByLabelText("Ends by itself in 0:30")).toBeTruthy();
      act(() => void vi.advanceTimersByTime(1_000));
      expect(screen.getByLabelText("Ends by itself in 0:29")).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });

  it("says nothing of an end when the queue sets none", () => {
    renderCanvas({ task: task({ state: "wrapping" }) });
    expect(screen.queryByText(/Ends by itself/)).toBeNull();
  });

  it("Wrap up → pick a disposition → Complete sends the code as the reason", async () => {
    const { wrapup, complete } = renderCanvas();
    fireEvent.click(screen.getByRole("button", { name: "Wrap up" }));
    await waitFor(() => expect(screen.getByRole("radiogroup", { name: "Disposition" })).toBeTruthy());
    expect(wrapup.mock.calls[0]![0]).toMatchObject({ task: { sid: task().taskSid, reservationSid: task().reservationSid } });
    // The wrap-up panel takes the composer's place.
    expect(screen.queryByRole("textbox", { name: "Type a message…" })).toBeNull();
    expect(screen.getByRole("region", { name: "Wrap-up" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Transfer" })).toBeNull();

    const completeButton = screen.getByRole("button", { name: "Complete" }) as HTMLButtonElement;
    expect(completeButton.disabled).toBe(true); // a code is required when the workspace has codes
    fireEvent.click(screen.getByRole("radio", { name: "Escalated" }));
    expect(completeButton.disabled).toBe(false);
    fireEvent.click(completeButton);
    await waitFor(() => expect(complete).toHaveBeenCalledTimes(1));
    expect(complete.mock.calls[0]![0]).toMatchObject({ task: { sid: task().taskSid }, reason: "Escalated" });
  });

  it("a plugin canceling WrapupTask keeps the agent in the conversation", async () => {
    const { desktop, wrapup } = renderCanvas();
    desktop.Actions.addListener("beforeWrapupTask", (_p, cancel) => cancel("survey first"));
    fireEvent.click(screen.getByRole("button", { name: "Wrap up" }));
    await waitFor(() => expect((screen.getByRole("button", { name: "Wrap up" }) as HTMLButtonElement).disabled).toBe(false));
    expect(wrapup).not.toHaveBeenCalled();
    expect(screen.queryByRole("radiogroup")).toBeNull();
  });

  it("wrap-up notes are kept in the conversation as the agent's internal note, stored before CompleteTask runs", async () => {
    let answer: (response: Response) => void = () => undefined;
    const calls = stubFetch({ [`POST /api/conversations/${CH_SID}/notes`]: () => new Promise<Response>((resolve) => (answer = resolve)) });
    const { complete } = renderCanvas({ task: task({ state: "wrapping", wrappingSince: Date.now() - 5_000 }) });
    const panel = screen.getByRole("region", { name: "Wrap-up" });
    expect(within(panel).getByLabelText(/^Wrapping up for 0:0\d$/)).toBeTruthy();
    fireEvent.click(within(panel).getByRole("radio", { name: "Resolved" }));
    fireEvent.change(within(panel).getByRole("textbox", { name: "Notes (your team only)" }), { target: { value: "Refund issued" } });
    fireEvent.click(within(panel).getByRole("button", { name: "Complete" }));
    await waitFor(() => expect(calls.filter((r) => r.url.endsWith("/notes"))).toHaveLength(1));
    const request = calls.find((r) => r.url.endsWith("/notes"))!;
    expect(request.headers.get("authorization")).toBe("Bearer jwt-token");
    const params = new URLSearchParams(await request.text());
    expect(params.get("Body")).toBe("Wrap-up (Resolved): Refund issued");
    expect(params.get("ClientId")).toMatch(/^[0-9a-f-]{36}$/);
    expect(complete).not.toHaveBeenCalled(); // not before the server has the note
    answer(Response.json({ sid: "IM" + "1".repeat(32) }, { status: 201 }));
    await waitFor(() => expect(complete).toHaveBeenCalledTimes(1));
    expect(complete.mock.calls[0]![0]).toMatchObject({ reason: "Resolved", notes: "Refund issued" });
  });

  it("notes the server refused do not complete the task: the agent keeps them, is told why, and a retry is the same note", async () => {
    let refuse = true;
    const calls = stubFetch({
      [`POST /api/conversations/${CH_SID}/notes`]: () =>
        refuse
          ? Response.json({ code: 20403, message: "Only an agent of Conversation CH… adds notes to it", status: 403 }, { status: 403 })
          : Response.json({ sid: "IM" + "1".repeat(32) }, { status: 201 }),
    });
    const { desktop, complete } = renderCanvas({ task: task({ state: "wrapping" }) });
    fireEvent.click(screen.getByRole("radio", { name: "Escalated" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Notes (your team only)" }), { target: { value: "Call back Monday" } });
    fireEvent.click(screen.getByRole("button", { name: "Complete" }));
    await waitFor(() => expect(desktop.Notifications.visible.map((n) => n.id)).toContain("ActionFailed"));
    expect(complete).not.toHaveBeenCalled();
    expect((screen.getByRole("textbox", { name: "Notes (your team only)" }) as HTMLTextAreaElement).value).toBe("Call back Monday");
    refuse = false;
    fireEvent.click(screen.getByRole("button", { name: "Complete" }));
    await waitFor(() => expect(complete).toHaveBeenCalledTimes(1));
    const ids = await Promise.all(
      calls.filter((r) => r.url.endsWith("/notes")).map(async (r) => new URLSearchParams(await r.text()).get("ClientId")),
    );
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
  });

  it("a task already wrapping (after a reload) shows the disposition; no codes configured → Complete right away", async () => {
    const { complete } = renderCanvas({ task: task({ state: "wrapping" }), settings: { ...settings, dispositionCodes: [] } });
    expect(screen.queryByRole("radiogroup")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Complete" }));
    await waitFor(() => expect(complete).toHaveBeenCalledTimes(1));
    expect(complete.mock.calls[0]![0]).not.toHaveProperty("reason");
  });
});

describe("transfer", () => {
  const targets = {
    queues: [{ sid: WQ, friendly_name: "Billing" }],
    workers: [
      { sid: WK_BEN, friendly_name: "Ben", available: true },
      { sid: WK_ME, friendly_name: "Ada (me)", available: true },
      { sid: "WK" + "e".repeat(32), friendly_name: "Cy", available: false },
    ],
  };

  it("keyboard: focus in the search, arrows between targets, Tab trapped, Escape closes back to the button", async () => {
    stubFetch({ [`GET /api/workspaces/${WS_SID}/transfer-targets`]: () => Response.json(targets) });
    renderCanvas();
    const opener = screen.getByRole("button", { name: "Transfer" });
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole("dialog", { name: "Transfer to" });
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    const search = within(dialog).getByRole("searchbox");
    expect(document.activeElement).toBe(search);
    await within(dialog).findByRole("button", { name: "Billing" });
    expect(within(dialog).queryByText("Ada (me)")).toBeNull(); // not to oneself
    expect(within(dialog).getByRole("button", { name: /Cy/ }).textContent).toContain("Unavailable");

    fireEvent.keyDown(search, { key: "ArrowDown" });
    expect(document.activeElement!.textContent).toBe("Billing");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    expect(document.activeElement!.textContent).toContain("Ben");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
    fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" }); // wraps to the last
    expect(document.activeElement!.textContent).toContain("Cy");

    const cancel = within(dialog).getByRole("button", { name: "Cancel" });
    cancel.focus();
    fireEvent.keyDown(cancel, { key: "Tab" });
    expect(document.activeElement).toBe(search);
    fireEvent.keyDown(search, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(cancel);

    fireEvent.keyDown(cancel, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it.each([
    ["Billing", "queue", WQ],
    ["Ben", "worker", WK_BEN],
  ])("picking %s invokes TransferTask (%s) and POSTs the transfer with the agent's token", async (name, targetType, targetSid) => {
    const calls = stubFetch({
      [`GET /api/workspaces/${WS_SID}/transfer-targets`]: () => Response.json(targets),
      [`POST /api/conversations/${CH_SID}/transfer`]: () => Response.json({ task_sid: "WT" + "0".repeat(32) }),
    });
    const { desktop } = renderCanvas();
    const payloads: unknown[] = [];
    desktop.Actions.addListener("beforeTransferTask", (payload) => void payloads.push({ ...payload }));
    fireEvent.click(screen.getByRole("button", { name: "Transfer" }));
    fireEvent.click(await screen.findByRole("button", { name: new RegExp(`^${name}`) }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(payloads).toEqual([{ task: expect.objectContaining({ sid: task().taskSid, conversationSid: CH_SID }), targetType, targetSid }]);
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.headers.get("authorization")).toBe("Bearer jwt-token");
    expect(Object.fromEntries(new URLSearchParams(await post.text()))).toEqual({ TargetType: targetType, TargetSid: targetSid });
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("a failed transfer is reported with the server's reason", async () => {
    stubFetch({
      [`GET /api/workspaces/${WS_SID}/transfer-targets`]: () => Response.json(targets),
      [`POST /api/conversations/${CH_SID}/transfer`]: () =>
        Response.json({ code: 20403, message: "Only the assigned agent can transfer this conversation", status: 403 }, { status: 403 }),
    });
    const { desktop } = renderCanvas();
    const messages: string[] = [];
    desktop.Notifications.subscribe((list) => messages.push(...list.map((n) => String(n.context?.message ?? ""))));
    fireEvent.click(screen.getByRole("button", { name: "Transfer" }));
    fireEvent.click(await screen.findByRole("button", { name: "Billing" }));
    await waitFor(() => expect(messages).toContain("Only the assigned agent can transfer this conversation"));
  });

  it("targets that cannot be loaded say why", async () => {
    stubFetch({});
    renderCanvas();
    fireEvent.click(screen.getByRole("button", { name: "Transfer" }));
    expect((await within(screen.getByRole("dialog")).findByRole("alert")).textContent).toContain("no route GET");
  });
});

describe("customer panel", () => {
  // Beside the chat, in its own pane: nothing to open.
  const openCustomer = () => expect(screen.getByRole("complementary", { name: "Customer" })).toBeTruthy();

  it("is a card: name, the profile's email and phone, the addresses they wrote from and its fields; raw attributes one click away", async () => {
    stubFetch({
      [`GET /api/workspaces/${WS_SID}/profiles/${PR_SID}`]: () =>
        Response.json({
          sid: PR_SID,
          friendly_name: "Ann Lee",
          email: "ann@example.com",
          phone: "+15550001111",
          addresses: [
            { channel: "email", address: "ann@example.com" },
            { channel: "whatsapp", address: "whatsapp:+15550001111" },
            { channel: "web", address: "WV" + "1".repeat(32) },
          ],
          attributes: JSON.stringify({ plan: "Gold", seats: 12 }),
        }),
    });
    renderCanvas();
    const card = screen.getByRole("region", { name: "Who the customer is" });
    expect(within(card).getByText("Ann Lee")).toBeTruthy();
    expect(card.querySelector(".sb-avatar")!.textContent).toBe("AL");
    const addresses = await within(card).findByRole("list", { name: "Reached us from" });
    // A web visitor's ID means nothing to an agent: it reads as a website visit.
    expect(
      within(addresses)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["ann@example.com", "whatsapp:+15550001111", "Website visitor"]);
    const terms = [...card.querySelectorAll("dt")].map((dt) => `${dt.textContent}=${dt.nextElementSibling!.textContent}`);
    expect(terms).toEqual(["Email=ann@example.com", "Phone=+15550001111", "plan=Gold", "seats=12"]);
    const raw = screen.getByText("Task details").closest("details")!;
    expect(raw.open).toBe(false);
  });

  it("shows attributes flattened, previous conversations (not this one) and the plugin slot", async () => {
    const calls = stubFetch({
      [`GET /api/workspaces/${WS_SID}/profiles/${PR_SID}/conversations`]: () =>
        Response.json({
          conversations: [
            { sid: CH_SID, state: "active", channel: "web", date_created: "2026-01-02T10:00:00Z", friendly_name: "Ann" },
            {
              sid: "CH" + "9".repeat(32),
              state: "closed",
              channel: "whatsapp",
              date_created: "2025-12-24T09:30:00Z",
              friendly_name: "Ann",
              survey: {
                status: "answered",
                question: "How did we do?",
                via: "message",
                rating: 2,
                comment: "Took too long",
                date_offered: "2025-12-24T10:00:00Z",
                date_expires: "2025-12-25T10:00:00Z",
                date_answered: "2025-12-24T10:05:00Z",
              },
            },
          ],
        }),
    });
    const { desktop } = renderCanvas();
    desktop.Slots.add("CustomerPanel", {
      key: "sample",
      component: { mount: (element: HTMLElement) => void element.append("Sample plugin panel") },
    });
    openCustomer();
    const panel = screen.getByRole("complementary", { name: "Customer" });
    await waitFor(() => expect(panel.textContent).toContain("Sample plugin panel")); // a slot added while shown appears
    const terms = [...panel.querySelectorAll("dt")].map((dt) => `${dt.textContent}=${dt.nextElementSibling!.textContent}`);
    expect(terms).toContain("customers.email=ann@example.com");
    expect(terms).toContain(`customers.profile_sid=${PR_SID}`);
    const history = await within(panel).findByRole("listitem");
    expect(history.textContent).toContain("whatsapp");
    expect(history.textContent).toContain("closed");
    // How the customer rated it: two stars of five, coloured as poor, and what they added.
    const rating = within(history).getByLabelText("Rated 2 of 5");
    expect([rating.textContent, rating.dataset.tone]).toEqual(["★★", "error"]);
    expect(history.textContent).toContain("Took too long");
    expect(calls[0]!.credentials).toBe("same-origin");
    expect(calls[0]!.headers.get("authorization")).toBeNull(); // the session cookie, not a token
  });

  it("shows what the pre-chat form said under its own heading, marked unverified; nothing of the kind for a known customer", () => {
    stubFetch({});
    const said = { name: "Grace Hopper", email: "grace@example.com" };
    renderCanvas({
      task: task({
        attributes: { conversationSid: CH_SID, from: "WV1", customers: { profile_sid: PR_SID, name: null, unverified: said } },
      }),
    });
    openCustomer();
    const section = screen.getByRole("region", { name: "Pre-chat form unverified" });
    const rows = [...section.querySelectorAll("dt")].map((dt) => `${dt.textContent}=${dt.nextElementSibling!.textContent}`);
    expect(rows).toEqual(["Name=Grace Hopper", "Email=grace@example.com"]);
    cleanup();
    renderCanvas();
    openCustomer();
    expect(screen.queryByRole("region", { name: /Pre-chat form/ })).toBeNull();
  });

  it("without a profile there is no history request", () => {
    const calls = stubFetch({});
    renderCanvas({ task: task({ attributes: { conversationSid: CH_SID, from: "+1555" } }) });
    openCustomer();
    expect(screen.getByText("No previous conversations.")).toBeTruthy();
    expect(calls).toHaveLength(0);
  });

  it("the CRM is a sandboxed iframe of the filled template, with a link to open it in a new tab", () => {
    stubFetch({});
    renderCanvas({ settings: { ...settings, crmUrlTemplate: "https://crm.example/find?email={{task.customers.email}}" } });
    openCustomer();
    const frame = screen.getByTitle("CRM") as HTMLIFrameElement;
    expect(frame.getAttribute("src")).toBe("https://crm.example/find?email=ann%40example.com");
    expect(frame.getAttribute("sandbox")).toBe("allow-scripts allow-forms allow-same-origin allow-popups");
    const link = screen.getByRole("link", { name: "Open in CRM" });
    expect(link.getAttribute("href")).toBe("https://crm.example/find?email=ann%40example.com");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(link.getAttribute("rel")).toContain("noopener");
  });

  it("a CRM template that is not http(s) shows no frame and no link", () => {
    stubFetch({});
    renderCanvas({ settings: { ...settings, crmUrlTemplate: "javascript:alert({{task.from}})" } });
    openCustomer();
    expect(screen.queryByTitle("CRM")).toBeNull();
    expect(screen.queryByRole("link", { name: "Open in CRM" })).toBeNull();
  });
});
