/**
 * FlowDO: one per Studio flow execution (`flowFor(env, "FN…")`, issue 16). A thin shell around the pure
 * engine (./engine/): it stores the execution's state, steps and pending effects in one transaction per
 * input, carries the effects out after the commit (a message or a task through the conversation, an HTTP
 * request, a team's function) at most once each, and keeps its waits' deadlines on the one alarm.
 *
 * This file is the RPC surface, each method a few lines; the machinery — the input's transaction, the
 * effects, the executions index, the alarm — is flow-shell.ts, the rows flow-store.ts.
 */
import { fail, invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import type { PingReply } from "../common/ping";
import { paginate } from "../kit/paging";
import { newExecution } from "./engine/engine";
import type { EffectResult, FlowDefinition, FlowInput, FlowMessage, Trigger } from "./engine/types";
import type { ExecutionRecord, StepRecord } from "./flow-records";
import {
  effectRow,
  executionRecord,
  executionRow,
  firstInput,
  saveExecution,
  saveVoiceRecording,
  stepRecord,
  stepRow,
  stepRows,
  voiceRecording,
  type ExecutionRow,
} from "./flow-store";
import { newSid } from "../../contract/ids";
import { FlowShell } from "./flow-shell";
import { directoryFor } from "../../platform/objects";
import { applyMigrations } from "../kit/migrations";
import { FLOW_MIGRATIONS } from "./schema";

/** What starts an execution: the flow's published revision and what triggered it. */
export interface StartExecution {
  /** The execution's SID (the object's name): a second start with it answers the first's record. */
  readonly sid: string;
  readonly workspaceSid: string;
  readonly flowSid: string;
  readonly flowRevision: number;
  readonly definition: FlowDefinition;
  readonly trigger: Trigger;
  /** Studio's `contact` (channel address …) and the execution's `contact_channel_address`. */
  readonly contactChannelAddress: string;
  /** The conversation it runs in (messaging and web calls); absent for a REST trigger that has none yet. */
  readonly conversationSid?: string;
  /** The channel configuration (CH… of the WorkspaceDO) the conversation came through. */
  readonly channelSid?: string;
  /** Studio's `flow.data`: the REST trigger's `Parameters`. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** The flow's friendly name, for the agent's self-service card (runtime's addition; default: the flow SID). */
  readonly flowName?: string;
  /**
   * A call the execution answers (incomingCall trigger): its voice is the media service in the call's
   * room (the conversation's SID) on `livekitUrl`, which replies to `replyUrl` (`…/webhooks/media/voice`).
   */
  readonly call?: { readonly callSid: string; readonly room: string; readonly livekitUrl: string; readonly replyUrl: string };
}

export class FlowDO extends FlowShell {
  ping(): PingReply {
    return { class: "FlowDO", version: this.schemaVersion };
  }

  async start(accountSid: string, input: StartExecution): Promise<ApiResult<ExecutionRecord>> {
    const existing = executionRow(this.ctx.storage);
    if (existing) return existing.account_sid === accountSid ? ok(executionRecord(existing)) : notFound("Execution", this.sid);
    if (input.sid !== this.sid) return invalid("Sid", `must be this execution's SID ${this.sid}`);
    const host = await this.engineHost(accountSid, input.workspaceSid);
    const trigger =
      input.trigger.kind === "incomingMessage"
        ? { ...input.trigger, message: await this.classified(accountSid, input.workspaceSid, input.trigger.message) }
        : input.trigger;
    this.ctx.storage.transactionSync(() => {
      if (executionRow(this.ctx.storage)) return; // another start won the race while this one asked the workspace
      let row: ExecutionRow = {
        sid: this.sid,
        account_sid: accountSid,
        workspace_sid: input.workspaceSid,
        flow_sid: input.flowSid,
        flow_name: input.flowName ?? input.flowSid,
        flow_version: input.flowRevision,
        definition: JSON.stringify(input.definition),
        state: JSON.stringify(newExecution(this.sid, input.flowSid)),
        status: "active",
        conversation_sid: input.conversationSid ?? null,
        channel_sid: input.channelSid ?? null,
        contact_address: input.contactChannelAddress,
        intent: null,
        confidence: null,
        sentiment_sum: 0,
        sentiment_count: 0,
        date_created: host.now,
        date_updated: null,
        indexed: 0,
        revision: 1,
        call: input.call ? JSON.stringify(input.call) : null,
        voice_left: 0,
      };
      if (trigger.kind === "incomingMessage") row = this.noteClassification(row, trigger.message.classification);
      saveExecution(this.ctx.storage, row);
      const contact = { channel: { address: input.contactChannelAddress } };
      this.advanceIn(row, { kind: "start", trigger, contact, ...(input.data ? { data: input.data } : {}) }, host);
    });
    await this.settle();
    return this.getExecution(accountSid);
  }

  getExecution(accountSid: string): ApiResult<ExecutionRecord> {
    const row = this.loaded(accountSid);
    return row.ok ? ok(executionRecord(row.value)) : row;
  }

  /** Studio's Execution Context: the execution's `context` (trigger, widgets, flow, contact). */
  executionContext(accountSid: string): ApiResult<Readonly<Record<string, unknown>>> {
    const row = this.loaded(accountSid);
    return row.ok ? ok(executionRecord(row.value).context) : row;
  }

  /** The steps in the order taken. */
  listSteps(accountSid: string, page: PageRequest): ApiResult<Page<StepRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const paged = paginate(stepRows(this.ctx.storage), (step) => ({ at: step.idx, sid: step.sid }), page);
    return paged.ok ? ok({ ...paged.value, items: paged.value.items.map((step) => stepRecord(row.value, step)) }) : paged;
  }

  getStep(accountSid: string, stepSid: string): ApiResult<StepRecord> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const step = stepRow(this.ctx.storage, stepSid);
    return step ? ok(stepRecord(row.value, step)) : notFound("Step", stepSid);
  }

  /** Ends an active execution (the Executions API's `Status=ended`, the conversation closed); an ended one answers as it is. */
  async endExecution(accountSid: string, reason: string): Promise<ApiResult<ExecutionRecord>> {
    return this.fromOutside(accountSid, { kind: "end", reason });
  }

  /** An input from outside the execution (an end, a hang-up): one transaction, then its effects; an ended execution answers as it is. */
  private async fromOutside(accountSid: string, input: FlowInput): Promise<ApiResult<ExecutionRecord>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    if (row.value.status === "ended") return ok(executionRecord(row.value));
    const host = await this.engineHost(accountSid, row.value.workspace_sid);
    this.ctx.storage.transactionSync(() => {
      const current = executionRow(this.ctx.storage);
      if (current) this.advanceIn(current, input, host);
    });
    await this.settle();
    return this.getExecution(accountSid);
  }

  /** Deletes the execution: out of the executions index first (503 when it cannot be told: nothing is deleted). */
  async deleteExecution(accountSid: string): Promise<ApiResult<null>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    let removed: ApiResult<unknown>;
    try {
      removed = await directoryFor(this.env, row.value.workspace_sid).removeExecution(accountSid, row.value.flow_sid, this.sid);
    } catch (error) {
      removed = fail(503, 20503, `The executions index could not be reached: ${String(error)}`);
    }
    if (!removed.ok) return removed;
    await this.ctx.storage.deleteAll();
    await this.timerAlarm.clear();
    applyMigrations(this.ctx.storage, FLOW_MIGRATIONS);
    return ok(null);
  }

  /**
   * A customer's message in the execution's conversation (the ConversationDO hands each on while the
   * execution is active), at most once per `key` (the message's SID). `handled: false` when the execution
   * had ended (or is gone): the conversation then routes the message as it would without a flow.
   */
  async deliverMessage(accountSid: string, key: string, message: FlowMessage): Promise<ApiResult<{ handled: boolean }>> {
    const row = executionRow(this.ctx.storage);
    if (!row) return ok({ handled: false });
    if (row.account_sid !== accountSid) return notFound("Execution", this.sid);
    if (row.status === "ended") return ok({ handled: false });
    const host = await this.engineHost(accountSid, row.workspace_sid);
    const classified = await this.classified(accountSid, row.workspace_sid, message);
    const handled = this.ctx.storage.transactionSync(() => {
      const current = executionRow(this.ctx.storage);
      if (!current || current.status === "ended") return false;
      if (!firstInput(this.ctx.storage, key, host.now)) return true;
      const noted = saveExecution(this.ctx.storage, this.noteClassification(current, classified.classification));
      this.advanceIn(noted, { kind: "message", message: classified }, host);
      return true;
    });
    await this.settle();
    return ok({ handled });
  }

  /**
   * The media service's reply for a voice effect (say-play, gather, record; platform/media-voice.ts), once:
   * the effect's outcome becomes the engine's `result` input. `applied: false` when the effect is not one
   * the execution waits for (a duplicate reply, an ended execution).
   */
  async voiceResult(accountSid: string, effectId: string, result: EffectResult): Promise<ApiResult<{ applied: boolean }>> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    return ok({ applied: await this.voiceOutcome(effectId, result) });
  }

  /**
   * The call the execution answers ended (the caller hung up, the call was abandoned or its room finished):
   * the engine's `hangup` input. An ended execution answers as it is (the conversation may tell it twice).
   */
  async callEnded(accountSid: string): Promise<ApiResult<ExecutionRecord>> {
    return this.fromOutside(accountSid, { kind: "hangup" });
  }

  /**
   * Where a record effect's voicemail is stored (the media service's upload, POST's sibling): the
   * workspace and the `ME…` SID, minted at the first upload and the same for a repeat. 404 for an effect
   * that is no recording of this execution; 409 once the effect is over without one.
   */
  voiceRecordingTarget(accountSid: string, effectId: string): ApiResult<{ workspaceSid: string; recordingSid: string }> {
    const row = this.loaded(accountSid);
    if (!row.ok) return row;
    const workspaceSid = row.value.workspace_sid;
    const kept = voiceRecording(this.ctx.storage, effectId);
    if (kept !== undefined) return ok({ workspaceSid, recordingSid: kept });
    const effect = effectRow(this.ctx.storage, effectId);
    if (!effect || effect.kind !== "record") return notFound("Recording effect", effectId);
    if (effect.status === "done") return fail(409, 20409, `Effect ${effectId} is over: its recording is no longer taken`);
    const recordingSid = this.ctx.storage.transactionSync(() => saveVoiceRecording(this.ctx.storage, effectId, newSid("ME"), Date.now()));
    return ok({ workspaceSid, recordingSid });
  }

  private loaded(accountSid: string): ApiResult<ExecutionRow> {
    const row = executionRow(this.ctx.storage);
    return row && row.account_sid === accountSid ? ok(row) : notFound("Execution", this.sid);
  }
}
