/**
 * The call panel in the task canvas as an agent uses it, in happy-dom with the fake conversation socket and
 * fetch (the media itself is the browser tests'): a call task shows its call — kind, state, timer, who is in
 * it — and its controls call the call routes (hold, hang up, consult with a picked target, add a participant);
 * a refused media token says why and offers joining again; a chat offers Call / Video, which start a call.
 */
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CallRecord } from "../../contract/calls";
import {
  CH_SID,
  FakeWebSocket,
  callRecord,
  message,
  participant,
  MB_AGENT,
  MB_CUSTOMER,
  PR_SID,
  renderCanvas,
  snapshot,
  stubFetch,
  task,
  WS_SID,
} from "./task-fixtures";

const NO_CALL = () => Response.json({ code: 40900, message: "This conversation has no live call", status: 409 }, { status: 409 });

let calls: Request[] = [];
const routes: Record<string, (request: Request) => Response | Promise<Response>> = {
  [`POST /api/conversations/${CH_SID}/media-token`]: NO_CALL,
  [`POST /api/conversations/${CH_SID}/call/hold`]: () => Response.json(callRecord({ state: "held" })),
  [`POST /api/conversations/${CH_SID}/call/hangup`]: () => Response.json(callRecord({ state: "ended" })),
  [`POST /api/conversations/${CH_SID}/call/consult`]: () => Response.json(callRecord({ state: "held" })),
  [`POST /api/conversations/${CH_SID}/call/participants`]: () => Response.json({}),
  [`POST /api/conversations/${CH_SID}/call`]: () => Response.json({}, { status: 201 }),
  [`GET /api/workspaces/${WS_SID}/profiles/${PR_SID}`]: () =>
    Response.json({ sid: PR_SID, friendly_name: "Ann Lee", email: null, phone: null, addresses: [], attributes: "{}" }),
  [`GET /api/workspaces/${WS_SID}/profiles/${PR_SID}/conversations`]: () => Response.json({ conversations: [] }),
  [`GET /api/workspaces/${WS_SID}/transfer-targets`]: () =>
    Response.json({
      queues: [{ sid: "WQ" + "9".repeat(32), friendly_name: "Billing" }],
      workers: [{ sid: "WK" + "8".repeat(32), friendly_name: "Ben", available: true }],
    }),
};

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeWebSocket);
  calls = stubFetch(routes);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function openCall(call: CallRecord | null, channel = "voice") {
  renderCanvas({ task: task({ taskChannel: channel }) });
  await waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(0));
  act(() => {
    for (const socket of FakeWebSocket.instances) {
      socket.serverOpen();
      socket.serverSend(
        snapshot(
          [message(0, MB_CUSTOMER, "Hello")],
          [participant(MB_AGENT, "agent", "Ada"), participant(MB_CUSTOMER, "customer", "Ann")],
          call,
        ),
      );
    }
  });
}

const posted = (path: string) =>
  calls.filter((r) => r.method === "POST" && new URL(r.url).pathname === `/api/conversations/${CH_SID}/${path}`);

describe("a call task's call panel", () => {
  it("shows the call, its timer and who is in it; a refused media token says why and offers joining again", async () => {
    await openCall(callRecord());
    const panel = screen.getByRole("region", { name: "Voice call" });
    await within(panel).findByText("The call's audio failed: This conversation has no live call");
    expect(within(panel).getByText(/In the call/).parentElement?.textContent).toContain("Ann");
    expect(panel.querySelector("time")?.getAttribute("datetime")).toBe("2026-12-07T00:00:05.000Z");
    expect(within(panel).getByRole("button", { name: "Join the call again" })).toBeTruthy();
    // no media, so nothing to mute; the server's controls stay
    expect(within(panel).queryByRole("button", { name: "Mute" })).toBeNull();
    fireEvent.click(within(panel).getByRole("button", { name: "Join the call again" }));
    await waitFor(() => expect(posted("media-token")).toHaveLength(2));
  });

  it("holds, resumes and hangs up through the call routes", async () => {
    await openCall(callRecord());
    const panel = screen.getByRole("region", { name: "Voice call" });
    fireEvent.click(within(panel).getByRole("button", { name: "Hold" }));
    await waitFor(() => expect(posted("call/hold")).toHaveLength(1));
    expect(new URLSearchParams(await posted("call/hold")[0]!.text()).get("Hold")).toBe("true");
    fireEvent.click(within(panel).getByRole("button", { name: "Hang up" }));
    await waitFor(() => expect(posted("call/hangup")).toHaveLength(1));
  });

  it("a consult offers Complete and Cancel, not hold or another transfer", async () => {
    await openCall(callRecord({ state: "held", consult: { target_type: "worker", target_sid: "WK" + "8".repeat(32), worker_sid: null } }));
    const panel = screen.getByRole("region", { name: "Voice call" });
    expect(within(panel).getByRole("button", { name: "Complete transfer" })).toBeTruthy();
    expect(within(panel).getByRole("button", { name: "Cancel consult" })).toBeTruthy();
    expect(within(panel).queryByRole("button", { name: "Consult" })).toBeNull();
    expect(within(panel).queryByRole("button", { name: "Resume" })).toBeNull();
  });

  it.each([
    ["Consult", "Consult with", "call/consult", "Ben", ["worker", "WK" + "8".repeat(32)]],
    ["Add participant", "Add to the call", "call/participants", "Billing", ["queue", "WQ" + "9".repeat(32)]],
  ])("%s picks a target in the transfer list and asks the server", async (button, title, path, target, [type, sid]) => {
    await openCall(callRecord());
    fireEvent.click(screen.getByRole("button", { name: button }));
    const dialog = await screen.findByRole("dialog", { name: title });
    fireEvent.click(await within(dialog).findByRole("button", { name: new RegExp(target!) }));
    await waitFor(() => expect(posted(path)).toHaveLength(1));
    const body = new URLSearchParams(await posted(path)[0]!.text());
    expect([body.get("TargetType"), body.get("TargetSid")]).toEqual([type, sid]);
  });

  it("a video call is named so", async () => {
    await openCall(callRecord({ kind: "video" }), "video");
    expect(screen.getByRole("region", { name: "Video call" })).toBeTruthy();
  });
});

describe("a chat task", () => {
  it("has no call panel and offers Call and Video, which start a call of that kind", async () => {
    await openCall(null, "chat");
    expect(screen.queryByRole("region", { name: /call$/ })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Start a video call with Ann Lee" }));
    await waitFor(() => expect(posted("call")).toHaveLength(1));
    expect(new URLSearchParams(await posted("call")[0]!.text()).get("Kind")).toBe("video");
    expect(screen.getByRole("button", { name: "Call Ann Lee" })).toBeTruthy();
  });

  it("a chat with a live call shows the call panel and no longer offers to start one", async () => {
    await openCall(callRecord({ started_by: "agent" }), "chat");
    expect(screen.getByRole("region", { name: "Voice call" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Call Ann Lee" })).toBeNull();
  });
});
