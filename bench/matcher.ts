/**
 * Routing decision time: the indexed Matcher against the brute-force reference, on the same synthetic
 * contact center (skills-based queues, language-matching target expressions, order_by, multitasking
 * capacity), at 1k, 10k and 100k workers. Two decisions are timed:
 * - task arrives: `offerTask` for a new task (then undone so the population stays the same);
 * - worker frees up: `offerWorker` for a worker with 1,000 tasks waiting (then undone).
 * Heap per 10k workers is the retained heap of a loaded Matcher.
 */
import { compileExpression, type Attributes } from "../durable-objects/router/expression";
import { Matcher } from "../durable-objects/router/matcher/matcher";
import type { QueueInput, TaskInput, WorkerInput } from "../durable-objects/router/matcher/types";
import { parseOrderBy } from "../durable-objects/router/workflow/order-by";
import { ReferenceMatcher } from "../test/unit/matcher/reference";
import { percentile } from "./report";
import { seededRandom as random } from "../test/support/seeded-random";

const SKILLS = Array.from({ length: 20 }, (_, i) => `skill${i}`);
const LANGUAGES = ["en", "es", "fr", "de", "pt"];
const TEAMS = Array.from({ length: 20 }, (_, i) => `team${i}`);
const AVAILABLE = "WA" + "a".repeat(32);
const OFFLINE = "WA" + "0".repeat(32);
const hex = (prefix: string, n: number) => prefix + n.toString(16).padStart(32, "0");

const orderByLevel = (() => {
  const parsed = parseOrderBy("worker.level DESC");
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.orderBy;
})();

const queues: QueueInput[] = SKILLS.map((skill, i) => ({
  sid: hex("WQ", i),
  targetWorkers: compileExpression(`skills HAS '${skill}'`, "queue"),
  orderBy: [],
  maxReservedWorkers: 1,
  taskOrder: "FIFO",
}));
const languageTarget = compileExpression("task.language IN worker.languages", "target");
const levelTarget = compileExpression("worker.level >= task.min_level AND worker.team != task.avoid_team", "target");

function workers(count: number, rand: () => number): WorkerInput[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const skills = new Set([pick(SKILLS), pick(SKILLS), pick(SKILLS)]);
    const available = rand() < 0.6;
    const attributes: Attributes = {
      skills: [...skills],
      languages: [...new Set([pick(LANGUAGES), pick(LANGUAGES)])],
      level: 1 + Math.floor(rand() * 10),
      team: pick(TEAMS),
      email: `agent${i}@example.com`,
    };
    return {
      sid: hex("WK", i),
      friendlyName: `agent${i}`,
      activitySid: available ? AVAILABLE : OFFLINE,
      activityName: available ? "Available" : "Offline",
      activityAvailable: available,
      attributes,
      channels: {
        voice: { capacity: 1, assigned: rand() < 0.3 ? 1 : 0, enabled: true },
        chat: { capacity: 3, assigned: Math.floor(rand() * 3), enabled: true },
      },
      idleSince: Math.floor(rand() * 1_000_000),
    };
  });
}

function newTask(n: number, rand: () => number): TaskInput {
  const kind = rand();
  return {
    sid: hex("WT", n),
    attributes: { language: LANGUAGES[n % LANGUAGES.length]!, min_level: 1 + (n % 8), avoid_team: TEAMS[n % TEAMS.length]! },
    priority: n % 3,
    channel: kind < 0.5 ? "chat" : "voice",
    order: n,
    queueSid: queues[n % queues.length]!.sid,
    ...(kind < 0.7 ? { expression: languageTarget } : { expression: levelTarget, orderBy: orderByLevel }),
  };
}

type Engine = Matcher | ReferenceMatcher;

function load(engine: Engine, population: readonly WorkerInput[]): Engine {
  for (const q of queues) engine.upsertQueue(q, 0);
  for (const w of population) engine.upsertWorker(w);
  return engine;
}

/** Times `offerTask` for fresh tasks, undoing each so every sample sees the same population. */
function timeTaskArrival(engine: Engine, samples: number, seed: number): number[] {
  const rand = random(seed);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const task = newTask(1_000_000 + i, rand);
    engine.upsertTask(task);
    const start = process.hrtime.bigint();
    engine.offerTask(task.sid, 2_000_000);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    engine.removeTask(task.sid);
  }
  return times;
}

/** Times `offerWorker` with a backlog of waiting tasks, putting the chosen task back afterwards. */
function timeWorkerFreed(engine: Engine, population: readonly WorkerInput[], samples: number, seed: number): number[] {
  const rand = random(seed);
  // A backlog that no worker can take yet: every task waits for a level above anyone's.
  const backlog = Array.from({ length: 1000 }, (_, i) => ({
    ...newTask(i, rand),
    expression: levelTarget,
    attributes: { language: "en", min_level: 99, avoid_team: "" },
  }));
  for (const task of backlog) engine.upsertTask(task);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    // One waiting task becomes takeable by one freed worker.
    const worker = population[Math.floor(rand() * population.length)]!;
    const task = {
      ...backlog[i % backlog.length]!,
      queueSid: queues.find((q) => q.targetWorkers.evaluate({ worker: { ...worker, channels: {} } }))?.sid ?? queues[0]!.sid,
      attributes: { language: "en", min_level: 0, avoid_team: "" },
    };
    engine.upsertTask(task);
    engine.upsertWorker({ ...worker, activityAvailable: true, activitySid: AVAILABLE });
    const start = process.hrtime.bigint();
    const made = engine.offerWorker(worker.sid, 3_000_000 + i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    for (const r of made) {
      engine.assignTask(r.taskSid, r.workerSid);
      engine.releaseCapacity(r.workerSid, r.channel);
    }
    engine.upsertTask(backlog[i % backlog.length]!);
    engine.upsertWorker(worker);
  }
  return times;
}

function heapAfter(build: () => unknown): { value: unknown; bytes: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const value = build();
  gc?.();
  return { value, bytes: process.memoryUsage().heapUsed - before };
}

export interface MatcherFigures {
  size: number;
  task: { indexed: number[]; brute: number[] };
  worker: { indexed: number[]; brute: number[] };
  heapBytes: number;
}

export function runMatcherBench(sizes = [1_000, 10_000, 100_000]): MatcherFigures[] {
  return sizes.map((size) => {
    const population = workers(size, random(size));
    const { value, bytes } = heapAfter(() => load(new Matcher(), population));
    const indexed = value as Matcher;
    const brute = load(new ReferenceMatcher(), population);
    const bruteSamples = size >= 100_000 ? 30 : size >= 10_000 ? 200 : 500;
    timeTaskArrival(indexed, 200, 1); // warm-up: first use builds the attribute indexes
    const figures: MatcherFigures = {
      size,
      task: { indexed: timeTaskArrival(indexed, 2000, 7), brute: timeTaskArrival(brute, bruteSamples, 7) },
      worker: {
        indexed: timeWorkerFreed(indexed, population, 1000, 11),
        brute: timeWorkerFreed(brute, population, Math.min(bruteSamples, 100), 11),
      },
      heapBytes: bytes,
    };
    const p = (xs: number[], q: number) => percentile(xs, q).toFixed(3);
    console.log(
      `${size} workers: task p50 ${p(figures.task.indexed, 50)} ms / p99 ${p(figures.task.indexed, 99)} ms (brute ${p(figures.task.brute, 50)} / ${p(figures.task.brute, 99)}), ` +
        `worker p50 ${p(figures.worker.indexed, 50)} / p99 ${p(figures.worker.indexed, 99)} (brute ${p(figures.worker.brute, 50)} / ${p(figures.worker.brute, 99)}), heap ${(bytes / 2 ** 20).toFixed(1)} MiB`,
    );
    return figures;
  });
}
