/**
 * What a conversation's calls need of LiveKit and of the media service, as one port (issue 15): the
 * room (made before anyone is given a token, closed when the call ends), the audio between the agent
 * and the customer stopped and restarted for a hold, and hold music. The shell (call-actions.ts) calls
 * it around the pure steps of lifecycle/calls.ts; workers tests hand the object a double of it, the
 * compat suite runs it against a real LiveKit server.
 *
 * LiveKit is the conversation's region's (platform/livekit.ts); a region where calls are off, or a
 * server that cannot be reached or refuses, is a {@link CallMediaError} naming LiveKit and the region.
 */
import { ROLE_ATTRIBUTE } from "../../contract/calls";
import { LIVEKIT_DEADLINE_MS, livekitOf, roomServiceOf, type LiveKitServer } from "../../platform/livekit";
import { settleWithin } from "../../platform/deadline";
import { regionOfItem } from "../../platform/region-sids";
import type { Env } from "../../platform/env";
import { logMediaOffOnce, mediaServiceOf } from "../../platform/media-service";
import { workspaceFor } from "../../platform/objects";

/** How long an empty room waits for its first participant (the customer's token lives 10 minutes). */
export const ROOM_EMPTY_TIMEOUT_SECONDS = 10 * 60;
/** How long a room stays after its last participant left (a reload rejoins within it). */
export const ROOM_DEPARTURE_TIMEOUT_SECONDS = 20;

export interface CallMedia {
  /** Makes the call's room (or finds it made); answers LiveKit's room session (`RM_…`). */
  createRoom(room: string): Promise<{ readonly roomSid: string | null }>;
  /** Closes the room for everyone still in it (a room already gone is fine). */
  closeRoom(room: string): Promise<void>;
  /** Stops (`apart`) or restarts the audio between the agent(s) and the customer: a hold. */
  separate(room: string, apart: boolean): Promise<void>;
  /** Takes someone out of the room (an agent who handed the call on); someone not in it is fine. */
  removeParticipant(room: string, identity: string): Promise<void>;
  /** Hold music into the room, or out of it (platform/media-service.ts); without a media service, nothing (logged once). */
  holdMusic(room: string, on: boolean): Promise<void>;
  /** The flow's voice (the media service speaking a flow's prompts) leaves the room; none there, or no media service: nothing. */
  stopVoice(room: string): Promise<void>;
}

/** LiveKit (or the media service) could not do what a call needed: 503 when unreachable or off, 502 when it refused. */
export class CallMediaError extends Error {
  constructor(
    readonly status: 502 | 503,
    message: string,
  ) {
    super(message);
  }
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/** LiveKit's SDK throws a `ServerError` (an HTTP answer) or a fetch TypeError (no answer). */
function mediaError(server: LiveKitServer, what: string, error: unknown): CallMediaError {
  const answered = typeof error === "object" && error !== null && "status" in error && typeof error.status === "number";
  return new CallMediaError(
    answered ? 502 : 503,
    `LiveKit in region ${server.regionId} ${answered ? "refused" : "could not be reached"} to ${what}: ${reasonOf(error)}`,
  );
}

/** The conversation the port serves. */
export interface CallMediaOf {
  readonly sid: string;
  readonly account_sid: string;
  readonly workspace_sid: string;
}

/**
 * The port on the conversation's region's LiveKit server, and the deployment's media service.
 * @example await liveKitCallMedia(env, row).createRoom(row.sid)
 */
export function liveKitCallMedia(env: Env, conversation: CallMediaOf): CallMedia {
  const found = livekitOf(env, regionOfItem(conversation.workspace_sid, conversation.sid));
  const server = (): LiveKitServer => {
    if (!found.ok) throw new CallMediaError(503, found.reason);
    return found.server;
  };
  /** The team's own hold music (the workspace's `hold_music_url`), else the service's built-in loop. */
  const teamsHoldMusic = async (): Promise<string | null> => {
    const workspace = await workspaceFor(env, conversation.workspace_sid)
      .getWorkspace(conversation.account_sid)
      .catch(() => null);
    return workspace?.ok ? (workspace.value.hold_music_url ?? null) : null;
  };
  const attempt = async <T>(what: string, fn: (rooms: ReturnType<typeof roomServiceOf>) => Promise<T>): Promise<T> => {
    const s = server();
    try {
      return await settleWithin(LIVEKIT_DEADLINE_MS, fn(roomServiceOf(s)));
    } catch (error) {
      throw mediaError(s, what, error);
    }
  };
  return {
    createRoom: (room) =>
      attempt("make the call's room", async (rooms) => {
        const made = await rooms.createRoom({
          name: room,
          emptyTimeout: ROOM_EMPTY_TIMEOUT_SECONDS,
          departureTimeout: ROOM_DEPARTURE_TIMEOUT_SECONDS,
        });
        return { roomSid: made.sid || null };
      }),
    closeRoom: (room) =>
      attempt("close the call's room", async (rooms) => {
        try {
          await rooms.deleteRoom(room);
        } catch (error) {
          // Gone already (its departure timeout, a second hang-up): what closing wanted.
          if (typeof error === "object" && error !== null && "status" in error && error.status === 404) return;
          throw error;
        }
      }),
    removeParticipant: (room, identity) =>
      attempt("take someone out of the call's room", async (rooms) => {
        try {
          await rooms.removeParticipant(room, identity);
        } catch (error) {
          // Not in the room (never joined, or left already): what removing wanted.
          if (typeof error === "object" && error !== null && "status" in error && error.status === 404) return;
          throw error;
        }
      }),
    separate: (room, apart) =>
      attempt(apart ? "hold the call" : "resume the call", async (rooms) => {
        const people = await rooms.listParticipants(room);
        const roleOf = (p: (typeof people)[number]) => p.attributes[ROLE_ATTRIBUTE];
        const agents = people.filter((p) => roleOf(p) === "agent");
        const customers = people.filter((p) => roleOf(p) === "customer");
        const tracksOf = (group: typeof people) => group.flatMap((p) => p.tracks.map((t) => t.sid));
        // Each side stops (or starts again) receiving the other's tracks; the hold music reaches the customer regardless.
        for (const agent of agents) {
          const theirs = tracksOf(customers);
          if (theirs.length > 0) await rooms.updateSubscriptions(room, agent.identity, theirs, !apart);
        }
        for (const customer of customers) {
          const theirs = tracksOf(agents);
          if (theirs.length > 0) await rooms.updateSubscriptions(room, customer.identity, theirs, !apart);
        }
      }),
    holdMusic: async (room, on) => {
      const media = mediaServiceOf(env);
      const played = on
        ? await media.startHold(server(), room, { audioUrl: await teamsHoldMusic() })
        : await media.stopHold(server(), room);
      if (played.ok) return;
      // No media service in this deployment: calls work without music (logged once, not an error).
      if (played.off) logMediaOffOnce(played.reason);
      else throw new CallMediaError(503, played.reason);
    },
    stopVoice: async (room) => {
      const stopped = await mediaServiceOf(env).stopVoice(server(), room);
      if (!stopped.ok && !stopped.off) throw new CallMediaError(503, stopped.reason);
    },
  };
}
