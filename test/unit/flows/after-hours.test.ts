/**
 * The after-hours flow, the common case issue 16 asks to be tested: a split on `calendars.support.open`
 * with the calendar status the WorkspaceDO would give the engine — the real evaluator's answer for a
 * Madrid support calendar at fixed instants. Open: straight to an agent (a create-task effect). Closed:
 * the after-hours answer naming when support opens, a request for a callback by message, the
 * customer's reply kept in flow.variables, a confirmation, and the end — no task. Instants worked by hand:
 * Monday 2026-01-05 10:00 CET = 09:00Z (open until 17:00 CET = 16:00Z); the same day 20:00 CET = 19:00Z
 * (closed until Tuesday 09:00 CET = 08:00Z); Christmas Day 2026 (a yearly holiday, Friday) 10:00 CET =
 * 09:00Z (closed until Monday 28th 09:00 CET = 08:00Z).
 */
import { describe, expect, it } from "vitest";
import { calendarState, type CalendarDefinition } from "../../../durable-objects/common/calendars";
import type { EngineHost, FlowInput } from "../../../durable-objects/flow/engine/types";
import { EXECUTION_SID, definitionOf, effectOf, flowJson, host, message, run, startOn } from "./support";

const nineToFive = [{ start: "09:00", end: "17:00" }];
const support: CalendarDefinition = {
  time_zone: "Europe/Madrid",
  weekly_hours: { monday: nineToFive, tuesday: nineToFive, wednesday: nineToFive, thursday: nineToFive, friday: nineToFive },
  holidays: [{ date: "2000-12-25", name: "Navidad", yearly: true }],
  exceptions: [],
};

/** What the FlowDO hands the engine: the WorkspaceDO's calendarStatus at `now`, from the same evaluator. */
const hostAt = (iso: string): EngineHost => {
  const now = Date.parse(iso);
  return host(now, { support: calendarState(support, now) });
};

/** The host's report that a message effect was sent. */
const sent = (effect_id: string): FlowInput => ({ kind: "result", effect_id, result: { ok: true, value: { sid: "IM1" } } });

const definition = definitionOf(
  flowJson([
    {
      name: "hours",
      type: "split-based-on",
      properties: { input: "{{calendars.support.open}}" },
      transitions: [
        { event: "noMatch", next: "after_hours" },
        { event: "match", next: "agent", conditions: [{ arguments: ["{{calendars.support.open}}"], type: "equal_to", value: "true" }] },
      ],
    },
    {
      name: "agent",
      type: "send-to-flex",
      properties: { workflow: "WW1", channel: "TC1", attributes: '{"type": "support"}' },
      transitions: [{ event: "failedToEnqueue", next: "after_hours" }],
    },
    {
      name: "after_hours",
      type: "send-and-wait-for-reply",
      properties: {
        body: "We're closed right now; we open again at {{calendars.support.next_change}}. Reply with your number and a short message and we'll call you back.",
        timeout: "3600",
      },
      transitions: [
        { event: "incomingMessage", next: "callback" },
        { event: "timeout", next: "goodbye" },
      ],
    },
    {
      name: "callback",
      type: "set-variables",
      properties: { variables: [{ key: "callback_request", value: "{{widgets.after_hours.inbound.Body}}" }] },
      transitions: [{ event: "next", next: "thanks" }],
    },
    { name: "thanks", type: "send-message", properties: { body: "Thanks, we'll call you back when we open." } },
    { name: "goodbye", type: "send-message", properties: { body: "Write again any time." } },
  ]),
);

describe("an after-hours flow on a business calendar", () => {
  it("hands the conversation to an agent while support is open", () => {
    const [started] = run(definition, [startOn("hello")], hostAt("2026-01-05T09:00:00Z"));
    expect(started!.steps.map((step) => [step.name, step.transitioned_to])).toEqual([
      ["Trigger", "hours"],
      ["hours", "agent"],
    ]);
    expect(effectOf(started!, "create-task")).toMatchObject({ workflow_sid: "WW1", channel: "TC1" });
    expect(started!.effects.some((effect) => effect.kind === "send-message")).toBe(false);
  });

  it.each([
    ["on a weekday evening", "2026-01-05T19:00:00Z", "2026-01-06T08:00:00Z"],
    ["on a yearly holiday", "2026-12-25T09:00:00Z", "2026-12-28T08:00:00Z"],
  ])("%s answers after hours, takes a callback request by message and ends without a task", (_when, at, opens) => {
    const engineHost = hostAt(at);
    const inputs: FlowInput[] = [startOn("hello"), { kind: "message", message: message("+34 600 000 000, my order never came") }];
    const [started, replied] = run(definition, inputs, engineHost);

    expect(started!.steps.map((step) => step.transitioned_to)).toEqual(["hours", "after_hours"]);
    expect(effectOf(started!, "send-message").body).toBe(
      `We're closed right now; we open again at ${opens}. Reply with your number and a short message and we'll call you back.`,
    );
    expect(effectOf(started!, "set-timer").wait_id).toBe(`${EXECUTION_SID}-W2`);
    expect(started!.state).toMatchObject({ status: "active", current: "after_hours", waiting: { kind: "reply" } });

    const thanks = effectOf(replied!, "send-message");
    expect(thanks.body).toBe("Thanks, we'll call you back when we open.");
    expect(replied!.state.context).toMatchObject({ flow: { variables: { callback_request: "+34 600 000 000, my order never came" } } });
    // Once the confirmation is sent, the execution ends: the callback request is in its context, and no task was asked for.
    const [, , done] = run(definition, [...inputs, sent(thanks.id)], engineHost);
    expect(done!.state).toMatchObject({ status: "ended", ended_reason: "completed" });
    expect([...started!.effects, ...replied!.effects, ...done!.effects].some((effect) => effect.kind === "create-task")).toBe(false);
  });

  it("says goodbye and ends when no callback request comes within the hour", () => {
    const engineHost = hostAt("2026-01-05T19:00:00Z");
    const inputs: FlowInput[] = [startOn("hello"), { kind: "timeout", wait_id: `${EXECUTION_SID}-W2` }];
    const [, late] = run(definition, inputs, engineHost);
    const goodbye = effectOf(late!, "send-message");
    expect(goodbye.body).toBe("Write again any time.");
    const [, , done] = run(definition, [...inputs, sent(goodbye.id)], engineHost);
    expect(done!.state).toMatchObject({ status: "ended", ended_reason: "completed" });
  });
});
