// platform/failover.ts: the configuration knobs (REGIONS_DOWN, FAILOVER_AFTER_SECONDS), the isolate's
// record of a region's failing Router calls on an injected clock, and where a new task goes while its
// region is down — its partner, or a refusal naming the region and why.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_FAILOVER_AFTER_SECONDS,
  FailoverConfigError,
  PROBE_EVERY_MS,
  RegionHealth,
  failoverSettings,
  regionForNewTask,
} from "../../../platform/failover";
import { regionalSid } from "../../../platform/region-sids";

const US = regionalSid("WS", "us-east"); // not pinned
const EU = regionalSid("WS", "eu-frankfurt"); // pinned to "eu"; its partner eu-ireland is not in the EU jurisdiction

function problemsOf(vars: Record<string, string>): readonly string[] {
  try {
    failoverSettings(vars);
  } catch (error) {
    expect(error).toBeInstanceOf(FailoverConfigError);
    return (error as FailoverConfigError).problems;
  }
  throw new Error("expected failoverSettings to throw");
}

describe("the failover configuration", () => {
  it("is nothing down and 30 s by default", () => {
    expect(failoverSettings({})).toEqual({ down: new Set(), afterMs: DEFAULT_FAILOVER_AFTER_SECONDS * 1000 });
    expect(DEFAULT_FAILOVER_AFTER_SECONDS).toBe(30);
  });

  it("reads REGIONS_DOWN as region ids separated by commas or spaces, and FAILOVER_AFTER_SECONDS as whole seconds", () => {
    expect(failoverSettings({ REGIONS_DOWN: " us-east, eu-ireland ap-tokyo,", FAILOVER_AFTER_SECONDS: "90" })).toEqual({
      down: new Set(["us-east", "eu-ireland", "ap-tokyo"]),
      afterMs: 90_000,
    });
    expect(failoverSettings({ REGIONS_DOWN: "", FAILOVER_AFTER_SECONDS: "" })).toEqual({ down: new Set(), afterMs: 30_000 });
  });

  it("names every problem at once: an unknown region, a time that is not whole seconds", () => {
    expect(problemsOf({ REGIONS_DOWN: "us-east,mars-base,US-WEST", FAILOVER_AFTER_SECONDS: "0.5" })).toEqual([
      `REGIONS_DOWN: "mars-base" is not one of the region ids (us-east, us-west, eu-ireland, eu-frankfurt, ap-singapore, ap-tokyo, ap-sydney, sa-sao-paulo)`,
      `REGIONS_DOWN: "US-WEST" is not one of the region ids (us-east, us-west, eu-ireland, eu-frankfurt, ap-singapore, ap-tokyo, ap-sydney, sa-sao-paulo)`,
      `FAILOVER_AFTER_SECONDS: expected a whole number of seconds from 1 to 86400 (got "0.5")`,
    ]);
    expect(problemsOf({ FAILOVER_AFTER_SECONDS: "0" })).toHaveLength(1);
    expect(problemsOf({ FAILOVER_AFTER_SECONDS: "soon" })).toHaveLength(1);
    expect(() => failoverSettings({ REGIONS_DOWN: "atlantis" })).toThrow(
      /^Failover configuration \(wrangler vars\) is invalid:\n {2}- REGIONS_DOWN: "atlantis"/,
    );
  });
});

/** A health record on a clock the test moves. */
function healthAt(start = 1_000_000) {
  const clock = { now: start };
  const health = new RegionHealth(() => clock.now);
  return { clock, health };
}

const boom = () => Promise.reject(new Error("Network connection lost."));

describe("a region's health in the isolate", () => {
  it("is down once its calls have failed for the configured time without a success, and a success clears it", async () => {
    const { clock, health } = healthAt();
    await expect(health.observe("us-east", boom)).rejects.toThrow("Network connection lost.");
    clock.now += 29_999;
    await expect(health.observe("us-east", boom)).rejects.toThrow();
    expect(health.isDown("us-east", 30_000)).toBe(false); // failing, but not yet for 30 s
    clock.now += 1;
    expect(health.isDown("us-east", 30_000)).toBe(true);
    expect(health.isDown("us-west", 30_000)).toBe(false); // per region
    expect(await health.observe("us-east", () => Promise.resolve("answered"))).toBe("answered");
    expect(health.isDown("us-east", 30_000)).toBe(false);
  });

  it("counts an answer, even a refusal, as the region being up: only a thrown call is a failure", async () => {
    const { clock, health } = healthAt();
    await expect(health.observe("us-east", boom)).rejects.toThrow();
    clock.now += 10_000;
    await health.observe("us-east", () => Promise.resolve({ ok: false, status: 404, message: "no such workflow" }));
    clock.now += 30_000;
    expect(health.isDown("us-east", 30_000)).toBe(false);
  });

  it("asks a down region again at most once every probe interval", async () => {
    const { clock, health } = healthAt();
    await expect(health.observe("us-east", boom)).rejects.toThrow();
    clock.now += 29_000;
    await expect(health.observe("us-east", boom)).rejects.toThrow();
    clock.now += 1_000;
    expect(health.isDown("us-east", 30_000)).toBe(true);
    expect(health.probeDue("us-east")).toBe(false); // the failure a second ago was an attempt
    clock.now += PROBE_EVERY_MS;
    expect(health.probeDue("us-east")).toBe(true);
    expect(health.probeDue("us-east")).toBe(false); // taken: the next request does not probe too
  });
});

describe("where a new task goes", () => {
  const pings: string[] = [];
  const ping = (answers: boolean) => (region: string) => {
    pings.push(region);
    return answers ? Promise.resolve({ pong: true }) : Promise.reject(new Error("unreachable"));
  };

  it("is the region asked for while it is up, without asking anyone", async () => {
    const { health } = healthAt();
    pings.length = 0;
    expect(await regionForNewTask(US, "us-east", { settings: failoverSettings({}), health, ping: ping(true) })).toEqual({
      ok: true,
      region: "us-east",
    });
    expect(pings).toEqual([]);
  });

  it("is its partner while the region is marked down in REGIONS_DOWN (never probed)", async () => {
    const { health } = healthAt();
    pings.length = 0;
    const settings = failoverSettings({ REGIONS_DOWN: "us-east" });
    expect(await regionForNewTask(US, "us-east", { settings, health, ping: ping(true) })).toEqual({
      ok: true,
      region: "us-west",
      failedOverFrom: "us-east",
    });
    expect(pings).toEqual([]);
  });

  it("is its partner while the region's calls fail, until a probe answers", async () => {
    const { clock, health } = healthAt();
    const settings = failoverSettings({});
    await expect(health.observe("us-east", boom)).rejects.toThrow();
    clock.now += 29_000;
    await expect(health.observe("us-east", boom)).rejects.toThrow();
    clock.now += 1_000;
    pings.length = 0;
    expect(await regionForNewTask(US, "us-east", { settings, health, ping: ping(false) })).toMatchObject({ region: "us-west" });
    expect(pings).toEqual([]); // not yet: the failure a second ago was an attempt
    clock.now += PROBE_EVERY_MS;
    expect(await regionForNewTask(US, "us-east", { settings, health, ping: ping(false) })).toMatchObject({ region: "us-west" });
    expect(pings).toEqual(["us-east"]); // probed, failed: still the partner, for this task too
    clock.now += PROBE_EVERY_MS;
    expect(await regionForNewTask(US, "us-east", { settings, health, ping: ping(true) })).toEqual({ ok: true, region: "us-east" });
    expect(health.isDown("us-east", 30_000)).toBe(false);
  });

  it("is refused, naming the region and why, when the partner is outside the workspace's jurisdiction", async () => {
    const { health } = healthAt();
    const placed = await regionForNewTask(EU, "eu-frankfurt", {
      settings: failoverSettings({ REGIONS_DOWN: "eu-frankfurt" }),
      health,
      ping: ping(true),
    });
    expect(placed).toEqual({
      ok: false,
      region: "eu-frankfurt",
      message:
        'Region eu-frankfurt is down (REGIONS_DOWN) and its partner eu-ireland is outside this workspace\'s jurisdiction ("eu"); new tasks cannot be created until eu-frankfurt is back',
    });
  });

  it("is refused when the partner is down too", async () => {
    const { clock, health } = healthAt();
    await expect(health.observe("us-west", boom)).rejects.toThrow();
    clock.now += 30_000;
    const placed = await regionForNewTask(US, "us-east", {
      settings: failoverSettings({ REGIONS_DOWN: "us-east", FAILOVER_AFTER_SECONDS: "30" }),
      health,
      ping: ping(false),
    });
    expect(placed).toEqual({
      ok: false,
      region: "us-east",
      message:
        "Region us-east is down (REGIONS_DOWN) and its partner us-west is down too (its Router calls have failed for 30 s); new tasks cannot be created until one of them is back",
    });
  });
});
