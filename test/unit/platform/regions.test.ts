// regions.json as shipped, and loadRegions' report for each kind of mistake an operator can make.
import { describe, expect, it } from "vitest";
import shipped from "../../../regions.json";
import { loadRegions, RegionsConfigError } from "../../../platform/regions";

const region = (overrides: Record<string, unknown> = {}) => ({
  id: "us-east",
  name: "US East (Ashburn)",
  locationHint: "enam",
  latitude: 39.0438,
  longitude: -77.4874,
  partner: "us-east",
  livekitUrl: "wss://switchboard-us-east.livekit.cloud",
  ...overrides,
});

/**
 * A valid file of three regions with `regions[1]` replaced by `second`. us-east and ap-sydney fail over to
 * each other, so `second` (whose partner is us-east unless it says otherwise) is the only thing in question.
 */
const withSecond = (second: unknown) => ({
  defaultRegion: "us-east",
  regions: [
    region({ partner: "ap-sydney" }),
    second,
    region({ id: "ap-sydney", name: "Sydney", locationHint: "oc", latitude: -33.8688, longitude: 151.2093 }),
  ],
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

  it("gives each region a partner nearby to fail over to", () => {
    const partners = Object.fromEntries(regions.regions.map((r) => [r.id, r.partner]));
    expect(partners).toEqual({
      "us-east": "us-west",
      "us-west": "us-east",
      "eu-ireland": "eu-frankfurt",
      "eu-frankfurt": "eu-ireland",
      "ap-singapore": "ap-tokyo",
      "ap-tokyo": "ap-singapore",
      "ap-sydney": "ap-singapore",
      "sa-sao-paulo": "us-east",
    });
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
    ["a duplicate id", withSecond(region({ partner: "ap-sydney" })), 'regions[1].id: duplicate id "us-east" (also regions[0])'],
    [
      // "region-5884" and "us-east" share the 12-bit code 6a9 (found by search), so SIDs could not tell them apart.
      "two regions of one SID code",
      withSecond(region({ id: "region-5884" })),
      'regions[1].id: "region-5884" has the same SID code 6a9 as "us-east"; rename one of them',
    ],
    [
      "a default region that does not exist",
      { defaultRegion: "mars", regions: [region({ partner: undefined })] },
      'defaultRegion: "mars" is not one of the region ids (us-east)',
    ],
    [
      "a region without a partner when there are others to fail over to",
      withSecond(region({ id: "us-west", partner: undefined })),
      "regions[1].partner: required when there is more than one region (the id of the region to fail over to)",
    ],
    [
      "a partner that is not a region",
      withSecond(region({ id: "us-west", partner: "us-central" })),
      'regions[1].partner: "us-central" is not one of the region ids (us-east, us-west, ap-sydney)',
    ],
    [
      "a region that is its own partner",
      withSecond(region({ id: "us-west", partner: "us-west" })),
      'regions[1].partner: "us-west" is this region; name another region to fail over to',
    ],
    [
      "a partner that is not a string",
      withSecond(region({ id: "us-west", partner: 2 })),
      "regions[1].partner: expected a region id (got number 2)",
    ],
    ["a missing latitude", withSecond(region({ id: "us-west", latitude: undefined })), "regions[1].latitude: required"],
    [
      "a latitude written as a string",
      withSecond(region({ id: "us-west", latitude: "45.5152" })),
      'regions[1].latitude: expected decimal degrees from -90 to 90 (got "45.5152")',
    ],
    [
      "a latitude out of range",
      withSecond(region({ id: "us-west", latitude: 122.6784 })),
      "regions[1].latitude: expected decimal degrees from -90 to 90 (got number 122.6784)",
    ],
    [
      "a longitude out of range",
      withSecond(region({ id: "us-west", longitude: -238.5 })),
      "regions[1].longitude: expected decimal degrees from -180 to 180 (got number -238.5)",
    ],
    ["a missing longitude", withSecond(region({ id: "us-west", longitude: undefined })), "regions[1].longitude: required"],
  ])("%s", (_case, raw, problem) => {
    expect(problemsOf(raw)).toEqual([problem]);
  });

  it("reports every problem at once, each with its path, in the error message", () => {
    const raw = {
      defaultRegion: "mars",
      regions: [
        region({ locationHint: "europe", partner: "us-west" }),
        region({ livekitUrl: "http://x", latitude: -91, partner: "eu-west" }),
      ],
    };
    // regions[0] has a bad hint and a partner that does not exist; regions[1] a bad URL, a latitude past
    // the pole, the same id and a partner that does not exist; and the default does not exist.
    const expected = [
      'regions[0].locationHint: expected one of wnam, enam, sam, weur, eeur, apac, oc, afr, me (got "europe")',
      "regions[1].latitude: expected decimal degrees from -90 to 90 (got number -91)",
      'regions[1].livekitUrl: expected a ws:// or wss:// URL (got "http://x")',
      'regions[1].id: duplicate id "us-east" (also regions[0])',
      'defaultRegion: "mars" is not one of the region ids (us-east)',
      'regions[0].partner: "us-west" is not one of the region ids (us-east)',
      'regions[1].partner: "eu-west" is not one of the region ids (us-east)',
    ];
    expect(problemsOf(raw)).toEqual(expected);
    expect(() => loadRegions(raw)).toThrow(`regions.json is invalid:\n${expected.map((line) => `  - ${line}`).join("\n")}`);
  });

  it("lets a deployment of one region name no partner: there is nowhere to fail over to", () => {
    const sole = loadRegions({ defaultRegion: "us-east", regions: [region({ partner: undefined })] });
    expect(sole.regions[0]?.partner).toBeUndefined();
  });
});
