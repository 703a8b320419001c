/**
 * The media service (services/media/) against the real LiveKit server the suite runs, through the
 * Worker's client (platform/media-service.ts): hold music is heard in the room — decoded, non-silent
 * frames from `hold:<room>` at a participant who joined with rtc-node — once however often it is asked,
 * until stopped or the room empties; the chime is heard once; a team's WAV plays, a bad one is refused
 * naming why; a wrong secret is refused and starts nothing.
 */
import { createServer } from "node:http";
import { RoomServiceClient } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LiveKitServer } from "../../platform/livekit";
import { mintMediaToken } from "../../platform/livekit-tokens";
import { mediaServiceOf } from "../../platform/media-service";
import { listenLocally } from "../support/listen";
import { eventually } from "../support/eventually";
import { listenIn, type Listener } from "../support/rtc-listener";

const off = inject("mediaOff");

/** A WAV of `seconds` of a 330 Hz tone, 16-bit PCM mono at 22 050 Hz (resampled by the service). */
function toneWav(seconds: number): Buffer {
  const rate = 22_050;
  const samples = Math.round(seconds * rate);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write("RIFF", 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write("WAVEfmt ", 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write("data", 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(9000 * Math.sin((2 * Math.PI * 330 * i) / rate)), 44 + i * 2);
  return wav;
}

describe.skipIf(off !== "")(`the media service on the real LiveKit server${off ? ` — skipped: ${off}` : ""}`, () => {
  const server: LiveKitServer = {
    regionId: "local",
    url: inject("livekitUrl"),
    apiKey: inject("livekitApiKey"),
    apiSecret: inject("livekitApiSecret"),
  };
  const media = mediaServiceOf({ MEDIA_SERVICE_URL: inject("mediaServiceUrl"), MEDIA_SERVICE_SECRET: inject("mediaServiceSecret") });
  const rooms = new RoomServiceClient(server.url, server.apiKey, server.apiSecret);
  const listeners: Listener[] = [];
  const used: string[] = [];
  let site: { origin: string; close: () => void };

  const newRoom = () => {
    const room = `CH${crypto.randomUUID().replace(/-/g, "")}`;
    used.push(room);
    return room;
  };
  const customerIn = async (room: string) => {
    const { url, token } = await mintMediaToken(server, { role: "customer", room, identity: `visitor-${room.slice(-6)}`, name: "Casey" });
    const listener = await listenIn(url, token);
    listeners.push(listener);
    return listener;
  };
  const holdPlayers = async (room: string) =>
    (await rooms.listParticipants(room).catch(() => [])).filter((p) => p.identity === `hold:${room}`);

  beforeAll(async () => {
    const http = createServer((req, res) => {
      if (req.url === "/hold.wav") res.writeHead(200, { "content-type": "audio/wav" }).end(toneWav(2));
      else if (req.url === "/song.mp3")
        res.writeHead(200, { "content-type": "audio/mpeg" }).end(Buffer.from("ID3\u0003\u0000 not a wav at all"));
      else res.writeHead(404).end();
    });
    site = { origin: await listenLocally(http), close: () => http.close() };
  });

  afterAll(async () => {
    for (const listener of listeners) await listener.close().catch(() => {});
    for (const room of used) await rooms.deleteRoom(room).catch(() => {});
    site?.close();
  });

  it("hold music is heard in the room from hold:<room>, one player however often it is started, gone once stopped", async () => {
    const room = newRoom();
    const customer = await customerIn(room);
    expect(await media.startHold(server, room)).toEqual({ ok: true, changed: true });
    const heard = await customer.loudFrames(`hold:${room}`, 50);
    expect(heard.frames).toBeGreaterThanOrEqual(50);

    expect(await media.startHold(server, room)).toEqual({ ok: true, changed: false });
    expect((await holdPlayers(room)).map((p) => p.identity)).toEqual([`hold:${room}`]);
    const hold = (await holdPlayers(room))[0]!;
    expect(hold.permission).toMatchObject({ canSubscribe: false, canPublishData: false });
    expect(hold.attributes).toEqual({ "switchboard.role": "hold" });

    expect(await media.stopHold(server, room)).toEqual({ ok: true, changed: true });
    await customer.gone(`hold:${room}`);
    expect(await holdPlayers(room)).toEqual([]);
    expect(await media.stopHold(server, room)).toEqual({ ok: true, changed: false });
  });

  it("two starts at once make one player", async () => {
    const room = newRoom();
    const customer = await customerIn(room);
    const both = await Promise.all([media.startHold(server, room), media.startHold(server, room)]);
    expect(both.map((r) => r.ok && r.changed).sort()).toEqual([false, true]);
    await customer.loudFrames(`hold:${room}`);
    expect(await holdPlayers(room)).toHaveLength(1);
    await media.stopHold(server, room);
  });

  it("the player leaves by itself when the room empties, and a later start joins afresh", async () => {
    const room = newRoom();
    const first = await customerIn(room);
    await media.startHold(server, room);
    await first.loudFrames(`hold:${room}`);
    await first.close();
    await eventually(async () => ((await holdPlayers(room)).length === 0 ? true : undefined), "the hold player to leave the empty room");

    const second = await customerIn(room);
    expect(await media.startHold(server, room)).toEqual({ ok: true, changed: true });
    await second.loudFrames(`hold:${room}`);
    await media.stopHold(server, room);
  });

  it("an announcement is heard once, then its player leaves", async () => {
    const room = newRoom();
    const customer = await customerIn(room);
    expect(await media.announce(server, room)).toEqual({ ok: true, changed: true });
    await customer.loudFrames(`hold:${room}`, 20);
    await customer.gone(`hold:${room}`);
  });

  it("a team's WAV plays; a file that is not a WAV is refused naming why, and nothing joins", async () => {
    const room = newRoom();
    const customer = await customerIn(room);
    expect(await media.startHold(server, room, { audioUrl: `${site.origin}/hold.wav` })).toEqual({ ok: true, changed: true });
    await customer.loudFrames(`hold:${room}`);
    await media.stopHold(server, room);

    const other = newRoom();
    const refused = await media.startHold(server, other, { audioUrl: `${site.origin}/song.mp3` });
    expect(refused).toMatchObject({ ok: false, off: false, status: 422 });
    expect(!refused.ok && refused.reason).toContain("not a WAV file");
    const missing = await media.startHold(server, other, { audioUrl: `${site.origin}/nothing.wav` });
    expect(!missing.ok && missing.reason).toMatch(/answered 404/);
    expect(await holdPlayers(other)).toEqual([]);
  });

  it("a wrong secret is 401 and starts nothing; a LiveKit server it has no keys for is 400 naming it", async () => {
    const room = newRoom();
    const wrong = mediaServiceOf({ MEDIA_SERVICE_URL: inject("mediaServiceUrl"), MEDIA_SERVICE_SECRET: "not-the-secret" });
    expect(await wrong.startHold(server, room)).toMatchObject({ ok: false, off: false, status: 401 });
    const raw = await fetch(`${inject("mediaServiceUrl")}/rooms/${room}/hold`, { method: "POST", body: "{}" });
    expect(raw.status).toBe(401);
    expect(await holdPlayers(room)).toEqual([]);

    const elsewhere = await media.startHold({ ...server, url: "wss://elsewhere.example" }, room);
    expect(elsewhere).toMatchObject({ ok: false, status: 400 });
    expect(!elsewhere.ok && elsewhere.reason).toContain("wss://elsewhere.example");
    const badRoom = await media.startHold(server, "not-a-room");
    expect(!badRoom.ok && badRoom.reason).toContain("not a conversation SID");
  });
});
