// regions.json as shipped, and loadRegions' report for each kind of mistake an operator can make.
import { describe, expect, it } from "vitest";
import shipped from "../../../regions.json";
import { loadRegions, RegionsConfigError } from "../../../platform/regions";

const region = (overrides: Record<string, unknown> = {}) => ({
  id: "us-east",
  name: "US East (Ashburn)",
  locationHint: "enam",
  livekitUrl: "wss://switchboard-us-east.livekit.cloud",
  ...overrides,
});

/** A valid two-region file with `regions[1]` replaced by `second`. */
const withSecond = (second: unknown) => ({
  defaultRegion: "us-east",
  regions: [region(), second],
});

function problemsOf(raw: unknown): readonly string[] {
  try {
    loadRegions(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(RegionsConfigError);
    return (error as RegionsConfigError).problems;
  }
  throw new Error("expected loadRegions to throw");
}

describe("the shipped regions.json", () => {
  const regions = loadRegions(shipped);

  it("is valid and covers the eight media-edge regions", () => {
    expect(regions.regions.map((r) => r.id)).toEqual([
      "us-east",
      "us-west",
      "eu-ireland",
      "eu-frankfurt",
      "ap-singapore",
      "ap-tokyo",
      "ap-sydney",
      "sa-sao-paulo",
    ]);
    expect(regions.defaultRegion).toBe("us-east");
  });

  it("places each region with the location hint of its continent", () => {
    const hints = Object.fromEntries(regions.regions.map((r) => [r.id, r.locationHint]));
    expect(hints).toEqual({
      "us-east": "enam",
      "us-west": "wnam",
      "eu-ireland": "weur",
      "eu-frankfurt": "weur",
      "ap-singapore": "apac",
      "ap-tokyo": "apac",
      "ap-sydney": "oc",
      "sa-sao-paulo": "sam",
    });
  });

  it("keeps Frankfurt in the EU jurisdiction", () => {
    expect(regions.regions.find((r) => r.id === "eu-frankfurt")?.jurisdiction).toBe("eu");
  });
});

describe("loadRegions rejects", () => {
  it.each<[string, unknown, string]>([
    ["a file that is not an object", [], "(root): expected an object (got an array)"],
    ["a missing regions list", { defaultRegion: "us-east" }, "regions: required"],
    ["an empty regions list", { defaultRegion: "us-east", regions: [] }, "regions: expected at least one region"],
    ["a regions list that is not an array", { defaultRegion: "us-east", regions: {} }, "regions: expected an array (got an object)"],
    ["an unknown top-level field", { ...withSecond(region({ id: "us-west" })), default: "x" }, '(root): unknown field "default"'],
    ["a region that is not an object", withSecond("us-west"), 'regions[1]: expected an object (got "us-west")'],
    ["a missing id", withSecond(region({ id: undefined })), "regions[1].id: required"],
    [
      "an id that is not kebab-case",
      withSecond(region({ id: "US_West" })),
      'regions[1].id: expected a kebab-case id like "us-east" (got "US_West")',
    ],
    ["an over-long id", withSecond(region({ id: "a".repeat(33) })), "regions[1].id: expected at most 32 characters"],
    [
      "a name that is not a string",
      withSecond(region({ id: "us-west", name: 7 })),
      "regions[1].name: expected a display name (got number 7)",
    ],
    ["a blank name", withSecond(region({ id: "us-west", name: "  " })), "regions[1].name: expected a non-empty display name"],
    [
      "an unknown location hint",
      withSecond(region({ id: "eu", locationHint: "europe" })),
      'regions[1].locationHint: expected one of wnam, enam, sam, weur, eeur, apac, oc, afr, me (got "europe")',
    ],
    ["a missing location hint", withSecond(region({ id: "eu", locationHint: undefined })), "regions[1].locationHint: required"],
    [
      "an unknown jurisdiction",
      withSecond(region({ id: "us-west", jurisdiction: "us" })),
      'regions[1].jurisdiction: expected one of eu, fedramp (got "us")',
    ],
    [
      "an https LiveKit URL",
      withSecond(region({ id: "us-west", livekitUrl: "https://lk.example.com" })),
      'regions[1].livekitUrl: expected a ws:// or wss:// URL (got "https://lk.example.com")',
    ],
    [
      "a LiveKit URL that is not a URL",
      withSecond(region({ id: "us-west", livekitUrl: "lk.example.com" })),
      'regions[1].livekitUrl: expected a ws:// or wss:// URL (got "lk.example.com")',
    ],
    ["a misspelt field", withSecond(region({ id: "us-west", locationhint: "wnam" })), 'regions[1]: unknown field "locationhint"'],
    ["a duplicate id", withSecond(region()), 'regions[1].id: duplicate id "us-east" (also regions[0])'],
    [
      // "region-5884" and "us-east" share the 12-bit code 6a9 (found by search), so SIDs could not tell them apart.
      "two regions of one SID code",
      withSecond(region({ id: "region-5884" })),
      'regions[1].id: "region-5884" has the same SID code 6a9 as "us-east"; rename one of them',
    ],
    [
      "a default region that does not exist",
      { defaultRegion: "mars", regions: [region()] },
      'defaultRegion: "mars" is not one of the region ids (us-east)',
    ],
  ])("%s", (_case, raw, problem) => {
    expect(problemsOf(raw)).toEqual([problem]);
  });

  it("reports every problem at once, each with its path, in the error message", () => {
    const raw = {
      defaultRegion: "mars",
      regions: [region({ locationHint: "europe" }), region({ livekitUrl: "http://x" })],
    };
    // regions[0] has a bad hint, regions[1] a bad URL and the same id, and the default does not exist.
    const expected = [
      'regions[0].locationHint: expected one of wnam, enam, sam, weur, eeur, apac, oc, afr, me (got "europe")',
      'regions[1].livekitUrl: expected a ws:// or wss:// URL (got "http://x")',
      'regions[1].id: duplicate id "us-east" (also regions[0])',
      'defaultRegion: "mars" is not one of the region ids (us-east)',
    ];
    expect(problemsOf(raw)).toEqual(expected);
    expect(() => loadRegions(raw)).toThrow(`regions.json is invalid:\n${expected.map((line) => `  - ${line}`).join("\n")}`);
  });
});
