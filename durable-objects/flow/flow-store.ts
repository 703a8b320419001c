/**
 * The FlowDO's rows (schema.ts) and the Studio records made of them (flow-records.ts): the one execution
 * row, the steps an input took (each an `FT…` SID, in order), and the effects the engine asked for with
 * how far each got. Pure over the kit's SQL host, so the input loop in flow-do.ts is only transactions
 * and I/O.
 */
import { newSid } from "../../contract/ids";
import { first, rows, run, type StoreHost } from "../kit/sql-host";
import type { EffectResult, ExecutionState, FlowDefinition, FlowEffect, FlowStep } from "./engine/types";
import type { ExecutionRecord, ExecutionStatus, StepRecord } from "./flow-records";

export interface ExecutionRow {
  sid: string;
  account_sid: string;
  workspace_sid: string;
  flow_sid: string;
  flow_name: string;
  flow_version: number;
  definition: string;
  state: string;
  status: ExecutionStatus;
  conversation_sid: string | null;
  channel_sid: string | null;
  contact_address: string;
  intent: string | null;
  confidence: number | null;
  sentiment_sum: number;
  sentiment_count: number;
  date_created: number;
  date_updated: number | null;
  /** The `revision` the executions index (DirectoryDO) last took; behind `revision` until told. */
  indexed: number;
  /** Bumped by every change the index shows (status, dates). */
  revision: number;
  /** The call the execution answers (JSON {@link ExecutionCall}), or null. */
  call: string | null;
  /** 1 once the media service was told its voice leaves the call (the execution ended). */
  voice_left: number;
}

/** The call an execution answers: the room its voice speaks in and where the media service replies. */
export interface ExecutionCall {
  readonly callSid: string;
  readonly room: string;
  readonly livekitUrl: string;
  readonly replyUrl: string;
}

export const callOf = (row: ExecutionRow): ExecutionCall | null => (row.call === null ? null : (JSON.parse(row.call) as ExecutionCall));

/**
 * How far an effect got: written before it is tried (`attempted`) and when its outcome is known (`done`);
 * a voice effect the media service took is `dispatched` until its reply or its watchdog.
 */
export type EffectStatus = "pending" | "attempted" | "dispatched" | "done";

export interface EffectRow {
  id: string;
  seq: number;
  kind: FlowEffect["kind"];
  body: string;
  status: EffectStatus;
  attempts: number;
  attempted_at: number | null;
  result: string | null;
}

const iso = (at: number): string => new Date(at).toISOString();

export const executionRow = (host: StoreHost): ExecutionRow | undefined =>
  first<ExecutionRow>(host, "SELECT * FROM sb_execution WHERE id = 1");

export const definitionOf = (row: ExecutionRow): FlowDefinition => JSON.parse(row.definition) as FlowDefinition;
export const stateOf = (row: ExecutionRow): ExecutionState => JSON.parse(row.state) as ExecutionState;

/** Writes the execution's row (insert or replace). */
export function saveExecution(host: StoreHost, row: ExecutionRow): ExecutionRow {
  const columns = Object.keys(row) as (keyof ExecutionRow)[];
  run(
    host,
    `INSERT OR REPLACE INTO sb_execution (id, ${columns.join(", ")}) VALUES (1, ${columns.map(() => "?").join(", ")})`,
    ...columns.map((column) => row[column]),
  );
  return row;
}

/** Studio's Execution (less url and links). @example executionRecord(row).status // "active" */
export function executionRecord(row: ExecutionRow): ExecutionRecord {
  return {
    sid: row.sid,
    account_sid: row.account_sid,
    flow_sid: row.flow_sid,
    workspace_sid: row.workspace_sid,
    contact_channel_address: row.contact_address,
    contact_sid: null,
    flow_version: row.flow_version,
    context: stateOf(row).context,
    status: row.status,
    date_created: iso(row.date_created),
    date_updated: row.date_updated === null ? null : iso(row.date_updated),
    conversation_sid: row.conversation_sid,
  };
}

interface StepRow {
  sid: string;
  idx: number;
  name: string;
  type: string;
  transitioned_from: string;
  transitioned_to: string;
  context: string;
  date_created: number;
}

/** Appends the steps of one input, in order, each under a new `FT…` SID; a Step's `name` is its transition's event, as Studio's is. */
export function insertSteps(host: StoreHost, steps: readonly FlowStep[]): void {
  let next = first<{ next: number }>(host, "SELECT coalesce(max(idx), -1) + 1 AS next FROM sb_steps")?.next ?? 0;
  for (const step of steps) {
    run(
      host,
      "INSERT INTO sb_steps (sid, idx, name, type, transitioned_from, transitioned_to, context, date_created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      newSid("FT"),
      next++,
      step.event,
      step.type,
      step.transitioned_from,
      step.transitioned_to,
      JSON.stringify(step.context),
      step.at,
    );
  }
}

/** Studio's Step (less url and links). */
export function stepRecord(execution: ExecutionRow, row: StepRow): StepRecord {
  return {
    sid: row.sid,
    account_sid: execution.account_sid,
    flow_sid: execution.flow_sid,
    execution_sid: execution.sid,
    parent_step_sid: null,
    name: row.name,
    type: row.type,
    context: JSON.parse(row.context) as Record<string, unknown>,
    transitioned_from: row.transitioned_from,
    transitioned_to: row.transitioned_to,
    date_created: iso(row.date_created),
    date_updated: null,
  };
}

/** The steps in the order taken, as rows with `date_created` and `sid` for the kit's paging. */
export const stepRows = (host: StoreHost): StepRow[] => rows<StepRow>(host, "SELECT * FROM sb_steps ORDER BY idx");
export const stepRow = (host: StoreHost, sid: string): StepRow | undefined =>
  first<StepRow>(host, "SELECT * FROM sb_steps WHERE sid = ?", sid);

/** Records effects to carry out (timers are the caller's: they are done as they are written). */
export function insertEffects(host: StoreHost, effects: readonly FlowEffect[], status: (effect: FlowEffect) => EffectStatus): void {
  let next = first<{ next: number }>(host, "SELECT coalesce(max(seq), -1) + 1 AS next FROM sb_effects")?.next ?? 0;
  for (const effect of effects) {
    run(
      host,
      "INSERT OR IGNORE INTO sb_effects (id, seq, kind, body, status) VALUES (?, ?, ?, ?, ?)",
      effect.id,
      next++,
      effect.kind,
      JSON.stringify(effect),
      status(effect),
    );
  }
}

/** The oldest effect still to carry out (not done, not waiting for the media service), if any. */
export const nextEffect = (host: StoreHost): EffectRow | undefined =>
  first<EffectRow>(host, "SELECT * FROM sb_effects WHERE status IN ('pending', 'attempted') ORDER BY seq LIMIT 1");

/** A voice effect the media service took: waits for its reply (or its watchdog), never sent again. */
export function markDispatched(host: StoreHost, id: string): void {
  run(host, "UPDATE sb_effects SET status = 'dispatched' WHERE id = ? AND status = 'attempted'", id);
}

/** The voicemail stored for a record effect, if one was. */
export const voiceRecording = (host: StoreHost, effectId: string): string | undefined =>
  first<{ media_sid: string }>(host, "SELECT media_sid FROM sb_voice_recordings WHERE effect_id = ?", effectId)?.media_sid;

/** Remembers the voicemail of a record effect (the first upload's SID wins). */
export function saveVoiceRecording(host: StoreHost, effectId: string, mediaSid: string, now: number): string {
  run(host, "INSERT OR IGNORE INTO sb_voice_recordings (effect_id, media_sid, applied_at) VALUES (?, ?, ?)", effectId, mediaSid, now);
  return voiceRecording(host, effectId)!;
}

export const effectRow = (host: StoreHost, id: string): EffectRow | undefined =>
  first<EffectRow>(host, "SELECT * FROM sb_effects WHERE id = ?", id);

/** Marks an effect tried (before the I/O): an HTTP request found so after an eviction is never sent again. */
export function markAttempted(host: StoreHost, id: string, now: number): void {
  run(host, "UPDATE sb_effects SET status = 'attempted', attempts = attempts + 1, attempted_at = ? WHERE id = ?", now, id);
}

export function markDone(host: StoreHost, id: string, result: EffectResult | null): void {
  run(host, "UPDATE sb_effects SET status = 'done', result = ? WHERE id = ?", result === null ? null : JSON.stringify(result), id);
}

/** Back to pending (a receiver that could not be reached): the alarm tries again. */
export function markPending(host: StoreHost, id: string): void {
  run(host, "UPDATE sb_effects SET status = 'pending' WHERE id = ?", id);
}

/** Whether a customer's message (by key) was already handed in; remembers it when not. */
export function firstInput(host: StoreHost, key: string, now: number): boolean {
  if (first(host, "SELECT key FROM sb_inputs WHERE key = ?", key)) return false;
  run(host, "INSERT INTO sb_inputs (key, applied_at) VALUES (?, ?)", key, now);
  return true;
}
