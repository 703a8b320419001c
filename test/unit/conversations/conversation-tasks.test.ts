// The conversation's tasks with a TaskRouter double: the first task created after the conversation (and
// retried with backoff when the Router refuses), task events moving participants and state (each applied
// once), and a transfer that hands the conversation to the next agent.
import { describe, expect, it } from "vitest";
import { fail, ok } from "../../../durable-objects/common/rpc";
import type { ConversationTaskEvent } from "../../../durable-objects/common/conversations";
import { receive } from "../../../durable-objects/conversation/lifecycle/inbound";
import { createPendingTask, onTaskEvent, transfer, type TaskPort } from "../../../durable-objects/conversation/lifecycle/tasks";
import { timerDueAt } from "../../../durable-objects/kit/timers";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import { ACCOUNT, CHANNEL, SID, WORKFLOW, at, context, inbound, migratedHost } from "./conversation-fixtures";

const ANN = "WK" + "a".repeat(32);
const BOB = "WK" + "b".repeat(32);
const QUEUE = "WQ" + "1".repeat(32);

function router(refusals = 0) {
  const created: { workflowSid: string; taskChannel: string; attributes: Record<string, unknown> }[] = [];
  const wrapped: string[] = [];
  const port: TaskPort = {
    oldestWorkflow: async () => WORKFLOW,
    createTask: async (input) => {
      if (refusals-- > 0) return fail(400, 20001, "Invalid parameter WorkflowSid: the workspace has no Workflow yet");
      created.push({ ...input, attributes: JSON.parse(input.attributes) });
      return ok({ taskSid: "WT" + String(created.length).padStart(32, "0") });
    },
    wrapTask: async (sid) => {
      wrapped.push(sid);
      return ok(null);
    },
    cancelTask: async () => ok(null),
  };
  return { port, created, wrapped };
}

const conversation = (host: StoreHost) =>
  host.sql.exec("SELECT state, task_sid, task_pending, task_attempts, task_error FROM sb_conversation").toArray()[0]!;
const people = (host: StoreHost) => host.sql.exec("SELECT identity, role FROM sb_participants ORDER BY role, identity").toArray();

let events = 0;
const event = (eventType: string, taskSid: string, workerSid: string | null = null): ConversationTaskEvent => ({
  eventSid: `EV${++events}`,
  eventType,
  workspaceSid: "WS",
  taskSid,
  conversationSid: SID,
  workerSid,
  workerName: workerSid === ANN ? "Ann" : "Bob",
  reservationSid: "WR1",
  at: 1,
});

async function withTask(host = migratedHost()) {
  receive(at(host, 1_000), ACCOUNT, context(), inbound("SM1"));
  const double = router();
  await createPendingTask(host, double.port, () => 2_000);
  return { host, ...double, task: String(conversation(host).task_sid) };
}

describe("the first task", () => {
  it("is created through the workflow with the Flex attributes, and its SID goes on the conversation", async () => {
    const { host, created, task } = await withTask();
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      workflowSid: WORKFLOW,
      taskChannel: "sms",
      attributes: { conversationSid: SID, channelType: "sms" },
    });
    expect(conversation(host)).toMatchObject({ task_sid: task, task_pending: 0, task_error: null });
    expect(timerDueAt(host, "task", "")).toBeNull();
  });

  it("names the conversation's CH SID as channelSid, as Flex does, and the channel configuration as channelConfigSid", async () => {
    const { created } = await withTask();
    expect(created[0]!.attributes).toMatchObject({ conversationSid: SID, channelSid: SID, channelConfigSid: CHANNEL });
  });

  it("carries what the channel said about the customer (Twilio's from_city …), which also goes on the conversation", async () => {
    const host = migratedHost();
    const where = { from_city: "SAN FRANCISCO", from_state: "CA", from_zip: "94105", from_country: "US" };
    receive(at(host, 1_000), ACCOUNT, context(), inbound("SM1", "hello", { conversationAttributes: where }));
    const { port, created } = router();
    await createPendingTask(host, port, () => 2_000);
    expect(created[0]!.attributes).toMatchObject({ ...where, conversationSid: SID, from: "+15550001111" });
    expect(JSON.parse(String(host.sql.exec("SELECT attributes FROM sb_conversation").toArray()[0]!.attributes))).toEqual(where);
  });

  it("is retried with backoff when the Router refuses, keeping the conversation and the error", async () => {
    const host = migratedHost();
    receive(at(host, 1_000), ACCOUNT, context(), inbound("SM1"));
    const { port, created } = router(2);
    await createPendingTask(host, port, () => 10_000);
    expect(conversation(host)).toMatchObject({
      task_sid: null,
      task_pending: 1,
      task_attempts: 1,
      task_error: expect.stringMatching(/no Workflow/),
    });
    expect(timerDueAt(host, "task", "")).toBe(15_000); // 5 s
    await createPendingTask(host, port, () => 12_000); // not due: no attempt
    expect(conversation(host).task_attempts).toBe(1);
    await createPendingTask(host, port, () => 15_000);
    expect(timerDueAt(host, "task", "")).toBe(25_000); // 10 s
    await createPendingTask(host, port, () => 25_000);
    expect(created).toHaveLength(1);
    expect(conversation(host)).toMatchObject({ task_pending: 0, task_error: null, task_attempts: 3 });
  });
});

describe("task events", () => {
  it("accepted: the worker joins once (a repeated event changes nothing); wrap-up: they leave, inactive; completed: closed", async () => {
    const { host, task } = await withTask();
    const accepted = event("reservation.accepted", task, ANN);
    const op = at(host, 3_000);
    expect(onTaskEvent(op, ACCOUNT, accepted)).toEqual(ok(undefined));
    expect(op.effects.notedWorkers).toEqual([ANN]);
    expect(op.effects.frames.map((f) => f.type)).toContain("participant.joined");
    const again = at(host, 3_500);
    onTaskEvent(again, ACCOUNT, accepted);
    expect(again.effects.frames).toEqual([]);
    expect(people(host)).toEqual([
      { identity: ANN, role: "agent" },
      { identity: null, role: "customer" },
    ]);
    const [ann] = host.sql.exec("SELECT attributes, display_name FROM sb_participants WHERE identity = ?", ANN).toArray();
    expect(ann).toEqual({ attributes: JSON.stringify({ worker_sid: ANN, reservation_sid: "WR1" }), display_name: "Ann" });

    const wrap = at(host, 4_000);
    onTaskEvent(wrap, ACCOUNT, event("task.wrapup", task));
    expect(people(host)).toEqual([{ identity: null, role: "customer" }]);
    expect(wrap.effects.left).toHaveLength(1);
    expect(conversation(host).state).toBe("inactive");

    onTaskEvent(at(host, 5_000), ACCOUNT, event("task.completed", task));
    expect(conversation(host).state).toBe("closed");
    expect(receive(at(host, 6_000), ACCOUNT, context(), inbound("SM9"))).toMatchObject({ ok: false, status: 409 });
  });

  it("a customer writing during the agent's wrap-up makes the conversation active and routes it again; the old task ending no longer closes it", async () => {
    const { host, task, port, created } = await withTask();
    onTaskEvent(at(host, 3_000), ACCOUNT, event("reservation.accepted", task, ANN));
    onTaskEvent(at(host, 4_000), ACCOUNT, event("task.wrapup", task));
    expect(conversation(host).state).toBe("inactive");

    const again = at(host, 5_000);
    expect(receive(again, ACCOUNT, context(), inbound("SM2", "one more thing"))).toMatchObject({ ok: true, value: { duplicate: false } });
    expect(again.effects.createTask).toBe(true);
    expect(conversation(host)).toMatchObject({ state: "active", task_sid: null, task_pending: 1 });
    await createPendingTask(host, port, () => 5_500);
    expect(created).toHaveLength(2);
    const second = String(conversation(host).task_sid);
    expect(second).not.toBe(task);

    onTaskEvent(at(host, 6_000), ACCOUNT, event("task.completed", task));
    expect(conversation(host).state).toBe("active");
    onTaskEvent(at(host, 7_000), ACCOUNT, event("task.completed", second));
    expect(conversation(host).state).toBe("closed");
  });

  it("a later message's channel context (an ad the customer came back from) goes on the conversation, live, and on the next task", async () => {
    const { host, task, port, created } = await withTask();
    onTaskEvent(at(host, 3_000), ACCOUNT, event("reservation.accepted", task, ANN));
    onTaskEvent(at(host, 4_000), ACCOUNT, event("task.wrapup", task));
    const referral = { referral: { source: "ADS", type: "OPEN_THREAD", ad_id: "6045246247433", ref: "spring-sale" } };
    const again = at(host, 5_000);
    receive(again, ACCOUNT, context(), inbound("SM2", "", { conversationAttributes: referral }));
    // The last conversation.updated of the message (the first says it is active again).
    const updated = again.effects.frames.filter((f) => f.type === "conversation.updated").at(-1);
    expect(updated && JSON.parse(updated.conversation.attributes)).toEqual(referral);
    await createPendingTask(host, port, () => 5_500);
    expect(created[1]!.attributes).toMatchObject({ ...referral, conversationSid: SID });
    // The same message delivered again changes nothing.
    const twice = at(host, 6_000);
    receive(twice, ACCOUNT, context(), inbound("SM2", "", { conversationAttributes: { referral: { ref: "other" } } }));
    expect(twice.effects.frames).toEqual([]);
  });

  it("transfer: a new task with the transfer attributes; when accepted, Bob joins, Ann's task goes to wrapping and she leaves", async () => {
    const { host, task, port, created, wrapped } = await withTask();
    onTaskEvent(at(host, 3_000), ACCOUNT, event("reservation.accepted", task, ANN));
    const refused = await transfer(host, SID, ACCOUNT, { workerSid: BOB, targetType: "queue", targetSid: QUEUE }, port, () => 4_000);
    expect(refused).toMatchObject({ ok: false, status: 403 });
    const moved = await transfer(host, SID, ACCOUNT, { workerSid: ANN, targetType: "worker", targetSid: BOB }, port, () => 4_000);
    expect(moved.ok).toBe(true);
    const second = moved.ok ? moved.value.taskSid : "";
    expect(created[1]!.attributes).toMatchObject({
      conversationSid: SID,
      transferTargetType: "worker",
      transferTargetSid: BOB,
      transferredFrom: ANN,
      known_worker_sid: BOB,
    });

    const op = at(host, 5_000);
    onTaskEvent(op, ACCOUNT, event("reservation.accepted", second, BOB));
    expect(op.effects.wrapTasks).toEqual([task]);
    expect(wrapped).toEqual([]); // the shell carries the effect out
    expect(people(host)).toEqual([
      { identity: BOB, role: "agent" },
      { identity: null, role: "customer" },
    ]);
    // Ann's old task wrapping up and completing neither makes the conversation inactive nor closes it.
    onTaskEvent(at(host, 6_000), ACCOUNT, event("task.wrapup", task));
    onTaskEvent(at(host, 6_000), ACCOUNT, event("task.completed", task));
    expect(conversation(host)).toMatchObject({ state: "active", task_sid: second });
  });
});
