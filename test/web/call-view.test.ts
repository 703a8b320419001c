/**
 * The desk's call rules without a browser (web/desktop/src/app/task/call-view.ts): what the agent's call
 * panel offers in each call state and media state, how a supervisor joins for each mode, and the chat
 * state keeping the conversation's latest call from the snapshot and `call.updated` frames.
 */
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../contract/calls";
import { callRecord } from "./task-fixtures";
import { agentOf, callPanelView, isCallChannel, supervisorJoin, type MediaStatus } from "../../web/desktop/src/app/task/call-view";
import { applyFrame, initialChatState, type ConversationFrame } from "../../web/desktop/src/app/task/chat-state";

const WK = "WK" + "4".repeat(32); // task-fixtures' WK_ME, the call's agent

const CONSULT = { target_type: "worker", target_sid: "WK" + "7".repeat(32), worker_sid: null } as const;

describe("the agent's call panel", () => {
  // [call state, consult?, media] → [line, hold button, transfers offered, consult controls, mute offered]
  it.each<[CallRecord["state"], boolean, MediaStatus, string, "hold" | "resume" | null, boolean, boolean, boolean]>([
    ["waiting", false, "joining", "call.state.joining", null, false, false, false],
    ["connected", false, "joining", "call.state.joining", "hold", true, false, false],
    ["waiting", false, "connected", "call.state.waiting", null, false, false, true],
    ["connected", false, "connected", "call.state.connected", "hold", true, false, true],
    ["held", false, "connected", "call.state.held", "resume", true, false, true],
    // a consult holds the customer: no hold / resume, no second transfer, Complete / Cancel instead
    ["held", true, "connected", "call.state.consulting", null, false, true, true],
    // hold and transfers are the server's: offered whatever this desk's media does
    ["connected", false, "reconnecting", "call.state.reconnecting", "hold", true, false, true],
    ["connected", false, "failed", "call.state.failed", "hold", true, false, false],
    ["ended", false, "left", "call.state.ended", null, false, false, false],
  ])("%s (consult %s), media %s → %s", (state, consulting, media, line, hold, transfers, consultControls, mute) => {
    const view = callPanelView(callRecord({ state, consult: consulting ? CONSULT : null }), media);
    expect({ line: view.line, hold: view.hold, transfers: view.canTransfer, consulting: view.consulting, mute: view.canMute }).toEqual({
      line,
      hold,
      transfers,
      consulting: consultControls,
      mute,
    });
    expect(view.canHangUp).toBe(state !== "ended");
  });

  it("counts the call's time from when it connected, and offers joining again only while it is live", () => {
    // 2026-12-07T00:00:05.000Z = 1_796_601_605_000 ms
    expect(callPanelView(callRecord(), "connected").connectedAt).toBe(Date.parse("2026-12-07T00:00:05.000Z"));
    expect(callPanelView(callRecord({ state: "waiting", date_connected: null }), "connected").connectedAt).toBeNull();
    expect(callPanelView(callRecord(), "left").canRejoin).toBe(true);
    expect(callPanelView(callRecord(), "failed").canRejoin).toBe(true);
    expect(callPanelView(callRecord({ state: "ended" }), "left").canRejoin).toBe(false);
    expect(callPanelView(null, "idle").line).toBe("call.state.ended");
  });

  it("knows the call channels and the call's agent", () => {
    expect(["voice", "video", "chat", null].map(isCallChannel)).toEqual([true, true, false, false]);
    expect(agentOf(callRecord(), "WKother")).toBe(WK);
    expect(agentOf(callRecord({ parties: [] }), "WKother")).toBe("WKother");
  });
});

describe("a supervisor joining a call", () => {
  it.each([
    ["monitor", { mode: "monitor", speaks: false, onlyHeardBy: [] }],
    ["whisper", { mode: "whisper", speaks: true, onlyHeardBy: [WK] }], // only the agent may subscribe
    ["barge", { mode: "barge", speaks: true, onlyHeardBy: null }], // everyone
  ] as const)("%s", (mode, expected) => {
    expect(supervisorJoin(mode, WK)).toEqual(expected);
  });
});

describe("the chat state keeps the conversation's call", () => {
  const snapshotWith = (call: CallRecord | null) =>
    ({
      type: "conversation.snapshot",
      conversation: null,
      participants: [],
      past_participants: [],
      messages: [],
      you: "MB" + "a".repeat(32),
      call,
    }) as unknown as ConversationFrame;

  it("from the snapshot, then each call.updated; a late frame of an older call does not replace a newer one", () => {
    const first = callRecord({ state: "waiting", date_connected: null });
    let state = applyFrame(initialChatState, snapshotWith(first), 0);
    expect(state.call).toEqual(first);
    const connected = callRecord();
    state = applyFrame(state, { type: "call.updated", call: connected } as ConversationFrame, 0);
    expect(state.call?.state).toBe("connected");
    const later = callRecord({ sid: "CA" + "8".repeat(32), date_created: "2026-12-07T01:00:00.000Z", state: "waiting" });
    state = applyFrame(state, { type: "call.updated", call: later } as ConversationFrame, 0);
    state = applyFrame(state, { type: "call.updated", call: { ...connected, state: "ended" } } as ConversationFrame, 0);
    expect(state.call?.sid).toBe(later.sid);
    expect(applyFrame(state, snapshotWith(null), 0).call).toBeNull();
  });
});
