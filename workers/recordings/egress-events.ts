/**
 * LiveKit's egress webhooks (`egress_started`, `egress_updated`, `egress_ended`), after
 * workers/inbound/livekit.ts verified the signature: which recording part the egress writes (its file's
 * key names the workspace, recording and part — recording-policy.ts's `partKey`), what state it is in,
 * and, once done, how long and how big the file is. The workspace's directory applies it forward only
 * (a repeat or an out-of-order event changes nothing); when the recording moved, its call shows it.
 * An egress that is not one of ours (no part key) is answered and ignored, so LiveKit does not retry it.
 */
import { EgressStatus, type EgressInfo } from "livekit-server-sdk";
import type { Env } from "../../platform/env";
import { conversationFor, directoryFor } from "../../platform/objects";
import { parsePartKey, type EgressReport } from "../../durable-objects/directory/recording-policy";

const STATUS: Partial<Record<EgressStatus, EgressReport["status"]>> = {
  [EgressStatus.EGRESS_STARTING]: "starting",
  [EgressStatus.EGRESS_ACTIVE]: "active",
  [EgressStatus.EGRESS_ENDING]: "ending",
  [EgressStatus.EGRESS_COMPLETE]: "complete",
  [EgressStatus.EGRESS_FAILED]: "failed",
  [EgressStatus.EGRESS_ABORTED]: "failed",
};

const nsToMs = (ns: bigint): number | null => (ns > 0n ? Number(ns / 1_000_000n) : null);

/** The file an egress writes: its result's name once known, else the path its request asked for. */
function keyOf(info: EgressInfo): string | null {
  const result = info.fileResults[0]?.filename;
  if (result) return result;
  const request = info.request;
  if (request.case !== "roomComposite") return null;
  const file = request.value.fileOutputs[0] ?? (request.value.output.case === "file" ? request.value.output.value : undefined);
  return file?.filepath || null;
}

/**
 * What the directory needs of an egress's state, or null for an egress that is not a recording part.
 * @example egressReportOf(event.egressInfo) // { egressId: "EG_…", key: "recordings/WS…/RE…/1.ogg", status: "complete", duration: 42, … }
 */
export function egressReportOf(info: EgressInfo): EgressReport | null {
  const key = keyOf(info);
  if (key === null || parsePartKey(key) === null) return null;
  const file = info.fileResults[0];
  // A time limit reached still uploads what was recorded: complete when a file came of it.
  const status = info.status === EgressStatus.EGRESS_LIMIT_REACHED ? (file ? "complete" : "failed") : STATUS[info.status];
  if (status === undefined) return null;
  return {
    egressId: info.egressId,
    key,
    status,
    duration: file && file.duration > 0n ? Number(file.duration) / 1e9 : null,
    size: file && file.size > 0n ? Number(file.size) : null,
    startedAt: nsToMs(info.startedAt),
    endedAt: nsToMs(info.endedAt),
    error: info.error || null,
  };
}

/**
 * Applies a verified egress webhook: to the workspace's directory, and — when the recording moved — to its call.
 * @example return c.json(await applyEgressEvent(c.env, event.egressInfo));
 */
export async function applyEgressEvent(env: Env, info: EgressInfo): Promise<{ applied: boolean } | { ignored: true; reason: string }> {
  const report = egressReportOf(info);
  if (report === null) return { ignored: true, reason: "not a call recording's egress" };
  const { workspaceSid } = parsePartKey(report.key)!;
  const applied = await directoryFor(env, workspaceSid).applyEgressReport(report);
  if (!applied.ok) return { ignored: true, reason: applied.message };
  const recording = applied.value;
  if (recording === null) return { applied: false };
  const shown = await conversationFor(env, recording.conversation_sid).recordingChanged(recording.account_sid, recording);
  if (!shown.ok) console.warn(`Recording ${recording.sid}: its call could not show it: ${shown.message}`);
  return { applied: true };
}
