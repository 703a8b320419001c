/**
 * The media service's answers to the Worker (services/media/replies.ts) against a local HTTP receiver that
 * checks each with verifyVoiceReply, as the Worker's `/webhooks/media/voice` does: a result POSTed signed,
 * a recording PUT signed at `{url}/{executionSid}/{effectId}/recording`; 5xx and an unreachable Worker
 * retried with backoff (the sleeps injected) for about five minutes, a 4xx never; the secret never in a log.
 */
import { createServer, type IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { VOICE_SIGNATURE_HEADER, verifyVoiceReply, type VoiceReplyTo } from "../../../platform/media-voice";
import { REPLY_RETRY_MS, sendReply, uploadRecording } from "../../../services/media/replies";
import { encodeWav } from "../../../services/media/wav";
import { listenLocally } from "../../support/listen";

const SECRET = "the-media-service-secret-0123456789";
let origin = "";
let close = () => {};
/** What the receiver answers next, by request; 200 when none is queued. */
const answers: number[] = [];
const received: { method: string; path: string; verified: boolean; type: string; body: Uint8Array }[] = [];

const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
};

beforeAll(async () => {
  const server = createServer((req, res) => {
    void (async () => {
      const body = await read(req);
      const path = new URL(req.url ?? "/", "http://worker").pathname;
      const header = req.headers[VOICE_SIGNATURE_HEADER];
      const verified = await verifyVoiceReply(SECRET, req.method!, path, body, typeof header === "string" ? header : null, Date.now());
      received.push({ method: req.method!, path, verified, type: req.headers["content-type"] ?? "", body });
      const status = verified ? (answers.shift() ?? (req.method === "PUT" ? 201 : 200)) : 401;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(status === 201 ? JSON.stringify({ RecordingSid: `ME${"c".repeat(32)}`, RecordingUrl: `${origin}/recordings/ME` }) : "{}");
    })();
  });
  origin = await listenLocally(server);
  close = () => server.close();
});
afterAll(() => close());
afterEach(() => {
  received.length = 0;
  answers.length = 0;
  vi.restoreAllMocks();
});

const to = (): VoiceReplyTo => ({
  url: `${origin}/webhooks/media/voice`,
  accountSid: `AC${"1".repeat(32)}`,
  workspaceSid: `WS${"2".repeat(32)}`,
  executionSid: `FN${"3".repeat(32)}`,
  effectId: "e-7",
});
/** Sleeps that take no time, and the clock they move. */
const fakeTime = () => {
  let now = Date.now();
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
};

describe("replies to the Worker", () => {
  it("posts the result signed, echoing who it is for", async () => {
    expect(await sendReply({ secret: SECRET }, to(), { ok: true, value: { Digits: "12" } })).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "POST", path: "/webhooks/media/voice", verified: true, type: "application/json" });
    expect(JSON.parse(Buffer.from(received[0]!.body).toString())).toEqual({
      accountSid: `AC${"1".repeat(32)}`,
      workspaceSid: `WS${"2".repeat(32)}`,
      executionSid: `FN${"3".repeat(32)}`,
      effectId: "e-7",
      result: { ok: true, value: { Digits: "12" } },
    });
  });

  it("a reply signed with another secret is refused by the receiver (and not retried: 4xx)", async () => {
    const time = fakeTime();
    expect(await sendReply({ secret: "some-other-secret-value", ...time }, to(), { ok: true, value: {} })).toBe(401);
    expect(received.map((r) => r.verified)).toEqual([false]);
    expect(time.slept).toEqual([]);
  });

  it("retries 5xx with doubling backoff until it is taken; never a 4xx", async () => {
    answers.push(503, 500, 502);
    const time = fakeTime();
    expect(await sendReply({ secret: SECRET, ...time }, to(), { ok: false, reason: "no" })).toBe(200);
    expect(time.slept).toEqual([1000, 2000, 4000]);
    expect(received).toHaveLength(4);
    expect(received.every((r) => r.verified)).toBe(true);

    received.length = 0;
    answers.push(404);
    const again = fakeTime();
    expect(await sendReply({ secret: SECRET, ...again }, to(), { ok: true, value: {} })).toBe(404);
    expect(received).toHaveLength(1);
    expect(again.slept).toEqual([]);
  });

  it("gives up after about five minutes of a Worker that cannot be reached, logging the path but never the secret", async () => {
    const time = fakeTime();
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void logged.push(line));
    const unreachable = async () => {
      throw new TypeError("fetch failed");
    };
    const status = await sendReply({ secret: SECRET, fetch: unreachable, ...time }, to(), { ok: true, value: {} });
    expect(status).toBe(0);
    const waited = time.slept.reduce((a, b) => a + b, 0);
    expect(waited).toBeLessThanOrEqual(REPLY_RETRY_MS);
    expect(waited).toBeGreaterThan(REPLY_RETRY_MS / 2);
    expect(Math.max(...time.slept)).toBe(60_000);
    expect(logged.at(-1)).toMatch(/POST \/webhooks\/media\/voice gave up/);
    expect(logged.join("\n")).not.toContain(SECRET);
  });

  it("uploads a recording as a signed WAV PUT and answers its SID and URL; a refusal answers null", async () => {
    const wav = encodeWav(
      Int16Array.from({ length: 16_000 }, (_, i) => Math.round(5000 * Math.sin(i / 5))),
      16_000,
    );
    expect(await uploadRecording({ secret: SECRET }, to(), wav)).toEqual({
      RecordingSid: `ME${"c".repeat(32)}`,
      RecordingUrl: `${origin}/recordings/ME`,
    });
    expect(received[0]).toMatchObject({
      method: "PUT",
      path: `/webhooks/media/voice/FN${"3".repeat(32)}/e-7/recording`,
      verified: true,
      type: "audio/wav",
    });
    expect(Buffer.from(received[0]!.body).equals(Buffer.from(wav))).toBe(true);

    answers.push(413);
    expect(await uploadRecording({ secret: SECRET }, to(), wav)).toBeNull();
  });
});
