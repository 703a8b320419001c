/**
 * The decisions about call recordings, with no storage: whether a call is recorded (the queue's own
 * setting wins over the workspace's), where a part's audio goes in R2, how LiveKit's egress reports move
 * a part (forward only, so webhooks twice or out of order change it once), what a recording's status is
 * from what was asked and what its parts did, and when retention deletes its media.
 */
import type { RecordingChange, RecordingPart, RecordingSettings, RecordingStatus } from "../../contract/recordings";

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The most days a workspace may keep recordings: ten years; beyond that, keep them (null). */
export const MAX_RETENTION_DAYS = 3650;

export const DEFAULT_SETTINGS: RecordingSettings = { record_calls: false, queues: {}, retention_days: null };

/**
 * Whether a call routed through `queueSid` is recorded: the queue's own setting if it has one, else the workspace's.
 * @example shouldRecord({ record_calls: true, queues: { WQ1: false }, retention_days: null }, "WQ1") // false
 */
export function shouldRecord(settings: RecordingSettings, queueSid: string | null): boolean {
  const own = queueSid === null ? undefined : settings.queues[queueSid];
  return own ?? settings.record_calls;
}

/**
 * The R2 key of a part's audio. Only SIDs: nothing a customer typed (so never a card number) is in a
 * recording's key or metadata. The workspace's SID picks its bucket (a pinned workspace's own).
 * @example partKey("WS…", "RE…", 2) // "recordings/WS…/RE…/2.ogg"
 */
export const partKey = (workspaceSid: string, recordingSid: string, index: number): string =>
  `recordings/${workspaceSid}/${recordingSid}/${index}.ogg`;

const PART_KEY = /^recordings\/(WS[0-9a-f]{32})\/(RE[0-9a-f]{32})\/([1-9]\d{0,3})\.ogg$/;

/** The workspace, recording and part a key names, or null when it is not a part's key. */
export function parsePartKey(key: string): { workspaceSid: string; recordingSid: string; index: number } | null {
  const match = PART_KEY.exec(key);
  return match ? { workspaceSid: match[1]!, recordingSid: match[2]!, index: Number(match[3]) } : null;
}

/** What LiveKit's egress said about one egress (its webhook's `egressInfo`, read by the Worker). */
export interface EgressReport {
  readonly egressId: string;
  /** The file the egress writes: {@link partKey}'s. */
  readonly key: string;
  readonly status: "starting" | "active" | "ending" | "complete" | "failed";
  /** Seconds of audio, when the file is done. */
  readonly duration: number | null;
  readonly size: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly error: string | null;
}

const PART_ORDER: Record<RecordingPart["status"], number> = { starting: 0, recording: 1, uploading: 2, completed: 3, failed: 3 };

/** A report's part status. */
export function partStatusOf(status: EgressReport["status"]): RecordingPart["status"] {
  switch (status) {
    case "starting":
      return "starting";
    case "active":
      return "recording";
    case "ending":
      return "uploading";
    case "complete":
      return "completed";
    case "failed":
      return "failed";
    default: {
      const never: never = status;
      throw new Error(`unknown egress status ${String(never)}`);
    }
  }
}

/**
 * Whether a part in `from` moves to `to`: forward only, and an ended part never changes again.
 * @example moves("completed", "recording") // false: a late `egress_started` after `egress_ended`
 */
export const moves = (from: RecordingPart["status"], to: RecordingPart["status"]): boolean => PART_ORDER[to] > PART_ORDER[from];

/** What the call asked of the recording: `recording` while on, then `paused` or `stopped`. */
export type Desired = "recording" | "paused" | "stopped";

/** The desired state a Twilio Status word asks for. */
export const desiredOf = (change: RecordingChange): Desired => (change === "in-progress" ? "recording" : change);

/**
 * A recording's status from what was asked and what its parts did.
 * @example statusOf("stopped", [{ status: "completed" }], false) // "completed"
 */
export function statusOf(desired: Desired, parts: readonly Pick<RecordingPart, "status">[], deleted: boolean): RecordingStatus {
  if (deleted) return "deleted";
  const last = parts.at(-1);
  const settled = parts.every((part) => part.status === "completed" || part.status === "failed");
  // Recording, unless its egress ended on its own (the room closed, a time limit): then it is finished.
  if (desired === "recording" && !(settled && last !== undefined)) return "in-progress";
  if (desired === "paused") return "paused";
  if (!settled) return "stopped";
  return parts.some((part) => part.status === "completed") ? "completed" : "failed";
}

/** Whether a status is final for the call (no more parts will be added): what retention counts from. */
export const finished = (status: RecordingStatus): boolean => status === "completed" || status === "failed";

/**
 * When retention deletes a finished recording's media: `retentionDays` after it ended; null keeps them.
 * @example expiresAt(Date.UTC(2026, 0, 1), 30) // Date.UTC(2026, 0, 31)
 */
export const expiresAt = (endedAt: number, retentionDays: number | null): number | null =>
  retentionDays === null ? null : endedAt + retentionDays * DAY_MS;
