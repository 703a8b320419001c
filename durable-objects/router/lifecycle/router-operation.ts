/**
 * One operation on the Router — a request, an alarm, a configuration push — with what every step of
 * it shares: storage, the routing engine, the configuration, the operation's time and who acts. It
 * records events (stored, and queued for the EVENTS queue in the same transaction) and keeps the rows
 * it changes versioned. Operations run inside one synchronous transaction (see router.ts), so either
 * everything an operation did is stored, or nothing is.
 *
 * It also collects the operation's statistics facts, in the order they happened: a saved task whose
 * status, priority or channel changed yields its fact here, so no transition can forget one; the
 * lifecycle adds the rest (creation, routing, reservations, Activity stints, deletion). The Router
 * records them in the same transaction once the operation has succeeded.
 */
import type { RoutingEngine } from "../engine";
import { insertEvent } from "../store/event-store";
import type { StoreHost } from "../../kit/sql-host";
import { enqueue } from "../../kit/outbox";
import { tasks, type TaskRow } from "../store/task-store";
import { workers, type WorkerRow } from "../store/worker-store";
import { iso, type EventRecord } from "../../../contract/taskrouter";
import { newSid } from "../../../contract/ids";
import { keyedRegionalSid, regionalSid } from "../../../platform/region-sids";
import type { StatisticsFact } from "../statistics";
import type { ConfigView } from "./config-view";
import type { EventDraft } from "./events";
import { conversationMessage, type ConversationMessage } from "./conversation-events";
import type { CallbackMessage } from "../../../platform/events-queue";

/** Who caused a change: the account through the API, or the workspace itself (timers, routing). */
export interface Actor {
  readonly type: "account" | "workspace";
  readonly sid: string;
}

/**
 * What the Router puts in its outbox: events and assignments for the EVENTS queue (its one contract,
 * platform/events-queue.ts), and `conversation` messages, which the Router DO hands to the
 * conversation's Durable Object itself.
 */
export type RouterMessage = ConversationMessage | Extract<CallbackMessage, { kind: "event" | "assignment" }>;

/** The Router's outbox topic (kit/outbox.ts): every RouterMessage, in the order written. */
export const EVENTS_TOPIC = "events";

/** A worker's move between Activities, for the real-time count of workers per Activity (null: none). */
export interface ActivityMove {
  readonly from: string | null;
  readonly to: string | null;
}

export class Op {
  /** Events recorded so far, in order (reported to `RouterOptions.onEvents` after the commit). */
  readonly events: EventRecord[] = [];
  /** Statistics facts so far, in order; recorded in the operation's own transaction. */
  readonly facts: StatisticsFact[] = [];
  /** Workers who entered, left or changed Activity. */
  readonly activityMoves: ActivityMove[] = [];
  /** Set once the engine was changed: if the operation then fails, the engine is rebuilt from storage. */
  routed = false;

  constructor(
    readonly host: StoreHost,
    private readonly routingEngine: RoutingEngine,
    readonly view: ConfigView,
    readonly now: number,
    readonly actor: Actor,
    /** The region this Router serves (from its Durable Object name). */
    readonly regionId = "",
  ) {}

  /**
   * A new SID of `prefix` that names this Router's region (platform/region-sids.ts), so any edge finds
   * the worker, task, reservation or event here again; a Router of no region (unit tests) mints plain ones.
   */
  mint(prefix: "WK" | "WT" | "WR" | "EV"): string {
    return this.regionId ? regionalSid(prefix, this.regionId) : newSid(prefix);
  }

  /** The SID `key` (24 hex) makes here: the same for the same key, so a resent record is found, not made twice. */
  mintKeyed(prefix: "EV", key: string): string {
    return keyedRegionalSid(prefix, this.regionId, key);
  }

  /** The engine, for a call that changes routing state. */
  get route(): RoutingEngine {
    this.routed = true;
    return this.routingEngine;
  }

  /** The engine, for reading only. */
  get engine(): RoutingEngine {
    return this.routingEngine;
  }

  /** Stores an event (under `sid` when the caller made it, {@link mintKeyed}) and queues what it must. */
  record(draft: EventDraft, sid: string = this.mint("EV")): EventRecord {
    const record: EventRecord = {
      account_sid: this.view.accountSid,
      workspace_sid: this.view.workspaceSid,
      sid,
      event_type: draft.type,
      event_date: iso(draft.at),
      event_date_ms: draft.at,
      description: draft.description,
      resource_type: draft.resourceType,
      resource_sid: draft.resourceSid,
      resource_url: draft.resourceUrl,
      actor_type: this.actor.type,
      actor_sid: this.actor.sid,
      actor_url: this.actor.type === "workspace" ? "" : `Accounts/${this.actor.sid}`,
      event_data: draft.data,
      source: "switchboard",
      source_ip_address: "",
    };
    insertEvent(this.host, record, draft.subjects);
    // Only what the workspace's callback will receive goes on the queue: the rest would be dropped
    // by the consumer anyway, after costing a queue round trip per event on the routing hot path.
    if (this.view.wantsEventCallback(record.event_type)) this.send({ kind: "event", workspaceSid: this.view.workspaceSid, event: record });
    const toConversation = conversationMessage(record);
    if (toConversation) this.send(toConversation);
    this.events.push(record);
    return record;
  }

  send(message: RouterMessage): void {
    enqueue(this.host, EVENTS_TOPIC, JSON.stringify(message));
  }

  fact(fact: StatisticsFact): void {
    this.facts.push(fact);
  }

  /** The statistics fact of a task joining this Router: created here, or `arrived` from another region's (live only). */
  countCreated(row: TaskRow, arrived = false): void {
    this.fact({
      type: "task.created",
      at: this.now,
      taskSid: row.sid,
      workflowSid: row.workflow_sid,
      channel: row.task_channel_sid,
      priority: row.priority,
      ...(arrived ? { arrived } : {}),
    });
  }

  /**
   * Saves a changed task: `updated_at` is now and the version (ETag) moves on. A new status, priority
   * or channel is a statistics fact at `at` (a timer's due time, otherwise now).
   */
  saveTask(row: TaskRow, at = this.now): TaskRow {
    const before = tasks.get(this.host, row.sid);
    const saved = { ...row, updated_at: this.now, version: row.version + 1 };
    tasks.save(this.host, saved);
    if (before && before.status !== saved.status) this.fact({ type: "task.status-changed", at, taskSid: saved.sid, status: saved.status });
    const priority = before && before.priority !== saved.priority ? { priority: saved.priority } : {};
    const channel = before && before.task_channel_sid !== saved.task_channel_sid ? { channel: saved.task_channel_sid } : {};
    if ("priority" in priority || "channel" in channel)
      this.fact({ type: "task.updated", at, taskSid: saved.sid, ...priority, ...channel });
    return saved;
  }

  saveWorker(row: WorkerRow): WorkerRow {
    const saved = { ...row, updated_at: this.now, version: row.version + 1 };
    workers.save(this.host, saved);
    return saved;
  }
}
