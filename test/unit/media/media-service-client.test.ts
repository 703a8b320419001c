import { describe, expect, it } from "vitest";
import type { LiveKitServer } from "../../../platform/livekit";
import { logMediaOffOnce, mediaServiceOf } from "../../../platform/media-service";

const server: LiveKitServer = { regionId: "us-east", url: "wss://lk.example", apiKey: "k", apiSecret: "s" };
const room = `CH${"a".repeat(32)}`;
const settings = { MEDIA_SERVICE_URL: "http://127.0.0.1:7890/", MEDIA_SERVICE_SECRET: "the-shared-secret" };

/** A fetch that records each request and answers `status` with `body`. */
function recorder(status: number, body: unknown) {
  const sent: { url: string; method: string; auth: string | null; type: string | null; body: unknown }[] = [];
  const get = (async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    sent.push({
      url,
      method: init.method ?? "GET",
      auth: headers.get("authorization"),
      type: headers.get("content-type"),
      body: init.body ? JSON.parse(String(init.body)) : null,
    });
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { sent, get };
}

describe("the media service's client", () => {
  it("sends hold, stop and announce as the service reads them, with the secret as a Bearer token", async () => {
    const { sent, get } = recorder(201, { started: true, room });
    const media = mediaServiceOf(settings, get);
    expect(await media.startHold(server, room, { audioUrl: "https://team.example/hold.wav" })).toEqual({ ok: true, changed: true });
    await media.startHold(server, room);
    await media.announce(server, room);
    await media.stopHold(server, room);
    expect(sent).toEqual([
      {
        url: `http://127.0.0.1:7890/rooms/${room}/hold`,
        method: "POST",
        auth: "Bearer the-shared-secret",
        type: "application/json",
        body: { livekitUrl: "wss://lk.example", audioUrl: "https://team.example/hold.wav" },
      },
      {
        url: `http://127.0.0.1:7890/rooms/${room}/hold`,
        method: "POST",
        auth: "Bearer the-shared-secret",
        type: "application/json",
        body: { livekitUrl: "wss://lk.example" },
      },
      {
        url: `http://127.0.0.1:7890/rooms/${room}/announce`,
        method: "POST",
        auth: "Bearer the-shared-secret",
        type: "application/json",
        body: { livekitUrl: "wss://lk.example" },
      },
      { url: `http://127.0.0.1:7890/rooms/${room}/hold`, method: "DELETE", auth: "Bearer the-shared-secret", type: null, body: null },
    ]);
  });

  it("says when a player was already there, or none to stop", async () => {
    expect(await mediaServiceOf(settings, recorder(200, { started: false }).get).startHold(server, room)).toEqual({
      ok: true,
      changed: false,
    });
    expect(await mediaServiceOf(settings, recorder(200, { stopped: false }).get).stopHold(server, room)).toEqual({
      ok: true,
      changed: false,
    });
  });

  it("not configured: every call answers that hold music is off, and nothing is sent", async () => {
    const { sent, get } = recorder(201, {});
    const result = await mediaServiceOf({}, get).startHold(server, room);
    expect(result).toMatchObject({ ok: false, off: true });
    expect(!result.ok && result.reason).toMatch(/MEDIA_SERVICE_URL is not set/);
    expect(sent).toEqual([]);
  });

  it("refused or unreachable: a result naming why, never a throw", async () => {
    const refused = await mediaServiceOf(settings, recorder(422, { error: "audioUrl: not a WAV file" }).get).startHold(server, room);
    expect(refused).toEqual({ ok: false, off: false, status: 422, reason: "The media service refused hold: audioUrl: not a WAV file" });
    const down = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const unreachable = await mediaServiceOf(settings, down).stopHold(server, room);
    expect(unreachable).toEqual({
      ok: false,
      off: false,
      status: null,
      reason: "The media service at http://127.0.0.1:7890 could not be reached: fetch failed",
    });
  });

  it("logs that it is off once per isolate", () => {
    const lines: string[] = [];
    logMediaOffOnce("off", (l) => lines.push(l));
    logMediaOffOnce("off", (l) => lines.push(l));
    expect(lines).toEqual(["off"]);
  });
});
