/**
 * The media service's client (services/media/: hold music and announcements in a call's LiveKit room),
 * for the ConversationDO: `mediaServiceOf(env).startHold(server, room)` and friends. Pure `fetch`.
 *
 * Nothing here throws: a call goes on without music rather than break. Each answer is a result —
 * `{ ok: true }`, or `{ ok: false, off: true }` when `MEDIA_SERVICE_URL` is not set (hold music is off
 * in this deployment: log it once — {@link logMediaOffOnce} — and carry on), or `{ ok: false, off:
 * false, reason }` when the service refused or could not be reached (the reason names which).
 */
import { withDeadline } from "./deadline";
import type { LiveKitServer } from "./livekit";
import type { VoiceAction, VoiceReplyTo } from "./media-voice";

/** The Env's media service settings (platform/env.ts declares them). */
export interface MediaServiceSettings {
  /** Where the media service listens, e.g. `http://127.0.0.1:7890` (npm start's) or your deployment's https URL. */
  readonly MEDIA_SERVICE_URL?: string | undefined;
  /** The shared secret it expects as a Bearer token (a secret, never a var). */
  readonly MEDIA_SERVICE_SECRET?: string | undefined;
}

export type MediaResult =
  | {
      readonly ok: true;
      /** hold: whether this request started the player (false: one played already / none to stop) */ readonly changed: boolean;
    }
  | { readonly ok: false; readonly off: true; readonly reason: string }
  | { readonly ok: false; readonly off: false; readonly reason: string; readonly status: number | null };

export interface MediaService {
  /** Hold music in the call's room (the team's WAV at `audioUrl`, else the built-in loop); one player however often asked. */
  startHold(server: LiveKitServer, room: string, options?: { readonly audioUrl?: string | null }): Promise<MediaResult>;
  /** Stops it (no player: ok, `changed: false`). */
  stopHold(server: LiveKitServer, room: string): Promise<MediaResult>;
  /** Plays the announcement chime once in the room. */
  announce(server: LiveKitServer, room: string): Promise<MediaResult>;
  /**
   * A flow's voice in the room (platform/media-voice.ts): speak or play, gather, record; the outcome comes
   * later as a signed reply to `reply.url`. `changed`: the service took it (202).
   */
  voice(server: LiveKitServer, room: string, action: VoiceAction, reply: VoiceReplyTo): Promise<MediaResult>;
  /** The room's flow voice leaves (the call was handed on, or ended); none there: ok, `changed: false`. */
  stopVoice(server: LiveKitServer, room: string): Promise<MediaResult>;
}

/** How long a request may take: starting a player joins a LiveKit room and may fetch the team's WAV. */
export const MEDIA_REQUEST_TIMEOUT_MS = 15_000;

const OFF_REASON = 'Hold music is off: MEDIA_SERVICE_URL is not set (README, "The media service")';

/**
 * The media service of this deployment, or one whose every answer says it is off.
 * @example
 * const held = await mediaServiceOf(env).startHold(server, conversationSid);
 * if (!held.ok && held.off) logMediaOffOnce(held.reason); else if (!held.ok) console.warn(held.reason);
 */
export function mediaServiceOf(settings: MediaServiceSettings, get: typeof fetch = fetch): MediaService {
  const base = settings.MEDIA_SERVICE_URL?.trim().replace(/\/+$/, "") ?? "";
  const secret = settings.MEDIA_SERVICE_SECRET?.trim() ?? "";
  const call = async (
    method: "POST" | "DELETE",
    room: string,
    action: "hold" | "announce" | "voice",
    body?: object,
  ): Promise<MediaResult> => {
    if (base === "") return { ok: false, off: true, reason: OFF_REASON };
    const target = `${base}/rooms/${encodeURIComponent(room)}/${action}`;
    let response: Response;
    try {
      // A timer cleared once answered (platform/deadline.ts, not AbortSignal.timeout's): a Durable Object is not kept alive by it.
      response = await withDeadline(MEDIA_REQUEST_TIMEOUT_MS, (signal) =>
        get(target, {
          method,
          headers: { authorization: `Bearer ${secret}`, ...(body ? { "content-type": "application/json" } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal,
        }),
      );
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { ok: false, off: false, status: null, reason: `The media service at ${base} could not be reached: ${why}` };
    }
    const answer = (await response.json().catch(() => null)) as { error?: unknown; started?: unknown; stopped?: unknown } | null;
    if (!response.ok) {
      const said = typeof answer?.error === "string" ? answer.error : `status ${response.status}`;
      return { ok: false, off: false, status: response.status, reason: `The media service refused ${action}: ${said}` };
    }
    return {
      ok: true,
      changed: answer?.started === true || answer?.stopped === true || action === "announce" || (action === "voice" && method === "POST"),
    };
  };
  return {
    startHold: (server, room, options = {}) =>
      call("POST", room, "hold", { livekitUrl: server.url, ...(options.audioUrl ? { audioUrl: options.audioUrl } : {}) }),
    stopHold: (_server, room) => call("DELETE", room, "hold"),
    announce: (server, room) => call("POST", room, "announce", { livekitUrl: server.url }),
    voice: (server, room, action, reply) => call("POST", room, "voice", { livekitUrl: server.url, action, reply }),
    stopVoice: (_server, room) => call("DELETE", room, "voice"),
  };
}

let offLogged = false;

/** Logs that hold music is off, once per isolate: it is how the deployment is set up, not an error. */
export function logMediaOffOnce(reason: string, log: (line: string) => void = console.log): void {
  if (offLogged) return;
  offLogged = true;
  log(reason);
}
