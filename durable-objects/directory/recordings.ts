/**
 * The workspace's call recordings (the Recordings API's index) and its recording settings, in the
 * DirectoryDO: one object per workspace that already indexes its conversations, in the workspace's
 * jurisdiction, so a recording's metadata stays beside the conversation it belongs to and a list by
 * conversation, call or date is one indexed query. A recording is one row per call; each egress (a pause
 * ends one, a resume starts the next) is a part with its own audio file in R2. Retention is a `retention`
 * timer per finished recording (the kit's `sb_timers`), which the object's alarm turns into deletions.
 *
 * Synchronous SQL over the narrow storage host; callers hold the transaction. Keys and metadata carry
 * SIDs only, never what a customer typed.
 */
import type { RecordingChange, RecordingPart, RecordingRecord, RecordingSettings } from "../../contract/recordings";
import { iso } from "../../contract/taskrouter";
import { isSid, newSid } from "../../contract/ids";
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { keysetPage } from "../kit/paging";
import { first, rows, run, type SqlValue, type StoreHost } from "../kit/sql-host";
import { clearTimer, setTimer } from "../kit/timers";
import {
  DEFAULT_SETTINGS,
  desiredOf,
  expiresAt,
  finished,
  MAX_RETENTION_DAYS,
  moves,
  partKey,
  partStatusOf,
  shouldRecord,
  statusOf,
  type Desired,
  type EgressReport,
} from "./recording-policy";

export const RETENTION_TIMER = "retention";

export interface Scope {
  readonly accountSid: string;
  readonly workspaceSid: string;
}

interface RecordingRow {
  sid: string;
  conversation_sid: string;
  call_sid: string;
  queue_sid: string | null;
  desired: Desired;
  error: string | null;
  date_created: number;
  date_updated: number;
  date_expires: number | null;
  date_deleted: number | null;
}

interface PartRow {
  recording_sid: string;
  idx: number;
  egress_id: string | null;
  status: RecordingPart["status"];
  duration_ms: number | null;
  size: number | null;
  date_started: number | null;
  date_ended: number | null;
}

/** A part to start: its index and where its audio goes. */
export interface PartToStart {
  readonly index: number;
  readonly key: string;
}

/** What the caller does after a change: egresses to stop, a part to start; and the recording now. */
export interface RecordingEffects {
  readonly recording: RecordingRecord;
  readonly stop: readonly string[];
  readonly start: PartToStart | null;
}

export interface RecordingFilter {
  readonly conversationSid?: string;
  readonly callSid?: string;
  /** Created at or after (epoch ms). */
  readonly createdAfter?: number;
  /** Created before (epoch ms). */
  readonly createdBefore?: number;
}

export interface SettingsInput {
  readonly recordCalls?: boolean;
  /** Queue SID → record or not; null removes the queue's own setting. */
  readonly queues?: Readonly<Record<string, boolean | null>>;
  /** 0 or null keeps media until deleted. */
  readonly retentionDays?: number | null;
}

const SELECT =
  "SELECT sid, conversation_sid, call_sid, queue_sid, desired, error, date_created, date_updated, date_expires, date_deleted FROM sb_recordings";

const getRow = (host: StoreHost, sid: string) => first<RecordingRow>(host, `${SELECT} WHERE sid = ?`, sid);

const partsOf = (host: StoreHost, sid: string) =>
  rows<PartRow>(
    host,
    "SELECT recording_sid, idx, egress_id, status, duration_ms, size, date_started, date_ended FROM sb_recording_parts WHERE recording_sid = ? ORDER BY idx",
    sid,
  );

const isoOrNull = (at: number | null) => (at === null ? null : iso(at));

function toRecord(host: StoreHost, scope: Scope, row: RecordingRow): RecordingRecord {
  const parts = partsOf(host, row.sid).map((part): RecordingPart => ({
    index: part.idx,
    egress_id: part.egress_id,
    status: part.status,
    duration: part.duration_ms === null ? null : Math.round(part.duration_ms / 1000),
    size: part.size,
    date_started: isoOrNull(part.date_started),
    date_ended: isoOrNull(part.date_ended),
  }));
  const completedMs = partsOf(host, row.sid)
    .filter((part) => part.status === "completed")
    .reduce((sum, part) => sum + (part.duration_ms ?? 0), 0);
  return {
    sid: row.sid,
    account_sid: scope.accountSid,
    workspace_sid: scope.workspaceSid,
    conversation_sid: row.conversation_sid,
    call_sid: row.call_sid,
    queue_sid: row.queue_sid,
    status: statusOf(row.desired, parts, row.date_deleted !== null),
    channels: 2,
    duration: Math.round(completedMs / 1000),
    parts,
    error: row.error,
    date_created: iso(row.date_created),
    date_updated: iso(row.date_updated),
    date_expires: isoOrNull(row.date_expires),
    date_deleted: isoOrNull(row.date_deleted),
  };
}

// ── settings ───────────────────────────────────────────────────────────────────────────────────────

export function getSettings(host: StoreHost): RecordingSettings {
  const row = first<{ record_calls: number; retention_days: number | null }>(
    host,
    "SELECT record_calls, retention_days FROM sb_recording_settings WHERE id = 1",
  );
  const queues = Object.fromEntries(
    rows<{ queue_sid: string; record: number }>(host, "SELECT queue_sid, record FROM sb_recording_queues ORDER BY queue_sid").map((q) => [
      q.queue_sid,
      q.record === 1,
    ]),
  );
  if (!row) return { ...DEFAULT_SETTINGS, queues };
  return { record_calls: row.record_calls === 1, queues, retention_days: row.retention_days };
}

export function setSettings(host: StoreHost, input: SettingsInput, now: number): ApiResult<RecordingSettings> {
  const { retentionDays } = input;
  if (retentionDays != null && (!Number.isInteger(retentionDays) || retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS)) {
    return invalid("RetentionDays", `must be a whole number of days from 0 to ${MAX_RETENTION_DAYS} (0 keeps recordings until deleted)`);
  }
  for (const queueSid of Object.keys(input.queues ?? {})) {
    if (!isSid("WQ", queueSid)) return invalid("Queue", `${JSON.stringify(String(queueSid).slice(0, 40))} is not a task queue SID`);
  }
  const current = getSettings(host);
  const retention = retentionDays === undefined ? current.retention_days : retentionDays === 0 ? null : retentionDays;
  run(
    host,
    "INSERT OR REPLACE INTO sb_recording_settings (id, record_calls, retention_days) VALUES (1, ?, ?)",
    (input.recordCalls ?? current.record_calls) ? 1 : 0,
    retention,
  );
  for (const [queueSid, record] of Object.entries(input.queues ?? {})) {
    if (record === null) run(host, "DELETE FROM sb_recording_queues WHERE queue_sid = ?", queueSid);
    else run(host, "INSERT OR REPLACE INTO sb_recording_queues (queue_sid, record) VALUES (?, ?)", queueSid, record ? 1 : 0);
  }
  if (retention !== current.retention_days) reschedule(host, retention, now);
  return ok(getSettings(host));
}

/** A new retention applies to every finished recording that still has its media, counted from when it ended. */
function reschedule(host: StoreHost, retentionDays: number | null, now: number): void {
  const candidates = rows<{ sid: string; date_created: number }>(
    host,
    "SELECT sid, date_created FROM sb_recordings WHERE date_deleted IS NULL AND desired = 'stopped'",
  );
  const finishedRows = candidates.map(({ sid, date_created }) => ({
    sid,
    ended: Math.max(date_created, ...partsOf(host, sid).map((part) => part.date_ended ?? 0)),
  }));
  for (const { sid, ended } of finishedRows) {
    if (!finished(statusOf("stopped", partsOf(host, sid), false))) continue;
    const expires = expiresAt(ended, retentionDays);
    run(host, "UPDATE sb_recordings SET date_expires = ?, date_updated = ? WHERE sid = ?", expires, now, sid);
    if (expires === null) clearTimer(host, RETENTION_TIMER, sid);
    else setTimer(host, RETENTION_TIMER, sid, expires);
  }
}

// ── a call's recording ─────────────────────────────────────────────────────────────────────────────

export interface OpenInput {
  readonly conversationSid: string;
  readonly callSid: string;
  readonly queueSid: string | null;
}

const byCall = (host: StoreHost, callSid: string) => first<RecordingRow>(host, `${SELECT} WHERE call_sid = ?`, callSid);

function addPart(host: StoreHost, scope: Scope, sid: string, now: number): PartToStart {
  const last = first<{ idx: number | null }>(host, "SELECT max(idx) AS idx FROM sb_recording_parts WHERE recording_sid = ?", sid);
  const index = (last?.idx ?? 0) + 1;
  run(host, "INSERT INTO sb_recording_parts (recording_sid, idx, status) VALUES (?, ?, 'starting')", sid, index);
  run(host, "UPDATE sb_recordings SET date_updated = ? WHERE sid = ?", now, sid);
  return { index, key: partKey(scope.workspaceSid, sid, index) };
}

/**
 * A call became connected: its recording (made now when the settings say to record it), and the part to
 * start — none when the call is not recorded, or is already being recorded (connected again after a hold
 * or a transfer), or was paused or stopped by someone.
 */
export function openRecording(host: StoreHost, scope: Scope, input: OpenInput, now: number): ApiResult<RecordingEffects | null> {
  if (!isSid("CH", input.conversationSid)) return invalid("conversationSid", "must be a CH SID");
  if (!isSid("CA", input.callSid)) return invalid("callSid", "must be a CA SID");
  if (input.queueSid !== null && !isSid("WQ", input.queueSid)) return invalid("queueSid", "must be a WQ SID");
  const existing = byCall(host, input.callSid);
  if (existing) return ok({ recording: toRecord(host, scope, existing), stop: [], start: null });
  if (!shouldRecord(getSettings(host), input.queueSid)) return ok(null);
  const sid = newSid("RE");
  run(
    host,
    `INSERT INTO sb_recordings (sid, conversation_sid, call_sid, queue_sid, desired, date_created, date_updated)
     VALUES (?, ?, ?, ?, 'recording', ?, ?)`,
    sid,
    input.conversationSid,
    input.callSid,
    input.queueSid,
    now,
    now,
  );
  const start = addPart(host, scope, sid, now);
  return ok({ recording: toRecord(host, scope, getRow(host, sid)!), stop: [], start });
}

/** The egress LiveKit answered for a part (or why it could not start one). */
export function partStarted(
  host: StoreHost,
  scope: Scope,
  recordingSid: string,
  index: number,
  outcome: { egressId: string } | { error: string },
  now: number,
): ApiResult<RecordingEffects> {
  const row = getRow(host, recordingSid);
  if (!row) return notFound("Recording", recordingSid);
  const part = first<PartRow>(host, "SELECT status FROM sb_recording_parts WHERE recording_sid = ? AND idx = ?", recordingSid, index);
  if (!part) return notFound("Recording part", `${recordingSid}/${index}`);
  let stop: string[] = [];
  if ("egressId" in outcome) {
    // Paused or stopped while LiveKit was starting it: the caller stops it at once.
    const late = row.desired !== "recording" && part.status === "starting";
    run(
      host,
      "UPDATE sb_recording_parts SET egress_id = ?, status = ? WHERE recording_sid = ? AND idx = ?",
      outcome.egressId,
      late ? "uploading" : part.status,
      recordingSid,
      index,
    );
    if (late) stop = [outcome.egressId];
  } else {
    run(
      host,
      "UPDATE sb_recording_parts SET status = 'failed', date_ended = ? WHERE recording_sid = ? AND idx = ?",
      now,
      recordingSid,
      index,
    );
    run(host, "UPDATE sb_recordings SET error = ? WHERE sid = ?", outcome.error.slice(0, 500), recordingSid);
  }
  return ok({ recording: settle(host, scope, recordingSid, now), stop, start: null });
}

/** After any change: the row's update time, and the retention timer once the recording has finished. */
function settle(host: StoreHost, scope: Scope, sid: string, now: number): RecordingRecord {
  const row = getRow(host, sid)!;
  const record = toRecord(host, scope, row);
  let expires: number | null = null;
  if (finished(record.status) && row.date_deleted === null) {
    const ended = Math.max(now, ...partsOf(host, sid).map((part) => part.date_ended ?? 0));
    expires = expiresAt(ended, getSettings(host).retention_days);
  }
  run(host, "UPDATE sb_recordings SET date_updated = ?, date_expires = ? WHERE sid = ?", now, expires, sid);
  if (expires === null) clearTimer(host, RETENTION_TIMER, sid);
  else setTimer(host, RETENTION_TIMER, sid, expires);
  return toRecord(host, scope, getRow(host, sid)!);
}

const liveEgresses = (host: StoreHost, sid: string): string[] =>
  rows<{ egress_id: string }>(
    host,
    "SELECT egress_id FROM sb_recording_parts WHERE recording_sid = ? AND egress_id IS NOT NULL AND status IN ('starting', 'recording')",
    sid,
  ).map((part) => part.egress_id);

/**
 * `POST …/call/recording` {Status}: pause (stop the running egress), resume (a new part), or stop. The
 * same change twice changes nothing; a stopped recording cannot be resumed (409), nor a deleted one.
 */
export function changeRecording(
  host: StoreHost,
  scope: Scope,
  callSid: string,
  change: RecordingChange,
  now: number,
): ApiResult<RecordingEffects> {
  const row = byCall(host, callSid);
  if (!row) return fail(404, 20404, `Call ${callSid} is not being recorded`);
  const wanted = desiredOf(change);
  if (row.date_deleted !== null) return fail(409, 20409, `Recording ${row.sid} was deleted`);
  if (row.desired === "stopped" && wanted !== "stopped")
    return fail(409, 20409, `Recording ${row.sid} was stopped; it cannot be ${change}`);
  if (row.desired === wanted) return ok({ recording: toRecord(host, scope, row), stop: [], start: null });
  const stop = wanted === "recording" ? [] : liveEgresses(host, row.sid);
  run(host, "UPDATE sb_recordings SET desired = ? WHERE sid = ?", wanted, row.sid);
  // Until LiveKit reports it, a stopped part is uploading: the recording is not finished before its file is.
  if (stop.length > 0) {
    run(
      host,
      "UPDATE sb_recording_parts SET status = 'uploading' WHERE recording_sid = ? AND status IN ('starting', 'recording') AND egress_id IS NOT NULL",
      row.sid,
    );
  }
  // A part still starting (no egress ID yet) is stopped when its start is reported (partStarted).
  const start = wanted === "recording" ? addPart(host, scope, row.sid, now) : null;
  return ok({ recording: settle(host, scope, row.sid, now), stop, start });
}

/** The call ended: its recording stops (the egresses still running are the caller's to stop). */
export function callEnded(host: StoreHost, scope: Scope, callSid: string, now: number): ApiResult<RecordingEffects | null> {
  const row = byCall(host, callSid);
  if (!row || row.desired === "stopped") return ok(null);
  return changeRecording(host, scope, callSid, "stopped", now);
}

/**
 * LiveKit's egress webhook for one of this workspace's parts: found by its key (which names the
 * recording and part) and, once known, its egress ID. Moves the part forward only, so a repeat or a late
 * `egress_started` after `egress_ended` changes nothing (answers null then).
 */
export function applyEgressReport(
  host: StoreHost,
  scope: Scope,
  recordingSid: string,
  index: number,
  report: EgressReport,
  now: number,
): ApiResult<RecordingRecord | null> {
  const part = first<PartRow>(
    host,
    "SELECT recording_sid, idx, egress_id, status, duration_ms, size, date_started, date_ended FROM sb_recording_parts WHERE recording_sid = ? AND idx = ?",
    recordingSid,
    index,
  );
  if (!part) return notFound("Recording part", `${recordingSid}/${index}`);
  if (part.egress_id !== null && part.egress_id !== report.egressId) {
    return fail(409, 20409, `Recording ${recordingSid} part ${index} is egress ${part.egress_id}, not ${report.egressId}`);
  }
  const to = partStatusOf(report.status);
  if (!moves(part.status, to)) {
    if (part.egress_id === null)
      run(host, "UPDATE sb_recording_parts SET egress_id = ? WHERE recording_sid = ? AND idx = ?", report.egressId, recordingSid, index);
    return ok(null);
  }
  const values: SqlValue[] = [
    report.egressId,
    to,
    report.duration === null ? part.duration_ms : Math.round(report.duration * 1000),
    report.size ?? part.size,
    report.startedAt ?? part.date_started,
    to === "completed" || to === "failed" ? (report.endedAt ?? now) : part.date_ended,
    recordingSid,
    index,
  ];
  run(
    host,
    "UPDATE sb_recording_parts SET egress_id = ?, status = ?, duration_ms = ?, size = ?, date_started = ?, date_ended = ? WHERE recording_sid = ? AND idx = ?",
    ...values,
  );
  if (to === "failed")
    run(host, "UPDATE sb_recordings SET error = ? WHERE sid = ?", (report.error ?? "LiveKit's egress failed").slice(0, 500), recordingSid);
  return ok(settle(host, scope, recordingSid, now));
}

// ── the API ────────────────────────────────────────────────────────────────────────────────────────

export function getRecording(host: StoreHost, scope: Scope, sid: string): ApiResult<RecordingRecord> {
  const row = getRow(host, sid);
  return row ? ok(toRecord(host, scope, row)) : notFound("Recording", sid);
}

export function listRecordings(
  host: StoreHost,
  scope: Scope,
  request: PageRequest,
  filter: RecordingFilter,
): ApiResult<Page<RecordingRecord>> {
  const where: string[] = [];
  const bindings: SqlValue[] = [];
  const conditions: [string, SqlValue | undefined][] = [
    ["conversation_sid = ?", filter.conversationSid],
    ["call_sid = ?", filter.callSid],
    ["date_created >= ?", filter.createdAfter],
    ["date_created < ?", filter.createdBefore],
  ];
  for (const [condition, bound] of conditions) {
    if (bound === undefined) continue;
    where.push(condition);
    bindings.push(bound);
  }
  // Newest first, as Twilio lists recordings.
  return keysetPage(host, { select: SELECT, where, bindings, column: "date_created", order: "desc" }, request, (row: RecordingRow) =>
    toRecord(host, scope, row),
  );
}

/** The R2 key of a completed part whose media are still kept, or why not. */
export function mediaKey(host: StoreHost, scope: Scope, sid: string, index: number): ApiResult<string> {
  const row = getRow(host, sid);
  if (!row) return notFound("Recording", sid);
  if (row.date_deleted !== null) return fail(410, 20410, `Recording ${sid}'s media were deleted`);
  const part = first<PartRow>(host, "SELECT status FROM sb_recording_parts WHERE recording_sid = ? AND idx = ?", sid, index);
  if (!part) return notFound("Recording part", `${sid}/${index}`);
  if (part.status !== "completed") return fail(409, 20409, `Recording ${sid} part ${index} is ${part.status}, not completed`);
  return ok(partKey(scope.workspaceSid, sid, index));
}

/** Every key a recording's parts may have written (the caller deletes them from R2), or why not. */
export function mediaKeys(host: StoreHost, scope: Scope, sid: string): ApiResult<string[]> {
  const row = getRow(host, sid);
  if (!row) return notFound("Recording", sid);
  const record = toRecord(host, scope, row);
  if (record.status === "in-progress" || record.status === "paused" || record.status === "stopped") {
    return fail(409, 20409, `Recording ${sid} is ${record.status}; stop the call's recording and let it finish before deleting it`);
  }
  return ok(partsOf(host, sid).map((part) => partKey(scope.workspaceSid, sid, part.idx)));
}

/** Its media are gone from R2: the record stays, `deleted`. */
export function markDeleted(host: StoreHost, scope: Scope, sid: string, now: number): ApiResult<RecordingRecord> {
  const row = getRow(host, sid);
  if (!row) return notFound("Recording", sid);
  if (row.date_deleted === null) {
    run(host, "UPDATE sb_recordings SET date_deleted = ?, date_updated = ?, date_expires = NULL WHERE sid = ?", now, now, sid);
    clearTimer(host, RETENTION_TIMER, sid);
  }
  return ok(toRecord(host, scope, getRow(host, sid)!));
}
