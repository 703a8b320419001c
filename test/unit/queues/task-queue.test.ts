import { describe, expect, it } from "vitest";
import type { WorkerView } from "../../../durable-objects/router/expression";
import { parseTaskQueueConfig, type TaskQueueConfig, type TaskQueueInput } from "../../../durable-objects/router/queues/task-queue";

const SID = `WQ${"ab".repeat(16)}`;
const EXPECTED_VALUE = "expected a value (a key, a string, a number, true, false or [ … ])";

function worker(attributes: WorkerView["attributes"]): WorkerView {
  return {
    sid: `WK${"0".repeat(32)}`,
    friendlyName: "alice",
    activitySid: `WA${"0".repeat(32)}`,
    activityName: "Available",
    attributes,
    channels: {},
  };
}

function parsed(input: Omit<TaskQueueInput, "sid">): TaskQueueConfig {
  const result = parseTaskQueueConfig({ sid: SID, ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.queue;
}

describe("defaults", () => {
  it.each<[string, Omit<TaskQueueInput, "sid">]>([
    ["nothing given", {}],
    // Null is "not given" too, as a JSON body may send it.
    ["everything null", { friendlyName: null, targetWorkers: null, orderBy: null, maxReservedWorkers: null, taskOrder: null }],
  ])("%s → Twilio's defaults", (_name, input) => {
    const queue = parsed(input);
    expect({ ...queue, targetWorkers: queue.targetWorkers.source }).toEqual({
      sid: SID,
      friendlyName: "",
      targetWorkers: "1==1",
      matchesNobody: false,
      orderBy: [],
      maxReservedWorkers: 1,
      taskOrder: "FIFO",
    });
    expect(queue.targetWorkers.kind).toBe("queue");
    expect(queue.targetWorkers.evaluate({ worker: worker({}) })).toBe(true); // 1==1: everyone
  });
});

describe("MaxReservedWorkers", () => {
  it.each<[unknown, number | string]>([
    [1, 1],
    [50, 50],
    ["25", 25], // form-encoded
    [0, "must be an integer from 1 to 50, got 0"],
    [51, "must be an integer from 1 to 50, got 51"],
    ["51", 'must be an integer from 1 to 50, got "51"'],
    [-1, "must be an integer from 1 to 50, got -1"],
    [2.5, "must be an integer from 1 to 50, got 2.5"],
    ["two", 'must be an integer from 1 to 50, got "two"'],
  ])("%j → %j", (value, expected) => {
    const result = parseTaskQueueConfig({ sid: SID, maxReservedWorkers: value });
    if (typeof expected === "number") expect(result.ok && result.queue.maxReservedWorkers).toBe(expected);
    else expect(result).toEqual({ ok: false, problems: [{ path: "MaxReservedWorkers", message: expected }] });
  });
});

describe("TaskOrder", () => {
  it.each<[unknown, string]>([
    ["FIFO", "FIFO"],
    ["LIFO", "LIFO"],
    // The wire enum is upper-case; other spellings are rejected rather than guessed.
    ["lifo", 'must be FIFO or LIFO, got "lifo"'],
    ["RANDOM", 'must be FIFO or LIFO, got "RANDOM"'],
    [1, "must be FIFO or LIFO, got 1"],
  ])("%j → %j", (value, expected) => {
    const result = parseTaskQueueConfig({ sid: SID, taskOrder: value });
    if (expected === "FIFO" || expected === "LIFO") expect(result.ok && result.queue.taskOrder).toBe(expected);
    else expect(result).toEqual({ ok: false, problems: [{ path: "TaskOrder", message: expected }] });
  });
});

describe("TargetWorkers", () => {
  it("compiles a worker expression (bare keys read the worker)", () => {
    const queue = parsed({ targetWorkers: "skills HAS 'support' AND level >= 3" });
    expect(queue.targetWorkers.source).toBe("skills HAS 'support' AND level >= 3");
    expect(queue.targetWorkers.evaluate({ worker: worker({ skills: ["support"], level: 3 }) })).toBe(true);
    expect(queue.targetWorkers.evaluate({ worker: worker({ skills: ["sales"], level: 5 }) })).toBe(false);
  });

  it.each(["", "   "])("empty (%j) matches nobody, and says so", (source) => {
    const queue = parsed({ targetWorkers: source });
    expect(queue.matchesNobody).toBe(true);
    expect(queue.targetWorkers.source).toBe(""); // echoed as set
    expect(queue.targetWorkers.kind).toBe("queue");
    for (const attributes of [{}, { skills: ["support"] }] as WorkerView["attributes"][]) {
      expect(queue.targetWorkers.evaluate({ worker: worker(attributes) })).toBe(false);
    }
  });

  it.each<[string, string]>([
    // "skills HAS 'support' AND" is 24 characters: a value is owed at 24.
    ["skills HAS 'support' AND", `syntax error: Unexpected end of input at position 24: ${EXPECTED_VALUE}`],
    // "level >= 3 AND (" is 16 characters.
    ["level >= 3 AND (", `syntax error: Unexpected end of input at position 16: ${EXPECTED_VALUE}`],
  ])("syntax error in %j is reported with its position", (source, message) => {
    expect(parseTaskQueueConfig({ sid: SID, targetWorkers: source })).toEqual({
      ok: false,
      problems: [{ path: "TargetWorkers", message }],
    });
  });

  it("must be a string", () => {
    expect(parseTaskQueueConfig({ sid: SID, targetWorkers: true })).toEqual({
      ok: false,
      problems: [{ path: "TargetWorkers", message: "must be a string, got true" }],
    });
  });
});

describe("other settings", () => {
  it("parses the queue-level OrderBy", () => {
    expect(parsed({ orderBy: "worker.level DESC" }).orderBy).toEqual([{ segments: ["level"], direction: "DESC", text: "worker.level" }]);
  });

  it.each<[string, TaskQueueInput, { path: string; message: string }]>([
    ["bad OrderBy", { sid: SID, orderBy: "level UP" }, { path: "OrderBy", message: "Unexpected 'UP' at position 6: expected ASC or DESC" }],
    ["FriendlyName not a string", { sid: SID, friendlyName: 5 }, { path: "FriendlyName", message: "must be a string, got 5" }],
    [
      "FriendlyName over 64 characters",
      { sid: SID, friendlyName: "x".repeat(65) },
      { path: "FriendlyName", message: "must be at most 64 characters, got 65" },
    ],
    ["Sid malformed", { sid: "WQ123" }, { path: "Sid", message: 'must be a TaskQueue SID ("WQ" followed by 32 hex digits), got "WQ123"' }],
  ])("%s", (_name, input, problem) => {
    expect(parseTaskQueueConfig(input)).toEqual({ ok: false, problems: [problem] });
  });

  it("keeps a friendly name of exactly 64 characters", () => {
    expect(parsed({ friendlyName: "x".repeat(64) }).friendlyName).toHaveLength(64);
  });

  it("reports every problem at once, under the Twilio parameter names", () => {
    const result = parseTaskQueueConfig({
      sid: SID,
      friendlyName: [],
      targetWorkers: "a ==",
      orderBy: "x,",
      maxReservedWorkers: 0,
      taskOrder: "fifo",
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: "FriendlyName", message: "must be a string, got an array" },
        { path: "TargetWorkers", message: `syntax error: Unexpected end of input at position 4: ${EXPECTED_VALUE}` },
        { path: "OrderBy", message: "Unexpected end of input at position 2: expected a worker attribute after ','" },
        { path: "MaxReservedWorkers", message: "must be an integer from 1 to 50, got 0" },
        { path: "TaskOrder", message: 'must be FIFO or LIFO, got "fifo"' },
      ],
    });
  });
});
