/**
 * advance on the widgets that ask another system — make-http-request, run-function, send-to-flex — and
 * on Studio's loop guards: the request each would send, how the answer lands in the context, which
 * transition follows, and what the agent gets with the task.
 */
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../../durable-objects/flow/engine/catalogue";
import type { FlowInput } from "../../../durable-objects/flow/engine/types";
import { SELF_SERVICE_ATTRIBUTE, type SelfServiceContext } from "../../../contract/self-service";
import { EXECUTION_SID, FLOW_SID, NOW, definitionOf, effectOf, flowJson, message, run, startOn } from "./support";

const answer = (effect_id: string, value: Record<string, unknown>): FlowInput => ({
  kind: "result",
  effect_id,
  result: { ok: true, value },
});
const E1 = `${EXECUTION_SID}-E1`;
const mark = (name: string) => ({ name, type: "set-variables", properties: { variables: [{ key: "branch", value: name }] } });

describe("make-http-request", () => {
  const request = (properties: Record<string, unknown>) =>
    definitionOf(
      flowJson([
        {
          name: "lookup",
          type: "make-http-request",
          properties,
          transitions: [
            { event: "success", next: "ok" },
            { event: "failed", next: "ko" },
          ],
        },
        {
          name: "ok",
          type: "send-message",
          properties: { body: "{{widgets.lookup.parsed.order.status}} / {{widgets.lookup.status_code}}" },
        },
        mark("ko"),
      ]),
    );

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      "GET: parameters become the query, after any the URL has",
      {
        method: "GET",
        url: "https://shop.test/orders/{{trigger.message.Body}}?v=2",
        content_type: "application/x-www-form-urlencoded;charset=utf-8",
        parameters: [{ key: "who", value: "{{contact.channel.address}}" }],
      },
      {
        method: "GET",
        url: "https://shop.test/orders/A 1?v=2&who=%2B15550001111",
        headers: {},
        body: null,
        content_type: "application/x-www-form-urlencoded",
      },
    ],
    [
      "POST form: parameters become the body",
      {
        method: "POST",
        url: "https://shop.test/orders",
        content_type: "application/x-www-form-urlencoded",
        parameters: [
          { key: "body", value: "{{trigger.message.Body}}" },
          { key: "n", value: "1" },
        ],
      },
      {
        method: "POST",
        url: "https://shop.test/orders",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "body=A+1&n=1",
      },
    ],
    [
      "POST JSON: the body property, rendered",
      {
        method: "post",
        url: "https://shop.test/orders",
        content_type: "application/json;charset=utf-8",
        body: '{"text": "{{trigger.message.Body}}"}',
        add_twilio_auth: true,
      },
      {
        method: "POST",
        url: "https://shop.test/orders",
        headers: { "content-type": "application/json" },
        body: '{"text": "A 1"}',
        content_type: "application/json",
      },
    ],
  ])("%s", (_, properties, expected) => {
    const [started] = run(request(properties), [startOn("A 1")]);
    expect(effectOf(started!, "http-request")).toMatchObject({
      id: E1,
      awaited: true,
      timeout_ms: LIMITS.httpTimeoutSeconds * 1000,
      ...expected,
    });
    expect(started!.state.waiting).toEqual({ kind: "result", effect_id: E1 });
  });

  const get = request({ method: "GET", url: "https://shop.test/orders/1" });

  it("a 2xx JSON answer is parsed into widgets.<name>.parsed and takes success", () => {
    const [, answered] = run(get, [
      startOn("1"),
      answer(E1, { status_code: 200, content_type: "application/json", body: '{"order":{"status":"shipped"}}' }),
    ]);
    expect(answered!.steps[0]).toMatchObject({
      name: "lookup",
      event: "success",
      context: { status_code: 200, parsed: { order: { status: "shipped" } } },
    });
    expect(effectOf(answered!, "send-message").body).toBe("shipped / 200");
  });

  it.each<[string, FlowInput]>([
    ["a 404", answer(E1, { status_code: 404, content_type: "text/plain", body: "no such order" })],
    ["a 500 with a JSON body", answer(E1, { status_code: 500, content_type: "application/json", body: '{"error":"down"}' })],
    ["no answer in time", { kind: "result", effect_id: E1, result: { ok: false, reason: "timeout" } }],
    ["a request cut by eviction", { kind: "result", effect_id: E1, result: { ok: false, reason: "interrupted" } }],
  ])("%s takes failed", (_, result) => {
    const [, answered] = run(get, [startOn("1"), result]);
    expect(answered!.steps[0]).toMatchObject({ name: "lookup", event: "failed", transitioned_to: "ko" });
    expect(answered!.state.context).toMatchObject({ flow: { variables: { branch: "ko" } } });
  });

  it("a body that is not JSON stays text; a URL that is not http(s) fails without a request", () => {
    const [, text] = run(get, [startOn("1"), answer(E1, { status_code: 200, content_type: "application/json", body: "{oops" })]);
    expect(text!.steps[0]!.context).toEqual({ status_code: 200, content_type: "application/json", body: "{oops" });
    const [local] = run(request({ method: "GET", url: "file:///etc/passwd" }), [startOn("1")]);
    expect(local!.effects).toEqual([]);
    expect(local!.steps[1]).toMatchObject({ event: "failed", context: { error: 'url "file:///etc/passwd" is not an http(s) URL' } });
  });
});

describe("run-function", () => {
  const fn = definitionOf(
    flowJson([
      {
        name: "fn",
        type: "run-function",
        properties: {
          service_sid: "ZS1",
          function_sid: "ZH1",
          url: "https://fn.team.test/lookup",
          parameters: [{ key: "text", value: "{{trigger.message.Body}}" }],
        },
        transitions: [
          { event: "success", next: "ok" },
          { event: "fail", next: "ko" },
        ],
      },
      mark("ok"),
      mark("ko"),
    ]),
  );

  it("calls the team's URL with the rendered parameters; 2xx → success, else fail", () => {
    const [started, success] = run(fn, [startOn("hello"), answer(E1, { status_code: 200, body: '{"answer":42}' })]);
    expect(effectOf(started!, "run-function")).toEqual({
      id: E1,
      kind: "run-function",
      awaited: true,
      url: "https://fn.team.test/lookup",
      parameters: { text: "hello" },
      timeout_ms: 10_000,
    });
    expect(success!.steps[0]).toMatchObject({ event: "success", context: { parsed: { answer: 42 } } });
    const [, failure] = run(fn, [startOn("hello"), answer(E1, { status_code: 403, body: "" })]);
    expect(failure!.steps[0]).toMatchObject({ event: "fail", transitioned_to: "ko" });
  });
});

describe("send-to-flex", () => {
  const definition = definitionOf(
    flowJson([
      {
        name: "ask",
        type: "send-and-wait-for-reply",
        properties: { body: "How can we help?" },
        transitions: [{ event: "incomingMessage", next: "vars" }],
      },
      {
        name: "vars",
        type: "set-variables",
        properties: { variables: [{ key: "topic", value: "{{widgets.ask.inbound.Intent}}" }] },
        transitions: [{ event: "next", next: "agent" }],
      },
      {
        name: "agent",
        type: "send-to-flex",
        properties: {
          workflow: "WW1",
          channel: "TC1",
          attributes: '{"name": "{{contact.channel.address}}", "topic": "{{flow.variables.topic}}"}',
          priority: "5",
          timeout: "3600",
        },
        transitions: [
          { event: "callComplete", next: "ask" },
          { event: "failedToEnqueue", next: "sorry" },
        ],
      },
      mark("sorry"),
    ]),
  );
  const reading = (intent: string, sentiment: number) => ({ intent, confidence: 0.8, entities: [], sentiment, language: "en" });
  const inputs: FlowInput[] = [
    startOn("hello", reading("greeting", 0.5)),
    { kind: "message", message: message("my invoice is wrong", reading("billing", -0.5)) },
  ];

  it("asks for a task with the rendered attributes and self_service: transcript, last intent, variables, mean sentiment", () => {
    const [, handoff] = run(definition, inputs);
    const task = effectOf(handoff!, "create-task");
    expect(task).toMatchObject({ kind: "create-task", awaited: true, workflow_sid: "WW1", channel: "TC1", priority: 5, timeout: 3600 });
    const attributes = JSON.parse(task.attributes) as Record<string, unknown>;
    expect(attributes).toMatchObject({ name: "+15550001111", topic: "billing" });
    const iso = new Date(NOW).toISOString();
    // Sentiment: mean of 0.5 and −0.5 = 0. The intent is the last one heard: billing (0.8).
    expect(attributes[SELF_SERVICE_ATTRIBUTE]).toEqual({
      flow_sid: FLOW_SID,
      execution_sid: EXECUTION_SID,
      flow_name: "Test flow",
      transcript: [
        { from: "customer", body: "hello", at: iso },
        { from: "bot", body: "How can we help?", at: iso },
        { from: "customer", body: "my invoice is wrong", at: iso },
      ],
      intent: "billing",
      confidence: 0.8,
      variables: { topic: "billing" },
      sentiment: 0,
    } satisfies SelfServiceContext);
  });

  it("a last message the bot could not place (None) leaves the intent it did understand", () => {
    const [, handoff] = run(definition, [
      startOn("my invoice is wrong", reading("billing", -0.5)),
      { kind: "message", message: message("hmm", reading("None", 0)) },
    ]);
    const attributes = JSON.parse(effectOf(handoff!, "create-task").attributes) as Record<string, SelfServiceContext>;
    // billing (0.8) from the first message; the mood is the mean of both: (−0.5 + 0) / 2.
    expect(attributes[SELF_SERVICE_ATTRIBUTE]).toMatchObject({ intent: "billing", confidence: 0.8, sentiment: -0.25 });
  });

  it("once the task exists the execution ends, handed off (callComplete is not followed for messaging)", () => {
    const [, handoff] = run(definition, inputs);
    const [, , done] = run(definition, [...inputs, answer(effectOf(handoff!, "create-task").id, { task_sid: "WT1" })]);
    expect(done!.steps).toEqual([
      expect.objectContaining({ name: "agent", event: "callComplete", transitioned_to: "Ended", context: { task_sid: "WT1" } }),
    ]);
    expect(done!.state).toMatchObject({ status: "ended", ended_reason: "handed-off" });
  });

  it("a refused task takes failedToEnqueue; attributes that are not a JSON object fail without a task", () => {
    const [, handoff] = run(definition, inputs);
    const id = effectOf(handoff!, "create-task").id;
    const [, , refused] = run(definition, [
      ...inputs,
      { kind: "result", effect_id: id, result: { ok: false, reason: "workflow WW1 not found" } },
    ]);
    expect(refused!.steps[0]).toMatchObject({
      event: "failedToEnqueue",
      transitioned_to: "sorry",
      context: { error: "workflow WW1 not found" },
    });

    const bad = definitionOf(
      flowJson([
        {
          name: "agent",
          type: "send-to-flex",
          properties: { workflow: "WW1", channel: "TC1", attributes: '["a list"]' },
          transitions: [{ event: "failedToEnqueue", next: "sorry" }],
        },
        mark("sorry"),
      ]),
    );
    const [started] = run(bad, [startOn("hi")]);
    expect(started!.effects).toEqual([]);
    expect(started!.steps[1]).toMatchObject({ event: "failedToEnqueue", context: { error: "attributes must be a JSON object" } });
  });

  it("without a bot, intent, confidence and sentiment are null", () => {
    const [, handoff] = run(definition, [startOn("hello"), { kind: "message", message: message("help") }]);
    const context = (JSON.parse(effectOf(handoff!, "create-task").attributes) as Record<string, SelfServiceContext>)[
      SELF_SERVICE_ATTRIBUTE
    ];
    expect(context).toMatchObject({ intent: null, confidence: null, sentiment: null });
  });
});

describe("loop guards (Studio's: steps per execution, one widget in a row)", () => {
  it(`a loop without waits ends after ${LIMITS.steps} steps`, () => {
    const definition = definitionOf(
      flowJson([
        { name: "a", type: "set-variables", properties: {}, transitions: [{ event: "next", next: "b" }] },
        { name: "b", type: "set-variables", properties: {}, transitions: [{ event: "next", next: "a" }] },
      ]),
    );
    const [started] = run(definition, [startOn("hi")]);
    expect(started!.steps).toHaveLength(LIMITS.steps);
    expect(started!.state).toMatchObject({ status: "ended", steps: LIMITS.steps, ended_reason: expect.stringMatching(/^step-limit/) });
  });

  it(`a widget that runs ${LIMITS.repeats} times in a row is stopped before the next`, () => {
    const definition = definitionOf(
      flowJson([{ name: "again", type: "set-variables", properties: {}, transitions: [{ event: "next", next: "again" }] }]),
    );
    const [started] = run(definition, [startOn("hi")]);
    // Trigger → again (1st) … again → again (10th entry); the 11th entry is refused: 1 + 10 steps.
    expect(started!.steps).toHaveLength(1 + LIMITS.repeats);
    expect(started!.state.ended_reason).toBe(`repeat-limit: widget "again" ran ${LIMITS.repeats} times in a row`);
  });
});
