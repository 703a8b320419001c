/**
 * The supervisors' tiles, derived in plain Node (durable-objects/router/realtime/supervisor-tiles.ts):
 * an agent's state, the team's count by state and the channels it uses, a queue's waiting count and
 * which of its thresholds are crossed. Expected values worked out by hand in the comments.
 */
import { describe, expect, it } from "vitest";
import {
  agentState,
  channelsInUse,
  memberOf,
  queueTiles,
  teamTiles,
  type HeldStatus,
} from "../../../durable-objects/router/realtime/supervisor-tiles";
import type { SupervisorQueue, SupervisorWorker } from "../../../contract/realtime-frames";

describe("an agent's state", () => {
  it.each<[string, { available: boolean; offline: boolean }, HeldStatus[], string]>([
    // An accepted task makes them busy whatever their activity (a task in hand on Break is still work).
    ["accepted, Available", { available: true, offline: false }, ["accepted"], "busy"],
    ["accepted and wrapping", { available: true, offline: false }, ["wrapping", "accepted"], "busy"],
    ["accepted, on Break", { available: false, offline: false }, ["accepted"], "busy"],
    // Only wrapping ones: wrapping.
    ["wrapping, Available", { available: true, offline: false }, ["wrapping"], "wrapping"],
    ["wrapping, Offline", { available: false, offline: true }, ["wrapping"], "wrapping"],
    // A ring is not a task taken: their activity decides.
    ["ringing, Available", { available: true, offline: false }, ["pending"], "available"],
    ["nothing, Available", { available: true, offline: false }, [], "available"],
    ["nothing, Offline", { available: false, offline: true }, [], "offline"],
    ["nothing, Break", { available: false, offline: false }, [], "away"],
    ["ringing, Lunch", { available: false, offline: false }, ["pending"], "away"],
  ])("%s is %s", (_name, activity, held, state) => {
    expect(agentState(activity, held)).toBe(state);
  });
});

const channel = (sid: string, on: boolean, capacity: number, reserved = 0, assigned = 0) => ({
  task_channel_sid: sid,
  task_channel_unique_name: sid,
  configured_capacity: capacity,
  available: on,
  reserved_tasks: reserved,
  assigned_tasks: assigned,
});

describe("the channels an agent uses", () => {
  it.each([
    // on with room → used; off, or no capacity → not, unless they hold a task on it now
    ["on with capacity 2", [channel("TC1", true, 2)], ["TC1"]],
    ["switched off", [channel("TC1", false, 2)], []],
    ["capacity 0", [channel("TC1", true, 0)], []],
    ["switched off but holding a task", [channel("TC1", false, 1, 0, 1)], ["TC1"]],
    ["capacity 0 but ringing", [channel("TC1", true, 0, 1, 0)], ["TC1"]],
    ["chat on, voice off", [channel("TC1", false, 1), channel("TC2", true, 3)], ["TC2"]],
  ])("%s", (_name, channels, used) => {
    expect(channelsInUse(channels)).toEqual(used);
  });
});

describe("the team's tiles", () => {
  const channels = [
    { sid: "TC1", unique_name: "voice" },
    { sid: "TC2", unique_name: "chat" },
    { sid: "TC3", unique_name: "sms" },
  ];

  it("counts the agents by state and lists the channels anyone uses, in the workspace's order", () => {
    // 2 available, 1 busy, 1 away, 0 wrapping, 0 offline; sms and chat used (listed chat then sms), voice by nobody.
    const team = teamTiles(
      [
        { state: "available", channels: ["TC3"] },
        { state: "available", channels: ["TC2"] },
        { state: "busy", channels: ["TC2", "TC3"] },
        { state: "away", channels: [] },
      ],
      channels,
    );
    expect(team).toEqual({
      agents_by_state: { available: 2, busy: 1, wrapping: 0, away: 1, offline: 0 },
      task_channels: [
        { task_channel_sid: "TC2", task_channel_unique_name: "chat" },
        { task_channel_sid: "TC3", task_channel_unique_name: "sms" },
      ],
    });
  });

  it("is all zeros with no agents", () => {
    expect(teamTiles([], channels)).toEqual({
      agents_by_state: { available: 0, busy: 0, wrapping: 0, away: 0, offline: 0 },
      task_channels: [],
    });
  });

  it("takes another region's worker as it came, or works out the state of one kept from before states were sent", () => {
    const base: SupervisorWorker = {
      sid: "WK1",
      friendly_name: "Eve",
      activity_sid: "WA1",
      activity_name: "OFFLINE",
      available: false,
      date_status_changed: "2030-01-07T12:00:00Z",
      date_status_changed_ms: 0,
      attributes: "{}",
      task_queue_sids: [],
      channels: [channel("TC2", true, 1)],
      reservations: [],
      region: "eu-ireland",
    };
    expect(memberOf({ ...base, state: "away" })).toEqual({ state: "away", channels: ["TC2"] });
    expect(memberOf(base)).toEqual({ state: "offline", channels: ["TC2"] }); // named Offline, any case
    const wrapping = { sid: "WR1", task_sid: "WT1", status: "wrapping" as const, task_channel_unique_name: "chat", date_created: "" };
    expect(memberOf({ ...base, reservations: [wrapping] }).state).toBe("wrapping");
  });
});

describe("a queue's tiles", () => {
  const figures = (pending: number, reserved: number, longest: number, level: number | null) => ({
    tasks_by_status: { pending, reserved, assigned: 7, wrapping: 1, completed: 0, canceled: 0 },
    longest_task_waiting_age: longest,
    today: { service_level: level } as SupervisorQueue["today"],
  });
  const desk = (waiting: number | null, longest: number | null, target: number | null) => ({
    sla_threshold_seconds: 45,
    waiting_threshold: waiting,
    longest_wait_threshold_seconds: longest,
    service_level_target: target,
  });

  it.each([
    // figures (pending, reserved, longest s, level), thresholds (waiting, longest s, target %) → crossed
    ["nothing set", figures(9, 9, 999, 0), desk(null, null, null), { waiting: false, longest_wait: false, service_level: false }],
    // 3 + 2 = 5 waiting: at 5 not crossed, above it crossed
    [
      "5 waiting at a threshold of 5",
      figures(3, 2, 0, null),
      desk(5, null, null),
      { waiting: false, longest_wait: false, service_level: false },
    ],
    [
      "5 waiting above a threshold of 4",
      figures(3, 2, 0, null),
      desk(4, null, null),
      { waiting: true, longest_wait: false, service_level: false },
    ],
    ["a 60 s wait at 60", figures(1, 0, 60, null), desk(null, 60, null), { waiting: false, longest_wait: false, service_level: false }],
    ["a 61 s wait past 60", figures(1, 0, 61, null), desk(null, 60, null), { waiting: false, longest_wait: true, service_level: false }],
    // 0.79 → 79 % < 80 % crossed; 0.8 → 80 % not; no level yet (nothing accepted today) → not
    ["79 % against 80 %", figures(0, 0, 0, 0.79), desk(null, null, 80), { waiting: false, longest_wait: false, service_level: true }],
    ["80 % against 80 %", figures(0, 0, 0, 0.8), desk(null, null, 80), { waiting: false, longest_wait: false, service_level: false }],
    [
      "no level yet against 80 %",
      figures(0, 0, 0, null),
      desk(null, null, 80),
      { waiting: false, longest_wait: false, service_level: false },
    ],
  ])("%s", (_name, queueFigures, thresholds, crossed) => {
    const tiles = queueTiles(queueFigures, thresholds);
    expect(tiles.crossed).toEqual(crossed);
    expect(tiles.waiting).toBe(queueFigures.tasks_by_status.pending + queueFigures.tasks_by_status.reserved);
    expect(tiles.thresholds).toEqual({
      sla_seconds: 45,
      waiting: thresholds.waiting_threshold,
      longest_wait_seconds: thresholds.longest_wait_threshold_seconds,
      service_level_target: thresholds.service_level_target,
    });
  });

  it("reads a queue from a snapshot older than the settings as having none", () => {
    expect(queueTiles(figures(2, 0, 10, 0.1), undefined)).toEqual({
      waiting: 2,
      thresholds: { sla_seconds: null, waiting: null, longest_wait_seconds: null, service_level_target: null },
      crossed: { waiting: false, longest_wait: false, service_level: false },
    });
  });
});
