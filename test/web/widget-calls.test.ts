/**
 * The widget's calls, controller and DOM together in happy-dom, with a fake channel API and a stand-in
 * for the call chunk (fixtures/fake-call-chunk.ts: no WebRTC here; test/e2e/widget-calls.test.ts has the
 * real one): the Call and Video buttons, starting a call and the waiting line with its estimate, the
 * state following `call.updated`, the ended line in the transcript, calls that are off (503), an
 * agent's invitation (Join / Decline) and "Rejoin call" after a reload.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CallRecord, MediaToken } from "../../contract/calls";
import { HttpError } from "../../web/widget/src/api";
import { texts } from "../../web/widget/src/texts";
import { asWebSocket, FakeWebSocket } from "./app-fakes";
import { fakeSessions } from "./fixtures/fake-call-chunk";
import { fakeApi, mount, settle, visitor } from "./widget-fakes";

const CHUNK = () => import("./fixtures/fake-call-chunk");
const MEDIA: MediaToken = {
  url: "ws://127.0.0.1:7880",
  token: "jwt",
  room: "CH" + "1".repeat(32),
  identity: "WV1",
  expires_at: "2099-01-01T00:00:00.000Z",
};

function call(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    sid: "CA" + "1".repeat(32),
    conversation_sid: "CH1",
    room: "CH1",
    kind: "voice",
    state: "waiting",
    started_by: "customer",
    task_sid: "WT" + "3".repeat(32),
    parties: [],
    estimated_wait_seconds: 130,
    recording: "off",
    consult: null,
    date_created: "2026-12-07T10:00:00.000Z",
    date_connected: null,
    date_ended: null,
    end_reason: null,
    failure: null,
    ...overrides,
  };
}

const snapshot = (latest: CallRecord | null) => ({
  type: "conversation.snapshot",
  conversation: { sid: "CH1", state: "active" },
  participants: [],
  past_participants: [],
  messages: [],
  you: "MB1",
  call: latest,
});

/** Lets a few rounds of promises settle (the API, the chunk's import, joining). */
async function settled(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await settle();
}

beforeEach(() => {
  localStorage.clear();
  fakeSessions().length = 0;
});
afterEach(() => {
  document.body.replaceChildren();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("starting a call", () => {
  it("offers Call and Video in the header, labelled for screen readers", async () => {
    const { root } = await visitor(fakeApi(), CHUNK);
    const starters = Array.from(root.querySelectorAll<HTMLButtonElement>("header button.start-call"));
    expect(starters.map((b) => [b.getAttribute("aria-label"), b.hidden, b.getAttribute("aria-disabled")])).toEqual([
      ["Start a voice call", false, "false"],
      ["Start a video call", false, "false"],
    ]);
  });

  it("asks for a video call, joins its room with the token it answered, and says it is waiting with the estimate", async () => {
    const api = fakeApi({ startCall: vi.fn(async () => ({ call: call({ kind: "video" }), media: MEDIA })) });
    const { root, $, visible } = await visitor(api, CHUNK);
    root.querySelector<HTMLButtonElement>('[aria-label="Start a video call"]')!.click();
    await settled();
    expect(api.startCall).toHaveBeenCalledWith("t", "video");
    expect(fakeSessions().map((s) => [s.options.kind, s.options.media.token])).toEqual([["video", "jwt"]]);
    expect($('.callbar [role="status"]')?.textContent).toBe("Waiting for an agent · about 2 min");
    expect(visible(".callbar")).toBe(true);
    expect(visible("button.start-call")).toBe(false); // one call at a time
    expect(root.activeElement?.textContent).toBe("Mute microphone"); // focus moves into the call's controls
  });

  it("keeps the session the call renewed and follows the conversation it opened", async () => {
    const api = fakeApi({
      session: vi.fn(async () => ({ token: "t", visitor_id: "WV1", conversation_sid: null, expires_at: "2099-01-01T00:00:00Z" })),
      startCall: vi.fn(async () => ({ call: call({ conversation_sid: "CH2" }), media: MEDIA, token: "t2" })),
    });
    vi.stubGlobal("WebSocket", asWebSocket);
    FakeWebSocket.reset();
    const { chat, view, root } = mount(api, CHUNK);
    await chat.load((config) => config);
    view.open();
    await settled();
    expect(FakeWebSocket.instances).toEqual([]); // a new visitor: no conversation yet
    root.querySelector<HTMLButtonElement>('[aria-label="Start a voice call"]')!.click();
    await settled();
    expect(localStorage.getItem("switchboard.webchat.test")).toBe("t2");
    expect(FakeWebSocket.last.protocols).toContain("token.t2");
  });

  it("follows the call: connected, on hold, then ended with its length in the transcript and the buttons back", async () => {
    const api = fakeApi({ startCall: vi.fn(async () => ({ call: call(), media: MEDIA })) });
    const { root, $, visible } = await visitor(api, CHUNK);
    FakeWebSocket.last.receive(snapshot(null));
    root.querySelector<HTMLButtonElement>('[aria-label="Start a voice call"]')!.click();
    await settled();
    const line = () => $('.callbar [role="status"]')?.textContent;
    const connected = call({ state: "connected", date_connected: "2026-12-07T10:00:30.000Z", estimated_wait_seconds: null });
    FakeWebSocket.last.receive({ type: "call.updated", call: connected });
    expect(line()).toBe("Connected");
    FakeWebSocket.last.receive({ type: "call.updated", call: { ...connected, state: "held" } });
    expect(line()).toBe("On hold");
    expect(fakeSessions()[0]!.updates.map((c) => c.state)).toEqual(["waiting", "connected", "held"]);

    FakeWebSocket.last.receive({
      type: "call.updated",
      call: { ...connected, state: "ended", end_reason: "completed", date_ended: "2026-12-07T10:03:42.000Z" },
    });
    await settled();
    expect(fakeSessions()[0]!.left).toBe(true);
    expect(visible(".callbar")).toBe(false);
    expect(Array.from(root.querySelectorAll(".log .note"), (n) => n.textContent)).toContain("Call ended · 3:12");
    expect(visible("button.start-call")).toBe(true);
    expect(visible("form.compose")).toBe(true); // chat goes on
  });

  it("hangs up from the call's controls: the server ends it for everyone and the panel goes", async () => {
    const ended = call({ state: "ended", end_reason: "abandoned", date_ended: "2026-12-07T10:00:40.000Z" });
    const api = fakeApi({ startCall: vi.fn(async () => ({ call: call(), media: MEDIA })), hangUp: vi.fn(async () => ended) });
    const { root, visible } = await visitor(api, CHUNK);
    root.querySelector<HTMLButtonElement>('[aria-label="Start a voice call"]')!.click();
    await settled();
    fakeSessions()[0]!.options.onHangUp();
    await settled();
    expect(api.hangUp).toHaveBeenCalledWith("t");
    expect(fakeSessions()[0]!.left).toBe(true);
    expect(visible(".callbar")).toBe(false);
    expect(Array.from(root.querySelectorAll(".log .note"), (n) => n.textContent)).toContain("Call ended");
  });
});

describe("when calls are off", () => {
  it("keeps the buttons, disabled and saying why, and never downloads the call chunk", async () => {
    const why = "LiveKit is not configured for region us-east";
    const api = fakeApi({ startCall: vi.fn(() => Promise.reject(new HttpError(503, why))) });
    const { root, $ } = await visitor(api, CHUNK);
    const video = root.querySelector<HTMLButtonElement>('[aria-label="Start a video call"]')!;
    video.click();
    await settled();
    expect(video.getAttribute("aria-disabled")).toBe("true");
    expect(video.title).toBe(texts.callsOff(why));
    expect($(".status")?.textContent).toBe(texts.callsOff(why));
    video.click();
    await settled();
    expect(api.startCall).toHaveBeenCalledTimes(1); // a disabled button asks nothing more
    expect(fakeSessions()).toEqual([]);
  });
});

describe("an agent's call and a reload", () => {
  const agentsCall = call({
    started_by: "agent",
    state: "connected",
    kind: "video",
    parties: [{ identity: "WK1", role: "agent", name: "Ada", joined_at: "2026-12-07T10:00:00.000Z" }],
  });

  it("asks the customer to join an agent's call, and joins it with a fresh token", async () => {
    const api = fakeApi({ mediaToken: vi.fn(async () => MEDIA) });
    const { root, $ } = await visitor(api, CHUNK);
    FakeWebSocket.last.receive(snapshot(null));
    FakeWebSocket.last.receive({ type: "call.updated", call: agentsCall });
    expect($('.callbar [role="status"]')?.textContent).toBe("Agent is calling");
    const actions = Array.from(root.querySelectorAll<HTMLButtonElement>(".callbar .actions button"));
    expect(actions.map((b) => b.textContent)).toEqual(["Join", "Decline"]);
    actions[0]!.click();
    await settled();
    expect(api.mediaToken).toHaveBeenCalledWith("t");
    expect(fakeSessions().map((s) => s.options.kind)).toEqual(["video"]);
    expect($('.callbar [role="status"]')?.textContent).toBe("Connected");
  });

  it("declining hangs the agent's call up", async () => {
    const api = fakeApi({ hangUp: vi.fn(async () => ({ ...agentsCall, state: "ended" as const, end_reason: "completed" as const })) });
    const { root } = await visitor(api, CHUNK);
    FakeWebSocket.last.receive(snapshot(agentsCall));
    root.querySelectorAll<HTMLButtonElement>(".callbar .actions button")[1]!.click();
    await settled();
    expect(api.hangUp).toHaveBeenCalledWith("t");
    expect(fakeSessions()).toEqual([]);
  });

  it("offers Rejoin for a live call the page is not in after a reload (the customer's own)", async () => {
    const api = fakeApi({ mediaToken: vi.fn(async () => MEDIA) });
    const { root, $ } = await visitor(api, CHUNK);
    FakeWebSocket.last.receive(snapshot(call({ state: "connected" })));
    expect($('.callbar [role="status"]')?.textContent).toBe("Your call is still on");
    const actions = Array.from(root.querySelectorAll<HTMLButtonElement>(".callbar .actions button"));
    expect(actions.map((b) => b.textContent)).toEqual(["Rejoin call", "Hang up"]);
    actions[0]!.click();
    await settled();
    expect(fakeSessions().map((s) => s.options.kind)).toEqual(["voice"]);
  });
});
