/**
 * Every example from Twilio's TaskRouter documentation (expression syntax, time-of-day routing,
 * activity-based routing, skip_if, multitasking, known worker/task examples), evaluated against
 * documents chosen by hand so each row states why it is true or false.
 */
import { describe, expect, it } from "vitest";
import {
  compileExpression,
  resolvePath,
  type Attributes,
  type EvaluationInput,
  type ExpressionKind,
  type Json,
} from "../../../durable-objects/router/expression";
import { channel, run, task, utc, worker } from "./fixtures";

describe("expression-syntax page: structure examples (filter: keys read the task)", () => {
  it.each<[string, Attributes, boolean]>([
    ["1 == 1", {}, true],
    ["0 != 1", {}, true],
    ['"apple" != "orange"', {}, true],
    ["key > 1", { key: 2 }, true],
    ["key > 1", { key: 1 }, false],
    ["key > 1", {}, false], // NULL
    ["key > 1", { key: "2" }, false], // no coercion
    ['object.param != "apple"', { object: { param: "banana" } }, true],
    ['object.param != "apple"', { object: { param: "apple" } }, false],
    ['object.param != "apple"', { object: {} }, false], // NULL != anything is false
    ['language IN ["en", "es"]', { language: "es" }, true],
    ['language IN ["en", "es"]', { language: "fr" }, false],
    ['language IN ["en", "es"]', { language: ["en"] }, false], // left side must be a scalar
    ["(condition_a == true) OR (condition_b == true)", { condition_a: false, condition_b: true }, true],
    ["(condition_a == true) OR (condition_b == true)", { condition_a: false, condition_b: false }, false],
    ["(condition_a == true) OR (condition_b == true)", { condition_a: "true" }, false],
    ['(language == "en" OR language == "fr") AND skill_rating >= 5.1', { language: "fr", skill_rating: 5.1 }, true],
    ['(language == "en" OR language == "fr") AND skill_rating >= 5.1', { language: "en", skill_rating: 5 }, false],
    ['(language == "en" OR language == "fr") AND skill_rating >= 5.1', { language: "de", skill_rating: 9 }, false],
    ["customer_value == 'Gold' AND type == 'ticket'", { customer_value: "Gold", type: "ticket" }, true],
    ["customer_value == 'Gold' AND type == 'ticket'", { customer_value: "gold", type: "ticket" }, false], // case-sensitive
  ])("%s with %j → %s", (source, attributes, expected) => {
    expect(run(source, "filter", { task: task(attributes) })).toBe(expected);
  });

  it.each<[Attributes, boolean]>([
    [{ skills: ["support", "billing"], languages: ["english"] }, true],
    [{ skills: ["support"], languages: ["spanish"] }, false],
    [{ skills: "support", languages: ["english"] }, false], // HAS needs an array on the left
  ])("TargetWorkers (skills HAS 'support') AND (languages HAS 'english') for worker %j → %s", (attributes, expected) => {
    expect(run("(skills HAS 'support') AND (languages HAS 'english')", "queue", { worker: worker(attributes) })).toBe(expected);
  });
});

describe("expression-syntax page: key resolution", () => {
  const attributes: Attributes = { string_const: "foo", object: { array: ["a", "b", "c"], attr: "bar" } };
  it.each<[string, Json | undefined]>([
    ["string_const", "foo"],
    ["object.array", ["a", "b", "c"]],
    ["object.array[2]", "c"],
    ["object.attr", "bar"],
    ["object.array[3]", undefined], // past the end: NULL
    ["object.missing", undefined],
    ["string_const.length", undefined], // strings have no keys
    ["object.array.length", undefined], // nor do arrays, by name
  ])("%s resolves to %j", (key, expected) => {
    const ast = compileExpression(`${key} == 1`, "filter").ast;
    if (ast.type !== "compare" || ast.left.type !== "path") throw new Error("expected a comparison on a path");
    expect(resolvePath(ast.left.ref, { task: task(attributes) })).toEqual(expected);
  });
});

describe("time-of-day routing page", () => {
  const openingHours =
    "(taskrouter.dayOfWeek IN ['Mon', 'Tue', 'THU'] AND taskrouter.currentTime > 800 AND taskrouter.currentTime < 1730) OR " +
    "(taskrouter.dayOfWeek IN ['Wed', 'Fri'] AND taskrouter.currentTime > 900 AND taskrouter.currentTime < 1830) OR " +
    "(taskrouter.dayOfWeek = 'Sat' AND taskrouter.currentTime > 1100 AND taskrouter.currentTime < 1530)";

  it.each<[string, number, boolean]>([
    ["taskrouter.currentTime > 0800 AND taskrouter.currentTime < 1830", utc(1, 8, 0), false], // 800 is not > 800
    ["taskrouter.currentTime > 0800 AND taskrouter.currentTime < 1830", utc(1, 8, 1), true],
    ["taskrouter.currentTime > 0800 AND taskrouter.currentTime < 1830", utc(1, 18, 29), true],
    ["taskrouter.currentTime > 0800 AND taskrouter.currentTime < 1830", utc(1, 18, 30), false],
    ["taskrouter.currentHour > 8 AND taskrouter.currentHour < 18", utc(1, 8, 59), false],
    ["taskrouter.currentHour > 8 AND taskrouter.currentHour < 18", utc(1, 9, 0), true],
    ["taskrouter.currentHour > 8 AND taskrouter.currentHour < 18", utc(1, 17, 59), true],
    ["taskrouter.currentHour > 8 AND taskrouter.currentHour < 18", utc(1, 18, 0), false],
    ["taskrouter.currentMin > 10 AND taskrouter.currentMin < 50", utc(1, 12, 10), false],
    ["taskrouter.currentMin > 10 AND taskrouter.currentMin < 50", utc(1, 12, 11), true],
    ["taskrouter.currentMin > 10 AND taskrouter.currentMin < 50", utc(1, 12, 50), false],
    [openingHours, utc(1, 8, 0), false], // Mon 08:00: not after 800
    [openingHours, utc(1, 9, 0), true], // Mon 09:00
    [openingHours, utc(2, 17, 29), true], // Tue 17:29
    [openingHours, utc(2, 17, 30), false], // Tue 17:30
    [openingHours, utc(3, 8, 30), false], // Wed opens at 9
    [openingHours, utc(3, 12, 0), true], // Wed noon
    [openingHours, utc(4, 12, 0), false], // Thu: the example says 'THU', and 'THU' != 'Thu'
    [openingHours, utc(5, 18, 29), true], // Fri 18:29
    [openingHours, utc(6, 12, 0), true], // Sat noon
    [openingHours, utc(6, 16, 0), false], // Sat closes at 15:30
    [openingHours, utc(7, 12, 0), false], // Sun: closed
  ])("%s at %d (UTC) → %s", (source, now, expected) => {
    expect(run(source, "filter", { task: task({}), clock: { now } })).toBe(expected);
  });

  it("reads the clock in the input's time zone", () => {
    // Sat 16:30 UTC is 11:30 in New York (EST): open there, closed in UTC.
    const now = utc(6, 16, 30);
    expect(run(openingHours, "filter", { clock: { now } })).toBe(false);
    expect(run(openingHours, "filter", { clock: { now, timeZone: "America/New_York" } })).toBe(true);
  });

  it("clock keys work in every kind", () => {
    for (const kind of ["filter", "target", "queue", "skip_if"] as const) {
      expect(run("taskrouter.dayOfWeek == 'Mon'", kind, { clock: { now: utc(1, 10, 0) } })).toBe(true);
    }
  });
});

describe("activity-based routing", () => {
  const sid = "WA0123456789abcdef0123456789abcdef";
  it.each<[string, ExpressionKind, string, boolean]>([
    ["worker.activity_name in ['Generally Available', 'High Value Tasks']", "target", "High Value Tasks", true],
    ["worker.activity_name in ['Generally Available', 'High Value Tasks']", "target", "Offline", false],
    ["worker.activity_name in ['Generally Available', 'High Value Tasks']", "queue", "Generally Available", true],
    ["activity_name in ['Generally Available', 'High Value Tasks']", "queue", "Generally Available", true], // TargetWorkersExpression
    ["activity_name contains 'MNO'", "queue", "MNO Break", true], // a Workers-list TargetWorkersExpression
    ["activity_name contains 'MNO'", "queue", "mno break", false],
    [`worker.activity_sid == '${sid}'`, "target", "Available", true],
    ["worker.activity_sid == 'WAffffffffffffffffffffffffffffffff'", "target", "Available", false],
  ])("%s (%s) with activity %s → %s", (source, kind, activityName, expected) => {
    expect(run(source, kind, { worker: worker({}, { activityName, activitySid: sid }) })).toBe(expected);
  });
});

describe("skip_if", () => {
  const counts: Record<string, number> = { available: 0, unavailable: 4, WAxx: 1, WAyy: 5 };
  it.each<[string, Record<string, number> | undefined, boolean]>([
    ["1==1", undefined, true],
    ["workers.available == 0", counts, true],
    ["workers.available == 0", { ...counts, available: 2 }, false],
    ["workers.available == 0", undefined, false], // no counters: NULL
    ["workers.WAxx < 2 OR workers.WAyy < 2", counts, true],
    ["workers.WAxx < 2 OR workers.WAyy < 2", { WAxx: 2, WAyy: 2 }, false],
    ["workers.unavailable > 3 AND priority > 5", counts, false], // task has priority 1
  ])("%s with counters %j → %s", (source, counters, expected) => {
    const input: EvaluationInput = { task: task({ priority: 1 }), ...(counters ? { counters: (name) => counters[name] } : {}) };
    expect(run(source, "skip_if", input)).toBe(expected);
  });
});

describe("known worker/task examples (target expressions)", () => {
  const t = task({ preferred_agents: ["alice", "bob"], language: "en", type: "support", ignoreWorkerContactUri: "client:bob" });
  const alice = worker({ id: "alice", languages: ["en", "es"], skills: ["support"], contact_uri: "client:alice" });
  const carol = worker({ id: "carol", languages: ["fr"], skills: ["sales"], contact_uri: "client:bob" });
  it.each<[string, "alice" | "carol", boolean]>([
    ["worker.id IN task.preferred_agents", "alice", true],
    ["worker.id IN task.preferred_agents", "carol", false],
    ["task.language IN worker.languages", "alice", true],
    ["task.language IN worker.languages", "carol", false],
    ["worker.skills HAS task.type", "alice", true],
    ["worker.skills HAS task.type", "carol", false],
    ["worker.id NOT IN task.preferred_agents", "alice", false],
    ["worker.id NOT IN task.preferred_agents", "carol", true],
    ["worker.contact_uri != task.ignoreWorkerContactUri", "alice", true],
    ["worker.contact_uri != task.ignoreWorkerContactUri", "carol", false],
    ["id IN task.preferred_agents", "alice", true], // bare key reads the worker in a target
  ])("%s for %s → %s", (source, who, expected) => {
    expect(run(source, "target", { task: t, worker: who === "alice" ? alice : carol })).toBe(expected);
  });

  it("a NULL on either side of != is false: no ignoreWorkerContactUri on the task matches nobody", () => {
    expect(run("worker.contact_uri != task.ignoreWorkerContactUri", "target", { task: task({}), worker: alice })).toBe(false);
  });
});

describe("multitasking paths", () => {
  const w = worker({}, { channels: { voice: channel(0, 1), chat: channel(1, 3), sms: channel(2, 2, false) } });
  it.each<[string, boolean]>([
    ["worker.channel.voice.assigned_tasks == 0", true],
    ["worker.channel.chat.assigned_tasks <= 1", true],
    ["worker.channel.chat.available_capacity_percentage > 50", true], // 66.7
    ["worker.channel.chat.available == true", true],
    ["worker.channel.chat.configured_capacity == 3", true],
    ["worker.channel.sms.available == true", false],
    ["worker.channel.sms.available_capacity_percentage > 50", false], // 0
    ["worker.channel.video.assigned_tasks == 0", false], // no such channel: NULL
    ["worker.channel.constructor.assigned_tasks == 0", false], // never the prototype
  ])("%s → %s", (source, expected) => {
    expect(run(source, "target", { worker: w })).toBe(expected);
    expect(run(source, "queue", { worker: w })).toBe(expected);
  });
});

describe("keys with segments that start with a digit (worker.routing.levels.9am, routing.skills.2)", () => {
  // A segment after a dot may start with a digit, or be digits only: on an object it names that key, on
  // an array a canonical index (as in a JSON Pointer) names that element. The first segment of a bare key
  // may not: `9 == 9` stays a comparison of numbers.
  const t = task({
    routing: { "9am": true, skills: { "2": "support" }, list: ["voice", "chat", "support"] },
    required: { "9am": 3 },
    "2": "two",
  });
  const w = worker({ routing: { levels: { "9am": 4, "2pm": 1 }, skills: ["billing", "sales", "support"] } });
  const none = worker({ routing: { levels: {} } });
  const available = (n: number) => (name: string) => (name === "available" ? n : undefined);
  it.each<[ExpressionKind, string, boolean, EvaluationInput]>([
    // Filters read the task; `task.` is optional.
    ["filter", "routing.9am == true", true, { task: t }],
    ["filter", "task.routing.9am == true", true, { task: t }],
    ["filter", "task.routing.skills.2 == 'support'", true, { task: t }], // the object key "2"
    ["filter", "routing.list.2 == 'support'", true, { task: t }], // element 2 of an array
    ["filter", "routing.list.02 == 'support'", false, { task: t }], // "02" is no array index
    ["filter", "routing.list.3 == 'support'", false, { task: t }], // past the end: NULL
    ["filter", "task.2 == 'two'", true, { task: t }], // after the prefix, a digits-only key of the task
    ["filter", "routing.list[2].0 == 's'", false, { task: t }], // a string has no keys
    ["filter", "routing.9AM == true", false, { task: t }], // keys are case-sensitive
    // Target expressions: worker. and task. on both sides.
    ["target", "worker.routing.levels.9am >= task.required.9am", true, { task: t, worker: w }], // 4 >= 3
    ["target", "worker.routing.levels.2pm >= task.required.9am", false, { task: t, worker: w }], // 1 >= 3
    ["target", "worker.routing.levels.9am >= task.required.9am", false, { task: t, worker: none }], // NULL
    ["target", "routing.skills.2 == 'support' AND task.routing.9am == true", true, { task: t, worker: w }],
    // A queue's target_workers: `worker.` optional.
    ["queue", "routing.levels.9am > 3", true, { worker: w }],
    ["queue", "worker.routing.levels.2pm > 3", false, { worker: w }],
    ["queue", "worker.routing.skills.2 == 'support'", true, { worker: w }],
    ["queue", "routing.skills.1 IN ['sales', 'billing']", true, { worker: w }],
    // skip_if: the task's keys beside the counters.
    ["skip_if", "task.routing.9am == true AND workers.available == 0", true, { task: t, counters: available(0) }],
    ["skip_if", "routing.9am == true AND workers.available == 0", false, { task: t, counters: available(2) }],
  ])("%s: %s → %s", (kind, source, expected, input) => {
    expect(run(source, kind, input)).toBe(expected);
  });
});

describe("every operator in every place, keywords in any case", () => {
  // T and W are the reference's worked-example documents.
  const T = task({
    type: "support",
    language: "en",
    level: 3,
    vip: true,
    notes: "refund request",
    customer: { tier: "gold", tags: ["billing", "urgent"] },
    preferred_agents: ["alice", "bob"],
  });
  const W = worker({ id: "alice", skills: ["support", "sales"], languages: ["en", "es"], level: 5, team: { name: "north" } });
  const input: EvaluationInput = { task: T, worker: W, counters: (name) => ({ available: 0, unavailable: 2 })[name] };
  it.each<[ExpressionKind, string, boolean]>([
    // Filters: the task.
    ["filter", "type == 'support' and language In ['en', 'fr']", true],
    ["filter", 'task.customer.tags HAS "urgent" AND notes contains "refund"', true],
    ["filter", "customer.tier != 'gold' OR level < 3", false], // 'gold' == 'gold', and 3 < 3 is false
    ["filter", "task.vip = true && (level >= 3 || type NOT IN ['sales'])", true],
    ["filter", "language not in ['en'] Or level > 3", false],
    ["filter", "1==1", true],
    // Target expressions: worker. and task.
    ["target", "worker.skills has task.type AND task.language IN worker.languages", true],
    ["target", "worker.id Not In task.preferred_agents", false], // alice is preferred
    ["target", "worker.level > task.level and worker.team.name == 'north'", true], // 5 > 3
    ["target", "worker.level <= task.level or worker.languages contains 'e'", true], // "en" and "es" contain "e"
    // A queue's target_workers: the worker, prefix optional.
    ["queue", "skills HAS 'support' AnD worker.languages has 'en'", true],
    ["queue", "level >= 5 && team.name != 'south'", true],
    ["queue", "worker.activity_name IN ['Available', 'VIP'] AND sid != ''", true],
    // skip_if: the counters and the task.
    ["skip_if", "workers.available == 0 and task.vip == true", true],
    ["skip_if", "workers.unavailable > 2 OR level < 3", false], // 2 > 2 and 3 < 3 are both false
  ])("%s: %s → %s", (kind, source, expected) => {
    expect(run(source, kind, input)).toBe(expected);
  });
});
