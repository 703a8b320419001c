/**
 * The indexed Matcher must decide exactly what the brute-force reference decides, on random worker,
 * queue and task populations driven through random event sequences (tasks arriving, workers changing,
 * reservations rejected, accepted, timing out, tasks completing, queues re-targeted). Every decision —
 * which workers, in which order — is compared, and so are queue membership and the skip_if counters.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileExpression } from "../../../durable-objects/router/expression";
import { Matcher } from "../../../durable-objects/router/matcher/matcher";
import type { QueueInput, ReservationDecision, TaskInput, WorkerInput } from "../../../durable-objects/router/matcher/types";
import { parseOrderBy, type OrderBy } from "../../../durable-objects/router/workflow/order-by";
import { ReferenceMatcher } from "./reference";

const SKILLS = ["billing", "sales", "support", "tech"] as const;
const LANGS = ["en", "es", "fr"] as const;
const ACTIVITIES = [
  { sid: "WA" + "1".repeat(32), name: "Available", available: true },
  { sid: "WA" + "2".repeat(32), name: "Busy", available: true },
  { sid: "WA" + "3".repeat(32), name: "Offline", available: false },
] as const;

const QUEUE_EXPRESSIONS = [
  "1==1",
  "skills HAS 'billing'",
  "level >= 3",
  "team == 'north' OR skills HAS 'sales'",
  "languages HAS 'es' AND level < 4",
  "team IN ['north', 'south']",
  "worker.channel.chat.assigned_tasks < 2",
  "activity_name == 'Busy' OR skills HAS 'tech'",
].map((source) => compileExpression(source, "queue"));

const TARGET_EXPRESSIONS = [
  undefined,
  "worker.skills HAS task.need",
  "worker.level >= task.min_level",
  "worker.team == task.team",
  "task.lang IN worker.languages",
  "worker.sid IN task.preferred",
  "worker.channel.voice.assigned_tasks == 0",
  "worker.channel.chat.assigned_tasks <= 1 AND worker.skills HAS task.need",
  "worker.level > 1 OR worker.team == task.team",
].map((source) => (source ? compileExpression(source, "target") : undefined));

function orderBy(text: string): OrderBy {
  const parsed = parseOrderBy(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.orderBy;
}
const ORDERINGS = [[], orderBy("worker.level DESC"), orderBy("worker.tier ASC, worker.level DESC")];

const sid = (prefix: string, n: number) => prefix + n.toString(16).padStart(32, "0");

const workerArb = fc.record({
  skills: fc.subarray([...SKILLS]),
  languages: fc.subarray([...LANGS]),
  level: fc.integer({ min: 0, max: 5 }),
  team: fc.option(fc.constantFrom("north", "south"), { nil: undefined }),
  tier: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  activity: fc.integer({ min: 0, max: 2 }),
  voice: fc.integer({ min: 0, max: 1 }),
  chat: fc.integer({ min: 0, max: 3 }),
  chatEnabled: fc.boolean(),
  idle: fc.integer({ min: 0, max: 50 }),
  shout: fc.boolean(),
});
type WorkerSpec = fc.Arbitrary<typeof workerArb extends fc.Arbitrary<infer T> ? T : never> extends fc.Arbitrary<infer U> ? U : never;

const queueArb = fc.record({
  expression: fc.nat(QUEUE_EXPRESSIONS.length - 1),
  ordering: fc.nat(ORDERINGS.length - 1),
  max: fc.integer({ min: 1, max: 3 }),
  lifo: fc.boolean(),
});

const taskArb = fc.record({
  queue: fc.nat(10),
  voice: fc.boolean(),
  priority: fc.integer({ min: 0, max: 3 }),
  order: fc.integer({ min: 0, max: 20 }),
  expression: fc.nat(TARGET_EXPRESSIONS.length - 1),
  ordering: fc.option(fc.nat(ORDERINGS.length - 1), { nil: undefined }),
  known: fc.option(fc.record({ bySid: fc.boolean(), worker: fc.nat(30), shout: fc.boolean(), missing: fc.boolean() }), {
    freq: 6,
    nil: undefined,
  }),
  need: fc.constantFrom(...SKILLS),
  minLevel: fc.integer({ min: 0, max: 5 }),
  team: fc.constantFrom("north", "south"),
  lang: fc.constantFrom(...LANGS),
  preferred: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7]),
});

const eventArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant("task" as const), task: taskArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("worker" as const), worker: fc.nat(30), spec: workerArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("end" as const),
      pick: fc.nat(),
      how: fc.constantFrom("rejected", "timeout", "rescinded", "canceled") as fc.Arbitrary<
        "rejected" | "timeout" | "rescinded" | "canceled"
      >,
    }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant("accept" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("complete" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("cancel" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("channel" as const),
      worker: fc.nat(30),
      voice: fc.boolean(),
      capacity: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("queue" as const), queue: fc.nat(10), spec: queueArb }) },
);

const scenarioArb = fc.record({
  workers: fc.array(workerArb, { minLength: 1, maxLength: 24 }),
  queues: fc.array(queueArb, { minLength: 1, maxLength: 4 }),
  events: fc.array(eventArb, { minLength: 1, maxLength: 60 }),
  multitasking: fc.boolean(),
  lifoAcross: fc.boolean(),
  chatOptimized: fc.boolean(),
});

function workerInput(n: number, spec: WorkerSpec, held: { voice: number; chat: number }, idleSince: number): WorkerInput {
  const activity = ACTIVITIES[spec.activity]!;
  const attributes: Record<string, unknown> = { skills: spec.skills, languages: spec.languages, level: spec.level };
  if (spec.team !== undefined) attributes.team = spec.team;
  if (spec.tier !== undefined) attributes.tier = spec.tier;
  return {
    sid: sid("WK", n),
    friendlyName: spec.shout ? `AGENT${n}` : `agent${n}`,
    activitySid: activity.sid,
    activityName: activity.name,
    activityAvailable: activity.available,
    attributes: attributes as WorkerInput["attributes"],
    channels: {
      voice: { capacity: spec.voice, assigned: held.voice, enabled: true },
      chat: { capacity: spec.chat, assigned: held.chat, enabled: spec.chatEnabled },
    },
    idleSince,
  };
}

function queueInput(
  n: number,
  spec: fc.Arbitrary<unknown> extends never ? never : { expression: number; ordering: number; max: number; lifo: boolean },
): QueueInput {
  return {
    sid: sid("WQ", n),
    targetWorkers: QUEUE_EXPRESSIONS[spec.expression]!,
    orderBy: ORDERINGS[spec.ordering]!,
    maxReservedWorkers: spec.max,
    taskOrder: spec.lifo ? "LIFO" : "FIFO",
  };
}

describe("indexed matcher ≡ brute-force reference", () => {
  // 1,000 random populations and event sequences: about 10 s on a loaded 2-core machine.
  it("makes the same decisions on random populations and event sequences", () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const options = {
          multitasking: scenario.multitasking,
          prioritizeQueueOrder: scenario.lifoAcross ? ("LIFO" as const) : ("FIFO" as const),
          channelOptimized: (channel: string) => scenario.chatOptimized && channel === "chat",
        };
        const fast = new Matcher(options);
        const slow = new ReferenceMatcher(options);
        const both = <T>(f: (m: Matcher | ReferenceMatcher) => T): T => {
          const a = f(fast);
          const b = f(slow);
          expect(a).toEqual(b);
          return a;
        };

        const specs = scenario.workers.map((w) => w);
        const open: ReservationDecision[] = [];
        const assigned: ReservationDecision[] = [];
        const live = new Map<string, TaskInput>();
        let now = 1_000;
        let taskCount = 0;
        const held = (workerSid: string) => {
          const all = [...open, ...assigned].filter((r) => r.workerSid === workerSid);
          return { voice: all.filter((r) => r.channel === "voice").length, chat: all.filter((r) => r.channel === "chat").length };
        };
        const record = (made: ReservationDecision[]) => open.push(...made);

        scenario.queues.forEach((q, i) => both((m) => m.upsertQueue(queueInput(i, q), now)));
        specs.forEach((spec, i) => both((m) => m.upsertWorker(workerInput(i, spec, { voice: 0, chat: 0 }, spec.idle))));

        for (const event of scenario.events) {
          now += 1;
          switch (event.type) {
            case "task": {
              const t = event.task;
              const n = taskCount++;
              const queue = t.queue % scenario.queues.length;
              const knownWorker = t.known
                ? {
                    by: t.known.bySid ? ("sid" as const) : ("friendly_name" as const),
                    value: t.known.missing
                      ? null
                      : t.known.bySid
                        ? sid("WK", t.known.worker)
                        : t.known.shout
                          ? `Agent${t.known.worker}`
                          : `agent${t.known.worker}`,
                  }
                : undefined;
              const input: TaskInput = {
                sid: sid("WT", n),
                attributes: {
                  need: t.need,
                  min_level: t.minLevel,
                  team: t.team,
                  lang: t.lang,
                  preferred: t.preferred.map((p) => sid("WK", p)),
                },
                priority: t.priority,
                channel: t.voice ? "voice" : "chat",
                order: t.order,
                queueSid: sid("WQ", queue),
                expression: TARGET_EXPRESSIONS[t.expression],
                orderBy: t.ordering === undefined ? undefined : ORDERINGS[t.ordering],
                knownWorker,
              };
              live.set(input.sid, input);
              both((m) => m.upsertTask(input));
              record(both((m) => m.offerTask(input.sid, now)));
              break;
            }
            case "worker": {
              const n = event.worker % specs.length;
              specs[n] = event.spec;
              const workerSid = sid("WK", n);
              const idle = fast.idleSince(workerSid)!;
              both((m) => m.upsertWorker(workerInput(n, event.spec, held(workerSid), idle)));
              record(both((m) => m.offerWorker(workerSid, now)));
              break;
            }
            case "end": {
              if (open.length === 0) break;
              const [r] = open.splice(event.pick % open.length, 1);
              both((m) => m.endReservation(r!.taskSid, r!.workerSid, event.how));
              record(both((m) => m.offerTask(r!.taskSid, now)));
              record(both((m) => m.offerWorker(r!.workerSid, now)));
              break;
            }
            case "accept": {
              if (open.length === 0) break;
              const r = open[event.pick % open.length]!;
              const rescinded = both((m) => m.assignTask(r.taskSid, r.workerSid));
              for (let i = open.length - 1; i >= 0; i--) if (open[i]!.taskSid === r.taskSid) open.splice(i, 1);
              assigned.push(r);
              live.delete(r.taskSid);
              for (const w of rescinded) record(both((m) => m.offerWorker(w, now)));
              break;
            }
            case "complete": {
              if (assigned.length === 0) break;
              const [r] = assigned.splice(event.pick % assigned.length, 1);
              both((m) => m.releaseCapacity(r!.workerSid, r!.channel));
              record(both((m) => m.offerWorker(r!.workerSid, now)));
              break;
            }
            case "cancel": {
              const sids = [...live.keys()];
              if (sids.length === 0) break;
              const taskSid = sids[event.pick % sids.length]!;
              live.delete(taskSid);
              const holders = both((m) => m.removeTask(taskSid));
              for (let i = open.length - 1; i >= 0; i--) if (open[i]!.taskSid === taskSid) open.splice(i, 1);
              for (const w of holders) record(both((m) => m.offerWorker(w, now)));
              break;
            }
            case "channel": {
              const workerSid = sid("WK", event.worker % specs.length);
              both((m) => m.updateChannel(workerSid, event.voice ? "voice" : "chat", { capacity: event.capacity }));
              record(both((m) => m.offerWorker(workerSid, now)));
              break;
            }
            case "queue": {
              const n = event.queue % scenario.queues.length;
              both((m) => m.upsertQueue(queueInput(n, event.spec), now));
              for (const task of [...live.values()].filter((t) => t.queueSid === sid("WQ", n))) {
                record(both((m) => m.offerTask(task.sid, now)));
              }
              break;
            }
          }
          for (let q = 0; q < scenario.queues.length; q++) {
            const queueSid = sid("WQ", q);
            both((m) => m.queueMembers(queueSid));
            both((m) => [m.counters(queueSid)("available"), m.counters(queueSid)("unavailable"), m.counters(queueSid)(ACTIVITIES[1].sid)]);
          }
        }
      }),
      { numRuns: 1000 },
    );
  }, 30_000);
});
