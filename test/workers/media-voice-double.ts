/**
 * The media service (services/media/) as the workers tests meet it: a double behind `globalThis.fetch`
 * for its host that checks what the real one checks — the Bearer secret, and a voice command's body
 * against platform/media-voice.ts's `voiceCommandSchema` — answers as it answers (202 for a voice
 * command, `{started}`/`{stopped}` for hold music and the voice leaving), and keeps what reached it.
 * `reply` and `upload` then play the service's side of the exchange: a signed `POST {reply.url}` and a
 * signed `PUT …/recording`, through the real Worker route.
 * `install()` in a `beforeAll` (after the LiveKit double), `reset()` after each test, `uninstall()` last.
 */
import { env, exports } from "cloudflare:workers";
import { signVoiceReply, VOICE_SIGNATURE_HEADER, voiceCommandSchema, type VoiceCommand } from "../../platform/media-voice";
import type { EffectResult } from "../../durable-objects/flow/engine/types";

export const MEDIA = { MEDIA_SERVICE_URL: "http://media.double:7890", MEDIA_SERVICE_SECRET: "media-double-secret" };
type Settings = Partial<typeof MEDIA>;
const settings = env as Settings;

export const media = {
  /** Answers 503 to a voice command. */
  refuse: false,
  /** The voice commands taken, in order, with their room. */
  commands: [] as { room: string; command: VoiceCommand }[],
  /** Rooms whose voice was told to leave, in order. */
  voiceStops: [] as string[],
  /** Hold music asked for: (room, on). */
  hold: [] as { room: string; on: boolean }[],
  /** Requests refused for a wrong secret or a body the schema refuses. */
  refused: [] as string[],
};

let previous: typeof fetch | null = null;

export function install(): void {
  Object.assign(settings, MEDIA);
  const passThrough = globalThis.fetch;
  previous = passThrough;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.host !== new URL(MEDIA.MEDIA_SERVICE_URL).host) return passThrough(input, init);
    if (request.headers.get("authorization") !== `Bearer ${MEDIA.MEDIA_SERVICE_SECRET}`) {
      media.refused.push(`${request.method} ${url.pathname}: secret`);
      return Response.json({ error: "unauthorized" }, { status: 401 });
    }
    const [, rooms, room, what] = url.pathname.split("/");
    if (rooms !== "rooms" || !room) return Response.json({ error: "not found" }, { status: 404 });
    if (what === "hold") {
      media.hold.push({ room, on: request.method === "POST" });
      return Response.json(request.method === "POST" ? { started: true } : { stopped: true });
    }
    if (what !== "voice") return Response.json({ announced: true });
    if (request.method === "DELETE") {
      media.voiceStops.push(room);
      return Response.json({ stopped: true });
    }
    const parsed = voiceCommandSchema.safeParse(await request.json());
    if (!parsed.success) {
      media.refused.push(`POST ${url.pathname}: ${parsed.error.issues[0]!.path.join(".")} ${parsed.error.issues[0]!.message}`);
      return Response.json({ error: parsed.error.issues[0]!.message }, { status: 400 });
    }
    if (media.refuse) return Response.json({ error: "no voice for you" }, { status: 503 });
    media.commands.push({ room, command: parsed.data });
    return Response.json({ accepted: true }, { status: 202 });
  };
}

export function reset(): void {
  media.refuse = false;
  media.commands = [];
  media.voiceStops = [];
  media.hold = [];
  media.refused = [];
  Object.assign(settings, MEDIA);
}

export function uninstall(): void {
  if (previous) globalThis.fetch = previous;
  previous = null;
  for (const name of Object.keys(MEDIA)) delete settings[name as keyof Settings];
}

/** The voice commands sent to `room`. */
export const commandsIn = (room: string): VoiceCommand[] => media.commands.filter((c) => c.room === room).map((c) => c.command);

/** Signs as the media service does (`at`: the signing time, ms; `secret`: another secret for a forgery). */
async function signed(method: string, url: string, body: Uint8Array | string, at = Date.now(), secret = MEDIA.MEDIA_SERVICE_SECRET) {
  return signVoiceReply(secret, method, new URL(url).pathname, body, at);
}

/** The media service's reply to `command` with `result`, signed, through the Worker (answers status and body). */
export async function reply(
  command: VoiceCommand,
  result: EffectResult,
  options: { at?: number; secret?: string; body?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { url, ...to } = command.reply;
  const text = options.body ?? JSON.stringify({ ...to, result });
  const res = await exports.default.fetch(
    new Request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [VOICE_SIGNATURE_HEADER]: await signed("POST", url, text, options.at, options.secret),
      },
      body: text,
    }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The media service's upload of a record command's voicemail, signed, through the Worker. */
export async function upload(command: VoiceCommand, wav: Uint8Array, contentType = "audio/wav") {
  const url = `${command.reply.url}/${command.reply.executionSid}/${command.reply.effectId}/recording`;
  const res = await exports.default.fetch(
    new Request(url, {
      method: "PUT",
      headers: { "content-type": contentType, [VOICE_SIGNATURE_HEADER]: await signed("PUT", url, wav) },
      body: wav,
    }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A short WAV (16-bit 16 kHz mono silence): what the media service uploads. */
export function wav(seconds = 1): Uint8Array {
  const samples = 16_000 * seconds;
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 16_000, true);
  view.setUint32(28, 32_000, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, samples * 2, true);
  return bytes;
}
