/**
 * The tokens people join a call's LiveKit room with, each with the least it needs (issue 15). A call is
 * a conversation with media: its room is named for the conversation's SID, on the LiveKit server of the
 * conversation's region (platform/livekit.ts), and every token names that one room.
 *
 * - `customer`: joins their conversation's room; publishes their microphone, camera and screen share,
 *   nothing else (no screen-share audio, no data: chat goes through the conversation); subscribes.
 * - `agent`: joins; publishes audio, video and screen share (with its audio); subscribes; no data.
 * - `monitor` (a supervisor listening): joins hidden — the others are not told they are there —
 *   subscribes, and may publish nothing, not even data.
 * - `supervisor` (whispering or barging in): joins seen, publishes their microphone only, subscribes.
 * - `hold` (the media service's hold music and announcements): publishes microphone-source audio only and
 *   subscribes to nothing — it hears no one.
 * None may create, list or administer rooms, record, or change their own metadata: what a participant is
 * (`switchboard.role`) is in the token's attributes, fixed by Switchboard.
 *
 * Pure: livekit-server-sdk signs with WebCrypto (HS256 under the API secret), in workerd as in Node.
 */
import { AccessToken, TrackSource, type VideoGrant } from "livekit-server-sdk";
import type { LiveKitServer } from "./livekit";
import { ROLE_ATTRIBUTE, type MediaRole, type MediaToken } from "../contract/calls";

/** How long a token may be used to join: LiveKit refreshes a joined participant's token itself. */
export const MEDIA_TOKEN_TTL_SECONDS = 10 * 60;

/** Nothing beyond what a grant names: no room creation, listing, administration or recording. */
const NOTHING_ELSE = {
  roomCreate: false,
  roomList: false,
  roomAdmin: false,
  roomRecord: false,
  canUpdateOwnMetadata: false,
  canPublishData: false,
} as const satisfies VideoGrant;

/**
 * What a role may do in `room`, as LiveKit's video grant.
 * @example mediaGrant("monitor", "CH…") // { roomJoin: true, room: "CH…", hidden: true, canPublish: false, canSubscribe: true, … }
 */
export function mediaGrant(role: MediaRole, room: string): VideoGrant {
  const joins = { ...NOTHING_ELSE, roomJoin: true, room, canSubscribe: true };
  switch (role) {
    case "customer":
      // canPublishData: a keypad's tones travel as LiveKit DTMF packets (`publishDtmf`), which a flow's voice hears.
      return {
        ...joins,
        canPublish: true,
        canPublishData: true,
        canPublishSources: [TrackSource.MICROPHONE, TrackSource.CAMERA, TrackSource.SCREEN_SHARE],
      };
    case "agent":
      return {
        ...joins,
        canPublish: true,
        canPublishSources: [TrackSource.MICROPHONE, TrackSource.CAMERA, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO],
      };
    case "monitor":
      return { ...joins, canPublish: false, hidden: true };
    case "supervisor":
      return { ...joins, canPublish: true, canPublishSources: [TrackSource.MICROPHONE] };
    case "hold":
      return { ...joins, canSubscribe: false, canPublish: true, canPublishSources: [TrackSource.MICROPHONE] };
    case "voice":
      // A flow's voice hears the caller (speech, voicemail) and speaks its prompts.
      return { ...joins, canPublish: true, canPublishSources: [TrackSource.MICROPHONE] };
    default: {
      const unknownRole: never = role;
      throw new Error(`Unknown media role ${String(unknownRole)}`);
    }
  }
}

export interface MediaTokenRequest {
  readonly role: MediaRole;
  /** The conversation's SID. */
  readonly room: string;
  readonly identity: string;
  /** Shown to the others in the room; none for a monitor, who is hidden. */
  readonly name?: string | null;
  readonly ttlSeconds?: number;
}

/** The `exp` of a JWT this module just signed, as ISO 8601: the one clock that counts is the one that signed it. */
function expiryOf(jwt: string): string {
  const payload = JSON.parse(atob(jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp: number };
  return new Date(payload.exp * 1000).toISOString();
}

/**
 * Signs a token for one person in one call's room with the grant of their role.
 * @example const { token, url } = await mintMediaToken(server, { role: "agent", room: "CH…", identity: "WK…", name: "Ada" });
 */
export async function mintMediaToken(server: LiveKitServer, request: MediaTokenRequest): Promise<MediaToken> {
  const { role, room, identity } = request;
  const access = new AccessToken(server.apiKey, server.apiSecret, {
    identity,
    ttl: request.ttlSeconds ?? MEDIA_TOKEN_TTL_SECONDS,
    attributes: { [ROLE_ATTRIBUTE]: role },
    ...(request.name && role !== "monitor" ? { name: request.name } : {}),
  });
  access.addGrant(mediaGrant(role, room));
  const token = await access.toJwt();
  return { url: server.url, token, room, identity, expires_at: expiryOf(token) };
}
