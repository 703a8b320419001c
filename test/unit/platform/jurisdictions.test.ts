// A workspace's jurisdiction, read from its SID alone: a SID names its region (platform/region-sids.ts),
// and the region's jurisdiction is the SID's; random SIDs (every SID minted before regions) read as none;
// the regions a pinned workspace may use, and the home a new one gets.
import { describe, expect, it } from "vitest";
import { newSid } from "../../../contract/ids";
import {
  homeForNew,
  jurisdictionOf,
  jurisdictionRefusal,
  newSidBeside,
  offeredJurisdictions,
  regionAllowed,
} from "../../../platform/jurisdictions";
import { regionalSid } from "../../../platform/region-sids";
import { loadRegions } from "../../../platform/regions";

/** A region of a made-up regions.json: what the tests read, and the rest any valid value. */
const region = (id: string, partner: string, jurisdiction?: "eu" | "fedramp") => ({
  id,
  name: id,
  locationHint: "weur",
  ...(jurisdiction ? { jurisdiction } : {}),
  partner,
  latitude: 50,
  longitude: 8,
  livekitUrl: "wss://example.livekit.cloud",
});
/** Two EU regions (not first in the list), one FedRAMP, two unrestricted; the default is unrestricted. */
const deployment = loadRegions({
  defaultRegion: "us-east",
  regions: [
    region("us-east", "eu-ireland"),
    region("eu-ireland", "us-east"),
    region("eu-frankfurt", "eu-paris", "eu"),
    region("eu-paris", "eu-frankfurt", "eu"),
    region("us-gov", "us-east", "fedramp"),
  ],
});
const euOnly = loadRegions({
  defaultRegion: "us-east",
  regions: [region("us-east", "eu-frankfurt"), region("eu-frankfurt", "us-east", "eu")],
});

describe("the jurisdiction in a SID", () => {
  it.each([
    ["eu-frankfurt", "eu"],
    ["eu-paris", "eu"],
    ["us-gov", "fedramp"],
    ["eu-ireland", null], // in Europe, not in the EU jurisdiction
    ["us-east", null],
  ] as const)("a SID minted in %s reads back as %s, keeps Twilio's shape and stays unique", (region, jurisdiction) => {
    const sids = Array.from({ length: 1_000 }, () => regionalSid("WS", region));
    for (const sid of sids) {
      expect(sid).toMatch(/^WS[0-9a-f]{32}$/);
      expect(jurisdictionOf(sid, deployment)).toBe(jurisdiction);
    }
    expect(new Set(sids).size).toBe(sids.length);
  });

  it("a conversation minted beside a pinned workspace carries the workspace's jurisdiction; beside an unpinned one, none", () => {
    const pinned = regionalSid("WS", "eu-frankfurt"); // the shipped regions.json's EU region
    expect(jurisdictionOf(newSidBeside("CH", pinned))).toBe("eu");
    expect(newSidBeside("CH", pinned)).toMatch(/^CH[0-9a-f]{32}$/);
    expect(jurisdictionOf(newSidBeside("CH", newSid("WS")))).toBeNull();
    expect(jurisdictionOf(newSidBeside("CH", regionalSid("WS", "eu-ireland")))).toBeNull();
  });

  it("200 000 random SIDs (as every SID minted before regions) read as none", () => {
    let marked = 0;
    for (let i = 0; i < 200_000; i++) if (jurisdictionOf(newSid("WS"), deployment) !== null) marked++;
    expect(marked).toBe(0);
  });

  it("one changed digit breaks the mark", () => {
    const sid = regionalSid("WS", "eu-frankfurt");
    for (const at of [2, 20, 33]) {
      const flipped = sid.slice(0, at) + (sid[at] === "0" ? "1" : "0") + sid.slice(at + 1);
      expect(jurisdictionOf(flipped, deployment)).toBeNull();
    }
  });

  it.each(["", "WS", "WS" + "g".repeat(32), "WS" + "A".repeat(32), "WS" + "0".repeat(31), 42, null])("%j is no SID: none", (value) => {
    expect(jurisdictionOf(value as string, deployment)).toBeNull();
  });
});

describe("where a workspace's routers may live", () => {
  const eu = regionalSid("WS", "eu-frankfurt");
  const fedramp = regionalSid("WS", "us-gov");
  const unpinned = newSid("WS");

  it.each([
    [eu, "eu-frankfurt", true],
    [eu, "eu-paris", true],
    [eu, "eu-ireland", false], // in Europe, but not inside the EU jurisdiction
    [eu, "us-east", false],
    [eu, "us-gov", false],
    [fedramp, "us-gov", true],
    [fedramp, "eu-frankfurt", false],
    [unpinned, "us-east", true],
    [unpinned, "eu-frankfurt", true], // an unpinned workspace may use any region, as before
    [unpinned, "mars", false],
    [eu, "mars", false],
  ])("%s in %s: %s", (sid, region, allowed) => {
    expect(regionAllowed(sid, region, deployment)).toBe(allowed);
  });
});

describe("the home of a new workspace", () => {
  it.each([
    // [Jurisdiction, Region, home]: the Region named; else the first of the jurisdiction in regions.json's order; else the default
    [undefined, undefined, "us-east"],
    [undefined, "eu-ireland", "eu-ireland"],
    ["eu", undefined, "eu-frankfurt"],
    ["eu", "eu-paris", "eu-paris"],
    ["fedramp", undefined, "us-gov"],
    ["eu", "eu-ireland", null], // outside the jurisdiction asked for: refused
    ["eu", "us-gov", null],
  ] as const)("Jurisdiction %s, Region %s: %s", (jurisdiction, region, home) => {
    expect(homeForNew(jurisdiction, region, deployment)).toBe(home);
  });

  it("a jurisdiction the deployment does not offer has no home (never a region outside it)", () => {
    expect(homeForNew("fedramp", undefined, euOnly)).toBeNull();
  });
});

describe("pinning a new workspace", () => {
  it("offers the jurisdictions regions.json names, once each, in its order", () => {
    expect(offeredJurisdictions(deployment)).toEqual(["eu", "fedramp"]);
    expect(offeredJurisdictions(euOnly)).toEqual(["eu"]);
  });

  it("refuses a jurisdiction no region has, naming it and what the deployment offers", () => {
    expect(jurisdictionRefusal("eu", euOnly)).toBeNull();
    expect(jurisdictionRefusal("fedramp", euOnly)).toBe(
      'no region of this deployment is in the "fedramp" jurisdiction (regions.json offers: eu)',
    );
    const { partner: _, ...alone } = region("a", "");
    const none = loadRegions({ defaultRegion: "a", regions: [alone] });
    expect(jurisdictionRefusal("eu", none)).toBe('no region of this deployment is in the "eu" jurisdiction (regions.json offers: none)');
  });
});
