// A workspace's jurisdiction, read from its SID alone: pinned SIDs decode to their jurisdiction, random
// SIDs (every SID minted before pinning existed) decode to none, and the regions a pinned workspace may use.
import { describe, expect, it } from "vitest";
import { newSid } from "../../../contract/ids";
import {
  homeRegionOf,
  jurisdictionOf,
  jurisdictionRefusal,
  newSidBeside,
  newSidIn,
  offeredJurisdictions,
  regionAllowed,
} from "../../../platform/jurisdictions";
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
  it.each(["eu", "fedramp"] as const)("a SID minted in %s reads back as %s, keeps Twilio's shape and stays unique", (jurisdiction) => {
    const sids = Array.from({ length: 1_000 }, () => newSidIn("WS", jurisdiction));
    for (const sid of sids) {
      expect(sid).toMatch(/^WS[0-9a-f]{32}$/);
      expect(jurisdictionOf(sid)).toBe(jurisdiction);
    }
    expect(new Set(sids).size).toBe(sids.length);
  });

  it("a conversation minted beside a pinned workspace carries the workspace's jurisdiction; beside an unpinned one, none", () => {
    const pinned = newSidIn("WS", "eu");
    expect(jurisdictionOf(newSidBeside("CH", pinned))).toBe("eu");
    expect(newSidBeside("CH", pinned)).toMatch(/^CH[0-9a-f]{32}$/);
    expect(jurisdictionOf(newSidBeside("CH", newSid("WS")))).toBeNull();
  });

  it("the prefix is not part of the mark: the same hex under another prefix names the same jurisdiction", () => {
    const sid = newSidIn("CH", "fedramp");
    expect(jurisdictionOf(`KD${sid.slice(2)}`)).toBe("fedramp");
  });

  it("200 000 random SIDs (as every SID minted before pinning) read as none", () => {
    // A random SID passes the check with probability 2 in 2^32 (one value of the last 8 hex digits per
    // jurisdiction): about 0.0001 false marks expected in this sample, so one is a broken check.
    let marked = 0;
    for (let i = 0; i < 200_000; i++) if (jurisdictionOf(newSid("WS")) !== null) marked++;
    expect(marked).toBe(0);
  });

  it("an unpinned mint never looks pinned, and one changed digit breaks the mark", () => {
    for (let i = 0; i < 10_000; i++) expect(jurisdictionOf(newSidIn("CH", null))).toBeNull();
    const sid = newSidIn("WS", "eu");
    for (const at of [2, 20, 33]) {
      const flipped = sid.slice(0, at) + (sid[at] === "0" ? "1" : "0") + sid.slice(at + 1);
      expect(jurisdictionOf(flipped)).toBeNull();
    }
  });

  it.each(["", "WS", "WS" + "g".repeat(32), "WS" + "A".repeat(32), "WS" + "0".repeat(31), 42, null])("%j is no SID: none", (value) => {
    expect(jurisdictionOf(value as string)).toBeNull();
  });
});

describe("where a workspace's routers may live", () => {
  const eu = newSidIn("WS", "eu");
  const fedramp = newSidIn("WS", "fedramp");
  const unpinned = newSid("WS");

  it.each([
    // [workspace, home region]: the first region of the jurisdiction in regions.json's order; else the default
    [eu, "eu-frankfurt"],
    [fedramp, "us-gov"],
    [unpinned, "us-east"],
  ])("%s is at home in %s", (sid, region) => {
    expect(homeRegionOf(sid, deployment)).toBe(region);
  });

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

  it("a pinned workspace whose jurisdiction the deployment no longer offers has no home (never a region outside it)", () => {
    expect(() => homeRegionOf(fedramp, euOnly)).toThrow(/pinned to "fedramp", but no region in regions.json is in it/);
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
