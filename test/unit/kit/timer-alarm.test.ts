/**
 * The one alarm (durable-objects/kit/timers.ts, TimerAlarm) over `node:sqlite` and a fake alarm that
 * records every storage call: it follows the earliest timer, is deleted when none is left, costs no call
 * when nothing moved, and after the alarm fired sets it again even to the same time.
 */
import { describe, expect, it } from "vitest";
import { clearTimer, setTimer, TimerAlarm, TIMERS_TABLE, type AlarmHost } from "../../../durable-objects/kit/timers";
import { sqliteHost } from "./sqlite-host";

/** A database with the timers table, and an alarm that keeps what storage would, logging each call. */
function fakeHost(alarm: number | null = null): AlarmHost & { alarm: number | null; calls: string[] } {
  const store = sqliteHost();
  store.sql.exec(TIMERS_TABLE);
  const host = {
    ...store,
    alarm,
    calls: [] as string[],
    getAlarm: async () => {
      host.calls.push("get");
      return host.alarm;
    },
    setAlarm: async (at: number) => {
      host.calls.push(`set ${at}`);
      host.alarm = at;
    },
    deleteAlarm: async () => {
      host.calls.push("delete");
      host.alarm = null;
    },
  };
  return host;
}

describe("TimerAlarm", () => {
  it.each([
    // [timers (kind, sid, due), the alarm storage holds afterwards]
    ["one timer: its time", [["wait", "W1", 500]], 500],
    [
      "several: the earliest, whatever its kind",
      [
        ["wait", "W1", 500],
        ["effects", "", 200],
        ["wait", "W2", 900],
      ],
      200,
    ],
    ["none: no alarm", [], null],
  ] as const)("%s", async (_, timers, expected) => {
    const host = fakeHost();
    for (const [kind, sid, due] of timers) setTimer(host, kind, sid, due);
    await new TimerAlarm(host).sync();
    expect(host.alarm).toBe(expected);
  });

  it("follows the earliest timer as timers are set, moved and cleared, deleting the alarm when none is left", async () => {
    const host = fakeHost();
    const alarm = new TimerAlarm(host);
    setTimer(host, "wait", "W1", 500);
    await alarm.sync();
    setTimer(host, "wait", "W2", 300);
    await alarm.sync();
    setTimer(host, "wait", "W2", 700); // moved later: W1 (500) is now the earliest
    await alarm.sync();
    clearTimer(host, "wait", "W1");
    await alarm.sync();
    clearTimer(host, "wait", "W2");
    await alarm.sync();
    expect(host.calls).toEqual(["set 500", "set 300", "set 500", "set 700", "delete"]);
    expect(host.alarm).toBeNull();
  });

  it("does not touch storage when the earliest timer did not move", async () => {
    const host = fakeHost();
    const alarm = new TimerAlarm(host);
    await alarm.sync(); // no timer, nothing remembered: nothing to delete
    setTimer(host, "wait", "W1", 500);
    await alarm.sync();
    setTimer(host, "wait", "W2", 800); // later than W1: the alarm stays at 500
    await alarm.sync();
    await alarm.sync();
    expect(host.calls).toEqual(["set 500"]);
  });

  it("on wake, trusts the alarm storage holds", async () => {
    const host = fakeHost(500);
    setTimer(host, "wait", "W1", 500);
    const alarm = new TimerAlarm(host);
    await alarm.load();
    await alarm.sync();
    expect(host.calls).toEqual(["get"]); // already at 500: not set again
  });

  it("after the alarm fired, sets it again even to the same time (storage cleared it)", async () => {
    const host = fakeHost();
    const alarm = new TimerAlarm(host, () => 100);
    setTimer(host, "effects", "", 500);
    await alarm.sync();
    host.alarm = null; // Cloudflare clears the alarm as it fires
    alarm.fired();
    // The handler could not carry the effects out: the retry timer is where it was.
    await alarm.sync();
    expect(host.calls).toEqual(["set 500", "set 500"]);
    expect(host.alarm).toBe(500);
  });

  it.each([
    // [clock, alarm set for, the handler's now]
    ["fired early (a test): the time it was set for", 100, 500, 500],
    ["fired late: the clock", 900, 500, 900],
    ["nothing remembered: the clock", 900, null, 900],
  ] as const)("fired() gives the handler's now — %s", async (_, clock, setFor, now) => {
    const host = fakeHost(setFor);
    const alarm = new TimerAlarm(host, () => clock);
    await alarm.load();
    expect(alarm.fired()).toBe(now);
    expect(alarm.fired()).toBe(clock); // the memo is gone once it fired
  });

  it("clear() deletes the alarm, and the next sync sets it again", async () => {
    const host = fakeHost();
    const alarm = new TimerAlarm(host);
    setTimer(host, "wait", "W1", 500);
    await alarm.sync();
    await alarm.clear();
    expect(host.alarm).toBeNull();
    await alarm.sync();
    expect(host.calls).toEqual(["set 500", "delete", "set 500"]);
  });

  it("aligns a timer with the alarm already set, when that comes between now and the latest it may: no call to move it", async () => {
    const host = fakeHost();
    let now = 1_000;
    const alarm = new TimerAlarm(host, () => now);
    expect(alarm.aligned(6_000)).toBe(6_000); // no alarm: as wanted
    setTimer(host, "hooks", "", 4_000);
    await alarm.sync();
    host.calls.length = 0;
    expect(alarm.aligned(6_000)).toBe(4_000);
    setTimer(host, "index", "", alarm.aligned(6_000));
    await alarm.sync();
    expect(host.calls).toEqual([]);
    expect(alarm.aligned(3_500)).toBe(3_500); // the alarm is later than the latest allowed
    now = 4_000;
    expect(alarm.aligned(9_000)).toBe(9_000); // the alarm is due now, not ahead
  });
});
