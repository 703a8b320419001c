/**
 * The media service's control API refusing what it must (services/media/server.ts), before any player
 * is asked: the players here record what reached them. Playing itself is test/compat/media-service.test.ts's.
 */
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenMediaService } from "../../../services/media/server";
import type { Players } from "../../../services/media/players";
import { WavError } from "../../../services/media/wav";

const SECRET = "a-secret-of-enough-length";
const ROOM = `CH${"b".repeat(32)}`;
const LIVEKIT = { regionId: "us-east", url: "ws://127.0.0.1:7880", apiKey: "k", apiSecret: "s" };
const asked: string[] = [];
const players = {
  size: 0,
  startHold: async (_server: unknown, room: string, audioUrl: string | null) => {
    asked.push(`hold ${room} ${audioUrl}`);
    if (audioUrl?.endsWith(".mp3")) throw new WavError("not a WAV file (it does not start with RIFF…WAVE)");
    if (room.endsWith("0")) throw new Error("could not connect to LiveKit");
    return { started: true, room };
  },
  stopHold: async (room: string) => (asked.push(`stop ${room}`), false),
  announce: async (_server: unknown, room: string) => void asked.push(`announce ${room}`),
  stopAll: async () => {},
} as unknown as Players;

let base = "";
let service: { server: Server; close: () => Promise<void> };
beforeAll(async () => {
  const running = await listenMediaService({ secret: SECRET, servers: [LIVEKIT], host: "127.0.0.1", port: 0, players });
  base = running.url;
  service = running;
});
afterAll(() => service.close());

const send = async (method: string, path: string, body?: string, secret = SECRET) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}` },
    ...(body === undefined ? {} : { body }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("the media service's control API", () => {
  it("answers /health without the secret, and everything else only with it", async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await send("DELETE", `/rooms/${ROOM}/hold`, undefined, "wrong")).toEqual({
      status: 401,
      body: { error: "a Bearer token with the media service's secret is required" },
    });
    expect((await fetch(`${base}/rooms/${ROOM}/hold`, { method: "DELETE" })).status).toBe(401);
    expect(asked).toEqual([]);
  });

  it("refuses bad input with a 4xx naming it, asking no player", async () => {
    const hold = `/rooms/${ROOM}/hold`;
    const cases: [string, string, string | undefined, number, RegExp][] = [
      ["POST", hold, "{not json", 400, /not JSON/],
      ["POST", hold, JSON.stringify({}), 400, /livekitUrl/],
      ["POST", hold, JSON.stringify({ livekitUrl: LIVEKIT.url, audioUrl: "ftp://x/y.wav" }), 400, /audioUrl/],
      ["POST", hold, JSON.stringify({ livekitUrl: LIVEKIT.url, extra: 1 }), 400, /extra/],
      [
        "POST",
        hold,
        JSON.stringify({ livekitUrl: "wss://elsewhere.example" }),
        400,
        /not a LiveKit server this media service holds keys for/,
      ],
      ["POST", hold, JSON.stringify({ livekitUrl: LIVEKIT.url, audioUrl: `https://x.example/${"a".repeat(70_000)}` }), 413, /larger than/],
      ["POST", "/rooms/not-a-room/hold", JSON.stringify({ livekitUrl: LIVEKIT.url }), 400, /not a conversation SID/],
      ["GET", hold, undefined, 405, /GET is not allowed/],
      ["POST", `/rooms/${ROOM}/dance`, "{}", 404, /no such route/],
    ];
    for (const [method, path, body, status, error] of cases) {
      const res = await send(method, path, body);
      expect(res.status, `${method} ${path} ${body?.slice(0, 60)}`).toBe(status);
      expect(String(res.body.error)).toMatch(error);
    }
    expect(asked).toEqual([]);
  });

  it("passes good requests to the players, a bad WAV as 422 and LiveKit's failure as 502", async () => {
    expect(await send("POST", `/rooms/${ROOM}/hold`, JSON.stringify({ livekitUrl: LIVEKIT.url }))).toEqual({
      status: 201,
      body: { started: true, room: ROOM },
    });
    expect((await send("POST", `/rooms/${ROOM}/announce`, JSON.stringify({ livekitUrl: LIVEKIT.url }))).status).toBe(202);
    expect(await send("DELETE", `/rooms/${ROOM}/hold`)).toEqual({ status: 200, body: { room: ROOM, stopped: false } });
    const bad = await send("POST", `/rooms/${ROOM}/hold`, JSON.stringify({ livekitUrl: LIVEKIT.url, audioUrl: "https://x.example/a.mp3" }));
    expect(bad).toEqual({ status: 422, body: { error: "audioUrl: not a WAV file (it does not start with RIFF…WAVE)" } });
    const down = await send("POST", `/rooms/CH${"0".repeat(32)}/hold`, JSON.stringify({ livekitUrl: LIVEKIT.url }));
    expect(down).toEqual({ status: 502, body: { error: "LiveKit: could not connect to LiveKit" } });
    expect(asked).toEqual([
      `hold ${ROOM} null`,
      `announce ${ROOM}`,
      `stop ${ROOM}`,
      `hold ${ROOM} https://x.example/a.mp3`,
      `hold CH${"0".repeat(32)} null`,
    ]);
  });
});
