/**
 * What a call's recording changes on the call itself (issue 15): `call.recording` — on, paused or off —
 * which the widget and the desk read from `call.updated`, and who may pause, resume or stop it (the
 * call's agent, while it is connected or held). The recording's own record and its egresses are the
 * workspace's directory's and call-recording.ts's; this is the part in the conversation's transaction.
 */
import type { CallRecord } from "../../../contract/calls";
import type { RecordingStatus } from "../../../contract/recordings";
import { fail, ok, type ApiResult } from "../../common/rpc";
import { callRecord, callRow, changed, liveCall, mayHangUp } from "./calls";
import { conflict, loadConversation, type Op } from "./conversation-operation";

/**
 * What a recording's status shows on its call.
 * @example callRecordingOf("paused") // "paused"
 */
export function callRecordingOf(status: RecordingStatus): CallRecord["recording"] {
  if (status === "in-progress") return "on";
  if (status === "paused") return "paused";
  return "off";
}

/** The live call whose recording the agent `workerSid` may change: its SID and task. */
export function callToRecord(op: Op, accountSid: string, workerSid: string): ApiResult<{ callSid: string; taskSid: string | null }> {
  const loaded = loadConversation(op, accountSid);
  if (!loaded.ok) return loaded;
  const allowed = mayHangUp(op, workerSid, "agent");
  if (!allowed.ok) return allowed;
  const call = liveCall(op.host);
  if (!call) return conflict(`Conversation ${op.sid} has no live call to record`);
  if (call.date_connected === null) return conflict(`Call ${call.sid} is waiting for an agent: a call is recorded once connected`);
  return ok({ callSid: call.sid, taskSid: call.task_sid });
}

/** Shows the recording's state on the call (a `call.updated` when it changed); an ended call keeps what it had. */
export function showRecording(op: Op, callSid: string, recording: CallRecord["recording"]): ApiResult<CallRecord> {
  const call = callRow(op.host, callSid);
  if (!call) return fail(404, 20404, `Call ${callSid} was not found`);
  if (call.state === "ended" || call.recording === recording) return ok(callRecord(op.host, op.sid, call));
  return ok(callRecord(op.host, op.sid, changed(op, { ...call, recording })));
}
