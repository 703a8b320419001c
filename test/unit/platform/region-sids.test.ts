// A SID names the region whose Router holds it: round trips for every shipped region, SIDs that name
// none (older ones, another system's, a malformed string), and a large sample of random SIDs of the
// old kind, which practically never read as regional.
import { describe, expect, it } from "vitest";
import { newSid } from "../../../contract/ids";
import { homeRegionOf, keyedRegionalSid, regionalSid, regionOfItem, regionOfSid } from "../../../platform/region-sids";
import { regions } from "../../../platform/regions";
import { seededRandom } from "../../support/seeded-random";

describe("regionalSid and regionOfSid", () => {
  it.each(regions.regions.map((r) => r.id))("round-trips %s for workers, tasks and reservations", (regionId) => {
    for (const prefix of ["WK", "WT", "WR", "WS", "EV"]) {
      const sid = regionalSid(prefix, regionId);
      expect(sid).toMatch(new RegExp(`^${prefix}[0-9a-f]{32}$`)); // Twilio's shape, as before
      expect(regionOfSid(sid)).toBe(regionId);
    }
  });

  it("mints different SIDs each time", () => {
    const sids = new Set(Array.from({ length: 1000 }, () => regionalSid("WT", "eu-ireland")));
    expect(sids.size).toBe(1000);
  });

  it.each([
    ["an all-zero SID", "WT" + "0".repeat(32)],
    ["upper-case hex", regionalSid("WT", "eu-ireland").toUpperCase()],
    ["a short string", "WT1234"],
    ["an empty string", ""],
    [
      "one digit changed",
      (() => {
        const sid = regionalSid("WT", "eu-ireland");
        return sid.slice(0, 10) + (sid[10] === "a" ? "b" : "a") + sid.slice(11);
      })(),
    ],
  ])("answers null for %s", (_case, sid) => {
    expect(regionOfSid(sid)).toBeNull();
  });

  it("answers null for a region the deployment no longer has", () => {
    const sid = regionalSid("WK", "mars-base");
    expect(regionOfSid(sid)).toBeNull();
    expect(regionOfSid(sid, [...regions.regions, { ...regions.regions[0]!, id: "mars-base" }])).toBe("mars-base");
  });

  it("reads 200,000 random SIDs of the old kind as no region", () => {
    const random = seededRandom(13);
    let regional = 0;
    for (let i = 0; i < 200_000; i++) {
      let hex = "";
      for (let j = 0; j < 4; j++)
        hex += Math.floor(random() * 0x100000000)
          .toString(16)
          .padStart(8, "0");
      const sid = "WT" + hex;
      if (regionOfSid(sid) !== null) regional++;
    }
    // Expected 200,000 × 8/4096 × 1/2^20 ≈ 0.0004 for the eight shipped regions.
    expect(regional).toBe(0);
    // And crypto-random SIDs, as newSid mints them.
    expect(Array.from({ length: 20_000 }, () => regionOfSid(newSid("WK"))).filter((r) => r !== null)).toEqual([]);
  });
});

describe("keyedRegionalSid", () => {
  const key = "0123456789abcdef01234567";

  it("makes the same SID of the same key in a region, naming that region, and another in another region", () => {
    const [first, second] = regions.regions;
    const sid = keyedRegionalSid("EV", first!.id, key);
    expect(sid).toMatch(/^EV0123456789abcdef01234567[0-9a-f]{8}$/);
    expect(keyedRegionalSid("EV", first!.id, key)).toBe(sid);
    expect(regionOfSid(sid)).toBe(first!.id);
    if (second) expect(keyedRegionalSid("EV", second.id, key)).not.toBe(sid);
  });

  it("names no region without one, and refuses a key that is not 24 hex digits", () => {
    expect(keyedRegionalSid("EV", "", key)).toBe(`EV${key}00000000`);
    expect(regionOfSid(keyedRegionalSid("EV", "", key))).toBeNull();
    expect(() => keyedRegionalSid("EV", "", "xyz")).toThrow("24 hex");
  });
});

describe("homeRegionOf and regionOfItem", () => {
  const oldWorkspace = newSid("WS");
  const irishWorkspace = regionalSid("WS", "eu-ireland");

  it("reads a workspace's home region from its SID, the default for a workspace from before", () => {
    expect(homeRegionOf(irishWorkspace)).toBe("eu-ireland");
    expect(homeRegionOf(oldWorkspace)).toBe(regions.defaultRegion);
  });

  it.each([
    ["a task of Sydney in an Irish workspace", irishWorkspace, regionalSid("WT", "ap-sydney"), "ap-sydney"],
    ["an older task in an Irish workspace", irishWorkspace, "WT" + "0".repeat(32), "eu-ireland"],
    ["an older task in an older workspace", oldWorkspace, "WT" + "0".repeat(32), regions.defaultRegion],
  ])("places %s", (_case, workspaceSid, sid, expected) => {
    expect(regionOfItem(workspaceSid, sid)).toBe(expected);
  });
});
