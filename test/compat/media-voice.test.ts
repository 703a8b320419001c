/**
 * A flow's voice (services/media/voices.ts) on the real LiveKit server, through the Worker's client
 * (platform/media-service.ts `voice`): a caller who joined with rtc-node as the customer hears the spoken
 * prompt (decoded, non-silent frames from `voice:<room>`), presses 1, 2, # as LiveKit DTMF packets, and the
 * reply receiver here — standing in for the Worker's `/webhooks/media/voice`, checking every signature
 * with verifyVoiceReply — gets `{Digits: "12"}`; a voicemail recorded from the caller's tone arrives as a
 * signed WAV PUT, then a reply with its duration; the caller's utterance, found by the voice-activity
 * detector in the decoded audio, reaches the speech-to-text double (test/support/doubles/speech-to-text.ts,
 * which the global setup hands the media service) and its words come back as the gather's answer.
 */
import { createServer, type IncomingMessage } from "node:http";
import { RoomServiceClient } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LiveKitServer } from "../../platform/livekit";
import { mintMediaToken } from "../../platform/livekit-tokens";
import { mediaServiceOf } from "../../platform/media-service";
import { VOICE_SIGNATURE_HEADER, verifyVoiceReply, voiceIdentity, type VoiceAction, type VoiceReply } from "../../platform/media-voice";
import { readWav } from "../../services/media/wav";
import { eventually } from "../support/eventually";
import { listenLocally } from "../support/listen";
import { listenIn, publishMicrophone, publishTone, type Listener } from "../support/rtc-listener";
import type { Room } from "@livekit/rtc-node";
import { HEARD_TEXT, type Heard } from "../support/doubles/speech-to-text";

/** The caller says something: `seconds` of a voice-like buzz on their microphone, then silence until stopped. */
function utter(room: Room, seconds: number): Promise<{ stop: () => Promise<void> }> {
  return publishMicrophone(room, (t) =>
    t < seconds
      ? 5000 * (Math.sin(2 * Math.PI * 180 * t) + 0.6 * Math.sin(2 * Math.PI * 360 * t) + 0.3 * Math.sin(2 * Math.PI * 720 * t))
      : 0,
  );
}

const off = inject("mediaOff");
const hex = () => crypto.randomUUID().replace(/-/g, "");

describe.skipIf(off !== "")(`a flow's voice on the real LiveKit server${off ? ` — skipped: ${off}` : ""}`, () => {
  const server: LiveKitServer = {
    regionId: "local",
    url: inject("livekitUrl"),
    apiKey: inject("livekitApiKey"),
    apiSecret: inject("livekitApiSecret"),
  };
  const secret = inject("mediaServiceSecret");
  const media = mediaServiceOf({ MEDIA_SERVICE_URL: inject("mediaServiceUrl"), MEDIA_SERVICE_SECRET: secret });
  const rooms = new RoomServiceClient(server.url, server.apiKey, server.apiSecret);
  const listeners: Listener[] = [];
  const used: string[] = [];
  const replies: VoiceReply[] = [];
  const uploads: { path: string; wav: Uint8Array }[] = [];
  const refused: string[] = [];
  let worker: { origin: string; close: () => void };

  const body = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    return new Uint8Array(Buffer.concat(chunks));
  };

  beforeAll(async () => {
    const http = createServer((req, res) => {
      void (async () => {
        const raw = await body(req);
        const path = new URL(req.url ?? "/", "http://worker").pathname;
        const header = req.headers[VOICE_SIGNATURE_HEADER];
        if (!(await verifyVoiceReply(secret, req.method ?? "", path, raw, typeof header === "string" ? header : null, Date.now()))) {
          refused.push(`${req.method} ${path}`);
          return res.writeHead(401).end();
        }
        if (req.method === "PUT" && path.endsWith("/recording")) {
          uploads.push({ path, wav: raw });
          return res
            .writeHead(201, { "content-type": "application/json" })
            .end(JSON.stringify({ RecordingSid: `ME${"a".repeat(32)}`, RecordingUrl: "https://switchboard.example/recordings/ME" }));
        }
        replies.push(JSON.parse(Buffer.from(raw).toString("utf8")) as VoiceReply);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      })();
    });
    worker = { origin: await listenLocally(http), close: () => http.close() };
  });

  afterAll(async () => {
    for (const listener of listeners) await listener.close().catch(() => {});
    for (const room of used) await rooms.deleteRoom(room).catch(() => {});
    worker?.close();
  });

  const callerIn = async () => {
    const room = `CH${hex()}`;
    used.push(room);
    const { url, token } = await mintMediaToken(server, { role: "customer", room, identity: `visitor-${room.slice(-6)}`, name: "Casey" });
    const caller = await listenIn(url, token);
    listeners.push(caller);
    return { room, caller };
  };
  const replyTo = (effectId: string) => ({
    url: `${worker.origin}/webhooks/media/voice`,
    accountSid: `AC${"1".repeat(32)}`,
    workspaceSid: `WS${"2".repeat(32)}`,
    executionSid: `FN${hex()}`,
    effectId,
  });
  const replyFor = (effectId: string) =>
    eventually(() => replies.find((r) => r.effectId === effectId), `the voice's reply to ${effectId}`, 60_000);
  const menu = { say: "Press one for sales, two for support.", language: "en-US", loop: 1 };

  it("says a prompt the caller hears, replies ok when it is done, and runs an effect id once", async () => {
    const { room, caller } = await callerIn();
    const action: VoiceAction = { kind: "say-play", prompt: menu };
    expect(await media.voice(server, room, action, replyTo("say-1"))).toEqual({ ok: true, changed: true });
    const heard = await caller.loudFrames(voiceIdentity(room), 50);
    expect(heard.frames).toBeGreaterThanOrEqual(50);
    const again = await fetch(`${inject("mediaServiceUrl")}/rooms/${room}/voice`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}` },
      body: JSON.stringify({ livekitUrl: server.url, action, reply: replyTo("say-1") }),
    });
    expect({ status: again.status, body: await again.json() }).toEqual({ status: 200, body: { room, accepted: false } });
    expect((await replyFor("say-1")).result).toEqual({ ok: true, value: {} });
    expect(replies.filter((r) => r.effectId === "say-1")).toHaveLength(1);

    const voice = (await rooms.listParticipants(room)).find((p) => p.identity === voiceIdentity(room))!;
    expect(voice.attributes).toEqual({ "switchboard.role": "voice" });
    expect(voice.name).toBe("Assistant");
    expect(await media.stopVoice(server, room)).toEqual({ ok: true, changed: true });
    await caller.gone(voiceIdentity(room));
    expect(refused).toEqual([]);
  }, 120_000);

  it("gathers the keys the caller presses after the prompt: 1, 2, # → {Digits: '12'}, signed", async () => {
    const { room, caller } = await callerIn();
    const action: VoiceAction = {
      kind: "gather",
      prompt: menu,
      gather: {
        input: ["dtmf"],
        finish_on_key: "#",
        number_of_digits: null,
        timeout_s: 20,
        speech_timeout: "auto",
        language: "en-US",
        hints: "",
        stop_gather: true,
        profanity_filter: true,
      },
    };
    expect(await media.voice(server, room, action, replyTo("gather-1"))).toEqual({ ok: true, changed: true });
    await caller.loudFrames(voiceIdentity(room), 20);
    for (const [code, digit] of [
      [1, "1"],
      [2, "2"],
      [11, "#"],
    ] as const)
      await caller.room.localParticipant!.publishDtmf(code, digit);
    expect((await replyFor("gather-1")).result).toEqual({ ok: true, value: { Digits: "12" } });
    expect(refused).toEqual([]);
    await media.stopVoice(server, room);
  }, 120_000);

  it("records the caller's voicemail: a signed WAV PUT, then a reply with its duration; the voice leaves when the caller does", async () => {
    const { room, caller } = await callerIn();
    const speaking = await publishTone(caller.room, 300);
    const reply = replyTo("record-1");
    const action: VoiceAction = {
      kind: "record",
      record: { max_length_s: 2, timeout_s: 5, finish_on_key: "#", play_beep: true, trim: true, transcribe: false },
    };
    expect(await media.voice(server, room, action, reply)).toEqual({ ok: true, changed: true });
    const answer = await replyFor("record-1");
    await speaking.stop();
    expect(answer.result).toMatchObject({
      ok: true,
      value: { RecordingSid: `ME${"a".repeat(32)}`, RecordingUrl: "https://switchboard.example/recordings/ME" },
    });
    const duration = answer.result.value?.RecordingDuration as number;
    expect(duration).toBeGreaterThanOrEqual(1);
    expect(duration).toBeLessThanOrEqual(3);
    expect(uploads.map((u) => u.path)).toEqual([`/webhooks/media/voice/${reply.executionSid}/record-1/recording`]);
    const wav = uploads[0]!.wav;
    expect(Buffer.from(wav.subarray(0, 4)).toString()).toBe("RIFF");
    expect(new DataView(wav.buffer, wav.byteOffset).getUint32(24, true)).toBe(16_000);
    expect(readWav(wav).length).toBeGreaterThan(48_000 * 0.9);

    await caller.close();
    await eventually(
      async () => ((await rooms.listParticipants(room).catch(() => [])).some((p) => p.identity === voiceIdentity(room)) ? undefined : true),
      "the voice to leave the room once the caller hung up",
      60_000,
    );
    expect(refused).toEqual([]);
  }, 120_000);

  it("hears the caller's speech: the utterance goes to the speech-to-text as a 16 kHz WAV → {SpeechResult, Confidence}", async () => {
    const { room, caller } = await callerIn();
    const action: VoiceAction = {
      kind: "gather",
      prompt: { say: "How can we help?", language: "en-US", loop: 1 },
      gather: {
        input: ["dtmf", "speech"],
        finish_on_key: "#",
        number_of_digits: null,
        timeout_s: 30,
        speech_timeout: 1,
        language: "en-US",
        hints: "sales, support",
        stop_gather: true,
        profanity_filter: true,
      },
    };
    expect(await media.voice(server, room, action, replyTo("speech-1"))).toEqual({ ok: true, changed: true });
    await caller.loudFrames(voiceIdentity(room), 20);
    const speaking = await utter(caller.room, 1.5);
    const answer = await replyFor("speech-1");
    await speaking.stop();
    expect(answer.result).toEqual({ ok: true, value: { SpeechResult: HEARD_TEXT, Confidence: 1 } });
    const heard = (await (await fetch(new URL("/heard", inject("sttUrl")))).json()) as Heard[];
    expect(heard.at(-1)).toMatchObject({ model: "whisper-1", language: "en", prompt: "sales, support", rate: 16_000 });
    expect(heard.at(-1)!.seconds).toBeGreaterThan(0.1);
    await media.stopVoice(server, room);
  }, 120_000);
});
