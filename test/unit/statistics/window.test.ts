import { describe, expect, it } from "vitest";
import { parseSplitByWaitTime, statisticsWindow, type WindowParams } from "../../../durable-objects/router/statistics";

const NOW = Date.parse("2026-03-02T10:15:00Z");
const d = (time: string) => Date.parse(`2026-03-02T${time}Z`);
const DAY = 86_400_000;
const bad = (param: string, message: string) => ({
  ok: false,
  status: 400,
  code: 20001,
  message: `Invalid parameter ${param}: ${message}`,
});

describe("statisticsWindow", () => {
  it.each<[string, WindowParams, object]>([
    ["nothing: the last 15 minutes", {}, { ok: true, value: { startMs: d("10:00:00"), endMs: NOW } }],
    ["Minutes=60", { minutes: 60 }, { ok: true, value: { startMs: d("09:15:00"), endMs: NOW } }],
    ["Minutes=43200 (30 days)", { minutes: 43200 }, { ok: true, value: { startMs: NOW - 30 * DAY, endMs: NOW } }],
    ["StartDate alone runs to now", { startDate: d("09:00:00") }, { ok: true, value: { startMs: d("09:00:00"), endMs: NOW } }],
    [
      "EndDate alone: the 15 minutes before it",
      { endDate: d("10:00:00") },
      { ok: true, value: { startMs: d("09:45:00"), endMs: d("10:00:00") } },
    ],
    [
      "both dates",
      { startDate: d("09:00:00"), endDate: d("09:30:00") },
      { ok: true, value: { startMs: d("09:00:00"), endMs: d("09:30:00") } },
    ],
    [
      "a start older than 30 days moves up to 30 days ago",
      { startDate: NOW - 40 * DAY },
      { ok: true, value: { startMs: NOW - 30 * DAY, endMs: NOW } },
    ],
    ["Minutes=0", { minutes: 0 }, bad("Minutes", "must be an integer from 1 to 43200")],
    ["Minutes=43201", { minutes: 43201 }, bad("Minutes", "must be an integer from 1 to 43200")],
    ["Minutes=1.5", { minutes: 1.5 }, bad("Minutes", "must be an integer from 1 to 43200")],
    ["Minutes with a date", { minutes: 5, startDate: d("09:00:00") }, bad("Minutes", "cannot be combined with StartDate or EndDate")],
    ["StartDate after EndDate", { startDate: d("10:00:00"), endDate: d("09:00:00") }, bad("StartDate", "must not be after EndDate")],
    [
      "an end older than 30 days",
      { endDate: NOW - 31 * DAY },
      bad("EndDate", "must be within the last 30 days: statistics are kept that long"),
    ],
  ])("%s", (_name, params, expected) => {
    expect(statisticsWindow(params, NOW)).toEqual(expected);
  });
});

describe("parseSplitByWaitTime", () => {
  const list = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1)).join(",");
  it.each<[string | undefined, object]>([
    [undefined, { ok: true, value: [] }],
    ["", { ok: true, value: [] }],
    ["30,5", { ok: true, value: [5, 30] }],
    [" 5 , 30 ,5", { ok: true, value: [5, 30] }],
    ["0", { ok: true, value: [0] }],
    [list(20), { ok: true, value: Array.from({ length: 20 }, (_, i) => i + 1) }],
    ["5,,30", bad("SplitByWaitTime", 'must be a comma-separated list of whole seconds, e.g. 5,30 (got "")')],
    ["2.5", bad("SplitByWaitTime", 'must be a comma-separated list of whole seconds, e.g. 5,30 (got "2.5")')],
    ["-5", bad("SplitByWaitTime", 'must be a comma-separated list of whole seconds, e.g. 5,30 (got "-5")')],
    ["5s", bad("SplitByWaitTime", 'must be a comma-separated list of whole seconds, e.g. 5,30 (got "5s")')],
    [list(21), bad("SplitByWaitTime", "takes at most 20 thresholds")],
  ])("%j", (text, expected) => {
    expect(parseSplitByWaitTime(text)).toEqual(expected);
  });
});
