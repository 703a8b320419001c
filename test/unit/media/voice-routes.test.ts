/**
 * The flow voice's routes (services/media/server.ts, voices.ts) with the room side replaced by a double:
 * the secret, bad bodies refused naming the field, a LiveKit server without keys, an unplayable prompt
 * (422) and LiveKit refusing (502) — each changing nothing; an effect id run once however often it comes;
 * a new command replacing the running one, which then replies nothing; DELETE making the voice leave;
 * a caller hanging up mid-voicemail still getting the voicemail's reply, with `hangup: true`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { VoiceCommand, VoiceReply } from "../../../platform/media-voice";
import { listenMediaService } from "../../../services/media/server";
import type { Players } from "../../../services/media/players";
import type { VoiceListener, VoiceTools } from "../../../services/media/voice-actions";
import { IDLE_MS, Voices, type RoomVoiceIo } from "../../../services/media/voices";
import { WavError } from "../../../services/media/wav";
import { eventually } from "../../support/eventually";
import { handClock } from "../../support/hand-clock";

const SECRET = "a-secret-of-enough-length";
const ROOM = `CH${"b".repeat(32)}`;
const REFUSING_ROOM = `CH${"0".repeat(32)}`;
const LIVEKIT = { regionId: "us-east", url: "ws://127.0.0.1:7880", apiKey: "k", apiSecret: "s" };

/** A room that joins at once; plays until told to stop while `holding`, else at once. */
class RoomDouble implements RoomVoiceIo {
  static joined: RoomDouble[] = [];
  /** Whether the next room joined holds its prompts until told. */
  static holdNext = false;
  holding = RoomDouble.holdNext;
  listener: VoiceListener | null = null;
  left = false;
  onCallerGone = () => {};
  constructor(readonly room: string) {}
  get hangupHook() {
    return this.listener?.hangup;
  }
  async play(_samples: Int16Array, stop: () => boolean) {
    while (this.holding && !stop()) await new Promise((resolve) => setImmediate(resolve));
  }
  listen(listener: VoiceListener) {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }
  async leave() {
    this.left = true;
  }
}

const replies: VoiceReply[] = [];
const uploads: string[] = [];
/** The voices' timers, fired only when a test moves time. */
const { clock, advance } = handClock();
const tools: VoiceTools = {
  tts: { speak: async () => new Int16Array(480) },
  stt: null,
  clock,
  logOnce: () => {},
  fetchWav: async (url) => {
    if (url.endsWith(".mp3")) throw new WavError("not a WAV file (it does not start with RIFF…WAVE)");
    return new Int16Array(480);
  },
  reply: {
    secret: SECRET,
    fetch: async (url, init) => {
      if (init?.method === "PUT") {
        uploads.push(String(url));
        return Response.json({ RecordingSid: `ME${"d".repeat(32)}`, RecordingUrl: "https://sb.example/ME" }, { status: 201 });
      }
      replies.push(JSON.parse(String(init?.body)) as VoiceReply);
      return Response.json({});
    },
  },
};
const voices = new Voices(tools, async (_server, room) => {
  if (room === REFUSING_ROOM) throw new Error("could not connect to LiveKit");
  const double = new RoomDouble(room);
  RoomDouble.joined.push(double);
  return double;
});

let base = "";
let close = async () => {};
beforeAll(async () => {
  const running = await listenMediaService({
    secret: SECRET,
    servers: [LIVEKIT],
    host: "127.0.0.1",
    port: 0,
    voices,
    players: { size: 0, stopAll: async () => {} } as unknown as Players,
  });
  base = running.url;
  close = running.close;
});
afterAll(() => close());
afterEach(async () => {
  await voices.stopAll();
  RoomDouble.joined = [];
  replies.length = 0;
  uploads.length = 0;
});

const to = (effectId: string) => ({
  url: "http://127.0.0.1:1/webhooks/media/voice",
  accountSid: `AC${"1".repeat(32)}`,
  workspaceSid: `WS${"2".repeat(32)}`,
  executionSid: `FN${"3".repeat(32)}`,
  effectId,
});
const say = (effectId: string, over: Partial<VoiceCommand> = {}): VoiceCommand => ({
  livekitUrl: LIVEKIT.url,
  action: { kind: "say-play", prompt: { say: "Hello", language: "en-US", loop: 1 } },
  reply: to(effectId),
  ...over,
});
const send = async (method: string, path: string, body?: unknown, secret = SECRET) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}` },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const voicePath = `/rooms/${ROOM}/voice`;

describe("the flow voice's routes", () => {
  it("need the secret; nothing joins without it", async () => {
    expect((await send("POST", voicePath, say("e1"), "wrong")).status).toBe(401);
    expect((await fetch(`${base}${voicePath}`, { method: "DELETE" })).status).toBe(401);
    expect(RoomDouble.joined).toEqual([]);
  });

  it("refuse bad input with a 400 naming the field, unplayable audio 422, LiveKit refusing 502 — and nothing joins", async () => {
    const cases: [unknown, number, RegExp, string?][] = [
      ["{not json", 400, /not JSON/],
      [{ ...say("e1"), livekitUrl: "wss://elsewhere.example" }, 400, /livekitUrl "wss:\/\/elsewhere.example" is not a LiveKit server/],
      [{ ...say("e1"), action: { kind: "dance" } }, 400, /^action\.kind/],
      [{ ...say("e1"), action: { kind: "say-play", prompt: { say: "Hi", language: "en-US", loop: 0 } } }, 400, /^action\.prompt\.loop/],
      [{ ...say("e1"), reply: { ...to("e1"), executionSid: "FN123" } }, 400, /^reply\.executionSid: must be a FN… SID/],
      [{ ...say("e1"), reply: { ...to("e1"), url: "ftp://x" } }, 400, /^reply\.url/],
      [{ ...say("e1"), extra: 1 }, 400, /extra|Unrecognized/],
      [
        { ...say("e1"), action: { kind: "say-play", prompt: { play: "https://cdn.example/menu.mp3", language: "en-US", loop: 1 } } },
        422,
        /^action\.prompt\.play: not a WAV file/,
      ],
      [say("e1"), 502, /^LiveKit: could not connect/, REFUSING_ROOM],
      [say("e1"), 400, /not a conversation SID/, "CH123"],
    ];
    for (const [body, status, error, room] of cases) {
      const answer = await send("POST", `/rooms/${room ?? ROOM}/voice`, body);
      expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error: expect.stringMatching(error) });
    }
    expect(RoomDouble.joined).toEqual([]);
    // A refused effect id is not remembered: sent again once right, it runs.
    expect((await send("POST", voicePath, say("e1"))).status).toBe(202);
    await eventually(() => replies.find((r) => r.effectId === "e1"), "the reply");
  });

  it("run an effect id once, however often it comes, running or done; reply once", async () => {
    expect(await send("POST", voicePath, say("e2"))).toEqual({ status: 202, body: { room: ROOM, accepted: true } });
    await eventually(() => replies.find((r) => r.effectId === "e2"), "the reply");
    expect(await send("POST", voicePath, say("e2"))).toEqual({ status: 200, body: { room: ROOM, accepted: false } });
    const { url: _url, ...who } = to("e2");
    expect(replies).toEqual([{ ...who, result: { ok: true, value: {} } }]);
    expect(RoomDouble.joined).toHaveLength(1);
  });

  it("a new command replaces the running one, which replies nothing; DELETE makes the voice leave", async () => {
    RoomDouble.holdNext = true;
    expect((await send("POST", voicePath, say("long"))).status).toBe(202);
    RoomDouble.holdNext = false;
    const room = await eventually(() => RoomDouble.joined[0], "the voice to join");
    expect((await send("POST", voicePath, say("long-2"))).status).toBe(202);
    room.holding = false;
    await eventually(() => replies.find((r) => r.effectId === "long-2"), "the second command's reply");
    expect(replies.map((r) => r.effectId)).toEqual(["long-2"]);
    expect(RoomDouble.joined).toHaveLength(1);

    expect(await send("DELETE", voicePath)).toEqual({ status: 200, body: { room: ROOM, stopped: true } });
    expect(room.left).toBe(true);
    expect(await send("DELETE", voicePath)).toEqual({ status: 200, body: { room: ROOM, stopped: false } });
  });

  it("a caller hanging up mid-voicemail gets the voicemail's reply with hangup: true, then the voice leaves", async () => {
    const record: VoiceCommand = {
      livekitUrl: LIVEKIT.url,
      action: {
        kind: "record",
        record: { max_length_s: 60, timeout_s: 5, finish_on_key: "#", play_beep: false, trim: true, transcribe: false },
      },
      reply: to("vm"),
    };
    expect((await send("POST", voicePath, record)).status).toBe(202);
    const room = await eventually(() => RoomDouble.joined[0], "the voice to join");
    const listener = await eventually(() => room.listener ?? undefined, "the voicemail to listen");
    const loud = Int16Array.from({ length: 160 }, (_, i) => Math.round(6000 * Math.sin(i / 3)));
    for (let n = 0; n < 150; n++) listener.audio!(loud);
    room.onCallerGone();
    const reply = await eventually(() => replies.find((r) => r.effectId === "vm"), "the voicemail's reply");
    expect(reply.result).toEqual({
      ok: true,
      value: { RecordingSid: `ME${"d".repeat(32)}`, RecordingUrl: "https://sb.example/ME", RecordingDuration: 2, hangup: true },
    });
    expect(uploads).toEqual([`http://127.0.0.1:1/webhooks/media/voice/FN${"3".repeat(32)}/vm/recording`]);
    await eventually(() => (room.left ? true : undefined), "the voice to leave");
  });

  it("a voicemail in which nothing was said is 0 seconds, uploads nothing, and keeps the finish key", async () => {
    const record: VoiceCommand = {
      livekitUrl: LIVEKIT.url,
      action: {
        kind: "record",
        record: { max_length_s: 60, timeout_s: 5, finish_on_key: "#*", play_beep: false, trim: true, transcribe: true },
      },
      reply: to("vm-empty"),
    };
    expect((await send("POST", voicePath, record)).status).toBe(202);
    const room = await eventually(() => RoomDouble.joined[0], "the voice to join");
    const listener = await eventually(() => room.listener ?? undefined, "the voicemail to listen");
    for (let n = 0; n < 50; n++) listener.audio!(new Int16Array(160));
    listener.key!("1"); // not a finish key
    listener.key!("*");
    const reply = await eventually(() => replies.find((r) => r.effectId === "vm-empty"), "the voicemail's reply");
    expect(reply.result).toEqual({ ok: true, value: { RecordingSid: "", RecordingUrl: "", RecordingDuration: 0, Digits: "*" } });
    expect(uploads).toEqual([]);
  });

  it("a voice with no command for a minute leaves; a later command joins afresh", async () => {
    expect((await send("POST", voicePath, say("idle-1"))).status).toBe(202);
    await eventually(() => replies.find((r) => r.effectId === "idle-1"), "the reply");
    const first = RoomDouble.joined[0]!;
    advance(IDLE_MS - 1);
    expect(first.left).toBe(false);
    advance(1);
    expect(first.left).toBe(true);
    expect((await send("POST", voicePath, say("idle-2"))).status).toBe(202);
    expect(RoomDouble.joined).toHaveLength(2);
  });
});
