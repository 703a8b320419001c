// nearestRegion: the region nearest a request, from what Cloudflare's `request.cf` says of where it came
// from, among the shipped regions.json. Coordinates are the cities' own (as Cloudflare gives them: strings).
import { describe, expect, it } from "vitest";
import { greatCircleKm, nearestRegion, regions } from "../../../platform/regions";

const at = (latitude: number, longitude: number, more: Record<string, string> = {}) => ({
  latitude: String(latitude),
  longitude: String(longitude),
  ...more,
});

describe("nearestRegion from a request's coordinates", () => {
  it.each([
    // city, cf, nearest region (the great-circle distances in the comment are worked out by hand)
    ["Sydney", at(-33.8688, 151.2093, { continent: "OC", country: "AU" }), "ap-sydney"], // 0 km
    ["Melbourne", at(-37.8136, 144.9631, { continent: "OC", country: "AU" }), "ap-sydney"], // 713 km; Singapore 6,060
    ["Auckland", at(-36.8485, 174.7633, { continent: "OC", country: "NZ" }), "ap-sydney"], // 2,160 km
    ["Dublin", at(53.3498, -6.2603, { continent: "EU", country: "IE" }), "eu-ireland"], // 0 km
    ["London", at(51.5074, -0.1278, { continent: "EU", country: "GB" }), "eu-ireland"], // 463 km; Frankfurt (640 km) is for the EU jurisdiction only
    ["São Paulo", at(-23.5505, -46.6333, { continent: "SA", country: "BR" }), "sa-sao-paulo"], // 0 km
    ["Buenos Aires", at(-34.6037, -58.3816, { continent: "SA", country: "AR" }), "sa-sao-paulo"], // 1,680 km
    ["New York", at(40.7128, -74.006, { continent: "NA", country: "US" }), "us-east"], // 350 km
    ["San Francisco", at(37.7749, -122.4194, { continent: "NA", country: "US" }), "us-west"], // 861 km; Ashburn 3,880
    ["Honolulu", at(21.3069, -157.8583, { continent: "NA", country: "US" }), "us-west"], // 4,180 km; Tokyo 6,210
    ["Seoul", at(37.5665, 126.978, { continent: "AS", country: "KR" }), "ap-tokyo"], // 1,150 km
    ["Mumbai", at(19.076, 72.8777, { continent: "AS", country: "IN" }), "ap-singapore"], // 3,900 km
  ])("%s → %s", (_city, cf, region) => {
    expect(nearestRegion(cf)?.id).toBe(region);
  });

  it("finds each region from its own coordinates (Frankfurt for a workspace pinned to the EU)", () => {
    for (const region of regions.regions) {
      const cf = at(region.latitude, region.longitude);
      expect(nearestRegion(cf, { jurisdiction: region.jurisdiction })?.id).toBe(region.id);
    }
  });
});

describe("a region with a jurisdiction", () => {
  const berlin = at(52.52, 13.405, { continent: "EU", country: "DE" });

  it("is never chosen by nearness for a workspace that is not pinned to it: Berlin, 424 km from Frankfurt, is routed in Ireland (1,317 km)", () => {
    expect(nearestRegion(berlin)?.id).toBe("eu-ireland");
  });

  it("is the only choice for a workspace pinned to it, wherever the request comes from", () => {
    expect(nearestRegion(berlin, { jurisdiction: "eu" })?.id).toBe("eu-frankfurt");
    expect(nearestRegion(at(-33.8688, 151.2093), { jurisdiction: "eu" })?.id).toBe("eu-frankfurt");
  });

  it("answers null for a jurisdiction no region is in: the caller keeps the workspace's own region", () => {
    expect(nearestRegion(berlin, { jurisdiction: "fedramp" })).toBeNull();
  });
});

describe("nearestRegion among a workspace's regions", () => {
  it("chooses only among the regions given", () => {
    const sydney = at(-33.8688, 151.2093);
    expect(nearestRegion(sydney, { within: ["us-east", "us-west", "eu-ireland"] })?.id).toBe("us-west");
    expect(nearestRegion(sydney, { within: ["eu-ireland", "eu-frankfurt"], jurisdiction: "eu" })?.id).toBe("eu-frankfurt");
  });

  it("answers null when none of them can be chosen", () => {
    expect(nearestRegion(at(53.3498, -6.2603), { within: ["eu-frankfurt"] })).toBeNull();
    expect(nearestRegion(at(53.3498, -6.2603), { within: [] })).toBeNull();
  });
});

describe("nearestRegion without coordinates", () => {
  it.each([
    ["Oceania", { continent: "OC" }, "ap-sydney"],
    ["South America", { continent: "SA" }, "sa-sao-paulo"],
    ["North America", { continent: "NA" }, "us-east"],
    ["Europe", { continent: "EU" }, "eu-ireland"],
    ["Africa", { continent: "AF" }, "eu-ireland"],
    ["Asia", { continent: "AS" }, "ap-singapore"],
    // The country, when Cloudflare gives one, says more than the continent.
    ["Japan", { continent: "AS", country: "JP" }, "ap-tokyo"],
    ["Korea, without a continent", { country: "KR" }, "ap-tokyo"],
    ["Mexico", { continent: "NA", country: "MX" }, "us-east"],
    ["a country of no known place, on a known continent", { continent: "OC", country: "FJ" }, "ap-sydney"],
    ["coordinates that are no numbers", { latitude: "", longitude: "abc", continent: "SA" }, "sa-sao-paulo"],
    ["a latitude without a longitude", { latitude: "-33.8688", continent: "EU" }, "eu-ireland"],
    ["coordinates past the pole", { latitude: "91", longitude: "10", continent: "OC" }, "ap-sydney"],
  ])("%s → %s", (_case, cf, region) => {
    expect(nearestRegion(cf)?.id).toBe(region);
  });

  it.each([
    ["an empty cf (local `wrangler dev`)", {}],
    ["no cf at all", undefined],
    ["Tor (country T1), no continent", { country: "T1" }],
    ["an unknown continent", { continent: "XX" }],
    ["Antarctica", { continent: "AN" }],
  ])("answers null for %s: the caller uses the workspace's default", (_case, cf) => {
    expect(nearestRegion(cf)).toBeNull();
  });
});

describe("greatCircleKm", () => {
  it.each([
    // Published city-to-city distances, which the sphere must match within 2 %.
    ["Dublin → Frankfurt", { latitude: 53.3498, longitude: -6.2603 }, { latitude: 50.1109, longitude: 8.6821 }, 1090],
    ["Sydney → Singapore", { latitude: -33.8688, longitude: 151.2093 }, { latitude: 1.3521, longitude: 103.8198 }, 6300],
    ["Ashburn → São Paulo", { latitude: 39.0438, longitude: -77.4874 }, { latitude: -23.5505, longitude: -46.6333 }, 7600],
  ])("%s ≈ %i km", (_case, a, b, km) => {
    expect(Math.abs(greatCircleKm(a, b) - km)).toBeLessThan(km * 0.02);
    expect(greatCircleKm(b, a)).toBeCloseTo(greatCircleKm(a, b), 6);
  });

  it("is 0 from a place to itself and half the Earth's circumference to its antipode", () => {
    expect(greatCircleKm({ latitude: 10, longitude: 20 }, { latitude: 10, longitude: 20 })).toBe(0);
    expect(greatCircleKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 })).toBeCloseTo(Math.PI * 6371.0088, 3);
  });
});
