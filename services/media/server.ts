/**
 * The media service's control API, HTTP on 127.0.0.1 (or where it is told), for the Worker's
 * ConversationDO (platform/media-service.ts is its client):
 *
 * - `POST /rooms/{room}/hold` {livekitUrl, audioUrl?} — hold music in the call's room: 201 when it
 *   started, 200 when a player was there already (one player per room, however often asked).
 * - `DELETE /rooms/{room}/hold` — stops it: 200 {stopped}, false when none played.
 * - `POST /rooms/{room}/announce` {livekitUrl} — the chime once: 202.
 * - `POST /rooms/{room}/voice` (platform/media-voice.ts `VoiceCommand`) — a flow's voice says, plays,
 *   gathers or records (voices.ts), replying to the Worker later: 202 {room, accepted: true}; the same
 *   `reply.effectId` again (running or done lately) 200 {accepted: false}, run once.
 * - `DELETE /rooms/{room}/voice` — the voice leaves: 200 {stopped}, false when none was there.
 * - `GET /health` — 200 {status: "ok", rooms}, unauthenticated (for the process manager).
 *
 * Every other call needs `Authorization: Bearer <MEDIA_SERVICE_SECRET>` (401 otherwise, compared in
 * constant time). Bad input is a 400 naming the problem, a team WAV that cannot be played 422, LiveKit
 * refusing or unreachable 502 — each `{ error }`, and nothing changes. `livekitUrl` must be one of the
 * servers the service holds keys for (it never sends a token anywhere else). Secrets are never logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { sameText } from "../../platform/constant-time";
import type { LiveKitServer } from "../../platform/livekit";
import { voiceCommandSchema } from "../../platform/media-voice";
import { Players } from "./players";
import { Voices } from "./voices";
import { voiceToolsOf } from "./voice-tools";

export { Voices, voiceToolsOf };
import { WavError } from "./wav";

/** Bodies are a URL or two, or a voice command (a prompt of up to 4096 characters and hints). */
const MAX_BODY_BYTES = 64 * 1024;
const ROOM = /^CH[0-9a-f]{32}$/;

const holdBody = z.strictObject({ livekitUrl: z.string().min(1), audioUrl: z.url({ protocol: /^https?$/ }).nullish() });
const announceBody = z.strictObject({ livekitUrl: z.string().min(1) });

export interface MediaServiceOptions {
  /** The shared secret callers present as a Bearer token. */
  readonly secret: string;
  /** The LiveKit servers the service may join rooms on, with their keys (a region's each). */
  readonly servers: readonly LiveKitServer[];
  readonly players?: Players;
  /** The flow voices; made from {@link voiceToolsOf} (local text-to-speech, no speech-to-text) when absent. */
  readonly voices?: Voices;
  /** Teams' hold music may come from loopback and private addresses (`MEDIA_ALLOW_PRIVATE_AUDIO=1`): local development and tests only. */
  readonly allowPrivateAudio?: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "the body is not JSON");
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new HttpError(400, `${issue.path.join(".") || "body"}: ${issue.message}`);
}

/** The media service's HTTP handler over its players. */
export function mediaHandler(options: MediaServiceOptions) {
  const players = options.players ?? new Players({ allowPrivateAudio: options.allowPrivateAudio === true });
  const voices =
    options.voices ?? new Voices(voiceToolsOf({ secret: options.secret, allowPrivateAudio: options.allowPrivateAudio === true }));
  const serverOf = (livekitUrl: string): LiveKitServer => {
    const server = options.servers.find((s) => s.url === livekitUrl.trim());
    if (!server)
      throw new HttpError(
        400,
        `livekitUrl ${JSON.stringify(livekitUrl.slice(0, 200))} is not a LiveKit server this media service holds keys for`,
      );
    return server;
  };

  const route = async (req: IncomingMessage): Promise<{ status: number; body: unknown }> => {
    const url = new URL(req.url ?? "/", "http://media");
    if (url.pathname === "/health" && req.method === "GET") return { status: 200, body: { status: "ok", rooms: players.size } };
    const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!sameText(presented, options.secret)) throw new HttpError(401, "a Bearer token with the media service's secret is required");
    const match = /^\/rooms\/([^/]+)\/(hold|announce|voice)$/.exec(url.pathname);
    if (!match) throw new HttpError(404, `no such route: ${req.method} ${url.pathname}`);
    const [, room = "", action] = match;
    if (!ROOM.test(room)) throw new HttpError(400, `room ${JSON.stringify(room.slice(0, 80))} is not a conversation SID (CH + 32 hex)`);
    if (action === "hold" && req.method === "POST") {
      const body = parse(holdBody, await readJson(req));
      const started = await players.startHold(serverOf(body.livekitUrl), room, body.audioUrl ?? null);
      return { status: started.started ? 201 : 200, body: started };
    }
    if (action === "hold" && req.method === "DELETE") return { status: 200, body: { room, stopped: await players.stopHold(room) } };
    if (action === "announce" && req.method === "POST") {
      const body = parse(announceBody, await readJson(req));
      await players.announce(serverOf(body.livekitUrl), room);
      return { status: 202, body: { room, announced: true } };
    }
    if (action === "voice" && req.method === "POST") {
      const command = parse(voiceCommandSchema, await readJson(req));
      const livekit = serverOf(command.livekitUrl);
      const answer = await voices.command(livekit, room, command).catch((error: unknown) => {
        if (error instanceof WavError) throw new HttpError(422, `action.prompt.play: ${error.message}`);
        throw error;
      });
      return { status: answer.accepted ? 202 : 200, body: { room, accepted: answer.accepted } };
    }
    if (action === "voice" && req.method === "DELETE") return { status: 200, body: { room, stopped: await voices.stop(room) } };
    throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}`);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let answer: { status: number; body: unknown };
    try {
      answer = await route(req);
    } catch (error) {
      if (error instanceof HttpError) answer = { status: error.status, body: { error: error.message } };
      else if (error instanceof WavError) answer = { status: 422, body: { error: `audioUrl: ${error.message}` } };
      else {
        // LiveKit refused the token or could not be reached: the room is not playing.
        const message = error instanceof Error ? error.message : String(error);
        console.error(`media service: ${req.method} ${req.url?.split("?")[0]}: ${message}`);
        answer = { status: 502, body: { error: `LiveKit: ${message}` } };
      }
    }
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  };
}

/**
 * Listens on `host:port` (0: any free port); resolves with the server and its URL once listening.
 * @example const { url, close } = await listenMediaService({ secret, servers, host: "127.0.0.1", port: 0 });
 */
export async function listenMediaService(
  options: MediaServiceOptions & { readonly host: string; readonly port: number },
): Promise<{ server: Server; url: string; players: Players; voices: Voices; close: () => Promise<void> }> {
  const players = options.players ?? new Players({ allowPrivateAudio: options.allowPrivateAudio === true });
  const voices =
    options.voices ?? new Voices(voiceToolsOf({ secret: options.secret, allowPrivateAudio: options.allowPrivateAudio === true }));
  const server = createServer(mediaHandler({ ...options, players, voices }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const close = async () => {
    await Promise.all([players.stopAll(), voices.stopAll()]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { server, url: `http://${options.host}:${port}`, players, voices, close };
}
