/**
 * The three Studio exports under fixtures/, run end to end as a customer would go through them: the
 * support menu (send-and-wait, split, a retry loop, send-to-flex), the order lookup (HTTP request and a
 * split on its parsed answer) and the after-hours split on `calendars.support.open`.
 */
import { describe, expect, it } from "vitest";
import type { Advance, FlowInput } from "../../../durable-objects/flow/engine/types";
import { SELF_SERVICE_ATTRIBUTE } from "../../../contract/self-service";
import { EXECUTION_SID, NOW, definitionOf, effectOf, fixture, host, message, run, startOn } from "./support";

const reply = (body: string, intent?: string): FlowInput => ({
  kind: "message",
  message: message(body, intent ? { intent, confidence: 0.9, entities: [], sentiment: 0, language: "en" } : undefined),
});
const path = (results: Advance[]) => results.flatMap((result) => result.steps.map((step) => `${step.name}:${step.event}`));

describe("support-menu.json", () => {
  const definition = definitionOf(fixture("support-menu"));

  it.each([
    ["1", undefined, "billing"],
    [" Billing", undefined, "billing"],
    // No menu choice in the words: the second split reads the bot's intent.
    ["it's about my invoice", "billing", "billing"],
    ["a human please", "talk_to_agent", "general"],
    ["2", undefined, "technical"],
    ["can I talk to an Agent", undefined, "general"],
  ])("%j (intent %s) reaches an agent in the %s queue", (body, intent, queue) => {
    const results = run(definition, [startOn("hi"), reply(body, intent)]);
    const task = effectOf(results[1]!, "create-task");
    expect(JSON.parse(task.attributes)).toMatchObject({
      name: "+15550001111",
      queue,
      [SELF_SERVICE_ATTRIBUTE]: { flow_name: "Support menu" },
    });
  });

  it("an answer it does not understand gets an apology and the menu again, then the agent", () => {
    const results = run(definition, [
      startOn("hi"),
      reply("pizza"),
      { kind: "result", effect_id: `${EXECUTION_SID}-E4`, result: { ok: true, value: {} } },
      reply("agent"),
    ]);
    expect(effectOf(results[1]!, "send-message").body).toBe('Sorry, I didn\'t get "pizza".');
    expect(path(results)).toEqual([
      "Trigger:incomingMessage",
      "greeting:incomingMessage",
      "menu:noMatch",
      "intent:noMatch",
      "sorry:sent",
      "greeting:incomingMessage",
      "menu:match",
    ]);
    expect(results[2]!.effects.map((effect) => effect.kind)).toEqual(["send-message", "set-timer"]);
    expect(results[3]!.effects.map((effect) => effect.kind)).toEqual(["clear-timer", "create-task"]);
  });

  it("silence for an hour says goodbye and ends", () => {
    const [started, late, sent] = run(definition, [
      startOn("hi"),
      { kind: "timeout", wait_id: `${EXECUTION_SID}-W2` },
      { kind: "result", effect_id: `${EXECUTION_SID}-E3`, result: { ok: true, value: {} } },
    ]);
    expect(effectOf(started!, "set-timer").due_at).toBe(NOW + 3_600_000);
    expect(effectOf(late!, "send-message").body).toBe("Thanks for writing — we'll be here when you need us.");
    expect(sent!.state).toMatchObject({ status: "ended", ended_reason: "completed" });
  });
});

describe("order-lookup.json", () => {
  const definition = definitionOf(fixture("order-lookup"));
  const lookup = (value: Record<string, unknown>): FlowInput => ({
    kind: "result",
    effect_id: `${EXECUTION_SID}-E4`,
    result: { ok: true, value },
  });

  it("looks the order up and tells the customer it shipped", () => {
    const results = run(definition, [
      startOn("hi"),
      reply(" A-17 "),
      lookup({ status_code: 200, content_type: "application/json", body: '{"id":"A-17","status":"Shipped","shipped_at":"Dec 5"}' }),
    ]);
    expect(effectOf(results[1]!, "http-request").url).toBe("https://shop.example.com/orders/A-17?customer=%2B15550001111");
    expect(effectOf(results[2]!, "send-message").body).toBe("Order A-17 shipped on Dec 5.");
  });

  it("tells any other status as it is, and hands a failed lookup to an agent", () => {
    const [, , pending] = run(definition, [
      startOn("hi"),
      reply("A-18"),
      lookup({ status_code: 200, content_type: "application/json", body: '{"id":"A-18","status":"packing"}' }),
    ]);
    expect(effectOf(pending!, "send-message").body).toBe("Order A-18 is packing.");
    const [, , missing] = run(definition, [
      startOn("hi"),
      reply("A-19"),
      lookup({ status_code: 404, content_type: "text/html", body: "<h1>Not found</h1>" }),
    ]);
    expect(JSON.parse(effectOf(missing!, "create-task").attributes)).toMatchObject({ order: "A-19" });
  });
});

describe("after-hours.json", () => {
  const definition = definitionOf(fixture("after-hours"));

  it("while support is open, goes straight to an agent", () => {
    const [started] = run(definition, [startOn("hi")], host(NOW, { support: { open: true } }));
    expect(JSON.parse(effectOf(started!, "create-task").attributes)).toMatchObject({ after_hours: false });
  });

  it("after hours, says so, then queues the conversation marked after_hours", () => {
    const [started, sent] = run(
      definition,
      [startOn("hi"), { kind: "result", effect_id: `${EXECUTION_SID}-E1`, result: { ok: true, value: {} } }],
      host(NOW, { support: { open: false } }),
    );
    expect(effectOf(started!, "send-message").body).toBe("We're closed right now; an agent will reply when we open.");
    expect(JSON.parse(effectOf(sent!, "create-task").attributes)).toMatchObject({ after_hours: true });
  });
});
