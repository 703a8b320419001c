/**
 * Recording a conversation's call (issue 15), the I/O around the workspace directory's recordings
 * (durable-objects/directory/recordings.ts) and LiveKit's egress (platform/egress.ts):
 * - the call connected → the directory decides (the queue's setting, else the workspace's) and opens the
 *   recording; its first part's egress is started; the call shows `recording: on`;
 * - `POST …/call/recording` {Status: paused|in-progress|stopped} → the running egress stops (a pause) or a
 *   new part starts (a resume): a paused and resumed recording has parts, each its own file;
 * - the call ended → the egress still running stops, and uploads what it has.
 * Egress then reports each part through LiveKit's webhooks (workers/recordings/egress-events.ts).
 *
 * Egress is a port ({@link CallRecorder}) so a workers test can hand the object a double; when recording
 * is not configured (platform/egress.ts says why) a part fails with that reason and the call goes on.
 */
import type { CallRecord } from "../../contract/calls";
import type { RecordingChange, RecordingRecord } from "../../contract/recordings";
import { fail, ok, type ApiResult } from "../common/rpc";
import { egressServiceOf, egressTargetOf, startRecordingPart, stopRecordingPart } from "../../platform/egress";
import { livekitOf } from "../../platform/livekit";
import { followMoves } from "../../platform/objects";
import { regionOfItem } from "../../platform/region-sids";
import type { Env } from "../../platform/env";
import type { RecordingEffects } from "../directory/directory-do";
import type { ConversationHost } from "./conversation-host";
import type { ConversationRow } from "./store/conversation-rows";
import { callRecordingOf, callToRecord, showRecording } from "./lifecycle/call-recording";
import { callRow } from "./lifecycle/calls";

/** LiveKit's egress as the recording needs it. */
export interface CallRecorder {
  /** Starts egress of `room` into `key`; answers its egress ID, or throws why not. */
  start(room: string, key: string): Promise<string>;
  stop(egressId: string): Promise<void>;
}

/** The TaskRouter read a recording needs: which queue the call's task is in (the queue's setting wins). */
export type QueueOfTask = (taskSid: string) => Promise<string | null>;

export interface RecordingPorts {
  readonly recorder: CallRecorder;
  readonly queueOf: QueueOfTask;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * Egress on the conversation's region's LiveKit server, uploading to the configured S3 endpoint.
 * @example await liveKitRecorder(env, "WS…", "CH…").start("CH…", "recordings/WS…/RE…/1.ogg")
 */
export function liveKitRecorder(env: Env, workspaceSid: string, conversationSid: string): CallRecorder {
  const regionId = regionOfItem(workspaceSid, conversationSid);
  const egress = () => {
    const server = livekitOf(env, regionId);
    if (!server.ok) throw new Error(server.reason);
    return egressServiceOf(server.server, env);
  };
  return {
    async start(room, key) {
      const target = egressTargetOf(env);
      if (!target.ok) throw new Error(target.reason);
      return startRecordingPart(egress(), room, key, target.target);
    },
    stop: (egressId) => stopRecordingPart(egress(), egressId),
  };
}

/** The queue of a task, from the Router holding it (null when it cannot be read: the workspace's setting decides). */
export function taskQueueOf(env: Env, accountSid: string, workspaceSid: string): QueueOfTask {
  return async (taskSid) => {
    try {
      const found = await followMoves(env, workspaceSid, taskSid, (router) => router.getTask(accountSid, taskSid));
      return found.ok ? (found.value.task.task_queue_sid ?? null) : null;
    } catch (error) {
      console.warn(`Recording: the queue of task ${taskSid} could not be read (${message(error)}); the workspace's setting decides`);
      return null;
    }
  };
}

/** Stops what the directory said to stop, starts what it said to start; answers the recording as it ends up. */
async function carryOut(
  host: ConversationHost,
  ports: RecordingPorts,
  row: ConversationRow,
  effects: RecordingEffects,
): Promise<RecordingRecord> {
  const directory = host.directory(row.workspace_sid);
  let recording = effects.recording;
  const stops = [...effects.stop];
  if (effects.start) {
    const { index, key } = effects.start;
    let outcome: { egressId: string } | { error: string };
    try {
      outcome = { egressId: await ports.recorder.start(host.sid, key) };
    } catch (error) {
      console.warn(`Recording ${recording.sid}: part ${index} could not start: ${message(error)}`);
      outcome = { error: `LiveKit's egress could not start: ${message(error)}` };
    }
    const started = await directory.recordingPartStarted(row.account_sid, recording.sid, index, outcome);
    if (started.ok) {
      recording = started.value.recording;
      stops.push(...started.value.stop);
    }
  }
  for (const egressId of stops) {
    // Egress that is not stopped ends with its room; a failed stop is logged, never a failed call.
    await ports.recorder
      .stop(egressId)
      .catch((error: unknown) => console.warn(`Recording ${recording.sid}: stopping ${egressId} failed: ${message(error)}`));
  }
  await host.apply((op) => showRecording(op, effects.recording.call_sid, callRecordingOf(recording.status)));
  return recording;
}

/**
 * The call connected (`on`) or ended: its recording opens and starts, or stops. Best effort, after the
 * call's change committed: a recording that cannot start fails on its own record, the call goes on.
 */
export async function recordingEffect(
  host: ConversationHost,
  ports: RecordingPorts,
  row: ConversationRow,
  callSid: string,
  on: boolean,
): Promise<void> {
  const directory = host.directory(row.workspace_sid);
  if (!on) {
    const ended = await directory.callRecordingEnded(row.account_sid, callSid);
    if (ended.ok && ended.value) await carryOut(host, ports, row, ended.value);
    else if (!ended.ok) console.warn(`Call ${callSid}: stopping its recording failed: ${ended.message}`);
    return;
  }
  const taskSid = callRow(host.op().host, callSid)?.task_sid ?? null;
  const queueSid = taskSid === null ? null : await ports.queueOf(taskSid);
  const opened = await directory.openRecording(row.account_sid, { conversationSid: row.sid, callSid, queueSid });
  if (!opened.ok) {
    console.warn(`Call ${callSid}: its recording could not be opened: ${opened.message}`);
    return;
  }
  if (opened.value) await carryOut(host, ports, row, opened.value);
}

/**
 * `POST /api/conversations/{CH}/call/recording` {Status}: the call's agent pauses, resumes or stops its
 * recording. Answers the recording (Twilio's Recording answer to the same change).
 */
export async function changeCallRecording(
  host: ConversationHost,
  ports: RecordingPorts,
  row: ConversationRow,
  workerSid: string,
  status: RecordingChange,
): Promise<ApiResult<RecordingRecord>> {
  const found = host.mutate((op) => callToRecord(op, row.account_sid, workerSid)).result;
  if (!found.ok) return found;
  const changed = await host.directory(row.workspace_sid).changeRecording(row.account_sid, found.value.callSid, status);
  if (!changed.ok) {
    return changed.status === 404
      ? fail(404, 20404, `Call ${found.value.callSid} is not being recorded (the workspace's or queue's setting)`)
      : changed;
  }
  return ok(await carryOut(host, ports, row, changed.value));
}

/** The directory's word on a recording (an egress webhook moved it): the call shows it. */
export function recordingShown(host: ConversationHost, recording: RecordingRecord): Promise<ApiResult<CallRecord>> {
  return host.apply((op) => showRecording(op, recording.call_sid, callRecordingOf(recording.status)));
}
