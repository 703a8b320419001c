/**
 * advance on the trigger and the messaging widgets: what the customer would see sent, what the flow
 * remembers of replies, which transition it takes — and the failure paths (a send that fails, a template
 * that does not render, a reply timeout, a message nobody waits for).
 */
import { describe, expect, it } from "vitest";
import { advance, newExecution } from "../../../durable-objects/flow/engine/engine";
import type { FlowInput } from "../../../durable-objects/flow/engine/types";
import { EXECUTION_SID, FLOW_SID, NOW, definitionOf, effectOf, flowJson, host, message, run, startOn } from "./support";

const ok = (effect_id: string, value: Record<string, unknown> = {}): FlowInput => ({
  kind: "result",
  effect_id,
  result: { ok: true, value },
});
const failed = (effect_id: string, reason: string): FlowInput => ({ kind: "result", effect_id, result: { ok: false, reason } });

describe("trigger", () => {
  it("without a next widget, ends the execution at once with one step to Ended", () => {
    const [started] = run(definitionOf(flowJson([])), [startOn("hi")]);
    expect(started!.state).toMatchObject({ status: "ended", ended_reason: "completed", current: null });
    expect(started!.steps).toEqual([
      expect.objectContaining({
        name: "Trigger",
        event: "incomingMessage",
        transitioned_from: "Trigger",
        transitioned_to: "Ended",
        at: NOW,
      }),
    ]);
    expect(started!.state.transcript).toEqual([{ from: "customer", body: "hi", at: NOW }]);
  });

  it("a REST trigger takes incomingRequest; its Parameters are flow.data", () => {
    const json = flowJson([
      { name: "hello", type: "send-message", properties: { body: "Order {{flow.data.order}} for {{contact.channel.address}}" } },
    ]);
    (json.states as { transitions: { event: string; next?: string }[] }[])[0]!.transitions = [{ event: "incomingRequest", next: "hello" }];
    const [started] = run(definitionOf(json), [
      {
        kind: "start",
        trigger: { kind: "incomingRequest", request: { from: "+15559990000", to: "+15550001111" }, parameters: { order: "A-17" } },
        contact: { channel: { address: "+15550001111" } },
      },
    ]);
    expect(effectOf(started!, "send-message").body).toBe("Order A-17 for +15550001111");
    expect(started!.state.context).toMatchObject({ flow: { data: { order: "A-17" }, channel: { address: "+15559990000" } } });
  });

  it("a Conversations export (incomingConversationMessage) runs on an incoming message", () => {
    const json = flowJson([{ name: "hello", type: "send-message", properties: { body: "Hi" } }]);
    (json.states as { transitions: { event: string; next?: string }[] }[])[0]!.transitions = [
      { event: "incomingMessage" },
      { event: "incomingConversationMessage", next: "hello" },
    ];
    const [started] = run(definitionOf(json), [startOn("hi")]);
    expect(started!.steps[0]).toMatchObject({ event: "incomingConversationMessage", transitioned_to: "hello" });
  });

  it("a second start is ignored", () => {
    const definition = definitionOf(flowJson([{ name: "ask", type: "send-and-wait-for-reply", properties: { body: "?" } }]));
    const [, again] = run(definition, [startOn("one"), startOn("two")]);
    expect(again).toMatchObject({ ignored: "already-started", steps: [], effects: [] });
  });
});

describe("send-message", () => {
  const definition = definitionOf(
    flowJson([
      {
        name: "hello",
        type: "send-message",
        properties: {
          body: "You said {{trigger.message.Body | upcase}}",
          to: "{{contact.channel.address}}",
          from: "{{flow.channel.address}}",
          media_url: "https://cdn.test/a.png",
        },
        transitions: [
          { event: "sent", next: "after" },
          { event: "failed", next: "oops" },
        ],
      },
      { name: "after", type: "set-variables", properties: { variables: [{ key: "done", value: "yes" }] } },
      { name: "oops", type: "set-variables", properties: { variables: [{ key: "done", value: "no" }] } },
    ]),
  );

  it("renders the message, waits for the send, and on success says it and takes sent", () => {
    const [started, sent] = run(definition, [startOn("hi"), ok(`${EXECUTION_SID}-E1`, { sid: "IM9" })]);
    expect(started!.effects).toEqual([
      {
        id: `${EXECUTION_SID}-E1`,
        kind: "send-message",
        awaited: true,
        body: "You said HI",
        to: "+15550001111",
        from: "+15559990000",
        media_url: "https://cdn.test/a.png",
      },
    ]);
    expect(started!.state).toMatchObject({ current: "hello", waiting: { kind: "result", effect_id: `${EXECUTION_SID}-E1` } });
    expect(sent!.steps.map((step) => [step.name, step.event, step.transitioned_to])).toEqual([
      ["hello", "sent", "after"],
      ["after", "next", "Ended"],
    ]);
    expect(sent!.state.context).toMatchObject({ flow: { variables: { done: "yes" } }, widgets: { hello: { sid: "IM9" } } });
    expect(sent!.state.transcript.map((line) => [line.from, line.body])).toEqual([
      ["customer", "hi"],
      ["bot", "You said HI"],
    ]);
  });

  it("on a failed send takes failed, keeps the reason, and leaves it out of the transcript", () => {
    const [, result] = run(definition, [startOn("hi"), failed(`${EXECUTION_SID}-E1`, "channel unreachable")]);
    expect(result!.steps[0]).toMatchObject({
      name: "hello",
      event: "failed",
      transitioned_to: "oops",
      context: { error: "channel unreachable" },
    });
    expect(result!.state.transcript.map((line) => line.from)).toEqual(["customer"]);
  });

  it("a template that does not render takes failed without sending", () => {
    const broken = definitionOf(
      flowJson([
        {
          name: "hello",
          type: "send-message",
          properties: { body: "{{ x | no_such_filter }}" },
          transitions: [{ event: "failed", next: "oops" }],
        },
        { name: "oops", type: "set-variables", properties: {} },
      ]),
    );
    const [started] = run(broken, [startOn("hi")]);
    expect(started!.effects).toEqual([]);
    expect(started!.steps[1]).toMatchObject({
      name: "hello",
      event: "failed",
      context: { error: expect.stringMatching(/^body: Liquid: .*no_such_filter/) },
    });
  });

  it("a result for another effect is ignored", () => {
    const [, stray] = run(definition, [startOn("hi"), ok("FN-other-E9")]);
    expect(stray).toMatchObject({ ignored: "unknown-effect", steps: [], effects: [] });
  });
});

describe("send-and-wait-for-reply", () => {
  const definition = definitionOf(
    flowJson([
      {
        name: "ask",
        type: "send-and-wait-for-reply",
        properties: { body: "What's your order number?", from: "{{flow.channel.address}}", timeout: "600" },
        transitions: [
          { event: "incomingMessage", next: "echo" },
          { event: "timeout", next: "late" },
          { event: "deliveryFailure", next: "late" },
        ],
      },
      {
        name: "echo",
        type: "send-message",
        properties: { body: "Looking up {{widgets.ask.inbound.Body}} ({{widgets.ask.inbound.Intent}})" },
      },
      { name: "late", type: "set-variables", properties: { variables: [{ key: "gave_up", value: "true" }] } },
    ]),
  );
  const timerId = `${EXECUTION_SID}-W2`;

  it("sends, says it, and sets a timer for its timeout", () => {
    const [started] = run(definition, [startOn("hi")]);
    expect(started!.effects).toEqual([
      { id: `${EXECUTION_SID}-E1`, kind: "send-message", awaited: false, body: "What's your order number?", from: "+15559990000" },
      { id: `${EXECUTION_SID}-E2`, kind: "set-timer", wait_id: timerId, due_at: NOW + 600_000 },
    ]);
    expect(started!.state).toMatchObject({
      current: "ask",
      waiting: { kind: "reply", wait_id: timerId, effect_id: `${EXECUTION_SID}-E1` },
    });
    expect(started!.state.transcript.at(-1)).toEqual({ from: "bot", body: "What's your order number?", at: NOW });
  });

  it("a reply clears the timer, is remembered as inbound (with the bot's reading) and takes incomingMessage", () => {
    const reading = {
      intent: "order_status",
      confidence: 0.91,
      entities: [{ entity: "order", text: "A-17", value: "A-17" }],
      sentiment: -0.2,
      language: "en",
    };
    const [, replied] = run(definition, [startOn("hi"), { kind: "message", message: message("A-17", reading) }]);
    expect(replied!.effects[0]).toEqual({ id: `${EXECUTION_SID}-E3`, kind: "clear-timer", wait_id: timerId });
    expect(effectOf(replied!, "send-message").body).toBe("Looking up A-17 (order_status)");
    expect(replied!.state.context).toMatchObject({
      widgets: { ask: { inbound: { Body: "A-17", Intent: "order_status", Confidence: 0.91, Sentiment: -0.2 } } },
    });
    expect(replied!.state.transcript[2]).toEqual({
      from: "customer",
      body: "A-17",
      at: NOW,
      intent: "order_status",
      confidence: 0.91,
      sentiment: -0.2,
    });
  });

  it("its timer firing takes timeout; a stale timer is ignored", () => {
    const [, stale, late] = run(definition, [
      startOn("hi"),
      { kind: "timeout", wait_id: "FN-old-W1" },
      { kind: "timeout", wait_id: timerId },
    ]);
    expect(stale).toMatchObject({ ignored: "stale-timeout", steps: [] });
    expect(late!.steps[0]).toMatchObject({ name: "ask", event: "timeout", transitioned_to: "late" });
    expect(late!.state.context).toMatchObject({ flow: { variables: { gave_up: "true" } } });
  });

  it("a failed send takes deliveryFailure and clears the timer; a successful one changes nothing but the context", () => {
    const [, failedSend] = run(definition, [startOn("hi"), failed(`${EXECUTION_SID}-E1`, "undeliverable")]);
    expect(failedSend!.effects[0]).toMatchObject({ kind: "clear-timer", wait_id: timerId });
    expect(failedSend!.steps[0]).toMatchObject({ name: "ask", event: "deliveryFailure", context: { error: "undeliverable" } });

    const [, delivered, replied] = run(definition, [
      startOn("hi"),
      ok(`${EXECUTION_SID}-E1`, { sid: "IM1" }),
      { kind: "message", message: message("A-17") },
    ]);
    expect(delivered).toMatchObject({ steps: [], effects: [], state: { current: "ask", waiting: { kind: "reply", wait_id: timerId } } });
    expect(delivered!.ignored).toBeUndefined();
    expect(replied!.steps[0]).toMatchObject({ name: "ask", event: "incomingMessage" });
  });

  it("timeout 0 waits without a timer; a message nobody waits for is ignored for the runtime to route", () => {
    const noTimer = definitionOf(flowJson([{ name: "ask", type: "send-and-wait-for-reply", properties: { body: "?", timeout: "0" } }]));
    const [started] = run(noTimer, [startOn("hi")]);
    expect(started!.effects.map((effect) => effect.kind)).toEqual(["send-message"]);
    const busy = definitionOf(flowJson([{ name: "hello", type: "send-message", properties: { body: "Hi" } }]));
    const [, unexpected] = run(busy, [startOn("hi"), { kind: "message", message: message("are you there?") }]);
    expect(unexpected).toMatchObject({ ignored: "not-waiting-for-reply", steps: [], effects: [] });
  });
});

describe("set-variables", () => {
  it("renders each variable in order (later ones see earlier) into flow.variables", () => {
    const definition = definitionOf(
      flowJson([
        {
          name: "vars",
          type: "set-variables",
          properties: {
            variables: [
              { key: "first", value: "{{trigger.message.Body}}" },
              { key: "both", value: "{{flow.variables.first}}!" },
            ],
          },
        },
      ]),
    );
    const [started] = run(definition, [startOn("hey")]);
    expect(started!.state.context).toMatchObject({ flow: { variables: { first: "hey", both: "hey!" } } });
    expect(started!.state).toMatchObject({ status: "ended", ended_reason: "completed" });
  });

  it("a value that does not render ends the execution with the reason (set-variables has no failure transition)", () => {
    const definition = definitionOf(
      flowJson([{ name: "vars", type: "set-variables", properties: { variables: [{ key: "x", value: "{% if %}" }] } }]),
    );
    const [started] = run(definition, [startOn("hey")]);
    expect(started!.state.status).toBe("ended");
    expect(started!.state.ended_reason).toMatch(/^Widget "vars" of type set-variables could not set x: Liquid: /);
  });
});

describe("split-based-on", () => {
  const to = (next: string) => ({ name: next, type: "set-variables", properties: { variables: [{ key: "branch", value: next }] } });
  const definition = definitionOf(
    flowJson([
      {
        name: "menu",
        type: "split-based-on",
        properties: { input: "{{trigger.message.Body}}" },
        transitions: [
          { event: "noMatch", next: "other" },
          // Both conditions must hold: a number and below the threshold in flow.data (rendered value).
          {
            event: "match",
            next: "small",
            conditions: [
              { friendly_name: "a number", arguments: ["{{trigger.message.Body}}"], type: "regex", value: "^\\d+$" },
              { friendly_name: "below", arguments: ["{{trigger.message.Body}}"], type: "less_than", value: "{{flow.data.threshold}}" },
            ],
          },
          { event: "match", next: "number", conditions: [{ arguments: ["{{trigger.message.Body}}"], type: "regex", value: "^\\d+$" }] },
          { event: "match", next: "open", conditions: [{ arguments: ["{{calendars.support.open}}"], type: "equal_to", value: "true" }] },
        ],
      },
      to("small"),
      to("number"),
      to("open"),
      to("other"),
    ]),
  );
  const start = (body: string): FlowInput => ({ ...(startOn(body) as Extract<FlowInput, { kind: "start" }>), data: { threshold: "10" } });

  // "5": number and 5 < 10 → small. "50": number, not below → the next match, number. "hi": no
  // number; the input is the body, so "true" would be needed for open → other.
  it.each([
    ["5", "small"],
    ["50", "number"],
    ["hi", "other"],
  ])("%j goes to %s: the first match transition whose conditions all hold", (body, branch) => {
    const [started] = run(definition, [start(body)]);
    expect(started!.steps[1]).toMatchObject({ name: "menu", event: branch === "other" ? "noMatch" : "match", transitioned_to: branch });
    expect(started!.state.context).toMatchObject({ flow: { variables: { branch } } });
  });

  it("reads calendars.<name>.open from the host", () => {
    const open = definitionOf(
      flowJson([
        {
          name: "hours",
          type: "split-based-on",
          properties: { input: "{{calendars.support.open}}" },
          transitions: [
            { event: "noMatch", next: "closed" },
            { event: "match", next: "open", conditions: [{ arguments: [], type: "equal_to", value: "true" }] },
          ],
        },
        to("open"),
        to("closed"),
      ]),
    );
    const [during] = run(open, [startOn("hi")], host(NOW, { support: { open: true } }));
    const [after] = run(open, [startOn("hi")], host(NOW, { support: { open: false, next_change: "2026-12-08T09:00:00Z" } }));
    const [unknown] = run(open, [startOn("hi")], host(NOW, {}));
    expect([during, after, unknown].map((result) => result!.steps[1]!.transitioned_to)).toEqual(["open", "closed", "closed"]);
  });

  it("an input that does not render takes noMatch with the reason in its context", () => {
    const broken = definitionOf(
      flowJson([
        {
          name: "menu",
          type: "split-based-on",
          properties: { input: "{{ x | nope }}" },
          transitions: [{ event: "noMatch", next: "other" }],
        },
        to("other"),
      ]),
    );
    const [started] = run(broken, [startOn("hi")]);
    expect(started!.steps[1]).toMatchObject({ event: "noMatch", context: { error: expect.stringContaining("nope") } });
  });
});

describe("end, ended and purity", () => {
  const definition = definitionOf(flowJson([{ name: "ask", type: "send-and-wait-for-reply", properties: { body: "?", timeout: "60" } }]));

  it("end stops a waiting execution with its reason and clears its timer; later inputs are ignored", () => {
    const [, stopped, after] = run(definition, [
      startOn("hi"),
      { kind: "end", reason: "conversation closed" },
      { kind: "message", message: message("hello?") },
    ]);
    expect(stopped!.state).toMatchObject({ status: "ended", ended_reason: "conversation closed", current: null, waiting: null });
    expect(stopped!.effects).toEqual([{ id: `${EXECUTION_SID}-E3`, kind: "clear-timer", wait_id: `${EXECUTION_SID}-W2` }]);
    expect(after).toMatchObject({ ignored: "ended", steps: [], effects: [] });
  });

  it("the same state and input give the same result, ids included, and the input state is left as it was", () => {
    const state = newExecution(EXECUTION_SID, FLOW_SID);
    const frozen = JSON.stringify(state);
    const once = advance(definition, state, startOn("hi"), host());
    const twice = advance(definition, state, startOn("hi"), host());
    expect(twice).toEqual(once);
    expect(JSON.stringify(state)).toBe(frozen);
    const reply = { kind: "message", message: message("x") } as const;
    expect(advance(definition, once.state, reply, host())).toEqual(advance(definition, once.state, reply, host()));
  });
});
