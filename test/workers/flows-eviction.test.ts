/**
 * Self-service flows at most once (issue 16): with the real Durable Objects behind the Worker, the
 * FlowDO and the ConversationDO evicted between every step of a flow — and a FlowDO that dies with an
 * HTTP request in flight — make no second message, task or request, counted at the receivers (the Twilio
 * double, the shop double, TaskRouter's task list); the interrupted request is resolved as failed
 * ("interrupted"), never sent again, and Twilio's retry of the webhook that died with it changes nothing.
 */
import { env } from "cloudflare:workers";
import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { conversationFor, flowFor } from "../../platform/objects";
import type { Page } from "../../durable-objects/common/rpc";
import type { StepRecord } from "../../durable-objects/flow/flow-records";
import { ACCOUNT, eventually } from "./conversation-helpers";
import { conversationOf, executionOf, heard, must, oneTask, said, shop, shopAsked, tasksOf, text, useFlowScene } from "./flows-helpers";

useFlowScene();

describe("at most once", () => {
  it("sends nothing twice when both objects are evicted between every step", { timeout: 30_000 }, async () => {
    const customer = "+15550000004";
    await text(customer, "hi");
    await heard(customer, "Hi! Reply 1 for your order.");
    const conversation = await conversationOf(customer);
    const execution = await executionOf(conversation);
    await evictDurableObject(flowFor(env, execution));
    await evictDurableObject(conversationFor(env, conversation));
    await text(customer, "1");
    await oneTask(conversation);
    await evictDurableObject(flowFor(env, execution));
    await evictDurableObject(conversationFor(env, conversation));
    // Whatever alarms are left run to their end: nothing more is made.
    await runDurableObjectAlarm(flowFor(env, execution));
    await runDurableObjectAlarm(conversationFor(env, conversation));
    expect(await tasksOf(conversation)).toHaveLength(1);
    expect(said(customer)).toEqual(["Hi! Reply 1 for your order."]);
    expect(shopAsked.filter((url) => url.includes(encodeURIComponent(customer)))).toHaveLength(1);
  });

  it("never sends an HTTP request again after an eviction cut it off: the widget fails as interrupted", { timeout: 30_000 }, async () => {
    const customer = "+15550000005";
    await text(customer, "hi");
    await heard(customer, "Hi! Reply 1 for your order.");
    const conversation = await conversationOf(customer);
    const execution = await executionOf(conversation);
    shop.hangs = true;
    const reply = "SM" + "5".repeat(32);
    const pending = text(customer, "1", reply).catch(() => undefined);
    await eventually("the shop asked", async () =>
      shopAsked.some((url) => url.includes(encodeURIComponent(customer))) ? true : undefined,
    );
    // The object dies with the request in flight (an eviction's worst moment): what it stored stays.
    await abortAllDurableObjects();
    shop.hangs = false;
    await pending;
    expect(await runDurableObjectAlarm(flowFor(env, execution))).toBe(true);
    // The webhook died with the object (503): Twilio sends it again, which changes nothing.
    await text(customer, "1", reply);
    const [task] = await oneTask(conversation);
    // The failed branch still hands over; the shop was asked once.
    expect(task).toMatchObject({ topic: "orders" });
    expect(shopAsked.filter((url) => url.includes(encodeURIComponent(customer)))).toHaveLength(1);
    const steps = must<Page<StepRecord>>(await flowFor(env, execution).listSteps(ACCOUNT, { pageSize: 50, page: 0 })).items;
    const lookup = steps.find((step) => step.transitioned_from === "lookup");
    expect(lookup?.transitioned_to).toBe("handoff");
  });
});
