/**
 * The routing rules a contact center lives by, one scenario each: who gets a task first, which task a
 * freed worker gets, multitasking limits, known-agent routing, rejections, and queue membership that
 * follows a worker's skills.
 */
import { describe, expect, it } from "vitest";
import { compileExpression } from "../../../durable-objects/router/expression";
import { Matcher } from "../../../durable-objects/router/matcher/matcher";
import type { MatcherOptions, QueueInput, TaskInput, WorkerInput } from "../../../durable-objects/router/matcher/types";
import { parseOrderBy } from "../../../durable-objects/router/workflow/order-by";

const AVAILABLE = "WA" + "a".repeat(32);
const OFFLINE = "WA" + "0".repeat(32);
const QUEUE = "WQ" + "1".repeat(32);
const OTHER_QUEUE = "WQ" + "2".repeat(32);
const wk = (name: string) => "WK" + Buffer.from(name).toString("hex").padEnd(32, "0").slice(0, 32);

function worker(name: string, over: Partial<WorkerInput> & { voice?: number; chat?: number } = {}): WorkerInput {
  const { voice = 1, chat = 8, ...rest } = over;
  return {
    sid: wk(name),
    friendlyName: name,
    activitySid: AVAILABLE,
    activityName: "Available",
    activityAvailable: true,
    attributes: {},
    channels: { voice: { capacity: voice, assigned: 0, enabled: true }, chat: { capacity: chat, assigned: 0, enabled: true } },
    idleSince: 0,
    ...rest,
  };
}

function queue(over: Partial<QueueInput> & { target?: string } = {}): QueueInput {
  const { target = "1==1", ...rest } = over;
  return { sid: QUEUE, targetWorkers: compileExpression(target, "queue"), orderBy: [], maxReservedWorkers: 1, taskOrder: "FIFO", ...rest };
}

let taskCount = 0;
function task(over: Partial<TaskInput> & { target?: string } = {}): TaskInput {
  const { target, ...rest } = over;
  return {
    sid: "WT" + String(++taskCount).padStart(32, "0"),
    attributes: {},
    priority: 0,
    channel: "chat",
    order: taskCount,
    queueSid: QUEUE,
    ...(target ? { expression: compileExpression(target, "target") } : {}),
    ...rest,
  };
}

function setup(workers: WorkerInput[], queues: QueueInput[] = [queue()], options: MatcherOptions = {}) {
  const matcher = new Matcher(options);
  queues.forEach((q) => matcher.upsertQueue(q));
  workers.forEach((w) => matcher.upsertWorker(w));
  const offer = (t: TaskInput, now = 100) => {
    matcher.upsertTask(t);
    return matcher.offerTask(t.sid, now).map((r) => r.workerSid);
  };
  return { matcher, offer };
}

describe("choosing a worker for a task", () => {
  it.each([
    // Longest idle wins when nothing else orders them: bob has been idle since t=5, alice since t=10.
    ["longest idle first", [worker("alice", { idleSince: 10 }), worker("bob", { idleSince: 5 })], undefined, ["bob"]],
    // order_by beats idle time: carol's level 9 outranks bob's longer idle.
    [
      "order_by level DESC",
      [worker("bob", { idleSince: 1, attributes: { level: 3 } }), worker("carol", { idleSince: 9, attributes: { level: 9 } })],
      "worker.level DESC",
      ["carol"],
    ],
    // Equal levels fall back to idle time; a worker without a level sorts after those with one.
    [
      "ties fall back to idle; missing values last",
      [
        worker("a", { idleSince: 7, attributes: { level: 5 } }),
        worker("b", { idleSince: 3, attributes: { level: 5 } }),
        worker("c", { idleSince: 0, attributes: {} }),
      ],
      "worker.level DESC",
      ["b"],
    ],
  ])("%s", (_name, workers, orderBy, expected) => {
    const parsed = orderBy ? parseOrderBy(orderBy) : undefined;
    const { offer } = setup(workers, [queue({ orderBy: parsed?.ok ? parsed.orderBy : [] })]);
    expect(offer(task())).toEqual(expected.map(wk));
  });

  it("reserves up to max_reserved_workers at once, and acceptance rescinds the others", () => {
    const { matcher, offer } = setup(
      [worker("a", { idleSince: 1 }), worker("b", { idleSince: 2 }), worker("c", { idleSince: 3 }), worker("d", { idleSince: 4 })],
      [queue({ maxReservedWorkers: 3 })],
    );
    const t = task();
    expect(offer(t)).toEqual([wk("a"), wk("b"), wk("c")]);
    expect(matcher.assignTask(t.sid, wk("b"))).toEqual([wk("a"), wk("c")]);
    // a and c got their capacity back; b keeps the chat they accepted.
    expect(matcher.assignedTasks(wk("a"))).toEqual({ voice: 0, chat: 0 });
    expect(matcher.assignedTasks(wk("b"))).toEqual({ voice: 0, chat: 1 });
  });

  it("never re-offers a task to a worker who rejected it or let it time out", () => {
    const { matcher, offer } = setup([worker("a", { idleSince: 1 }), worker("b", { idleSince: 2 })]);
    const t = task();
    expect(offer(t)).toEqual([wk("a")]);
    matcher.endReservation(t.sid, wk("a"), "rejected");
    expect(matcher.offerTask(t.sid, 200).map((r) => r.workerSid)).toEqual([wk("b")]);
    matcher.endReservation(t.sid, wk("b"), "timeout");
    expect(matcher.offerTask(t.sid, 300)).toEqual([]);
  });

  it("only offers to workers in an available activity with the channel switched on and room left", () => {
    const { offer } = setup([
      worker("offline", { activitySid: OFFLINE, activityName: "Offline", activityAvailable: false }),
      worker("full", { chat: 0 }),
      worker("switched-off", { channels: { chat: { capacity: 5, assigned: 0, enabled: false } } }),
      worker("ready", { idleSince: 99 }),
    ]);
    expect(offer(task())).toEqual([wk("ready")]);
  });

  it("routes to a known worker by SID or case-insensitive friendly name, and to nobody else", () => {
    const { offer } = setup([worker("Alice", { idleSince: 9 }), worker("bob", { idleSince: 1 })]);
    expect(offer(task({ knownWorker: { by: "sid", value: wk("Alice") } }))).toEqual([wk("Alice")]);
    expect(offer(task({ knownWorker: { by: "friendly_name", value: "ALICE" } }))).toEqual([wk("Alice")]);
    expect(offer(task({ knownWorker: { by: "sid", value: wk("nobody") } }))).toEqual([]);
    expect(offer(task({ knownWorker: { by: "friendly_name", value: null } }))).toEqual([]);
  });

  it("matches target expressions that join task and worker attributes", () => {
    const { offer } = setup([
      worker("alice", { idleSince: 5, attributes: { languages: ["en", "es"], skills: ["billing"] } }),
      worker("bob", { idleSince: 1, attributes: { languages: ["en"], skills: ["sales"] } }),
    ]);
    expect(offer(task({ attributes: { lang: "es" }, target: "task.lang IN worker.languages" }))).toEqual([wk("alice")]);
    expect(offer(task({ attributes: { type: "sales" }, target: "worker.skills HAS task.type" }))).toEqual([wk("bob")]);
    // alice still has chat room after her first reservation, so the preferred-agent task reaches her.
    expect(offer(task({ attributes: { preferred: [wk("alice")] }, target: "worker.sid IN task.preferred" }))).toEqual([wk("alice")]);
    expect(offer(task({ attributes: { preferred: [wk("zoe")] }, target: "worker.sid IN task.preferred" }))).toEqual([]);
  });
});

describe("choosing a task for a freed worker", () => {
  function waiting(matcher: Matcher, tasks: TaskInput[]) {
    tasks.forEach((t) => matcher.upsertTask(t));
  }

  it("gives higher priority first, then the oldest", () => {
    const { matcher } = setup([worker("a", { chat: 1, activityAvailable: false })]);
    const old = task({ priority: 1, order: 1 });
    const urgent = task({ priority: 5, order: 9 });
    const older = task({ priority: 5, order: 3 });
    waiting(matcher, [old, urgent, older]);
    matcher.upsertWorker(worker("a", { chat: 1 }));
    expect(matcher.offerWorker(wk("a"), 100).map((r) => r.taskSid)).toEqual([older.sid]);
  });

  it("hands out the newest first in a LIFO queue", () => {
    const { matcher } = setup([worker("a", { chat: 1, activityAvailable: false })], [queue({ taskOrder: "LIFO" })]);
    const first = task({ order: 1 });
    const last = task({ order: 2 });
    waiting(matcher, [first, last]);
    matcher.upsertWorker(worker("a", { chat: 1 }));
    expect(matcher.offerWorker(wk("a"), 100).map((r) => r.taskSid)).toEqual([last.sid]);
  });

  it("fills every free slot of a multitasking worker, best task first", () => {
    const { matcher } = setup([worker("a", { chat: 3, activityAvailable: false })]);
    const tasks = [task({ order: 5 }), task({ order: 1 }), task({ order: 3 }), task({ order: 2 })];
    waiting(matcher, tasks);
    matcher.upsertWorker(worker("a", { chat: 3 }));
    // capacity 3: the three oldest (order 1, 2, 3).
    expect(matcher.offerWorker(wk("a"), 100).map((r) => r.taskSid)).toEqual([tasks[1]!.sid, tasks[3]!.sid, tasks[2]!.sid]);
  });

  it("without multitasking holds one task at a time across channels", () => {
    const { matcher } = setup([worker("a", { chat: 8, activityAvailable: false })], [queue()], { multitasking: false });
    waiting(matcher, [task(), task({ channel: "voice" })]);
    matcher.upsertWorker(worker("a", { chat: 8 }));
    expect(matcher.offerWorker(wk("a"), 100)).toHaveLength(1);
  });
});

describe("multitasking rules written as target expressions", () => {
  // A worker with room for 1 call and 8 chats.
  const agent = () => worker("agent", { voice: 1, chat: 8 });
  const chatTask = () => task({ channel: "chat", target: "worker.channel.voice.assigned_tasks == 0" });
  const callTask = () => task({ channel: "voice", target: "worker.channel.chat.assigned_tasks <= 1" });

  it("no chat while on a call", () => {
    const { matcher, offer } = setup([agent()]);
    expect(offer(callTask())).toEqual([wk("agent")]);
    expect(offer(chatTask())).toEqual([]);
    matcher.releaseCapacity(wk("agent"), "voice"); // the call ends
    expect(matcher.offerWorker(wk("agent"), 200)).toHaveLength(1); // the waiting chat arrives
  });

  it("a call is allowed while on at most one chat", () => {
    const { offer } = setup([agent()]);
    expect(offer(chatTask())).toEqual([wk("agent")]);
    expect(offer(callTask())).toEqual([wk("agent")]);
  });

  it("no call once on two or more chats", () => {
    const { matcher, offer } = setup([agent()]);
    expect(offer(chatTask())).toEqual([wk("agent")]);
    expect(offer(chatTask())).toEqual([wk("agent")]);
    const call = callTask();
    expect(offer(call)).toEqual([]);
    matcher.releaseCapacity(wk("agent"), "chat"); // one chat closes: back to one
    expect(matcher.offerTask(call.sid, 300).map((r) => r.workerSid)).toEqual([wk("agent")]);
  });
});

describe("queue membership and skip_if counters", () => {
  it("follows a worker's attributes incrementally", () => {
    const billing = queue({ target: "skills HAS 'billing'" });
    const sales = queue({ sid: OTHER_QUEUE, target: "skills HAS 'sales'" });
    const { matcher } = setup([worker("a", { attributes: { skills: ["billing"] } })], [billing, sales]);
    expect(matcher.queuesOfWorker(wk("a"))).toEqual([QUEUE]);
    matcher.upsertWorker(worker("a", { attributes: { skills: ["sales", "billing"] } }));
    expect(matcher.queuesOfWorker(wk("a"))).toEqual([QUEUE, OTHER_QUEUE]);
    matcher.upsertWorker(worker("a", { attributes: { skills: ["sales"] } }));
    expect(matcher.queueMembers(QUEUE)).toEqual([]);
    expect(matcher.queueMembers(OTHER_QUEUE)).toEqual([wk("a")]);
  });

  it("recomputes membership when a queue's expression changes", () => {
    const { matcher } = setup(
      [worker("a", { attributes: { level: 2 } }), worker("b", { attributes: { level: 7 } })],
      [queue({ target: "level > 5" })],
    );
    expect(matcher.queueMembers(QUEUE)).toEqual([wk("b")]);
    matcher.upsertQueue(queue({ target: "level > 1" }));
    expect(matcher.queueMembers(QUEUE)).toEqual([wk("a"), wk("b")].sort());
  });

  it("counts workers.available, workers.unavailable and workers.<ActivitySid>", () => {
    const { matcher } = setup([
      worker("a"),
      worker("b"),
      worker("c", { activitySid: OFFLINE, activityName: "Offline", activityAvailable: false }),
    ]);
    const counters = matcher.counters(QUEUE);
    expect([counters("available"), counters("unavailable"), counters(OFFLINE), counters(AVAILABLE)]).toEqual([2, 1, 1, 2]);
    expect(counters("WA" + "f".repeat(32))).toBe(0);
    expect(counters("nonsense")).toBeUndefined();
  });

  it("finds workers for a TargetWorkersExpression", () => {
    const { matcher } = setup([worker("a", { attributes: { team: "north" } }), worker("b", { attributes: { team: "south" } })]);
    expect(matcher.workersMatching(compileExpression("team == 'north'", "queue"))).toEqual([wk("a")]);
    expect(matcher.workersMatching(compileExpression("friendly_name == 'b'", "queue"))).toEqual([wk("b")]);
  });
});
