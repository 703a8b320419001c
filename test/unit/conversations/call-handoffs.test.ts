/**
 * The call's hand-offs as a pure state machine (durable-objects/conversation/lifecycle/call-handoffs.ts):
 * a cold transfer, a warm transfer's consult with its complete and cancel, a conference's third party —
 * each step's call and effects, worked out by hand, and every refusal: no call, not yours, a bad target,
 * a consult already running, nothing to complete or cancel.
 */
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../../../contract/calls";
import {
  addParty,
  cancelConsult,
  completeConsult,
  consultAccepted,
  consultUnanswered,
  coldTransfer,
  startConsult,
  type HandoffCall,
  type HandoffStep,
} from "../../../durable-objects/conversation/lifecycle/call-handoffs";

const hex = (c: string) => c.repeat(32);
const ANN = "WK" + hex("a");
const BOB = "WK" + hex("b");
const QUEUE = "WQ" + hex("c");

const call: CallRecord = {
  sid: "CA" + hex("1"),
  conversation_sid: "CH" + hex("2"),
  room: "CH" + hex("2"),
  kind: "voice",
  execution_sid: null,
  state: "connected",
  started_by: "customer",
  task_sid: "WT" + hex("3"),
  parties: [],
  estimated_wait_seconds: null,
  recording: "off",
  consult: null,
  date_created: "2026-12-07T00:00:00.000Z",
  date_connected: "2026-12-07T00:00:05.000Z",
  date_ended: null,
  end_reason: null,
  failure: null,
};
const annsCall: HandoffCall = { call, agentSid: ANN };

function done(step: HandoffStep) {
  if (!step.ok) throw new Error(`refused: ${step.status} ${step.message}`);
  return step;
}

describe("a cold transfer", () => {
  it("takes the agent out of the room and to wrap-up, and leaves the customer waiting with hold music for the new task", () => {
    const step = done(coldTransfer(annsCall, ANN, { type: "queue", sid: QUEUE }));
    expect(step.call.state).toBe("waiting");
    expect(step.effects).toEqual([
      { kind: "create-task", purpose: "transfer", target: { type: "queue", sid: QUEUE } },
      { kind: "remove-from-room", identity: ANN },
      { kind: "wrap-worker", workerSid: ANN },
      { kind: "start-hold" },
    ]);
  });
});

describe("a warm transfer", () => {
  const consulting = done(startConsult(annsCall, ANN, { type: "worker", sid: BOB }));

  it("holds the customer and offers a consult task to the target", () => {
    expect(consulting.call.state).toBe("held");
    expect(consulting.call.consult).toEqual({ target_type: "worker", target_sid: BOB, worker_sid: null });
    expect(consulting.effects).toEqual([
      { kind: "create-task", purpose: "consult", target: { type: "worker", sid: BOB } },
      { kind: "start-hold" },
    ]);
  });

  it("starts no second hold music for a customer already held", () => {
    const held = done(startConsult({ call: { ...call, state: "held" }, agentSid: ANN }, ANN, { type: "queue", sid: QUEUE }));
    expect(held.effects).toEqual([{ kind: "create-task", purpose: "consult", target: { type: "queue", sid: QUEUE } }]);
  });

  it("names the consulted agent when they accept; a second acceptance by someone else is refused", () => {
    const accepted = done(consultAccepted({ call: consulting.call, agentSid: ANN }, BOB));
    expect(accepted.call.consult).toEqual({ target_type: "worker", target_sid: BOB, worker_sid: BOB });
    expect(accepted.effects).toEqual([]);
    expect(done(consultAccepted({ call: accepted.call, agentSid: ANN }, BOB)).call).toEqual(accepted.call);
    expect(consultAccepted({ call: accepted.call, agentSid: ANN }, "WK" + hex("d"))).toMatchObject({ ok: false, status: 409 });
  });

  it("completes: the first agent leaves and wraps up, the customer is back, connected, with no consult", () => {
    const accepted = done(consultAccepted({ call: consulting.call, agentSid: ANN }, BOB));
    const completed = done(completeConsult({ call: accepted.call, agentSid: ANN }, ANN));
    expect(completed.call).toMatchObject({ state: "connected", consult: null });
    expect(completed.effects).toEqual([
      { kind: "remove-from-room", identity: ANN },
      { kind: "wrap-worker", workerSid: ANN },
      { kind: "stop-hold" },
    ]);
  });

  it("cancels before anyone took it: the consult task is canceled and the customer is back with the first agent", () => {
    const canceled = done(cancelConsult({ call: consulting.call, agentSid: ANN }, ANN, "WT" + hex("4")));
    expect(canceled.call).toMatchObject({ state: "connected", consult: null });
    expect(canceled.effects).toEqual([{ kind: "cancel-task", taskSid: "WT" + hex("4") }, { kind: "stop-hold" }]);
  });

  it("cancels after the consulted agent joined: they leave the room and wrap up their consult", () => {
    const accepted = done(consultAccepted({ call: consulting.call, agentSid: ANN }, BOB));
    const canceled = done(cancelConsult({ call: accepted.call, agentSid: ANN }, ANN, "WT" + hex("4")));
    expect(canceled.effects).toEqual([
      { kind: "remove-from-room", identity: BOB },
      { kind: "wrap-worker", workerSid: BOB },
      { kind: "stop-hold" },
    ]);
  });

  it("clears the consult when its task ends unanswered, the customer still held; an answered consult is kept", () => {
    const unanswered = done(consultUnanswered({ call: consulting.call, agentSid: ANN }));
    expect(unanswered.call).toMatchObject({ state: "held", consult: null });
    const accepted = done(consultAccepted({ call: consulting.call, agentSid: ANN }, BOB));
    expect(done(consultUnanswered({ call: accepted.call, agentSid: ANN })).call).toEqual(accepted.call);
  });

  it.each([
    // [what, step, status, what the message names]
    [
      "a second consult while one runs",
      () => startConsult({ call: consulting.call, agentSid: ANN }, ANN, { type: "queue", sid: QUEUE }),
      409,
      "is consulting",
    ],
    [
      "a cold transfer while consulting",
      () => coldTransfer({ call: consulting.call, agentSid: ANN }, ANN, { type: "queue", sid: QUEUE }),
      409,
      "is consulting",
    ],
    [
      "completing before anyone took the consult",
      () => completeConsult({ call: consulting.call, agentSid: ANN }, ANN),
      409,
      "has no agent yet",
    ],
    ["completing with no consult", () => completeConsult(annsCall, ANN), 409, "no consult to complete"],
    ["canceling with no consult", () => cancelConsult(annsCall, ANN, null), 409, "no consult to cancel"],
    ["completing someone else's call", () => completeConsult({ call: consulting.call, agentSid: ANN }, BOB), 403, "is not yours"],
  ] as const)("refuses %s", (_what, step, status, message) => {
    const refused = step();
    expect(refused).toMatchObject({ ok: false, status });
    expect(!refused.ok && refused.message).toContain(message);
  });
});

describe("a conference", () => {
  it("offers the third party a task and changes nothing else until they join", () => {
    const step = done(addParty(annsCall, ANN, { type: "worker", sid: BOB }));
    expect(step.call).toEqual(call);
    expect(step.effects).toEqual([{ kind: "create-task", purpose: "conference", target: { type: "worker", sid: BOB } }]);
  });

  it("refuses while the customer is on hold", () => {
    expect(addParty({ call: { ...call, state: "held" }, agentSid: ANN }, ANN, { type: "worker", sid: BOB })).toMatchObject({
      ok: false,
      status: 409,
    });
  });
});

describe("every hand-off refuses", () => {
  const steps = {
    coldTransfer: (c: HandoffCall, by: string, sid = QUEUE) =>
      coldTransfer(c, by, { type: sid.startsWith("WQ") ? "queue" : "worker", sid }),
    startConsult: (c: HandoffCall, by: string, sid = QUEUE) =>
      startConsult(c, by, { type: sid.startsWith("WQ") ? "queue" : "worker", sid }),
    addParty: (c: HandoffCall, by: string, sid = QUEUE) => addParty(c, by, { type: sid.startsWith("WQ") ? "queue" : "worker", sid }),
  };
  it.each(Object.entries(steps))("%s: an ended call, a call still queued, someone else's, a bad or self target", (_name, step) => {
    expect(step({ call: { ...call, state: "ended" }, agentSid: ANN }, ANN)).toMatchObject({
      ok: false,
      status: 409,
      message: expect.stringContaining("has ended"),
    });
    expect(step({ call: { ...call, state: "waiting" }, agentSid: null }, ANN)).toMatchObject({
      ok: false,
      status: 409,
      message: expect.stringContaining("no agent yet"),
    });
    expect(step(annsCall, BOB)).toMatchObject({ ok: false, status: 403, message: expect.stringContaining(`its agent is ${ANN}`) });
    expect(step(annsCall, ANN, ANN)).toMatchObject({ ok: false, status: 400, message: expect.stringContaining("the call's own agent") });
    expect(step(annsCall, ANN, "WQ123")).toMatchObject({ ok: false, status: 400, message: expect.stringContaining("must be a WQ SID") });
  });
});
