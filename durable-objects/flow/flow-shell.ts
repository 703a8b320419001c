/**
 * The FlowDO's machinery, apart from its RPC surface (flow-do.ts): one input in one transaction — the
 * engine's advance, then its state, steps, effects and timers stored together — and, after the commit,
 * the effects carried out in order, each awaited one's outcome fed back as the next input under the same
 * discipline. At most once: an effect is marked `attempted` before its I/O; a message or a task carries
 * its effect id as the key its receiver (the ConversationDO) makes it once by, so it is simply tried
 * again after an eviction; an HTTP request found attempted with no outcome is resolved as failed with
 * reason `interrupted`, never sent again. Waits and retries are `sb_timers` rows on the one alarm
 * (`wait` per wait id, `effects` and `index` for the object). The executions index (DirectoryDO) is told
 * after each status change, retried from the alarm until it took it.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import { conversationFor, directoryFor, workspaceFor } from "../../platform/objects";
import { applyMigrations } from "../kit/migrations";
import { clearTimer, dueTimers, setTimer, TimerAlarm } from "../kit/timers";
import { run } from "../kit/sql-host";
import { FLOW_AUTHOR } from "../common/flows";
import type { ApiResult } from "../common/rpc";
import { SELF_SERVICE_ATTRIBUTE, type SelfServiceContext } from "../../contract/self-service";
import { advance } from "./engine/engine";
import type { CalendarStatus, Classification, EffectResult, EngineHost, FlowEffect, FlowInput, FlowMessage } from "./engine/types";
import { FLOW_MIGRATIONS } from "./schema";
import {
  callOf,
  definitionOf,
  effectRow,
  executionRecord,
  executionRow,
  insertEffects,
  insertSteps,
  markAttempted,
  markDispatched,
  markDone,
  markPending,
  nextEffect,
  saveExecution,
  stateOf,
  type EffectRow,
  type ExecutionRow,
} from "./flow-store";
import { httpRequest, runFunction } from "./flow-http";
import { isVoiceEffect, NO_ANSWER, voiceAction, VOICE_KINDS, watchdogMs } from "./flow-voice";
import { mediaServiceOf } from "../../platform/media-service";

/** How soon the alarm tries again an effect whose receiver could not be reached, or the index. */
const RETRY_MS = 5_000;
/**
 * Timer kinds: a wait's deadline (SID: the wait id), a voice effect's watchdog (SID: the effect id), the
 * effects' and the index's retries (SID "").
 */
type TimerKind = "wait" | "voice" | "effects" | "index";

const HTTP_KINDS: readonly FlowEffect["kind"][] = ["http-request", "run-function"];
const INTERRUPTED: EffectResult = { ok: false, reason: "interrupted" };

/** A conversation's receiver could not be reached: the effect waits for the alarm. */
class Unreachable extends Error {}

/** A voice effect the media service took: its outcome comes later (FlowDO.voiceResult, or the watchdog). */
const DISPATCHED = Symbol("dispatched");

export abstract class FlowShell extends DurableObject<Env> {
  protected schemaVersion = 0;
  /** The one alarm, at the earliest timer (kit/timers.ts). */
  protected readonly timerAlarm = new TimerAlarm(this.ctx.storage);
  /** The effects' runs, one after another. */
  private working: Promise<void> = Promise.resolve();
  /** The index updates, one after another. */
  private indexing: Promise<void> = Promise.resolve();
  private warned = false;
  /** How HTTP effects reach the world (a workers test may swap in a double). */
  protected fetcher: typeof fetch = (input, init) => fetch(input, init);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, FLOW_MIGRATIONS);
      await this.timerAlarm.load();
    });
  }

  protected get sid(): string {
    return this.ctx.id.name ?? "";
  }

  // ── one input, one transaction ────────────────────────────────────────────────────────────────────

  /**
   * Advances the stored execution on `input` and stores what it did (inside the caller's transaction):
   * the state, the steps, the effects to carry out, the waits' timers. An ended execution takes no input.
   */
  protected advanceIn(row: ExecutionRow, input: FlowInput, host: EngineHost): ExecutionRow {
    if (row.status === "ended") return row;
    const storage = this.ctx.storage;
    const moved = advance(definitionOf(row), stateOf(row), input, host);
    insertSteps(storage, moved.steps);
    const work: FlowEffect[] = [];
    for (const effect of moved.effects) {
      if (effect.kind === "set-timer") setTimer(storage, "wait", effect.wait_id, effect.due_at);
      else if (effect.kind === "clear-timer") clearTimer(storage, "wait", effect.wait_id);
      else work.push(effect);
    }
    insertEffects(storage, work, () => "pending");
    // The safety net: effects committed but not yet carried out are carried out by the alarm after an eviction.
    if (work.length > 0) setTimer(storage, "effects", "", host.now + RETRY_MS);
    const status = moved.state.status;
    const ended = status === "ended";
    if (ended) {
      run(storage, "DELETE FROM sb_timers WHERE kind IN ('wait', 'voice')");
      // A voice effect still out with the media service: its late reply changes nothing now.
      run(storage, "UPDATE sb_effects SET status = 'done' WHERE status = 'dispatched'");
      // What the engine asked for but nobody tried yet is dropped with the execution; what is in flight finishes.
      run(
        storage,
        "UPDATE sb_effects SET status = 'done' WHERE status = 'pending' AND id NOT IN (" + work.map(() => "?").join(",") + ")",
        ...work.map((e) => e.id),
      );
    }
    const changed = status !== row.status;
    if (changed) setTimer(storage, "index", "", host.now + RETRY_MS);
    return saveExecution(storage, {
      ...row,
      state: JSON.stringify(moved.state),
      status,
      date_updated: host.now,
      revision: changed ? row.revision + 1 : row.revision,
    });
  }

  /** What the engine may read at this input: the time and the workspace's calendars (none when they cannot be had). */
  protected async engineHost(accountSid: string, workspaceSid: string): Promise<EngineHost> {
    const now = Date.now();
    let calendars: CalendarStatus = {};
    try {
      const status = await workspaceFor(this.env, workspaceSid).calendarStatus(accountSid, now);
      if (status.ok) calendars = status.value;
      else this.warnOnce(`the calendars could not be read: ${status.message}`);
    } catch (error) {
      this.warnOnce(`the calendars could not be read: ${String(error)}`);
    }
    return { now, calendars };
  }

  /** The bot's reading of a customer's message, when the workspace has one (none when it cannot be had). */
  protected async classified(accountSid: string, workspaceSid: string, message: FlowMessage): Promise<FlowMessage> {
    const body = message.fields.Body;
    if (typeof body !== "string" || body.trim() === "" || message.classification) return message;
    try {
      const answer = (await workspaceFor(this.env, workspaceSid).classify(accountSid, body)) as ApiResult<Classification | null>;
      if (!answer.ok) this.warnOnce(`the bot could not classify a message: ${answer.message}`);
      else if (answer.value !== null) return { ...message, classification: answer.value };
    } catch (error) {
      this.warnOnce(`the bot could not classify a message: ${String(error)}`);
    }
    return message;
  }

  /** Keeps what the bot understood, for the hand-off's `self_service` (in the caller's transaction). */
  protected noteClassification(row: ExecutionRow, classification: Classification | undefined): ExecutionRow {
    if (!classification) return row;
    const known = classification.intent !== "None";
    return {
      ...row,
      intent: known ? classification.intent : row.intent,
      confidence: known ? classification.confidence : row.confidence,
      sentiment_sum: row.sentiment_sum + classification.sentiment,
      sentiment_count: row.sentiment_count + 1,
    };
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    console.warn(`FlowDO ${this.sid}: ${message}; going on without`);
  }

  // ── after the commit ──────────────────────────────────────────────────────────────────────────────

  /** Carries out what the last commits left, tells the index, and points the alarm at what is left. */
  protected async settle(): Promise<void> {
    this.working = this.working.then(() => this.work());
    await this.working;
    await this.voiceLeaves();
    await this.syncIndex();
    await this.syncAlarm();
  }

  /**
   * An ended execution's voice leaves its call (handed on, hung up, ended however), once, best effort: the
   * room closing or the conversation's own stop takes it out otherwise.
   */
  private async voiceLeaves(): Promise<void> {
    const row = executionRow(this.ctx.storage);
    const call = row ? callOf(row) : null;
    if (!row || row.status !== "ended" || call === null || row.voice_left === 1) return;
    this.ctx.storage.transactionSync(() => {
      const now = executionRow(this.ctx.storage);
      if (now) saveExecution(this.ctx.storage, { ...now, voice_left: 1 });
    });
    const server = { regionId: "", url: call.livekitUrl, apiKey: "", apiSecret: "" };
    const stopped = await mediaServiceOf(this.env, this.fetcher).stopVoice(server, call.room);
    if (!stopped.ok && !stopped.off) console.warn(`FlowDO ${this.sid}: the voice could not be told to leave: ${stopped.reason}`);
  }

  /** The pending effects, oldest first, until none is left or a receiver cannot be reached. */
  private async work(): Promise<void> {
    const storage = this.ctx.storage;
    for (;;) {
      const row = executionRow(storage);
      const effect = nextEffect(storage);
      if (!row || !effect) {
        clearTimer(storage, "effects", "");
        return;
      }
      const parsed = JSON.parse(effect.body) as FlowEffect;
      // Tried before an eviction and never answered: a request is not sent twice.
      if (effect.status === "attempted" && HTTP_KINDS.includes(effect.kind)) {
        await this.complete(row, parsed, INTERRUPTED);
        continue;
      }
      storage.transactionSync(() => markAttempted(storage, effect.id, Date.now()));
      let result: EffectResult | typeof DISPATCHED;
      try {
        result = await this.carryOut(row, parsed, effect);
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        console.warn(`FlowDO ${this.sid}: ${effect.kind} ${effect.id} waits: ${error.message}`);
        storage.transactionSync(() => {
          markPending(storage, effect.id);
          setTimer(storage, "effects", "", Date.now() + RETRY_MS);
        });
        return;
      }
      if (result === DISPATCHED) {
        const watchdog = isVoiceEffect(parsed) ? watchdogMs(parsed) : 0;
        storage.transactionSync(() => {
          // Its reply may have come in while the command was on its way: then it is done already.
          if (effectRow(storage, effect.id)?.status !== "attempted") return;
          markDispatched(storage, effect.id);
          setTimer(storage, "voice", effect.id, Date.now() + watchdog);
        });
        continue;
      }
      await this.complete(row, parsed, result);
    }
  }

  /**
   * A voice effect's outcome (the media service's reply, or its watchdog's failure), once: stored and fed
   * to the engine in one transaction. False when it is not one the execution waits for.
   */
  protected async voiceOutcome(effectId: string, result: EffectResult): Promise<boolean> {
    const storage = this.ctx.storage;
    const waiting = (): boolean => {
      const effect = effectRow(storage, effectId);
      return effect !== undefined && VOICE_KINDS.includes(effect.kind) && (effect.status === "attempted" || effect.status === "dispatched");
    };
    const row = executionRow(storage);
    if (!row || row.status === "ended" || !waiting()) return false;
    const host = await this.engineHost(row.account_sid, row.workspace_sid);
    const applied = storage.transactionSync(() => {
      const current = executionRow(storage);
      if (!current || !waiting()) return false;
      markDone(storage, effectId, result);
      clearTimer(storage, "voice", effectId);
      this.advanceIn(current, { kind: "result", effect_id: effectId, result }, host);
      return true;
    });
    await this.settle();
    return applied;
  }

  /** Stores an effect's outcome and, when the engine waits for it, feeds it back: one transaction. */
  private async complete(row: ExecutionRow, effect: FlowEffect, result: EffectResult): Promise<void> {
    const awaited = "awaited" in effect && effect.awaited;
    const host = awaited ? await this.engineHost(row.account_sid, row.workspace_sid) : null;
    this.ctx.storage.transactionSync(() => {
      markDone(this.ctx.storage, effect.id, result);
      const current = executionRow(this.ctx.storage);
      if (host && current) this.advanceIn(current, { kind: "result", effect_id: effect.id, result }, host);
    });
  }

  private async carryOut(row: ExecutionRow, effect: FlowEffect, stored: EffectRow): Promise<EffectResult | typeof DISPATCHED> {
    switch (effect.kind) {
      case "http-request":
        return httpRequest(this.fetcher, effect);
      case "run-function":
        return runFunction(this.fetcher, this.env.AUTH_TOKEN, effect);
      case "send-message": {
        if (row.conversation_sid === null) return { ok: false, reason: "the execution has no conversation to send the message in" };
        const input = {
          body: effect.body,
          mediaUrl: effect.media_url ?? null,
          attributes: effect.attributes ?? null,
          executionSid: row.sid,
        };
        const sent = await this.reach(`sending message ${stored.id}`, () =>
          conversationFor(this.env, row.conversation_sid!).postFlowMessage(row.account_sid, effect.id, input),
        );
        return sent.ok ? { ok: true, value: { message_sid: sent.value.sid, author: FLOW_AUTHOR } } : { ok: false, reason: sent.message };
      }
      case "create-task": {
        if (row.conversation_sid === null) return { ok: false, reason: "the execution has no conversation to hand to an agent" };
        const input = {
          executionSid: row.sid,
          workflowSid: effect.workflow_sid === "" ? null : effect.workflow_sid,
          channel: effect.channel,
          attributes: this.withSelfService(row, effect.attributes),
          ...(effect.priority !== undefined ? { priority: effect.priority } : {}),
          ...(effect.timeout !== undefined ? { timeout: effect.timeout } : {}),
        };
        const made = await this.reach(`handing the conversation over (${stored.id})`, () =>
          conversationFor(this.env, row.conversation_sid!).flowTask(row.account_sid, effect.id, input),
        );
        return made.ok ? { ok: true, value: { ...made.value } } : { ok: false, reason: made.message };
      }
      case "say-play":
      case "gather":
      case "record": {
        const call = callOf(row);
        if (call === null) return { ok: false, reason: `the execution answers no call: ${effect.kind} needs one` };
        const reply = {
          url: call.replyUrl,
          accountSid: row.account_sid,
          workspaceSid: row.workspace_sid,
          executionSid: row.sid,
          effectId: effect.id,
        };
        const server = { regionId: "", url: call.livekitUrl, apiKey: "", apiSecret: "" };
        const sent = await mediaServiceOf(this.env, this.fetcher).voice(server, call.room, voiceAction(effect), reply);
        // Off (no MEDIA_SERVICE_URL) or refusing: the widget's failure at once, saying why.
        return sent.ok ? DISPATCHED : { ok: false, reason: sent.reason };
      }
      case "hang-up": {
        if (row.conversation_sid === null || callOf(row) === null) return { ok: true, value: {} };
        const ended = await this.reach(`hanging up the call (${stored.id})`, () =>
          conversationFor(this.env, row.conversation_sid!).endFlowCall(row.account_sid, effect.id, row.sid),
        );
        return ended.ok ? { ok: true, value: {} } : { ok: false, reason: ended.message };
      }
      case "set-timer":
      case "clear-timer":
        return { ok: true, value: {} };
    }
  }

  /** A conversation's RPC: a refusal is the effect's outcome; no answer (or a 5xx) waits for the alarm. */
  private async reach<T>(what: string, call: () => Promise<{ ok: true; value: T } | { ok: false; status: number; message: string }>) {
    let answer: { ok: true; value: T } | { ok: false; status: number; message: string };
    try {
      answer = await call();
    } catch (error) {
      throw new Unreachable(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!answer.ok && answer.status >= 500) throw new Unreachable(`${what}: ${answer.message}`);
    return answer;
  }

  /** The task's attributes with `self_service` (contract/self-service.ts) beside the flow's own, unless it set one. */
  private withSelfService(row: ExecutionRow, attributes: string): string {
    let parsed: Record<string, unknown> = {};
    try {
      const value = JSON.parse(attributes === "" ? "{}" : attributes) as unknown;
      if (value !== null && typeof value === "object" && !Array.isArray(value)) parsed = value as Record<string, unknown>;
    } catch {
      // The engine renders the widget's attributes; text that is not JSON leaves only ours.
    }
    if (typeof parsed[SELF_SERVICE_ATTRIBUTE] === "object" && parsed[SELF_SERVICE_ATTRIBUTE] !== null) return JSON.stringify(parsed);
    const state = stateOf(row);
    const flow = (state.context.flow ?? {}) as { variables?: Record<string, unknown> };
    const context: SelfServiceContext = {
      flow_sid: row.flow_sid,
      execution_sid: row.sid,
      flow_name: row.flow_name,
      transcript: state.transcript.map((line) => ({ from: line.from, body: line.body, at: new Date(line.at).toISOString() })),
      intent: row.intent,
      confidence: row.confidence,
      variables: flow.variables ?? {},
      sentiment: row.sentiment_count === 0 ? null : row.sentiment_sum / row.sentiment_count,
    };
    return JSON.stringify({ ...parsed, [SELF_SERVICE_ATTRIBUTE]: context });
  }

  // ── the index and the alarm ───────────────────────────────────────────────────────────────────────

  /** Tells the DirectoryDO the execution as it is now, if it changed since it was last told. */
  protected syncIndex(): Promise<void> {
    this.indexing = this.indexing.then(() => this.writeIndex());
    return this.indexing;
  }

  private async writeIndex(): Promise<void> {
    const row = executionRow(this.ctx.storage);
    if (!row || row.indexed >= row.revision) {
      clearTimer(this.ctx.storage, "index", "");
      return;
    }
    let told = false;
    try {
      const answer = await directoryFor(this.env, row.workspace_sid).recordExecution(row.account_sid, executionRecord(row));
      told = answer.ok;
      if (!answer.ok) console.warn(`FlowDO ${this.sid}: the executions index refused it: ${answer.message}`);
    } catch (error) {
      console.warn(`FlowDO ${this.sid}: the executions index could not be told; the alarm retries`, error);
    }
    this.ctx.storage.transactionSync(() => {
      const now = executionRow(this.ctx.storage);
      if (told && now) saveExecution(this.ctx.storage, { ...now, indexed: row.revision });
      if (told && now && now.revision <= row.revision) clearTimer(this.ctx.storage, "index", "");
      else setTimer(this.ctx.storage, "index", "", Date.now() + RETRY_MS);
    });
  }

  /** Waits that passed become `timeout` inputs; effects and the index are tried again. */
  override async alarm(): Promise<void> {
    const at = this.timerAlarm.fired();
    for (const timer of dueTimers<TimerKind>(this.ctx.storage, at)) {
      if (timer.kind === "voice") {
        clearTimer(this.ctx.storage, "voice", timer.sid);
        await this.voiceOutcome(timer.sid, { ok: false, reason: NO_ANSWER });
        continue;
      }
      if (timer.kind !== "wait") continue;
      const row = executionRow(this.ctx.storage);
      if (!row) break;
      const host = { ...(await this.engineHost(row.account_sid, row.workspace_sid)), now: at };
      this.ctx.storage.transactionSync(() => {
        clearTimer(this.ctx.storage, "wait", timer.sid);
        const current = executionRow(this.ctx.storage);
        if (current) this.advanceIn(current, { kind: "timeout", wait_id: timer.sid }, host);
      });
    }
    await this.settle();
  }

  protected syncAlarm(): Promise<void> {
    return this.timerAlarm.sync();
  }
}
