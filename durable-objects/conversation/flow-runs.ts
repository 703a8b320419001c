/**
 * The conversation's side of self-service I/O (issue 16; the pure part is lifecycle/flows.ts), run by the
 * shell after a commit and from the alarm:
 * - a pending flow starts: its published revision asked of the WorkspaceDO (`flowForExecution`), then
 *   `FlowDO.start` under the SID minted when it became pending, so a retry finds the first start. A flow
 *   that cannot start (deleted, unpublished: the workspace refuses) falls back to the conversation's
 *   workflow, the reason kept in `sb_flow.error`; one that cannot be reached is retried by the `flow` timer;
 * - the customer's later messages go to `FlowDO.deliverMessage` from the `flow` outbox topic, in order, one
 *   at a time, each keyed by its message SID; an execution that had ended (`handled: false`) lets the
 *   conversation route as it would without a flow (a task through its workflow);
 * - a conversation that closed ends its execution.
 */
import type { Env } from "../../platform/env";
import { flowFor, workspaceFor } from "../../platform/objects";
import { retryDelay, retryPolicy } from "../../platform/backoff";
import { Outbox, type OutboxRow } from "../kit/outbox";
import { clearTimer, setTimer } from "../kit/timers";
import type { StoreHost } from "../kit/sql-host";
import type { ApiResult } from "../common/rpc";
import type { FlowDefinition } from "../flow/engine/types";
import { conversationRow, saveConversation, type ConversationRow } from "./store/conversation-rows";
import {
  CALL_FLOW_TOPIC,
  FLOW_TIMER,
  FLOW_TOPIC,
  flowRow,
  saveFlow,
  type CallEndedMessage,
  type FlowInboxMessage,
  type PendingFlow,
} from "./lifecycle/flows";

/** A flow the workspace cannot be asked for is tried this many times, then the conversation routes without it. */
const MAX_FLOW_ATTEMPTS = 8;
const FLOW_RETRIES = retryPolicy({ baseDelayMs: 5_000, maxDelayMs: 60_000, maxAttempts: MAX_FLOW_ATTEMPTS });

/** What the workspace answers of a flow to run (WorkspaceDO's `PublishedFlow`). */
interface Published {
  readonly sid: string;
  readonly friendlyName: string;
  readonly revision: number;
  readonly definition: FlowDefinition;
}

/** The flow's execution has not started yet: its messages wait (the outbox's timer, and the start's end). */
class NotStarted extends Error {}

export class FlowRuns {
  readonly inbox: Outbox;

  constructor(
    private readonly host: StoreHost,
    private readonly env: Env,
    private readonly sid: () => string,
    /** Creates the task a conversation routed without its flow now needs (the shell's createPendingTask). */
    private readonly routeWithoutFlow: () => Promise<void>,
  ) {
    this.inbox = new Outbox(host, FLOW_TOPIC, (rows) => this.hand(rows), FLOW_RETRIES, 1);
    this.callEnds = new Outbox(host, CALL_FLOW_TOPIC, (rows) => this.tellCallEnded(rows), FLOW_RETRIES, 1);
  }

  /** Calls that ended while their flow held them, on their way to `FlowDO.callEnded` (lifecycle/call-flows.ts). */
  readonly callEnds: Outbox;

  /**
   * After a commit (and from the alarm): the ended calls told to their executions, the pending start, then
   * the waiting messages; a closed conversation ends its execution.
   */
  async run(): Promise<void> {
    const row = conversationRow(this.host);
    if (!row) return;
    if (this.callEnds.hasUnsent()) await this.callEnds.drain();
    if (row.state === "closed") return this.end(row);
    await this.startPending(row);
    if (this.inbox.hasUnsent() && flowRow({ host: this.host }).pending === null) await this.inbox.drain();
  }

  private async startPending(row: ConversationRow): Promise<void> {
    const flow = flowRow({ host: this.host });
    if (flow.pending === null) return;
    const pending = JSON.parse(flow.pending) as PendingFlow;
    const attempt = flow.attempts + 1;
    this.host.transactionSync(() => {
      saveFlow({ host: this.host }, { ...flow, attempts: attempt });
      // The safety net: if this attempt dies with the object, the alarm makes the next.
      setTimer(this.host, FLOW_TIMER, "", Date.now() + retryDelay(FLOW_RETRIES, attempt));
    });
    let answer: ApiResult<unknown>;
    try {
      const published = (await workspaceFor(this.env, row.workspace_sid).flowForExecution(
        row.account_sid,
        pending.flowSid,
      )) as ApiResult<Published>;
      answer = !published.ok
        ? published
        : await flowFor(this.env, pending.executionSid).start(row.account_sid, {
            sid: pending.executionSid,
            workspaceSid: row.workspace_sid,
            flowSid: published.value.sid,
            flowRevision: published.value.revision,
            flowName: published.value.friendlyName,
            definition: published.value.definition,
            trigger: pending.trigger,
            contactChannelAddress: pending.contactAddress,
            conversationSid: row.sid,
            ...(row.channel_sid ? { channelSid: row.channel_sid } : {}),
          });
    } catch (error) {
      answer = { ok: false, status: 503, code: 20503, message: error instanceof Error ? error.message : String(error) };
    }
    const final = answer.ok || answer.status < 500 || attempt >= MAX_FLOW_ATTEMPTS;
    if (!final) {
      console.warn(
        `ConversationDO ${this.sid()}: starting its flow failed (attempt ${attempt}); the alarm retries: ${answer.ok ? "" : answer.message}`,
      );
      return;
    }
    const reason = answer.ok ? null : `Flow ${pending.flowSid} could not start: ${answer.message}`;
    const route = this.host.transactionSync(() => {
      clearTimer(this.host, FLOW_TIMER, "");
      const now = flowRow({ host: this.host });
      if (now.pending !== flow.pending) return false; // another start took over meanwhile
      saveFlow({ host: this.host }, { execution_sid: answer.ok ? pending.executionSid : null, pending: null, attempts: 0, error: reason });
      return reason !== null && this.routeLater();
    });
    if (reason !== null) console.warn(`ConversationDO ${this.sid()}: ${reason}; routing it to its workflow`);
    if (route) await this.routeWithoutFlow();
  }

  /** Marks the conversation for its workflow's task, as without a flow (in the caller's transaction); true when marked. */
  private routeLater(): boolean {
    const row = conversationRow(this.host);
    if (!row || row.state === "closed" || row.task_sid !== null || row.task_pending === 1) return false;
    saveConversation(this.host, { ...row, task_pending: 1, task_attempts: 0, task_error: null });
    return true;
  }

  /** A call's end to the execution that answered it (batches of one): the engine's `hangup`, idempotent there. */
  private async tellCallEnded(batch: readonly OutboxRow[]): Promise<number> {
    const message = JSON.parse(batch[0]!.body) as CallEndedMessage;
    const row = conversationRow(this.host);
    if (!row) return 1;
    const answer = await flowFor(this.env, message.executionSid).callEnded(row.account_sid);
    if (!answer.ok && answer.status >= 500) throw new Error(`the flow could not take the call's end: ${answer.message}`);
    return 1;
  }

  /** One waiting message to the execution (the outbox's sender: batches of one). */
  private async hand(batch: readonly OutboxRow[]): Promise<number> {
    const message = JSON.parse(batch[0]!.body) as FlowInboxMessage;
    const row = conversationRow(this.host);
    const flow = flowRow({ host: this.host });
    if (!row) return 1;
    if (flow.pending !== null) throw new NotStarted("the flow has not started yet");
    let handled = false;
    if (flow.execution_sid !== null) {
      const answer = await flowFor(this.env, flow.execution_sid).deliverMessage(row.account_sid, message.key, { fields: message.fields });
      if (!answer.ok && answer.status >= 500) throw new Error(`the flow refused the message: ${answer.message}`);
      handled = answer.ok && answer.value.handled;
    }
    if (!handled) {
      // The execution ended without handing the customer over: the conversation routes as without a flow.
      const route = this.host.transactionSync(() => {
        const now = flowRow({ host: this.host });
        if (now.execution_sid === flow.execution_sid) saveFlow({ host: this.host }, { ...now, execution_sid: null });
        return this.routeLater();
      });
      if (route) await this.routeWithoutFlow();
    }
    return 1;
  }

  /**
   * Forgets an execution that has ended on its own (a flow that finished without a task keeps its SID
   * here until the customer writes again), so an agent may send the customer to a flow again.
   */
  async forgetEnded(accountSid: string): Promise<void> {
    const flow = flowRow({ host: this.host });
    if (flow.execution_sid === null) return;
    try {
      const record = (await flowFor(this.env, flow.execution_sid).getExecution(accountSid)) as ApiResult<{ status: string }>;
      if (record.ok && record.value.status !== "ended") return;
    } catch {
      return; // unknown: the execution is taken as running, and the send-to-flow is refused as such
    }
    this.host.transactionSync(() => {
      const now = flowRow({ host: this.host });
      if (now.execution_sid === flow.execution_sid) saveFlow({ host: this.host }, { ...now, execution_sid: null });
    });
  }

  /** The conversation closed: its execution ends (best effort: an execution left active only waits). */
  private async end(row: ConversationRow): Promise<void> {
    const flow = flowRow({ host: this.host });
    if (flow.execution_sid === null && flow.pending === null) return;
    if (flow.execution_sid !== null) {
      try {
        const ended = await flowFor(this.env, flow.execution_sid).endExecution(row.account_sid, "conversation closed");
        if (!ended.ok) console.warn(`ConversationDO ${this.sid()}: ending its flow failed: ${ended.message}`);
      } catch (error) {
        console.warn(`ConversationDO ${this.sid()}: ending its flow failed`, error);
      }
    }
    this.host.transactionSync(() => {
      saveFlow({ host: this.host }, { ...flowRow({ host: this.host }), execution_sid: null, pending: null });
      clearTimer(this.host, FLOW_TIMER, "");
    });
  }
}
