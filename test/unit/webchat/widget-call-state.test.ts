/**
 * The widget's call rules (web/widget/src/call-state.ts): what the panel offers for the conversation's
 * latest call and this page's part in it, the estimated wait in words, a call's length as its timer
 * shows it, the state line, and the transcript's line once it ended.
 */
import { describe, expect, it } from "vitest";
import { callRecord as call } from "./fixtures";
import type { CallParty } from "../../../contract/calls";
import { callStatus, callView, endedLine, formatDuration, formatWait } from "../../../web/widget/src/call-state";
import { callTexts, texts } from "../../../web/widget/src/texts";

const CUSTOMER: CallParty = { identity: "WV1", role: "customer", name: "Casey", joined_at: "2026-12-07T10:00:00.000Z" };
const AGENT: CallParty = { identity: "WK1", role: "agent", name: "Ada", joined_at: "2026-12-07T10:00:30.000Z" };

describe("what the panel offers", () => {
  it.each([
    // [case, call, phase, joined before, view]
    ["no call: the Call and Video buttons", null, "idle", false, "none"],
    ["an ended call: the buttons again", call({ state: "ended", end_reason: "completed" }), "idle", false, "none"],
    ["an ended call while in it: the buttons", call({ state: "ended", end_reason: "completed" }), "joined", true, "none"],
    [
      "the agent's call, the customer not in it: an invitation",
      call({ started_by: "agent", parties: [AGENT], state: "connected" }),
      "idle",
      false,
      "invite",
    ],
    [
      "the agent's call this browser left: rejoin",
      call({ started_by: "agent", parties: [AGENT], state: "connected" }),
      "idle",
      true,
      "rejoin",
    ],
    [
      "the agent's call with the customer still listed (a reload): rejoin",
      call({ started_by: "agent", parties: [AGENT, CUSTOMER] }),
      "idle",
      false,
      "rejoin",
    ],
    ["the customer's own live call, not in it (a reload): rejoin", call(), "idle", false, "rejoin"],
    ["joining the customer's call: in the call", call(), "joining", false, "in-call"],
    ["joined and held: in the call", call({ state: "held", parties: [AGENT, CUSTOMER] }), "joined", true, "in-call"],
    ["joining the agent's call: no more invitation", call({ started_by: "agent", parties: [AGENT] }), "joining", false, "in-call"],
  ] as const)("%s", (_, record, phase, joinedBefore, kind) => {
    expect(callView(record, phase, joinedBefore).kind).toBe(kind);
  });
});

describe("the estimated wait", () => {
  it.each([
    [null, null], // the queue gave none: no figure
    [0, "less than a minute"],
    [59, "less than a minute"],
    [60, "about 1 min"],
    [130, "about 2 min"], // 2.17 min rounds to 2
    [150, "about 3 min"], // 2.5 rounds up
    [-5, null], // nonsense: no figure rather than a wrong one
    [Number.NaN, null],
  ])("%s s → %s", (seconds, words) => {
    expect(formatWait(seconds, callTexts)).toBe(words);
  });
});

describe("a call's length", () => {
  it.each([
    [0, "0:00"],
    [999, "0:00"], // whole seconds only
    [192_000, "3:12"],
    [3_599_000, "59:59"],
    [3_723_000, "1:02:03"], // 1 h 2 min 3 s
    [-2_000, "0:00"], // a clock a little behind the server's
  ])("%s ms → %s", (ms, shown) => {
    expect(formatDuration(ms)).toBe(shown);
  });
});

describe("the state line and the transcript's line", () => {
  const words = { ...texts, ...callTexts };
  it.each([
    [call({ estimated_wait_seconds: 130 }), "Waiting for an agent · about 2 min"],
    [call(), "Waiting for an agent"],
    // A flow answers the call (its execution) and has asked for no agent yet (no task): the team's menu.
    [call({ execution_sid: "FN1", task_sid: null, estimated_wait_seconds: 130 }), "Assistant · Menu"],
    // The flow handed the call on (enqueue-call made the task): waiting for an agent again.
    [call({ execution_sid: "FN1" }), "Waiting for an agent"],
    [call({ state: "held" }), "On hold"],
    [call({ state: "connected" }), "Connected"],
  ])("%#: %s", (record, line) => {
    expect(callStatus(record, words)).toBe(line);
  });

  it("says how long the call lasted from the agent's joining to its end", () => {
    const ended = call({
      state: "ended",
      end_reason: "completed",
      date_connected: "2026-12-07T10:00:30.000Z",
      date_ended: "2026-12-07T10:03:42.000Z",
    });
    expect(endedLine(ended, texts)).toBe("Call ended · 3:12"); // 10:00:30 → 10:03:42 is 3 min 12 s
  });

  it("gives no length for a call no agent joined, and says why a failed call failed", () => {
    expect(endedLine(call({ state: "ended", end_reason: "abandoned", date_ended: "2026-12-07T10:01:00.000Z" }), texts)).toBe("Call ended");
    expect(endedLine(call({ state: "ended", end_reason: "failed", failure: "LiveKit is unreachable" }), texts)).toBe(
      "The call failed: LiveKit is unreachable",
    );
  });
});
