// A workspace's call recordings in the Directory (node:sqlite): when a call is recorded, how egress
// reports move its parts (twice or out of order change it once), pause and resume as parts, the
// Recordings API's reads, and retention's timer.
import { describe, expect, it } from "vitest";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { timerDueAt } from "../../../durable-objects/kit/timers";
import { Directory } from "../../../durable-objects/directory/directory";
import { DIRECTORY_MIGRATIONS } from "../../../durable-objects/directory/schema";
import {
  DAY_MS,
  expiresAt,
  parsePartKey,
  partKey,
  shouldRecord,
  statusOf,
  type EgressReport,
} from "../../../durable-objects/directory/recording-policy";
import { RETENTION_TIMER } from "../../../durable-objects/directory/recordings";
import type { ApiResult } from "../../../durable-objects/common/rpc";
import { sqliteHost } from "../kit/sqlite-host";

const ACCOUNT = "AC" + "5".repeat(32);
const OTHER_ACCOUNT = "AC" + "6".repeat(32);
const WORKSPACE = "WS" + "1".repeat(32);
const CH = "CH" + "1".repeat(32);
const CH2 = "CH" + "2".repeat(32);
const CA = "CA" + "1".repeat(32);
const CA2 = "CA" + "2".repeat(32);
const SALES = "WQ" + "1".repeat(32);
const SUPPORT = "WQ" + "2".repeat(32);
const T0 = Date.parse("2026-12-01T12:00:00Z");

function setup() {
  const host = sqliteHost();
  applyMigrations(host, DIRECTORY_MIGRATIONS);
  let now = T0;
  const dir = new Directory(host, WORKSPACE, () => now);
  return { host, dir, tick: (ms = 1000) => (now += ms), now: () => now };
}

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`${result.status} ${result.message}`);
  return result.value;
}

const report = (key: string, status: EgressReport["status"], extra: Partial<EgressReport> = {}): EgressReport => ({
  egressId: "EG_one",
  key,
  status,
  duration: null,
  size: null,
  startedAt: null,
  endedAt: null,
  error: null,
  ...extra,
});

/** A workspace that records every call, one call connected: its recording and first part. */
function recording(retentionDays: number | null = null) {
  const t = setup();
  value(t.dir.setRecordingSettings(ACCOUNT, { recordCalls: true, retentionDays }));
  const opened = value(t.dir.openRecording(ACCOUNT, { conversationSid: CH, callSid: CA, queueSid: SALES }))!;
  value(t.dir.recordingPartStarted(ACCOUNT, opened.recording.sid, 1, { egressId: "EG_one" }));
  return { ...t, opened, sid: opened.recording.sid, key: opened.start!.key };
}

describe("when a call is recorded", () => {
  it.each([
    // workspace, queue's own, expected
    [false, undefined, false],
    [true, undefined, true],
    [true, false, false], // the queue's setting wins
    [false, true, true],
  ] as const)("workspace %s, queue %s → %s", (workspace, queue, expected) => {
    const queues = queue === undefined ? {} : { [SALES]: queue };
    expect(shouldRecord({ record_calls: workspace, queues, retention_days: null }, SALES)).toBe(expected);
  });

  it("opens no recording for a call the settings don't record", () => {
    const { dir } = setup();
    value(dir.setRecordingSettings(ACCOUNT, { recordCalls: true, queues: { [SUPPORT]: false } }));
    expect(value(dir.openRecording(ACCOUNT, { conversationSid: CH, callSid: CA, queueSid: SUPPORT }))).toBeNull();
    expect(value(dir.listRecordings(ACCOUNT, { pageSize: 50, page: 0 }, {})).items).toEqual([]);
  });

  it("opens one recording per call, its first part keyed by SIDs only", () => {
    const { dir, opened, sid } = recording();
    expect(opened.start).toEqual({ index: 1, key: `recordings/${WORKSPACE}/${sid}/1.ogg` });
    expect(opened.recording).toMatchObject({ status: "in-progress", call_sid: CA, conversation_sid: CH, queue_sid: SALES, channels: 2 });
    // Connected again (after a hold or a transfer): the same recording, no second egress.
    const again = value(dir.openRecording(ACCOUNT, { conversationSid: CH, callSid: CA, queueSid: SALES }))!;
    expect(again.start).toBeNull();
    expect(again.recording.sid).toBe(sid);
  });

  it("refuses bad input and another account", () => {
    const { dir } = recording();
    expect(dir.openRecording(ACCOUNT, { conversationSid: "CH1", callSid: CA2, queueSid: null })).toMatchObject({ ok: false, status: 400 });
    expect(dir.setRecordingSettings(ACCOUNT, { retentionDays: -1 })).toMatchObject({ ok: false, status: 400 });
    expect(dir.setRecordingSettings(ACCOUNT, { queues: { "not-a-queue": true } })).toMatchObject({ ok: false, status: 400 });
    expect(dir.listRecordings(OTHER_ACCOUNT, { pageSize: 50, page: 0 }, {})).toMatchObject({ ok: false, status: 404 });
  });
});

describe("egress reports", () => {
  it("move a part forward once, in any order, and finish the recording when its file is done", () => {
    const { dir, sid, key, tick } = recording();
    expect(value(dir.applyEgressReport(report(key, "active")))!.parts[0]!.status).toBe("recording");
    value(dir.callRecordingEnded(ACCOUNT, CA));
    tick();
    const done = value(dir.applyEgressReport(report(key, "complete", { duration: 42.4, size: 68_000 })))!;
    expect(done).toMatchObject({ status: "completed", duration: 42 });
    expect(done.parts[0]).toMatchObject({ status: "completed", duration: 42, size: 68_000 });
    // The same webhook twice, and a late `egress_started`: nothing changes.
    expect(value(dir.applyEgressReport(report(key, "complete", { duration: 42.4 })))).toBeNull();
    expect(value(dir.applyEgressReport(report(key, "active")))).toBeNull();
    expect(value(dir.getRecording(ACCOUNT, sid)).status).toBe("completed");
  });

  it("refuse a report for another egress, another workspace's key or an unknown part", () => {
    const { dir, sid, key } = recording();
    expect(dir.applyEgressReport(report(key, "complete", { egressId: "EG_other" }))).toMatchObject({ ok: false, status: 409 });
    expect(dir.applyEgressReport(report(partKey("WS" + "9".repeat(32), sid, 1), "active"))).toMatchObject({ ok: false, status: 400 });
    expect(dir.applyEgressReport(report(partKey(WORKSPACE, sid, 7), "active"))).toMatchObject({ ok: false, status: 404 });
  });

  it("a failed egress fails the recording with LiveKit's reason", () => {
    const { dir, key } = recording();
    const failed = value(dir.applyEgressReport(report(key, "failed", { error: "could not upload: access denied" })))!;
    expect(failed).toMatchObject({ status: "failed", error: "could not upload: access denied" });
  });

  it("LiveKit refusing to start the egress fails it too", () => {
    const { dir } = setup();
    value(dir.setRecordingSettings(ACCOUNT, { recordCalls: true }));
    const { recording: opened } = value(dir.openRecording(ACCOUNT, { conversationSid: CH, callSid: CA, queueSid: null }))!;
    const failed = value(dir.recordingPartStarted(ACCOUNT, opened.sid, 1, { error: "egress not connected" }));
    expect(failed.recording).toMatchObject({ status: "failed", error: "egress not connected" });
  });

  it("an egress that starts after the call paused it is stopped at once", () => {
    const { dir } = setup();
    value(dir.setRecordingSettings(ACCOUNT, { recordCalls: true }));
    const { recording: opened } = value(dir.openRecording(ACCOUNT, { conversationSid: CH, callSid: CA, queueSid: null }))!;
    expect(value(dir.changeRecording(ACCOUNT, CA, "paused")).stop).toEqual([]); // no egress ID yet
    const late = value(dir.recordingPartStarted(ACCOUNT, opened.sid, 1, { egressId: "EG_late" }));
    expect(late.stop).toEqual(["EG_late"]);
    expect(late.recording).toMatchObject({ status: "paused", parts: [{ status: "uploading", egress_id: "EG_late" }] });
  });
});

describe("pause, resume, stop", () => {
  it("a pause stops the egress, a resume starts a second part, a stop ends it; the duration adds the parts", () => {
    const { dir, sid, key } = recording();
    value(dir.recordingPartStarted(ACCOUNT, sid, 1, { egressId: "EG_one" }));
    const paused = value(dir.changeRecording(ACCOUNT, CA, "paused"));
    expect(paused).toMatchObject({ stop: ["EG_one"], start: null, recording: { status: "paused" } });
    expect(value(dir.changeRecording(ACCOUNT, CA, "paused")).stop).toEqual([]); // twice: once
    const resumed = value(dir.changeRecording(ACCOUNT, CA, "in-progress"));
    expect(resumed.start).toEqual({ index: 2, key: partKey(WORKSPACE, sid, 2) });
    expect(resumed.recording.status).toBe("in-progress");
    value(dir.recordingPartStarted(ACCOUNT, sid, 2, { egressId: "EG_two" }));
    value(dir.applyEgressReport(report(key, "complete", { duration: 10 })));
    const stopped = value(dir.changeRecording(ACCOUNT, CA, "stopped"));
    expect(stopped).toMatchObject({ stop: ["EG_two"], recording: { status: "stopped" } });
    const done = value(dir.applyEgressReport(report(resumed.start!.key, "complete", { egressId: "EG_two", duration: 5 })))!;
    expect(done).toMatchObject({ status: "completed", duration: 15 });
    expect(done.parts.map((p) => p.index)).toEqual([1, 2]);
    expect(dir.changeRecording(ACCOUNT, CA, "in-progress")).toMatchObject({ ok: false, status: 409 });
  });

  it("a call that is not recorded answers 404", () => {
    const { dir } = recording();
    expect(dir.changeRecording(ACCOUNT, CA2, "paused")).toMatchObject({ ok: false, status: 404 });
  });

  it("statusOf: what was asked, and what the parts did", () => {
    expect(statusOf("recording", [{ status: "recording" }], false)).toBe("in-progress");
    expect(statusOf("recording", [{ status: "completed" }], false)).toBe("completed"); // egress ended with the room
    expect(statusOf("stopped", [{ status: "completed" }, { status: "uploading" }], false)).toBe("stopped");
    expect(statusOf("stopped", [{ status: "failed" }], false)).toBe("failed");
    expect(statusOf("stopped", [{ status: "completed" }], true)).toBe("deleted");
  });
});

describe("reads and retention", () => {
  it("lists newest first, by conversation, call and date", () => {
    const { dir, tick } = recording();
    tick(DAY_MS);
    value(dir.openRecording(ACCOUNT, { conversationSid: CH2, callSid: CA2, queueSid: null }));
    const page = { pageSize: 50, page: 0 };
    expect(value(dir.listRecordings(ACCOUNT, page, {})).items.map((r) => r.call_sid)).toEqual([CA2, CA]);
    expect(value(dir.listRecordings(ACCOUNT, page, { conversationSid: CH })).items.map((r) => r.call_sid)).toEqual([CA]);
    expect(value(dir.listRecordings(ACCOUNT, page, { callSid: CA2 })).items.map((r) => r.call_sid)).toEqual([CA2]);
    expect(value(dir.listRecordings(ACCOUNT, page, { createdAfter: T0 + 1 })).items.map((r) => r.call_sid)).toEqual([CA2]);
    expect(value(dir.listRecordings(ACCOUNT, page, { createdBefore: T0 + 1 })).items.map((r) => r.call_sid)).toEqual([CA]);
  });

  it("serves media of completed parts only, and not once deleted", () => {
    const { dir, sid, key } = recording();
    expect(dir.recordingMediaKey(ACCOUNT, sid, 1)).toMatchObject({ ok: false, status: 409 });
    expect(dir.recordingMediaKeys(ACCOUNT, sid)).toMatchObject({ ok: false, status: 409 }); // still recording
    value(dir.callRecordingEnded(ACCOUNT, CA));
    value(dir.applyEgressReport(report(key, "complete", { duration: 3 })));
    expect(value(dir.recordingMediaKey(ACCOUNT, sid, 1))).toBe(key);
    expect(value(dir.recordingMediaKeys(ACCOUNT, sid))).toEqual([key]);
    expect(value(dir.recordingDeleted(ACCOUNT, sid))).toMatchObject({ status: "deleted", date_expires: null });
    expect(dir.recordingMediaKey(ACCOUNT, sid, 1)).toMatchObject({ ok: false, status: 410 });
  });

  it("retention sets a timer when a recording finishes, and a new retention moves it", () => {
    const { host, dir, sid, key, now } = recording(30);
    value(dir.callRecordingEnded(ACCOUNT, CA));
    const ended = now();
    const done = value(dir.applyEgressReport(report(key, "complete", { duration: 3, endedAt: ended })))!;
    // 30 days after it ended: 2026-12-31T12:00:00Z for a call ended at 2026-12-01T12:00:00Z.
    expect(done.date_expires).toBe("2026-12-31T12:00:00Z");
    expect(timerDueAt(host, RETENTION_TIMER, sid)).toBe(expiresAt(ended, 30));
    value(dir.setRecordingSettings(ACCOUNT, { retentionDays: 7 }));
    expect(timerDueAt(host, RETENTION_TIMER, sid)).toBe(ended + 7 * DAY_MS);
    value(dir.setRecordingSettings(ACCOUNT, { retentionDays: 0 })); // keep until deleted
    expect(timerDueAt(host, RETENTION_TIMER, sid)).toBeNull();
    expect(value(dir.getRecording(ACCOUNT, sid)).date_expires).toBeNull();
  });

  it("a key names its workspace, recording and part; nothing else is one", () => {
    const sid = "RE" + "a".repeat(32);
    expect(parsePartKey(partKey(WORKSPACE, sid, 3))).toEqual({ workspaceSid: WORKSPACE, recordingSid: sid, index: 3 });
    expect(parsePartKey(`recordings/${WORKSPACE}/${sid}/../x.ogg`)).toBeNull();
    expect(parsePartKey(`media/${WORKSPACE}/ME1`)).toBeNull();
  });
});
