// When callbacks are sent and retried: the backoff schedule and the workspace's EventsFilter.
import { describe, expect, it } from "vitest";
import { eventsFilterAllows, MAX_ATTEMPTS, MAX_RETRY_DELAY_SECONDS, retryDelaySeconds } from "../../../callbacks/policy";

describe("retryDelaySeconds", () => {
  it.each([
    // 2 ** attempts, the first delivery being attempt 1
    { attempts: 1, expected: 2 },
    { attempts: 2, expected: 4 },
    { attempts: 3, expected: 8 },
    { attempts: 4, expected: 16 },
    { attempts: 5, expected: 32 },
    { attempts: 6, expected: 64 },
    { attempts: 7, expected: 128 },
    // the 8th delivery was the last
    { attempts: 8, expected: null },
    { attempts: 9, expected: null },
  ])("after attempt $attempts failed: $expected", ({ attempts, expected }) => {
    expect(retryDelaySeconds(attempts)).toBe(expected);
  });

  it("waits 2 + 4 + … + 128 = 254 s in all before giving up, so a short outage loses nothing", () => {
    let total = 0;
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) total += retryDelaySeconds(attempts)!;
    expect(total).toBe(254);
  });

  it.each([
    // 2 ** 8 = 256, 2 ** 9 = 512 → capped at 300
    { attempts: 8, expected: 256 },
    { attempts: 9, expected: MAX_RETRY_DELAY_SECONDS },
    { attempts: 15, expected: MAX_RETRY_DELAY_SECONDS },
    { attempts: 20, expected: null },
  ])("with 20 attempts allowed, after attempt $attempts: $expected (capped)", ({ attempts, expected }) => {
    expect(retryDelaySeconds(attempts, 20)).toBe(expected);
  });

  it("treats a nonsensical attempt count as the first", () => {
    expect(retryDelaySeconds(0)).toBe(2);
  });
});

describe("eventsFilterAllows", () => {
  it.each([
    { filter: null, type: "task.created", expected: true },
    { filter: "", type: "task.created", expected: true },
    { filter: " , ", type: "task.created", expected: true },
    { filter: "task.created", type: "task.created", expected: true },
    { filter: "task.created", type: "task.canceled", expected: false },
    { filter: "task.created,task.canceled", type: "task.canceled", expected: true },
    { filter: " task.created , reservation.accepted ", type: "reservation.accepted", expected: true },
    // exact types only: no prefixes, no wildcards, case matters
    { filter: "task", type: "task.created", expected: false },
    { filter: "task.*", type: "task.created", expected: false },
    { filter: "Task.Created", type: "task.created", expected: false },
  ])("$filter lets $type through: $expected", ({ filter, type, expected }) => {
    expect(eventsFilterAllows(filter, type)).toBe(expected);
  });
});
