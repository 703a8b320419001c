/**
 * Call recordings (issue 15), as the Recordings API answers them and the desk reads them: a recording's
 * record, its parts (a pause stops LiveKit's egress and a resume starts a new one, so a recording paused
 * twice has three parts, each its own audio file) and a workspace's recording settings. Status words are
 * Twilio's Recording resource's, so a Twilio-minded integration reads them as it would there. Types only:
 * the Worker validates what it is sent with its endpoint schemas.
 */
import type { IsoDate } from "./taskrouter";

/**
 * - `in-progress`: LiveKit's egress is writing it (or starting to).
 * - `paused`: paused during the call (`POST …/call/recording` Status=paused); a resume adds a part.
 * - `stopped`: stopped during the call; its parts are finishing their upload.
 * - `completed`: every part uploaded; the media can be fetched.
 * - `failed`: egress could not record (or a part failed); `error` says why. Parts that did finish stay.
 * - `deleted`: its media were deleted (by the API or the workspace's retention); the record stays.
 */
export const RECORDING_STATUSES = ["in-progress", "paused", "stopped", "completed", "failed", "deleted"] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** What `POST /api/conversations/{sid}/call/recording` asks for: Twilio's words for a live recording's change. */
export const RECORDING_CHANGES = ["paused", "in-progress", "stopped"] as const;
export type RecordingChange = (typeof RECORDING_CHANGES)[number];

/** One egress: one audio file (Ogg Opus, two channels: the customer left, the agent right). */
export interface RecordingPart {
  /** 1, 2, … in the order they were recorded. */
  readonly index: number;
  readonly egress_id: string | null;
  readonly status: "starting" | "recording" | "uploading" | "completed" | "failed";
  /** Seconds of audio; null until LiveKit reports the file. */
  readonly duration: number | null;
  readonly size: number | null;
  readonly date_started: IsoDate | null;
  readonly date_ended: IsoDate | null;
}

export interface RecordingRecord {
  /** `RE` + 32 hex. */
  readonly sid: string;
  readonly account_sid: string;
  readonly workspace_sid: string;
  readonly conversation_sid: string;
  /** The call recorded (`CA…`). */
  readonly call_sid: string;
  /** The queue whose setting (or the workspace's) decided to record; null when none was known. */
  readonly queue_sid: string | null;
  readonly status: RecordingStatus;
  /** Always 2: the parties on separate channels. */
  readonly channels: 2;
  /** Seconds of audio over every completed part. */
  readonly duration: number;
  readonly parts: readonly RecordingPart[];
  /** Why it failed, in words a person can act on. */
  readonly error: string | null;
  readonly date_created: IsoDate;
  readonly date_updated: IsoDate;
  /** When the workspace's retention deletes its media; null when it keeps them. */
  readonly date_expires: IsoDate | null;
  readonly date_deleted: IsoDate | null;
}

/** A workspace's recording settings (`GET/POST /api/workspaces/{sid}/recordings/settings`). */
export interface RecordingSettings {
  /** Record every call of the workspace (a queue's own setting wins over it). */
  readonly record_calls: boolean;
  /** Queues whose own setting wins: queue SID → record or not. */
  readonly queues: Readonly<Record<string, boolean>>;
  /** Days a recording's media are kept after it ends; null keeps them until deleted. */
  readonly retention_days: number | null;
}
