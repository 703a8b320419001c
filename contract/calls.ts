/**
 * Calls and video, as the browser reads them (issue 15): what the media-token routes answer — where the
 * call's LiveKit room is and the token to join it with — and the role a participant's token fixed, which
 * LiveKit shows the others as the participant attribute {@link ROLE_ATTRIBUTE}. The desk and the widget
 * join with `livekit-client` (`room.connect(url, token)`). No zod here: the browser imports this file's
 * lists and constants as values; the media token's schema is media-token.ts (the browser imports its type).
 */

/**
 * Who someone is in a call: the customer, an agent, a supervisor listening unseen (`monitor`), a
 * supervisor who speaks — to the agent alone (a whisper: the supervisor's client lets only the agent
 * subscribe) or to both (barge) — (`supervisor`), the media service playing hold music and
 * announcements (`hold`), and the media service as a flow's voice — speaking its prompts, hearing the
 * caller's keys and speech (`voice`, issue 16).
 */
export const MEDIA_ROLES = ["customer", "agent", "monitor", "supervisor", "hold", "voice"] as const;
export type MediaRole = (typeof MEDIA_ROLES)[number];

/** The participant attribute that says what someone in a call is, as their token fixed it. */
export const ROLE_ATTRIBUTE = "switchboard.role";

import type { MediaToken } from "./media-token";

export type { MediaToken };

// ── a call's state (issue 15): what the widget and the desk read on the conversation socket ─────────────

/** A call carries the customer's voice, or voice and video (camera, screen share). Its task's channel is the same word. */
export const CALL_KINDS = ["voice", "video"] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/**
 * - `waiting`: the customer is in the room (or on their way), the task is queued; they hear hold music.
 * - `connected`: an agent is in the room with them.
 * - `held`: the agent put them on hold; they hear hold music, the agent and they don't hear each other.
 * - `ended`: over (see `end_reason`); a conversation may have a later call.
 */
export const CALL_STATES = ["waiting", "connected", "held", "ended"] as const;
export type CallState = (typeof CALL_STATES)[number];

/**
 * - `completed`: someone hung up after an agent had joined.
 * - `abandoned`: the customer hung up (or left the room) before an agent joined; the task is canceled.
 * - `failed`: it could not go on (LiveKit unreachable, the task could not be made); `failure` says why.
 */
export const CALL_END_REASONS = ["completed", "abandoned", "failed"] as const;
export type CallEndReason = (typeof CALL_END_REASONS)[number];

/** One person in the call's room as LiveKit's webhooks reported them (hidden monitors are never listed). */
export interface CallParty {
  readonly identity: string;
  readonly role: MediaRole;
  readonly name: string | null;
  /** When LiveKit reported them joined (ISO 8601). */
  readonly joined_at: string;
}

/**
 * A call: one per start, a conversation's latest in its snapshot and each change as `call.updated`.
 * The room is the conversation's SID, in the conversation's region.
 */
export interface CallRecord {
  /** `CA` + 32 hex. */
  readonly sid: string;
  readonly conversation_sid: string;
  readonly room: string;
  readonly kind: CallKind;
  readonly state: CallState;
  /** Who asked for it: the customer from the widget, or an agent escalating their chat. */
  readonly started_by: "customer" | "agent";
  /** The task that routes it (a chat escalated to a call keeps its chat's task). */
  readonly task_sid: string | null;
  /**
   * The Studio flow execution (`FN…`) that answered the call before any agent (the channel's flow has an
   * incomingCall trigger): while it runs, `task_sid` is null and the caller hears its menu; it hands the
   * call to a task (enqueue-call, send-to-flex, connect-call-to) or ends it. Null for a call with no flow.
   */
  readonly execution_sid: string | null;
  /** Who is in the room now. */
  readonly parties: readonly CallParty[];
  /** While `waiting`: the queue's estimate of the customer's wait, in seconds; null when it has none. */
  readonly estimated_wait_seconds: number | null;
  /** Whether the call is being recorded. */
  readonly recording: "off" | "on" | "paused";
  /** A warm transfer in progress: the agent consults another agent (or queue) while the customer holds. */
  readonly consult: { readonly target_type: "worker" | "queue"; readonly target_sid: string; readonly worker_sid: string | null } | null;
  readonly date_created: string;
  readonly date_connected: string | null;
  readonly date_ended: string | null;
  readonly end_reason: CallEndReason | null;
  /** Why a failed call failed, in words a person can act on. */
  readonly failure: string | null;
}

/** What `POST …/call` answers (the widget's and the desk's): the call, and the caller's token to join its room. */
export interface StartedCall {
  readonly call: CallRecord;
  readonly media: MediaToken;
  /**
   * The widget's `POST …/call` only: a renewed visitor session, when the call opened a conversation new to
   * the session (keep it, as after `POST …/messages`); absent otherwise.
   */
  readonly token?: string;
}

// ── supervising a call (issue 15) ────────────────────────────────────────────────────────────────────

/**
 * How a supervisor joins a call (`Mode` of `POST /api/conversations/{sid}/media-token`):
 * - `monitor`: hidden, listening only (the `monitor` grant, identity `monitor:…`);
 * - `whisper`: seen by the server, speaking to the agent alone — the supervisor's client lets only the
 *   agent subscribe to their microphone (`setTrackSubscriptionPermissions(false, [{ participantIdentity:
 *   <agent>, allowAll: true }])`) — (the `supervisor` grant, identity `supervisor:…`);
 * - `barge`: joins fully, heard by both (the `supervisor` grant, no restriction).
 */
export const SUPERVISION_MODES = ["monitor", "whisper", "barge"] as const;
export type SupervisionMode = (typeof SUPERVISION_MODES)[number];
