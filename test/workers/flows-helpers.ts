/**
 * What the flow tests share (flows-conversations, flows-eviction): a workspace whose SMS channel runs a
 * small Studio flow — greet and wait; "1" asks the shop double for the order and hands over with
 * send-to-flex; anything else is told sorry; silence says bye — with Twilio's Messages API and the shop
 * as doubles behind `globalThis.fetch` that count what reaches them, and the reads the tests check with.
 */
import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, expect } from "vitest";
import { webhookPath } from "../../channels/channel-config";
import { conversationFor, directoryFor, workspaceFor } from "../../platform/objects";
import { signedForm, smsForm } from "../support/twilio-forms";
import type { ApiResult, Page } from "../../durable-objects/common/rpc";
import type { ExecutionRecord } from "../../durable-objects/flow/flow-records";
import { ACCOUNT, ORIGIN, TWILIO_AC, TWILIO_API, TWILIO_TOKEN, eventually, ok, type Body } from "./conversation-helpers";

export const NUMBER = "+15557770000";
export const SHOP = "https://shop.double";

/** What reached Twilio's Messages API (the customer's phone), as (to, body). */
export const sent: { to: string; body: string }[] = [];
/** What reached the shop: each request's URL. */
export const shopAsked: string[] = [];
/** Requests to the shop that never answer (until the object dies). */
export const shop = { hangs: false };
const realFetch = globalThis.fetch;

/** The scene's workspace, its SMS channel and the flow the channel runs (set by {@link useFlowScene}). */
export const scene = { ws: "", channel: "", flowSid: "", taskChannel: "", workflow: "" };

/** The flow: greet and wait; "1" looks the order up and hands over; anything else is told sorry; silence, or an agent sending the customer here, says bye. */
export const definition = () => ({
  description: "Order help",
  initial_state: "Trigger",
  flags: { allow_concurrent_calls: true },
  states: [
    {
      name: "Trigger",
      type: "trigger",
      properties: {},
      transitions: [
        { event: "incomingMessage", next: "greeting" },
        { event: "incomingRequest", next: "bye" },
      ],
    },
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
      properties: { workflow: scene.workflow, channel: scene.taskChannel, attributes: '{"topic":"orders"}' },
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

/**
 * For the file's tests: the doubles behind `globalThis.fetch` (Twilio's Messages API, the shop) and a
 * workspace with a queue, a workflow, the flow (published) and an SMS channel that runs it.
 */
export function useFlowScene(): void {
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
        if (shop.hangs) return new Promise<Response>(() => {});
        return Response.json({ status: "shipped" });
      }
      return realFetch(input, init);
    };
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });
  beforeAll(async () => {
    scene.ws = (await ok("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "self-service" })).sid;
    const base = `/taskrouter/v1/Workspaces/${scene.ws}`;
    const queue = (await ok("POST", `${base}/TaskQueues`, { FriendlyName: "Everyone", TargetWorkers: "1==1" })).sid;
    scene.workflow = (
      await ok("POST", `${base}/Workflows`, {
        FriendlyName: "Messaging",
        Configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue } } }),
      })
    ).sid;
    const channels = (await ok("GET", `${base}/TaskChannels`)).channels as Body[];
    scene.taskChannel = channels.find((c) => c.unique_name === "chat")!.sid;
    const flow = await workspaceFor(env, scene.ws).createFlow(ACCOUNT, {
      friendlyName: "Order help",
      status: "published",
      definition: definition(),
    });
    scene.flowSid = must<{ sid: string }>(flow).sid;
    scene.channel = (
      await ok("POST", `/api/workspaces/${scene.ws}/channels`, {
        Kind: "twilio",
        WorkflowSid: scene.workflow,
        FlowSid: scene.flowSid,
        "Settings.twilio_account_sid": TWILIO_AC,
        "Settings.phone_number": NUMBER,
        "Settings.api_base_url": TWILIO_API,
        "Secrets.auth_token": TWILIO_TOKEN,
      })
    ).sid;
  }, 30_000);
}

/** The customer `from` texts the channel; the same `sid` twice is Twilio redelivering one webhook. */
export async function text(from: string, body: string, sid?: string): Promise<void> {
  const url = `${ORIGIN}${webhookPath(scene.ws, scene.channel)}`;
  const res = await exports.default.fetch(url, await signedForm(url, smsForm(TWILIO_AC, from, NUMBER, body, sid), TWILIO_TOKEN));
  expect(res.status).toBe(200);
}

export const said = (to: string) => sent.filter((m) => m.to === to).map((m) => m.body);
export const heard = (to: string, body: string) =>
  eventually(`"${body}" sent to ${to}`, async () => (said(to).includes(body) ? true : undefined));

export async function conversationOf(address: string): Promise<string> {
  return eventually(`the conversation of ${address}`, async () => {
    const found = await directoryFor(env, scene.ws).findOpen(ACCOUNT, scene.channel, address);
    return found.ok && found.value !== null ? found.value : undefined;
  });
}

/** What a Durable Object answered, or the test fails with its message. */
export function must<T>(answer: unknown): T {
  const result = answer as ApiResult<T>;
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** The execution the conversation runs (`ended`: the latest it ran, from the executions index). */
export async function executionOf(conversationSid: string, ended = false): Promise<string> {
  return eventually(`the execution of ${conversationSid}`, async () => {
    if (ended) return (await executionsOf(scene.flowSid)).find((e) => e.conversation_sid === conversationSid)?.sid;
    const state = must<{ executionSid: string | null }>(await conversationFor(env, conversationSid).flowState(ACCOUNT));
    return state.executionSid ?? undefined;
  });
}

/** The conversation's tasks in TaskRouter, with their attributes parsed. */
export async function tasksOf(conversationSid: string): Promise<Record<string, unknown>[]> {
  const page = await ok("GET", `/taskrouter/v1/Workspaces/${scene.ws}/Tasks?PageSize=100`);
  return (page.tasks as Body[])
    .map((task) => JSON.parse(task.attributes as string) as Record<string, unknown>)
    .filter((attributes) => attributes.conversationSid === conversationSid);
}

export const oneTask = (conversationSid: string) =>
  eventually(`a task for ${conversationSid}`, async () => {
    const tasks = await tasksOf(conversationSid);
    return tasks.length > 0 ? tasks : undefined;
  });

/** The executions of a flow the directory lists, newest first. */
export async function executionsOf(flow: string) {
  return must<Page<ExecutionRecord>>(await directoryFor(env, scene.ws).listExecutions(ACCOUNT, flow, {}, { pageSize: 50, page: 0 })).items;
}
