/**
 * Self-service flows in conversations, end to end with the real Durable Objects behind the Worker: an
 * SMS channel names a Studio flow (issue 16); a customer's text opens a conversation that runs it instead
 * of ringing anyone — the greeting goes out through the channel (the Twilio double), a reply moves the
 * send-and-wait, a split routes, an HTTP widget asks a shop double, send-to-flex makes exactly one task
 * whose attributes carry `self_service` (once, though the webhook came twice: counted at the receivers —
 * the Twilio double, the shop double, TaskRouter's task list); a flow that ends without handing over
 * leaves the next message to route as without a flow; a wait times out by the FlowDO's alarm. Also the
 * executions index and steps as Studio shapes them.
 */
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookPath } from "../../channels/channel-config";
import { conversationFor, directoryFor, flowFor, workspaceFor } from "../../platform/objects";
import { signedForm, smsForm } from "../support/twilio-forms";
import type { ApiResult, Page } from "../../durable-objects/common/rpc";
import type { ExecutionRecord, StepRecord } from "../../durable-objects/flow/flow-records";
import { ACCOUNT, ORIGIN, TWILIO_AC, TWILIO_API, TWILIO_TOKEN, eventually, ok, type Body } from "./conversation-helpers";

const NUMBER = "+15557770000";
const SHOP = "https://shop.double";

/** What reached Twilio's Messages API (the customer's phone), as (to, body). */
const sent: { to: string; body: string }[] = [];
/** What reached the shop: each request's URL. */
const shopAsked: string[] = [];
const realFetch = globalThis.fetch;

beforeAll(() => {
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.url.startsWith(`${TWILIO_API}/`)) {
      const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
      sent.push({ to: form.get("To") ?? "", body: form.get("Body") ?? "" });
      return Response.json({ sid: "SM" + crypto.randomUUID().replace(/-/g, ""), status: "queued" }, { status: 201 });
    }
    if (request.url.startsWith(`${SHOP}/`)) {
      shopAsked.push(request.url);
      return Response.json({ status: "shipped" });
    }
    return realFetch(input, init);
  };
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

let ws = "";
let channel = "";
let flowSid = "";
let taskChannel = "";
let workflow = "";

/** The flow: greet and wait; "1" looks the order up and hands over; anything else is told sorry; silence says bye. */
const definition = () => ({
  description: "Order help",
  initial_state: "Trigger",
  flags: { allow_concurrent_calls: true },
  states: [
    { name: "Trigger", type: "trigger", properties: {}, transitions: [{ event: "incomingMessage", next: "greeting" }] },
    {
      name: "greeting",
      type: "send-and-wait-for-reply",
      properties: { body: "Hi! Reply 1 for your order.", timeout: "600" },
      transitions: [{ event: "incomingMessage", next: "menu" }, { event: "timeout", next: "bye" }, { event: "deliveryFailure" }],
    },
    {
      name: "menu",
      type: "split-based-on",
      properties: { input: "{{widgets.greeting.inbound.Body}}" },
      transitions: [
        { event: "noMatch", next: "sorry" },
        {
          event: "match",
          next: "lookup",
          conditions: [{ friendly_name: "1", arguments: ["{{widgets.greeting.inbound.Body}}"], type: "equal_to", value: "1" }],
        },
      ],
    },
    {
      name: "lookup",
      type: "make-http-request",
      properties: { method: "GET", content_type: "application/json", url: `${SHOP}/orders/{{contact.channel.address | url_encode}}` },
      transitions: [
        { event: "success", next: "remember" },
        { event: "failed", next: "handoff" },
      ],
    },
    {
      name: "remember",
      type: "set-variables",
      properties: { variables: [{ key: "order_status", value: "{{widgets.lookup.parsed.status}}" }] },
      transitions: [{ event: "next", next: "handoff" }],
    },
    {
      name: "handoff",
      type: "send-to-flex",
      properties: { workflow: workflow, channel: taskChannel, attributes: '{"topic":"orders"}' },
      transitions: [{ event: "callComplete" }, { event: "failedToEnqueue" }, { event: "callFailure" }],
    },
    {
      name: "sorry",
      type: "send-message",
      properties: { body: "Sorry, I only know about orders." },
      transitions: [{ event: "sent" }, { event: "failed" }],
    },
    {
      name: "bye",
      type: "send-message",
      properties: { body: "Bye for now." },
      transitions: [{ event: "sent" }, { event: "failed" }],
    },
  ],
});

beforeAll(async () => {
  ws = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "self-service" })).sid;
  const base = `/taskrouter/v1/Workspaces/${ws}`;
  const queue = (await ok("POST", `${base}/TaskQueues`, { FriendlyName: "Everyone", TargetWorkers: "1==1" })).sid;
  workflow = (
    await ok("POST", `${base}/Workflows`, {
      FriendlyName: "Messaging",
      Configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue } } }),
    })
  ).sid;
  const channels = (await ok("GET", `${base}/TaskChannels`)).channels as Body[];
  taskChannel = channels.find((c) => c.unique_name === "chat")!.sid;
  const flow = await workspaceFor(env, ws).createFlow(ACCOUNT, {
    friendlyName: "Order help",
    status: "published",
    definition: definition(),
  });
  flowSid = must<{ sid: string }>(flow).sid;
  channel = (
    await ok("POST", `/api/workspaces/${ws}/channels`, {
      Kind: "twilio",
      WorkflowSid: workflow,
      FlowSid: flowSid,
      "Settings.twilio_account_sid": TWILIO_AC,
      "Settings.phone_number": NUMBER,
      "Settings.api_base_url": TWILIO_API,
      "Secrets.auth_token": TWILIO_TOKEN,
    })
  ).sid;
}, 30_000);

/** The customer `from` texts the channel; the same `sid` twice is Twilio redelivering one webhook. */
async function text(from: string, body: string, sid?: string): Promise<void> {
  const url = `${ORIGIN}${webhookPath(ws, channel)}`;
  const res = await exports.default.fetch(url, await signedForm(url, smsForm(TWILIO_AC, from, NUMBER, body, sid), TWILIO_TOKEN));
  expect(res.status).toBe(200);
}

const said = (to: string) => sent.filter((m) => m.to === to).map((m) => m.body);
const heard = (to: string, body: string) => eventually(`"${body}" sent to ${to}`, async () => (said(to).includes(body) ? true : undefined));

async function conversationOf(address: string): Promise<string> {
  return eventually(`the conversation of ${address}`, async () => {
    const found = await directoryFor(env, ws).findOpen(ACCOUNT, channel, address);
    return found.ok && found.value !== null ? found.value : undefined;
  });
}

/** What a Durable Object answered, or the test fails with its message. */
function must<T>(answer: unknown): T {
  const result = answer as ApiResult<T>;
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** The execution the conversation runs (`ended`: the latest it ran, from the executions index). */
async function executionOf(conversationSid: string, ended = false): Promise<string> {
  return eventually(`the execution of ${conversationSid}`, async () => {
    if (ended) return (await executionsOf(flowSid)).find((e) => e.conversation_sid === conversationSid)?.sid;
    const state = must<{ executionSid: string | null }>(await conversationFor(env, conversationSid).flowState(ACCOUNT));
    return state.executionSid ?? undefined;
  });
}

/** The conversation's tasks in TaskRouter, with their attributes parsed. */
async function tasksOf(conversationSid: string): Promise<Record<string, unknown>[]> {
  const page = await ok("GET", `/taskrouter/v1/Workspaces/${ws}/Tasks?PageSize=100`);
  return (page.tasks as Body[])
    .map((task) => JSON.parse(task.attributes as string) as Record<string, unknown>)
    .filter((attributes) => attributes.conversationSid === conversationSid);
}

const oneTask = (conversationSid: string) =>
  eventually(`a task for ${conversationSid}`, async () => {
    const tasks = await tasksOf(conversationSid);
    return tasks.length > 0 ? tasks : undefined;
  });

describe("a channel's flow runs before any agent", () => {
  it("greets, moves on the reply, asks the shop and hands over once with the self-service context", async () => {
    const customer = "+15550000001";
    await text(customer, "hello");
    await heard(customer, "Hi! Reply 1 for your order.");
    const conversation = await conversationOf(customer);
    expect(await tasksOf(conversation)).toEqual([]); // nobody rings while the flow runs

    const reply = "SM" + "1".repeat(32);
    await text(customer, "1", reply);
    await text(customer, "1", reply); // Twilio redelivers the webhook: nothing twice
    const [task, ...more] = await oneTask(conversation);
    expect(more).toEqual([]);
    expect(task).toMatchObject({ topic: "orders", channelType: "sms", from: customer, conversationSid: conversation });
    const selfService = task!.self_service as Record<string, unknown>;
    expect(selfService).toMatchObject({ flow_sid: flowSid, variables: { order_status: "shipped" } });
    expect((selfService.transcript as { from: string; body: string }[]).map((line) => `${line.from}: ${line.body}`)).toEqual([
      "customer: hello",
      "bot: Hi! Reply 1 for your order.",
      "customer: 1",
    ]);
    expect(shopAsked.filter((url) => url.includes(encodeURIComponent(customer)))).toHaveLength(1);
    expect(said(customer)).toEqual(["Hi! Reply 1 for your order."]);

    // Studio's shapes: the execution ended, listed newest first; its steps in the order taken.
    const execution = await executionOf(conversation, true);
    expect(must<ExecutionRecord>(await flowFor(env, execution).getExecution(ACCOUNT))).toMatchObject({
      status: "ended",
      flow_sid: flowSid,
      contact_channel_address: customer,
      conversation_sid: conversation,
    });
    const listed = await eventually("the ended execution listed", async () => {
      const found = (await executionsOf(flowSid)).find((e) => e.sid === execution);
      return found?.status === "ended" ? found : undefined;
    });
    expect(listed).toMatchObject({ sid: execution, flow_sid: flowSid, workspace_sid: ws, status: "ended" });
    const steps = must<Page<StepRecord>>(await flowFor(env, execution).listSteps(ACCOUNT, { pageSize: 50, page: 0 })).items;
    expect(steps.map((step) => `${step.transitioned_from}→${step.transitioned_to}`)).toEqual([
      "Trigger→greeting",
      "greeting→menu",
      "menu→lookup",
      "lookup→remember",
      "remember→handoff",
      "handoff→Ended",
    ]);
    expect(steps[0]).toMatchObject({ execution_sid: execution, flow_sid: flowSid, account_sid: ACCOUNT });
    expect(steps[0]!.sid).toMatch(/^FT[0-9a-f]{32}$/);
  });

  it("tells a customer it cannot help, ends, and their next message routes as without a flow", async () => {
    const customer = "+15550000002";
    await text(customer, "hi");
    await heard(customer, "Hi! Reply 1 for your order.");
    await text(customer, "something else");
    await heard(customer, "Sorry, I only know about orders.");
    const conversation = await conversationOf(customer);
    expect(await tasksOf(conversation)).toEqual([]);
    await text(customer, "hello?");
    const [task, ...more] = await oneTask(conversation);
    expect(more).toEqual([]);
    expect(task!.self_service).toBeUndefined();
  });

  it("says bye when the customer does not answer in time (the FlowDO's alarm)", async () => {
    const customer = "+15550000003";
    await text(customer, "hi");
    await heard(customer, "Hi! Reply 1 for your order.");
    const execution = await executionOf(await conversationOf(customer));
    expect(await runDurableObjectAlarm(flowFor(env, execution))).toBe(true);
    await heard(customer, "Bye for now.");
    expect(must<ExecutionRecord>(await flowFor(env, execution).getExecution(ACCOUNT)).status).toBe("ended");
  });
});

/** The executions of a flow the directory lists, newest first. */
async function executionsOf(flow: string) {
  return must<Page<ExecutionRecord>>(await directoryFor(env, ws).listExecutions(ACCOUNT, flow, {}, { pageSize: 50, page: 0 })).items;
}
