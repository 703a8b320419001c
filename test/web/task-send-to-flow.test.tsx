/**
 * "Send to a flow…" on the task canvas (issue 16): offered on an accepted messaging task only; the dialog
 * lists the workspace's published flows (read with the session cookie, drafts and junk skipped, by name,
 * searchable, arrow keys); picking one runs the SendToFlow action — a POST of FlowSid to the conversation's
 * flow route with the agent's token — and the canvas goes to wrap-up. A refusal is an ActionFailed with the
 * server's reason and the task stays; a plugin's cancel sends nothing; flows that cannot load say why.
 */
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CH_SID, FakeWebSocket, renderCanvas, stubFetch, task, WS_SID } from "./task-fixtures";

const FW_SURVEY = "FW" + "a".repeat(32);
const FW_BOT = "FW" + "b".repeat(32);
const FW_DRAFT = "FW" + "c".repeat(32);
const FLOWS = `GET /api/workspaces/${WS_SID}/flow-targets`;
const SEND = `POST /api/conversations/${CH_SID}/flow`;

/** The list, with what the desk must skip should a server send it: a draft, and an entry that is no flow. */
const studioList = {
  flows: [
    { sid: FW_SURVEY, friendly_name: "Satisfaction survey", status: "published" },
    { sid: FW_DRAFT, friendly_name: "New IVR (draft)", status: "draft" },
    { sid: FW_BOT, friendly_name: "Order bot", status: "published" },
    { sid: "not-a-flow", friendly_name: "Junk", status: "published" },
  ],
};

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  stubFetch({});
  sessionStorage.clear();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const openDialog = () => {
  fireEvent.click(screen.getByRole("button", { name: "Send to a flow…" }));
  return screen.getByRole("dialog", { name: "Send to a flow" });
};

describe("where it is offered", () => {
  it.each([
    ["a voice call", task({ taskChannel: "voice" })],
    ["a task wrapping up", task({ state: "wrapping" })],
    ["a task without a conversation", task({ conversationSid: null })],
  ])("not on %s", (_name, given) => {
    renderCanvas({ task: given });
    expect(screen.queryByRole("button", { name: "Send to a flow…" })).toBeNull();
  });

  it("on an accepted chat, opening a dialog", () => {
    renderCanvas();
    expect(screen.getByRole("button", { name: "Send to a flow…" }).getAttribute("aria-haspopup")).toBe("dialog");
  });
});

describe("the flows", () => {
  it("lists the published flows by name, read with the session cookie, and searches them", async () => {
    const calls = stubFetch({ [FLOWS]: () => Response.json(studioList) });
    renderCanvas();
    const dialog = openDialog();
    expect(dialog.textContent).toContain("your task goes to wrap-up");
    await within(dialog).findByRole("button", { name: "Order bot" });
    expect(
      within(dialog)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual([" Order bot", " Satisfaction survey", "Cancel"]);
    const get = calls.find((c) => c.method === "GET")!;
    expect(get.credentials).toBe("same-origin");
    expect(get.headers.get("authorization")).toBeNull();
    fireEvent.change(within(dialog).getByRole("searchbox", { name: "Search flows" }), { target: { value: "SURVEY" } });
    expect(
      within(dialog)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual([" Satisfaction survey", "Cancel"]);
    fireEvent.change(within(dialog).getByRole("searchbox"), { target: { value: "nothing like it" } });
    expect(dialog.textContent).toContain("No published flow matches.");
  });

  it("keyboard: focus in the search, arrows between flows, Escape closes back to the button", async () => {
    stubFetch({ [FLOWS]: () => Response.json(studioList) });
    renderCanvas();
    const opener = screen.getByRole("button", { name: "Send to a flow…" });
    opener.focus();
    const dialog = openDialog();
    const search = within(dialog).getByRole("searchbox");
    expect(document.activeElement).toBe(search);
    await within(dialog).findByRole("button", { name: "Order bot" });
    fireEvent.keyDown(search, { key: "ArrowDown" });
    expect(document.activeElement!.textContent).toBe(" Order bot");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    expect(document.activeElement!.textContent).toBe(" Satisfaction survey");
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it.each([
    ["none published", { flows: [studioList.flows[1]] }],
    ["an empty list", { flows: [] }],
    ["a body that is no list", { flows: "nope" }],
  ])("with %s, says there is none", async (_name, body) => {
    stubFetch({ [FLOWS]: () => Response.json(body) });
    renderCanvas();
    const dialog = openDialog();
    expect(await within(dialog).findByText("No published flow matches.")).toBeTruthy();
    expect(
      within(dialog)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["Cancel"]);
  });

  it("flows that cannot be loaded say why", async () => {
    stubFetch({ [FLOWS]: () => Response.json({ code: 20403, message: "Not a member of this workspace", status: 403 }, { status: 403 }) });
    renderCanvas();
    expect((await within(openDialog()).findByRole("alert")).textContent).toBe("Not a member of this workspace");
  });
});

describe("sending", () => {
  it("picking a flow runs SendToFlow: FlowSid POSTed with the agent's token, and the task goes to wrap-up", async () => {
    const calls = stubFetch({
      [FLOWS]: () => Response.json(studioList),
      [SEND]: () => Response.json({ execution_sid: "FN" + "d".repeat(32) }),
    });
    const { desktop } = renderCanvas();
    const payloads: unknown[] = [];
    desktop.Actions.addListener("beforeSendToFlow", (payload) => void payloads.push({ ...payload }));
    fireEvent.click(await within(openDialog()).findByRole("button", { name: "Satisfaction survey" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    await screen.findByRole("region", { name: "Wrap-up" });
    expect(payloads).toEqual([{ task: expect.objectContaining({ sid: task().taskSid, conversationSid: CH_SID }), flowSid: FW_SURVEY }]);
    const posts = calls.filter((c) => c.method === "POST");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.headers.get("authorization")).toBe("Bearer jwt-token");
    expect(Object.fromEntries(new URLSearchParams(await posts[0]!.text()))).toEqual({
      FlowSid: FW_SURVEY,
      IdempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(screen.queryByRole("button", { name: "Send to a flow…" })).toBeNull(); // wrapping: nothing more to send
  });

  it("a refusal is reported with the server's reason, and the task stays as it was", async () => {
    stubFetch({
      [FLOWS]: () => Response.json(studioList),
      [SEND]: () => Response.json({ code: 20409, message: "Flow Order bot has no published revision", status: 409 }, { status: 409 }),
    });
    const { desktop } = renderCanvas();
    const messages: string[] = [];
    desktop.Notifications.subscribe((list) => messages.push(...list.map((n) => String(n.context?.message ?? ""))));
    fireEvent.click(await within(openDialog()).findByRole("button", { name: "Order bot" }));
    await waitFor(() => expect(messages).toContain("Flow Order bot has no published revision"));
    expect(screen.queryByRole("region", { name: "Wrap-up" })).toBeNull();
    expect(screen.getByRole("button", { name: "Send to a flow…" })).toBeTruthy();
  });

  it("a plugin that cancels it sends nothing and the task stays", async () => {
    const calls = stubFetch({ [FLOWS]: () => Response.json(studioList) });
    const { desktop } = renderCanvas();
    let canceled = false;
    desktop.Actions.addListener("beforeSendToFlow", (_payload, cancel) => cancel("surveys are off today"));
    desktop.Actions.onStateChange((event) => void (event.phase === "canceled" && (canceled = true)));
    fireEvent.click(await within(openDialog()).findByRole("button", { name: "Order bot" }));
    await waitFor(() => expect(canceled).toBe(true));
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
    expect(screen.queryByRole("region", { name: "Wrap-up" })).toBeNull();
  });

  it("a plugin's idempotency key is sent as given, so its retry starts no second execution", async () => {
    const calls = stubFetch({ [SEND]: () => Response.json({ execution_sid: "FN" + "d".repeat(32) }) });
    const { desktop } = renderCanvas();
    const payload = { task: { sid: "WT1", attributes: { conversationSid: CH_SID } }, flowSid: FW_BOT, idempotencyKey: "retry-1" };
    await desktop.Actions.invokeAction("SendToFlow", payload);
    await desktop.Actions.invokeAction("SendToFlow", payload);
    const posts = calls.filter((c) => c.method === "POST");
    const keys = await Promise.all(posts.map(async (c) => new URLSearchParams(await c.text()).get("IdempotencyKey")));
    expect(keys).toEqual(["retry-1", "retry-1"]);
  });

  it.each([
    ["no flowSid", { task: { sid: "WT1", attributes: { conversationSid: CH_SID } } }, /needs the flowSid/],
    ["a flowSid that is no flow", { task: { sid: "WT1", attributes: { conversationSid: CH_SID } }, flowSid: "WW123" }, /Not a flow SID/],
    ["a task without a conversation", { task: { sid: "WT1", attributes: {} }, flowSid: FW_BOT }, /no conversation/],
  ])("the action refuses %s, sending nothing", async (_name, payload, error) => {
    const calls = stubFetch({});
    const { desktop } = renderCanvas();
    await expect(desktop.Actions.invokeAction("SendToFlow", payload as never)).rejects.toThrow(error);
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
  });
});
