/**
 * Self-service flows in conversations, end to end with the real Durable Objects behind the Worker: an
 * SMS channel names a Studio flow (issue 16); a customer's text opens a conversation that runs it instead
 * of ringing anyone — the greeting goes out through the channel (the Twilio double), a reply moves the
 * send-and-wait, a split routes, an HTTP widget asks a shop double, send-to-flex makes exactly one task
 * whose attributes carry `self_service` (once, though the webhook came twice: counted at the receivers —
 * the Twilio double, the shop double, TaskRouter's task list); a flow that ends without handing over
 * leaves the next message to route as without a flow; a wait times out by the FlowDO's alarm. Also the
 * executions index and steps as Studio shapes them; and an agent sending the customer to a flow through
 * `POST /api/conversations/{CH}/flow` (their task wraps up), with its 400, 403 and 404 answers.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { conversationFor, flowFor } from "../../platform/objects";
import type { Page } from "../../durable-objects/common/rpc";
import type { ExecutionRecord, StepRecord } from "../../durable-objects/flow/flow-records";
import { ACCOUNT, eventually, ok, rest, type Body } from "./conversation-helpers";
import {
  conversationOf,
  executionOf,
  executionsOf,
  heard,
  must,
  oneTask,
  said,
  scene,
  shopAsked,
  tasksOf,
  text,
  useFlowScene,
} from "./flows-helpers";

useFlowScene();

describe("a channel's flow runs before any agent", () => {
  it("greets, moves on the reply, asks the shop and hands over once with the self-service context", async () => {
    const customer = "+15550000001";
    await text(customer, "hello");
    await heard(customer, "Hi! Reply 1 for your order.");
    const conversation = await conversationOf(customer);
    expect(await tasksOf(conversation)).toEqual([]); // nobody rings while the flow runs
    // The record says a bot is handling it: GET and the list alike.
    const running = await ok("GET", `/conversations/v1/Conversations/${conversation}`);
    expect(running.flow).toEqual({ execution_sid: expect.stringMatching(/^FN[0-9a-f]{32}$/), flow_sid: scene.flowSid, status: "active" });
    const everyone = (await ok("GET", "/conversations/v1/Conversations")) as unknown as { conversations: Body[] };
    expect(everyone.conversations.find((c) => c.sid === conversation)?.flow).toEqual(running.flow);

    const reply = "SM" + "1".repeat(32);
    await text(customer, "1", reply);
    await text(customer, "1", reply); // Twilio redelivers the webhook: nothing twice
    const [task, ...more] = await oneTask(conversation);
    expect(more).toEqual([]);
    expect(task).toMatchObject({ topic: "orders", channelType: "sms", from: customer, conversationSid: conversation });
    const selfService = task!.self_service as Record<string, unknown>;
    expect(selfService).toMatchObject({ flow_sid: scene.flowSid, variables: { order_status: "shipped" } });
    expect((selfService.transcript as { from: string; body: string }[]).map((line) => `${line.from}: ${line.body}`)).toEqual([
      "customer: hello",
      "bot: Hi! Reply 1 for your order.",
      "customer: 1",
    ]);
    expect(shopAsked.filter((url) => url.includes(encodeURIComponent(customer)))).toHaveLength(1);
    expect(said(customer)).toEqual(["Hi! Reply 1 for your order."]);
    // Handed to an agent: no flow handles it any more.
    expect((await ok("GET", `/conversations/v1/Conversations/${conversation}`)).flow).toBeNull();

    // Studio's shapes: the execution ended, listed newest first; its steps in the order taken.
    const execution = await executionOf(conversation, true);
    expect(must<ExecutionRecord>(await flowFor(env, execution).getExecution(ACCOUNT))).toMatchObject({
      status: "ended",
      flow_sid: scene.flowSid,
      contact_channel_address: customer,
      conversation_sid: conversation,
    });
    const listed = await eventually("the ended execution listed", async () => {
      const found = (await executionsOf(scene.flowSid)).find((e) => e.sid === execution);
      return found?.status === "ended" ? found : undefined;
    });
    expect(listed).toMatchObject({ sid: execution, flow_sid: scene.flowSid, workspace_sid: scene.ws, status: "ended" });
    const steps = must<Page<StepRecord>>(await flowFor(env, execution).listSteps(ACCOUNT, { pageSize: 50, page: 0 })).items;
    expect(steps.map((step) => `${step.transitioned_from}→${step.transitioned_to}`)).toEqual([
      "Trigger→greeting",
      "greeting→menu",
      "menu→lookup",
      "lookup→remember",
      "remember→handoff",
      "handoff→Ended",
    ]);
    expect(steps[0]).toMatchObject({ execution_sid: execution, flow_sid: scene.flowSid, account_sid: ACCOUNT });
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

describe("an agent sends the customer to a flow", () => {
  it("runs it in the conversation and wraps the agent's task; others and bad input are refused", { timeout: 30_000 }, async () => {
    const customer = "+15550000006";
    await text(customer, "hi");
    await heard(customer, "Hi! Reply 1 for your order.");
    await text(customer, "1");
    const conversation = await conversationOf(customer);
    await oneTask(conversation);
    const base = `/taskrouter/v1/Workspaces/${scene.ws}`;
    const tasks = (await ok("GET", `${base}/Tasks?PageSize=100`)).tasks as Body[];
    const taskSid = tasks.find((task) => (JSON.parse(task.attributes as string) as Body).conversationSid === conversation)!.sid;
    // The earlier tests' tasks wait in the same queue: out of the way, so Ann is offered this one.
    for (const task of tasks)
      if (task.sid !== taskSid && task.assignment_status === "pending")
        await ok("POST", `${base}/Tasks/${task.sid}`, { AssignmentStatus: "canceled", Reason: "not this test's" });
    const available = ((await ok("GET", `${base}/Activities?FriendlyName=Available`)).activities as Body[])[0]!.sid;
    const ann = (await ok("POST", `${base}/Workers`, { FriendlyName: "Ann", ActivitySid: available })).sid;
    const reservation = await eventually("Ann's reservation", async () => {
      const page = await ok("GET", `${base}/Tasks/${taskSid}/Reservations?ReservationStatus=pending`);
      return (page.reservations as Body[])[0];
    });
    await ok("POST", `${base}/Tasks/${taskSid}/Reservations/${reservation.sid}`, { ReservationStatus: "accepted" });
    await eventually("Ann in the conversation", async () => {
      const people = must<Page<{ identity: string | null }>>(
        await conversationFor(env, conversation).listParticipants(ACCOUNT, { pageSize: 50, page: 0 }),
      );
      return people.items.some((p) => p.identity === ann) ? true : undefined;
    });

    const path = `/api/conversations/${conversation}/flow`;
    const stranger = "WK" + "0".repeat(32);
    expect((await rest("POST", path, { FlowSid: scene.flowSid, WorkerSid: stranger })).status).toBe(403);
    expect((await rest("POST", path, { FlowSid: "FWnope", WorkerSid: ann })).status).toBe(400);
    expect((await rest("POST", `/api/conversations/CH${"0".repeat(32)}/flow`, { FlowSid: scene.flowSid, WorkerSid: ann })).status).toBe(
      404,
    );

    const sentBefore = said(customer).length;
    const started = await rest("POST", path, { FlowSid: scene.flowSid, WorkerSid: ann, IdempotencyKey: "send-back-1" });
    expect(started.status).toBe(200);
    const again = await rest("POST", path, { FlowSid: scene.flowSid, WorkerSid: ann, IdempotencyKey: "send-back-1" });
    expect(again.body).toEqual(started.body); // a retry answers the first execution
    await heard(customer, "Bye for now.");
    expect(said(customer).slice(sentBefore)).toEqual(["Bye for now."]);
    const execution = (started.body as unknown as { execution_sid: string }).execution_sid;
    expect(must<ExecutionRecord>(await flowFor(env, execution).getExecution(ACCOUNT))).toMatchObject({ conversation_sid: conversation });
    await eventually("Ann's task wrapping", async () => {
      const task = await ok("GET", `${base}/Tasks/${taskSid}`);
      return task.assignment_status === "wrapping" ? true : undefined;
    });
    // Ann has wrapped up and left: she sends no one anywhere now.
    await eventually("Ann gone", async () =>
      (await rest("POST", path, { FlowSid: scene.flowSid, WorkerSid: ann })).status === 403 ? true : undefined,
    );
    // That flow ended (it said bye), so the conversation may be sent to one again (a backend's call, no agent).
    const next = must<{ executionSid: string }>(
      await conversationFor(env, conversation).startFlow(ACCOUNT, "send-back-2", { flowSid: scene.flowSid, workerSid: null }),
    );
    expect(next.executionSid).not.toBe(execution);
    await eventually("a second bye", async () =>
      said(customer).filter((body) => body === "Bye for now.").length === 2 ? true : undefined,
    );
  });
});
