// platform/livekit.ts: which LiveKit server a region uses and with which credentials — regions.json's
// URL unless LIVEKIT_URL overrides it, the shared key and secret unless the region has its own — and the
// reason calls are off when a region has none, which the routes answer as a 503.
import { describe, expect, it } from "vitest";
import { livekitOf, regionSecretSuffix, roomServiceOf } from "../../../platform/livekit";
import { RoomServiceClient } from "livekit-server-sdk";

const SHARED = { LIVEKIT_API_KEY: "APIshared", LIVEKIT_API_SECRET: "shared-secret" };

describe("a region's LiveKit server", () => {
  it("is the region's livekitUrl from regions.json, with the shared key and secret", () => {
    expect(livekitOf(SHARED, "eu-ireland")).toEqual({
      ok: true,
      server: {
        regionId: "eu-ireland",
        url: "wss://switchboard-eu-ireland.livekit.cloud",
        apiKey: "APIshared",
        apiSecret: "shared-secret",
      },
    });
  });

  it("is LIVEKIT_URL for every region when it is set (npm start and the tests: one local server)", () => {
    const found = livekitOf({ ...SHARED, LIVEKIT_URL: " ws://127.0.0.1:7880 " }, "ap-tokyo");
    expect(found.ok && found.server.url).toBe("ws://127.0.0.1:7880");
  });

  it("takes a region's own key and secret before the shared ones", () => {
    const settings = { ...SHARED, LIVEKIT_API_KEY_EU_FRANKFURT: "APIfra", LIVEKIT_API_SECRET_EU_FRANKFURT: "fra-secret" };
    const frankfurt = livekitOf(settings, "eu-frankfurt");
    expect(frankfurt.ok && [frankfurt.server.apiKey, frankfurt.server.apiSecret]).toEqual(["APIfra", "fra-secret"]);
    const ireland = livekitOf(settings, "eu-ireland");
    expect(ireland.ok && [ireland.server.apiKey, ireland.server.apiSecret]).toEqual(["APIshared", "shared-secret"]);
    expect(regionSecretSuffix("sa-sao-paulo")).toBe("SA_SAO_PAULO");
  });

  it.each([
    // [settings, region, the reason]
    [{}, "us-east", "Calls are off: LiveKit is not configured for region us-east (set LIVEKIT_API_KEY and LIVEKIT_API_SECRET)"],
    [{ LIVEKIT_API_KEY: "APIk", LIVEKIT_API_SECRET: " " }, "us-east", "(set LIVEKIT_API_KEY and LIVEKIT_API_SECRET)"],
    // A region's key never goes with the shared secret: it would sign tokens its server refuses.
    [{ ...SHARED, LIVEKIT_API_KEY_US_WEST: "APIwest" }, "us-west", "(set LIVEKIT_API_KEY_US_WEST and LIVEKIT_API_SECRET_US_WEST)"],
    [SHARED, "mars-north", 'Calls are off: region "mars-north" is not in regions.json'],
    [
      { ...SHARED, LIVEKIT_URL: "http://127.0.0.1:7880" },
      "us-east",
      'LIVEKIT_URL must be a ws:// or wss:// URL (got "http://127.0.0.1:7880")',
    ],
  ])("is off, saying why, for %j in %s", (settings, region, reason) => {
    const found = livekitOf(settings, region);
    expect(found.ok).toBe(false);
    expect(!found.ok && found.reason).toContain(reason);
  });

  it("gives the SDK's room service on the same host over HTTP", () => {
    const found = livekitOf({ ...SHARED, LIVEKIT_URL: "ws://127.0.0.1:7880" }, "us-east");
    if (!found.ok) throw new Error(found.reason);
    expect(roomServiceOf(found.server)).toBeInstanceOf(RoomServiceClient);
  });
});
