/**
 * RouterDO: one per workspace × region (named `routerName(workspaceSid, regionId)`, created with the
 * region's `locationHint`). A thin shell around the Router (lifecycle/router.ts), which owns the
 * workers homed in the region, their tasks and reservations, the events and the timers:
 * - on wake, inside `blockConcurrencyWhile`: migrate, rebuild the routing engine from storage (nothing
 *   is routed again), and set the alarm to the earliest timer;
 * - on each RPC: one synchronous operation, stored in one transaction before the answer; then the
 *   alarm follows the earliest timer and the outbox is sent to the EVENTS queue without blocking;
 * - on the alarm: every timer due at the time the alarm was set for is fired.
 *
 * It also holds the agents' live channel (realtime/channel.ts) with the WebSocket Hibernation API: the
 * Worker checks the token and forwards the upgrade with the identity; the socket is accepted with
 * `ctx.acceptWebSocket` (tagged with the worker), so the object can be evicted while connections stay
 * open, and per-connection state lives in the socket's attachment. Frames come from the events each
 * committed operation reports (`onEvents`, called before any await, so the frames commit with the
 * operation under Durable Objects' write coalescing); the `ping` heartbeat is answered by the runtime
 * without waking the object; presence is checked from the one alarm, before the Router's own timers.
 *
 * The stock twilio-taskrouter SDK's sockets (eventbridge/hub.ts) live beside them, tagged `eb:WK…`
 * and forwarded by workers/api/eventbridge.ts to `/eventbridge`: `init` on accept, Event Bridge frames
 * from the same `onEvents`, and an empty heartbeat frame from the same alarm. Supervisors' sockets (tagged
 * `supervisor`: a supervisor or admin token naming no worker) get the feed of realtime/supervisors.ts:
 * a snapshot, then deltas from the same `onEvents`, coalesced to one a second through the same alarm;
 * across regions the Router holding them leases each other region's share of the feed
 * (`superviseRegion`, renewed from the alarm) and those Routers push it (`supervisorRegionFrame`).
 *
 * RPC methods take the caller's account SID (another account's workspace is not found) and return
 * `ApiResult`s: client errors are values, because RPC keeps only an error's message. Statistics come
 * back as figures (one RPC per endpoint family), which the Worker formats; the figures of several
 * regions' Routers add up.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import { applyMigrations } from "../kit/migrations";
import type { PingReply } from "../common/ping";
import { fail, ok, type ApiResult, type Page, type PageRequest, type WorkspaceConfigSnapshot } from "../common/rpc";
import type { EventRecord, ReservationRecord, TaskRecord, WorkerChannelRecord, WorkerRecord } from "../../contract/taskrouter";
import {
  Router,
  type ApplyConfigOptions,
  type AssignmentInstruction,
  type CreateTaskInput,
  type CreateWorkerInput,
  type ListEventsInput,
  type ListReservationsInput,
  type ListTasksInput,
  type ListWorkersInput,
  type QueueFigures,
  type ReservationOwner,
  type ReservationResult,
  type StatisticsQuery,
  type TaskResult,
  type TaskScopeFigures,
  type UpdateReservationInput,
  type UpdateTaskInput,
  type UpdateWorkerChannelInput,
  type UpdateWorkerInput,
  type WorkerResult,
  type WorkersFigures,
  type WorkersFilter,
} from "./lifecycle/router";
import { ROUTER_MIGRATIONS } from "./store/schema";
import { AgentChannel, type AgentIdentity, type RealtimeSettings } from "./realtime/channel";
import { IDENTITY_HEADER, SUBPROTOCOL, readIdentity, sinceOf, workerTag } from "./realtime/handshake";
import {
  BRIDGE_TAG,
  SUPERVISOR_TAG,
  agentSockets,
  bindBridgeSocket,
  bridgeSockets,
  bridgeTag,
  closeUserSockets,
  isBridge,
  userTags,
  isSupervisor,
  supervisorSockets,
} from "./socket-hosts";
import { bindingFor, type UserAccess } from "../common/user-access";
import { EVENTS_TOPIC, type RouterMessage } from "./lifecycle/router-operation";
import { HANDOVER_TOPIC, type HandoverMessage, type HandoverPayload } from "./lifecycle/handover";
import type { HandoverTopicMessage, WorkerMoveMessage } from "./lifecycle/handover-outbox";
import type { WorkerMovePayload } from "./lifecycle/worker-move";
import { Outbox, type OutboxRow } from "../kit/outbox";
import { TimerAlarm } from "../kit/timers";
import { retryPolicy } from "../../platform/backoff";
import type { ConversationMessage } from "./lifecycle/conversation-events";
import { regions } from "../../platform/regions";
import { BridgeHub } from "./eventbridge/hub";
import { SupervisorFeed, type RegionLink } from "./realtime/supervisors";
import { MOVED_TO_HEADER, conversationFor, routerFor } from "../../platform/objects";
import type { RegionFrame } from "./realtime/supervisor-parts";
import type { ConversationEventInput } from "../common/conversations";

/** The Router's input and result types, for the Worker's routes (RPC callers type against them). */
export type * from "./lifecycle/router";

/**
 * An EventRecord as RPC carries it: the contract types `event_data` as `Record<string, unknown>`,
 * which RPC's typing cannot see through; the values the Router writes are all scalars (attributes
 * travel as JSON text).
 */
export type EventRecordRpc = Omit<EventRecord, "event_data"> & { event_data: { [key: string]: string | number | boolean | null } };

/** An outbox the queue or a conversation could not take is retried after this long. */
const OUTBOX_RETRIES = retryPolicy({ baseDelayMs: 30_000, maxDelayMs: 30_000 });
/** A handover another region's Router did not take is retried sooner at first: the task waits for it. */
const HANDOVER_RETRIES = retryPolicy({ baseDelayMs: 2_000, maxDelayMs: 60_000 });

export class RouterDO extends DurableObject<Env> {
  private schemaVersion = 0;
  private router!: Router;
  private channel!: AgentChannel<WebSocket>;
  private bridge!: BridgeHub<WebSocket>;
  private supervisors!: SupervisorFeed<WebSocket>;
  /** The one alarm, at the earliest timer (kit/timers.ts). */
  private readonly timerAlarm = new TimerAlarm(this.ctx.storage);
  private outbox!: Outbox;
  /** Tasks handed over to other regions' Routers, one at a time (lifecycle/handover.ts). */
  private handovers!: Outbox;
  private workspaceSid = "";

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schemaVersion = applyMigrations(ctx.storage, ROUTER_MIGRATIONS);
      // Named `routerName(workspaceSid, regionId)`, i.e. "WS…:<region>".
      const regionId = ctx.id.name?.split(":")[1] ?? regions.defaultRegion;
      this.workspaceSid = ctx.id.name?.split(":")[0] ?? "";
      // The channel publishes what each committed operation recorded; it exists before load() runs.
      let channel: AgentChannel<WebSocket> | undefined;
      this.router = new Router(ctx.storage, { regionId, onEvents: (events) => channel && this.publish(channel, events) });
      this.outbox = new Outbox(ctx.storage, EVENTS_TOPIC, (batch) => this.send(batch), OUTBOX_RETRIES);
      this.handovers = new Outbox(ctx.storage, HANDOVER_TOPIC, (batch) => this.handOver(batch), HANDOVER_RETRIES, 1);
      this.channel = channel = new AgentChannel(ctx.storage, this.router, agentSockets(this.ctx));
      this.bridge = new BridgeHub(ctx.storage, this.router, bridgeSockets(this.ctx));
      this.supervisors = new SupervisorFeed(ctx.storage, this.router, supervisorSockets(this.ctx), regionId, this.regionLink(regionId));
      ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
      this.router.load(Date.now());
      await this.timerAlarm.load();
      await this.settle();
    });
  }

  ping(): PingReply {
    return { class: "RouterDO", version: this.schemaVersion };
  }

  // ── configuration (from the Workspace DO) ──────────────────────────────────────────────────────

  async applyConfig(
    snapshot: WorkspaceConfigSnapshot,
    events: readonly EventRecord[] = [],
    options: ApplyConfigOptions = {},
  ): Promise<ApiResult<{ applied: boolean; version: number }>> {
    const applied = this.router.applyConfig(snapshot, events, options, Date.now());
    this.supervisors.regionsChanged(Date.now());
    return this.after(applied);
  }

  // ── workers ─────────────────────────────────────────────────────────────────────────────────────

  async createWorker(accountSid: string, input: CreateWorkerInput): Promise<ApiResult<WorkerResult>> {
    return this.after(this.router.createWorker(accountSid, input, Date.now()));
  }

  getWorker(accountSid: string, sid: string): ApiResult<WorkerResult> {
    return this.router.getWorker(accountSid, sid, Date.now());
  }

  async updateWorker(accountSid: string, sid: string, input: UpdateWorkerInput): Promise<ApiResult<WorkerResult>> {
    await this.handOverFirst(sid);
    return this.after(this.router.updateWorker(accountSid, sid, input, Date.now()));
  }

  async deleteWorker(accountSid: string, sid: string, ifMatch?: string): Promise<ApiResult<null>> {
    await this.handOverFirst(sid);
    return this.after(this.router.deleteWorker(accountSid, sid, ifMatch, Date.now()));
  }

  listWorkers(accountSid: string, input: ListWorkersInput): ApiResult<Page<WorkerRecord>> {
    return this.router.listWorkers(accountSid, input, Date.now());
  }

  listWorkerChannels(accountSid: string, workerSid: string, page: PageRequest): ApiResult<Page<WorkerChannelRecord>> {
    return this.router.listWorkerChannels(accountSid, workerSid, page, Date.now());
  }

  /** `ref`: a WC SID, or the task channel's TC SID or unique name. */
  getWorkerChannel(accountSid: string, workerSid: string, ref: string): ApiResult<WorkerChannelRecord> {
    return this.router.getWorkerChannel(accountSid, workerSid, ref, Date.now());
  }

  async updateWorkerChannel(
    accountSid: string,
    workerSid: string,
    ref: string,
    input: UpdateWorkerChannelInput,
  ): Promise<ApiResult<WorkerChannelRecord>> {
    await this.handOverFirst(workerSid);
    return this.after(this.router.updateWorkerChannel(accountSid, workerSid, ref, input, Date.now()));
  }

  /**
   * Moves worker `sid` to `region`'s Router (lifecycle/worker-move.ts) and waits for the move: `region`
   * is where the worker is once this answers. A worker who holds a reservation is a 409 that changes
   * nothing. When that Router cannot be reached, a 503: the worker stays here, offered nothing, and the
   * move is retried from the alarm (the outbox's backoff) until it arrives.
   */
  async moveWorker(accountSid: string, sid: string, region: string): Promise<ApiResult<{ region: string }>> {
    const started = this.router.startWorkerMove(accountSid, sid, region, Date.now());
    if (!started.ok) return this.after(started);
    return started.value.moving ? this.moved(sid, region) : this.after(ok({ region }));
  }

  /** Whether worker `sid`'s region is still by default: their agent's first sign-in may move them. */
  regionUnsettled(accountSid: string, sid: string): ApiResult<boolean> {
    return this.router.regionUnsettled(accountSid, sid, Date.now());
  }

  /**
   * The agent of worker `sid` signed in nearest `nearest`: the first such sign-in settles the worker's
   * region, and moves them there (waiting, as moveWorker does) when it is another. A busy worker stays
   * (`refused`); the caller only logs a failure.
   */
  async settleWorkerRegion(
    accountSid: string,
    sid: string,
    nearest: string,
  ): Promise<ApiResult<{ region: string | null; refused?: string }>> {
    const settled = this.router.settleWorkerRegion(accountSid, sid, nearest, Date.now());
    if (!settled.ok) return this.after(settled);
    if (!settled.value.moving)
      return this.after(ok({ region: null, ...(settled.value.refused ? { refused: settled.value.refused } : {}) }));
    return this.moved(sid, nearest);
  }

  /** Waits for worker `sid`'s move to `region`: ok once they are there, a 503 while that Router cannot be reached. */
  private async moved(sid: string, region: string): Promise<ApiResult<{ region: string }>> {
    await this.handovers.drain();
    await this.settle();
    if (this.router.movedTo(sid) === region) return ok({ region });
    return fail(503, 20503, `Worker ${sid} is moving to region ${region}, whose Router cannot be reached now; the move is retried`);
  }

  /** A worker another region's Router moves here: inserted under their SID (idempotent by SID and hop). */
  async acceptWorkerMove(accountSid: string, payload: WorkerMovePayload): Promise<ApiResult<{ accepted: boolean }>> {
    return this.after(this.router.acceptWorkerMove(accountSid, payload, Date.now()));
  }

  /** The TaskQueues a worker belongs to (for the TaskQueues list's `WorkerSid` filter). */
  queuesOfWorker(accountSid: string, workerSid: string): ApiResult<string[]> {
    return this.router.queuesOfWorker(accountSid, workerSid, Date.now());
  }

  // ── tasks ───────────────────────────────────────────────────────────────────────────────────────

  async createTask(accountSid: string, input: CreateTaskInput): Promise<ApiResult<TaskResult>> {
    return this.after(this.router.createTask(accountSid, input, Date.now()));
  }

  getTask(accountSid: string, sid: string): ApiResult<TaskResult> {
    return this.router.getTask(accountSid, sid, Date.now());
  }

  async updateTask(accountSid: string, sid: string, input: UpdateTaskInput): Promise<ApiResult<TaskResult>> {
    await this.handOverFirst(sid);
    return this.after(this.router.updateTask(accountSid, sid, input, Date.now()));
  }

  async deleteTask(accountSid: string, sid: string, ifMatch?: string): Promise<ApiResult<null>> {
    await this.handOverFirst(sid);
    return this.after(this.router.deleteTask(accountSid, sid, ifMatch, Date.now()));
  }

  listTasks(accountSid: string, input: ListTasksInput): ApiResult<Page<TaskRecord>> {
    return this.router.listTasks(accountSid, input, Date.now());
  }

  // ── handovers between regions (lifecycle/handover.ts) ───────────────────────────────────────────

  /** A task another region's Router hands over: inserted under its SID and routed here (idempotent by SID and hop). */
  async acceptHandover(accountSid: string, payload: HandoverPayload): Promise<ApiResult<{ accepted: boolean }>> {
    return this.after(this.router.acceptHandover(accountSid, payload, Date.now()));
  }

  /** The sender withdrew hop `hop` of task `sid`: a waiting copy taken here is dropped, and the hop refused. */
  async withdrawHandover(accountSid: string, sid: string, hop: number): Promise<ApiResult<{ dropped: boolean }>> {
    return this.after(this.router.dropWithdrawn(accountSid, sid, hop, Date.now()));
  }

  /**
   * A change to a task being handed over waits for the handover to finish, so it is applied where the
   * task ends up: there (the caller is answered "moved" and follows it) or, when the other region
   * cannot be reached, here (a cancel then withdraws the handover).
   */
  private async handOverFirst(sid: string): Promise<void> {
    if (this.router.handingOver(sid)) await this.handovers.drain();
  }

  // ── reservations ────────────────────────────────────────────────────────────────────────────────

  listReservations(accountSid: string, owner: ReservationOwner, input: ListReservationsInput): ApiResult<Page<ReservationRecord>> {
    return this.router.listReservations(accountSid, owner, input, Date.now());
  }

  getReservation(accountSid: string, owner: ReservationOwner, sid: string): ApiResult<ReservationResult> {
    return this.router.getReservation(accountSid, owner, sid, Date.now());
  }

  async updateReservation(
    accountSid: string,
    owner: ReservationOwner,
    sid: string,
    input: UpdateReservationInput,
  ): Promise<ApiResult<ReservationResult>> {
    return this.after(this.router.updateReservation(accountSid, owner, sid, input, Date.now()));
  }

  /** The answer of an assignment callback, relayed by the queue consumer. */
  async applyAssignmentInstruction(
    accountSid: string,
    reservationSid: string,
    instruction: AssignmentInstruction,
  ): Promise<ApiResult<ReservationResult>> {
    return this.after(this.router.applyAssignmentInstruction(accountSid, reservationSid, instruction, Date.now()));
  }

  // ── events ──────────────────────────────────────────────────────────────────────────────────────

  listEvents(accountSid: string, input: ListEventsInput): ApiResult<Page<EventRecordRpc>> {
    return this.router.listEvents(accountSid, input, Date.now()) as ApiResult<Page<EventRecordRpc>>;
  }

  getEvent(accountSid: string, sid: string): ApiResult<EventRecordRpc> {
    return this.router.getEvent(accountSid, sid, Date.now()) as ApiResult<EventRecordRpc>;
  }

  /** A supervisor's action or a survey answer in a conversation, handed over by its ConversationDO (at least once). */
  async recordConversationEvent(
    accountSid: string,
    input: ConversationEventInput,
  ): Promise<ApiResult<{ eventSid: string; recorded: boolean }>> {
    return this.after(this.router.recordConversationEvent(accountSid, input, Date.now()));
  }

  // ── statistics ──────────────────────────────────────────────────────────────────────────────────

  workspaceStatistics(accountSid: string, query: StatisticsQuery): ApiResult<TaskScopeFigures> {
    return this.router.workspaceStatistics(accountSid, query, Date.now());
  }

  queueStatistics(accountSid: string, queueSid: string, query: StatisticsQuery): ApiResult<TaskScopeFigures> {
    return this.router.queueStatistics(accountSid, queueSid, query, Date.now());
  }

  queueListStatistics(
    accountSid: string,
    input: PageRequest & { readonly friendlyName?: string },
    query: StatisticsQuery,
  ): ApiResult<Page<QueueFigures>> {
    return this.router.queueListStatistics(accountSid, input, query, Date.now());
  }

  bulkQueueStatistics(accountSid: string, queueSids: readonly string[], query: StatisticsQuery): ApiResult<QueueFigures[]> {
    return this.router.bulkQueueStatistics(accountSid, queueSids, query, Date.now());
  }

  workflowStatistics(accountSid: string, workflowSid: string, query: StatisticsQuery): ApiResult<TaskScopeFigures> {
    return this.router.workflowStatistics(accountSid, workflowSid, query, Date.now());
  }

  workersStatistics(accountSid: string, filter: WorkersFilter, query: StatisticsQuery): ApiResult<WorkersFigures> {
    return this.router.workersStatistics(accountSid, filter, query, Date.now());
  }

  workerStatistics(accountSid: string, workerSid: string, query: StatisticsQuery): ApiResult<WorkersFigures> {
    return this.router.workerStatistics(accountSid, workerSid, query, Date.now());
  }

  // ── the agents' live channel ───────────────────────────────────────────────────────────────────

  /**
   * An agent's WebSocket upgrade, forwarded by the Worker (workers/api/realtime.ts) with the identity
   * it verified. The socket is always accepted: a refusal is a close code the browser can read.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const identity = readIdentity(request.headers.get(IDENTITY_HEADER));
    if (!identity) return new Response("The upgrade carries no verified identity", { status: 400 });
    // A worker who moved to another region: the Worker forwards the upgrade there (workers/api/realtime.ts).
    const movedTo = identity.workerSid === undefined ? null : this.router.movedTo(identity.workerSid);
    if (movedTo !== null)
      return new Response(`The worker moved to region ${movedTo}`, { status: 421, headers: { [MOVED_TO_HEADER]: movedTo } });
    const url = new URL(request.url);
    if (url.pathname === "/eventbridge") return this.openBridge(identity, url.searchParams.get("closeExistingSessions") === "true");
    const { 0: client, 1: server } = new WebSocketPair();
    const supervisor = identity.workerSid === undefined && identity.role !== "worker";
    const tags = supervisor ? [SUPERVISOR_TAG] : identity.workerSid === undefined ? [] : [workerTag(identity.workerSid)];
    this.ctx.acceptWebSocket(server, [...tags, ...userTags(identity)]);
    // A supervisor's snapshot may wait for other regions' Routers: the upgrade is answered without waiting.
    if (supervisor) this.ctx.waitUntil(this.openSupervisor(server, identity));
    else if (this.channel.open(server, identity, sinceOf(url.searchParams.get("since")), Date.now())) await this.settle();
    const offered =
      request.headers
        .get("sec-websocket-protocol")
        ?.split(",")
        .map((p) => p.trim()) ?? [];
    return new Response(null, {
      status: 101,
      webSocket: client,
      headers: offered.includes(SUBPROTOCOL) ? { "Sec-WebSocket-Protocol": SUBPROTOCOL } : {},
    });
  }

  /**
   * An SDK socket (the Worker checked the token): accepted with its `eb:` tag, then `init`. With
   * `closeExistingSessions`, the worker's older SDK sockets are closed first (4409; their SDKs reconnect).
   */
  private async openBridge(identity: AgentIdentity, closeExisting: boolean): Promise<Response> {
    const { 0: client, 1: server } = new WebSocketPair();
    const workerSid = identity.workerSid;
    if (closeExisting && workerSid !== undefined) {
      const host = bridgeSockets(this.ctx);
      for (const older of host.open(workerSid)) host.close(older, 4409, "A newer session of this worker replaced this one");
    }
    this.ctx.acceptWebSocket(server, [BRIDGE_TAG, bridgeTag(workerSid ?? ""), ...userTags(identity)]);
    bindBridgeSocket(server, identity.accountSid, bindingFor(identity));
    if (workerSid === undefined) bridgeSockets(this.ctx).close(server, 4403, "The SDK serves one worker: the token names none");
    else if (this.bridge.open(server, { ...identity, workerSid }, Date.now())) await this.settle();
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * A supervisor's socket: the snapshot, then deltas (realtime/supervisors.ts). The attachment keeps the
   * identity with no worker, so the presence sweep closes it when the token expires.
   */
  private async openSupervisor(ws: WebSocket, identity: AgentIdentity): Promise<void> {
    const now = Date.now();
    if (identity.expiresAt <= now) return agentSockets(this.ctx).close(ws, 4401, "The token has expired");
    const { accountSid, role, ops, expiresAt } = identity;
    const binding = bindingFor(identity);
    const connection = { accountSid, workerSid: "", role, ops, expiresAt, connectedAt: now, lastMessageAt: now };
    agentSockets(this.ctx).setConnection(ws, binding ? { ...connection, binding } : connection);
    try {
      await this.supervisors.open(ws, now);
    } catch (error) {
      console.error("RouterDO: a supervisor's snapshot could not be built", error);
      return agentSockets(this.ctx).close(ws, 1011, "The feed could not start; reconnect");
    }
    await this.settle();
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (isBridge(this.ctx, ws)) return;
    if (isSupervisor(this.ctx, ws)) return this.supervisorMessage(ws, message);
    this.channel.message(ws, message, Date.now());
    await this.settle();
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    // The runtime answers the client's close frame itself (compatibility date ≥ 2026-04-07).
    if (isBridge(this.ctx, ws) || isSupervisor(this.ctx, ws)) return;
    this.channel.closed(ws, Date.now());
    await this.settle();
  }

  /** A supervisor sends no commands (the `ping` heartbeat is answered by the runtime without waking us). */
  private supervisorMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (message === "ping") return agentSockets(this.ctx).send(ws, "pong");
    const id = typeof message === "string" ? idOf(message) : null;
    const frame = { type: "error", id, status: 400, code: 20001, message: "A supervisor's connection takes no commands" } as const;
    agentSockets(this.ctx).send(ws, JSON.stringify(frame));
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    console.warn("RouterDO: an agent's WebSocket failed", error);
    if (isBridge(this.ctx, ws) || isSupervisor(this.ctx, ws)) return;
    this.channel.closed(ws, Date.now());
    await this.settle();
  }

  /**
   * A user changed (told by the AccountDO): closes their sockets `access` no longer allows (null: deleted).
   * An agent left with no socket is gone from now; the presence grace period then takes them offline.
   */
  async closeUserSockets(accountSid: string, userSid: string, access: UserAccess | null): Promise<number> {
    const now = Date.now();
    const closed = closeUserSockets(this.ctx, accountSid, userSid, access);
    for (const ws of closed) if (!isBridge(this.ctx, ws) && !isSupervisor(this.ctx, ws)) this.channel.closed(ws, now);
    await this.settle();
    return closed.length;
  }

  /** The live channel's settings: the presence grace period (a Router setting until the workspace has one). */
  async realtimeSettings(accountSid: string, changes: { presenceGraceSeconds?: number } = {}): Promise<ApiResult<RealtimeSettings>> {
    return this.after(this.channel.settings(accountSid, changes, Date.now()));
  }

  // ── the supervisors' feed across regions (realtime/supervisors.ts) ───────────────────────────────

  /** The Router holding supervisors in `holder` takes or renews its lease on this region's share of the feed. */
  async superviseRegion(accountSid: string, holder: string, knownSeq: number | null): Promise<ApiResult<RegionFrame | null>> {
    return this.after(this.supervisors.subscribe(accountSid, holder, knownSeq, Date.now()));
  }

  /** Another region's share of the feed, for this Router's supervisors; `subscribed: false` ends that region's lease. */
  async supervisorRegionFrame(accountSid: string, frame: RegionFrame): Promise<ApiResult<{ subscribed: boolean }>> {
    return this.after(await this.supervisors.receive(accountSid, frame, Date.now()));
  }

  /** How the feed reaches the Routers of this workspace's other regions (never another workspace's: the name is this one's). */
  private regionLink(regionId: string): RegionLink {
    const workspaceSid = this.ctx.id.name?.split(":")[0] ?? "";
    return {
      subscribe: (accountSid, region, knownSeq) =>
        routerFor(this.env, workspaceSid, region).superviseRegion(accountSid, regionId, knownSeq),
      push: (accountSid, holder, frame) => {
        const sent = routerFor(this.env, workspaceSid, holder)
          .supervisorRegionFrame(accountSid, frame)
          .then((answer) => {
            if (!answer.ok) console.warn(`RouterDO: region ${holder} refused the supervisors' frame: ${answer.message}`);
            else if (!answer.value.subscribed) this.supervisors.unsubscribed(holder);
          })
          // Lost: the holder sees the gap at the next frame or at its lease's renewal, and asks for a full one.
          .catch((error: unknown) => console.warn(`RouterDO: the supervisors' frame to region ${holder} was lost`, error));
        this.ctx.waitUntil(sent);
      },
    };
  }

  // ── the alarm ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Fires every timer due at the time the alarm was set for. That time, not the wall clock, is "now":
   * an alarm is never early by Cloudflare's clock, and tests fire the next alarm at once with
   * `runDurableObjectAlarm`, which then runs exactly the timers it was set for.
   */
  override async alarm(): Promise<void> {
    const now = this.timerAlarm.fired();
    this.channel.sweep(now);
    this.bridge.heartbeat(now);
    await this.supervisors.renew(now);
    this.supervisors.flushDue(now);
    this.router.fireTimers(now);
    await this.settle();
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────

  /** Pushes a committed operation's frames; a failure here must not make the committed operation look failed. */
  private publish(channel: AgentChannel<WebSocket>, events: readonly EventRecord[]): void {
    try {
      channel.publish(events, Date.now());
    } catch (error) {
      console.error("RouterDO: pushing frames to agents failed", error);
    }
    try {
      this.bridge.publish(events, Date.now());
    } catch (error) {
      console.error("RouterDO: pushing frames to SDK sockets failed", error);
    }
    try {
      this.supervisors.publish(events, Date.now());
    } catch (error) {
      console.error("RouterDO: updating the supervisors' feed failed", error);
    }
  }

  /** The SDK sockets as the bridge sees them. */
  private async after<T>(result: T): Promise<T> {
    await this.settle();
    return result;
  }

  /** Points the alarm at the earliest timer and sends the outboxes in the background. */
  private async settle(): Promise<void> {
    await this.timerAlarm.sync();
    if (this.outbox.hasUnsent()) this.ctx.waitUntil(this.drain());
    if (this.handovers.hasUnsent()) this.ctx.waitUntil(this.drainHandovers());
  }

  /**
   * Drains the outbox; when it fails, points the alarm at its retry (only the alarm: sending again at
   * once would retry a receiver that cannot be reached in a loop, with no wait between attempts).
   */
  private async drain(): Promise<void> {
    if (!(await this.outbox.drain())) await this.timerAlarm.sync();
  }

  /** Drains the handovers; when one fails, points the alarm at its retry. */
  private async drainHandovers(): Promise<void> {
    if (!(await this.handovers.drain())) await this.timerAlarm.sync();
  }

  /**
   * Sends the oldest handover message to the Router of its region: the task as it is now (nothing when
   * the handover is no longer on), then, once that Router took it, records the move here. A withdrawal
   * tells that Router to drop what it took. A refusal (its configuration is behind) is retried as an
   * unreachable Router is: the task stays here meanwhile, pending, visible and cancelable.
   */
  private async handOver(batch: readonly OutboxRow[]): Promise<number> {
    const message = JSON.parse(batch[0]!.body) as HandoverTopicMessage;
    const other = routerFor(this.env, this.workspaceSid, message.region);
    if (message.kind === "worker") return this.moveWorkerNow(other, message);
    if (message.kind === "withdraw") {
      const accountSid = this.router.accountSid();
      if (!accountSid) return 1;
      const withdrawn = await other.withdrawHandover(accountSid, message.taskSid, message.hop);
      expectOk(withdrawn, message);
      // The other region took the task (its answer lost) and assigned it before the withdrawal came:
      // canceled here, assigned there. Rare (a lost answer, then that region unreachable); said aloud.
      if (withdrawn.ok && !withdrawn.value.dropped)
        console.warn(
          `RouterDO ${this.workspaceSid}: task ${message.taskSid} ended here while handing over, but ${message.region} had already assigned its copy (hop ${message.hop}); that copy stands`,
        );
      return 1;
    }
    const payload = this.router.handoverPayload(message, Date.now());
    if (!payload) return 1;
    expectOk(await other.acceptHandover(payload.accountSid, payload), message);
    this.router.recordMoved(message, Date.now());
    await this.settle();
    return 1;
  }

  /**
   * A worker's move (lifecycle/worker-move.ts): the worker as they are now to the other Router, then,
   * once it took them, the move recorded here and their sockets here closed so they reconnect there.
   */
  private async moveWorkerNow(other: ReturnType<typeof routerFor>, message: WorkerMoveMessage): Promise<number> {
    const payload = this.router.workerMovePayload(message, Date.now());
    if (!payload) return 1;
    const accepted = await other.acceptWorkerMove(payload.accountSid, payload);
    if (!accepted.ok)
      throw new Error(`move of worker ${message.workerSid} to ${message.region} refused: ${accepted.status} ${accepted.message}`);
    if (this.router.recordWorkerMoved(message, Date.now())) {
      this.channel.moved(message.workerSid);
      const bridge = bridgeSockets(this.ctx);
      for (const ws of bridge.open(message.workerSid)) bridge.close(ws, 4307, "The worker moved to another region; reconnect");
    }
    await this.settle();
    return 1;
  }

  /**
   * Sends the oldest of the outbox (kit/outbox.ts drains it in order, a batch at a time): conversation
   * messages to their ConversationDO by RPC (each in turn, so a conversation hears "accepted" before
   * "wrapup"), the rest to the EVENTS queue. Answers how many went.
   */
  private async send(batch: readonly OutboxRow[]): Promise<number> {
    const bodies = batch.map((message) => JSON.parse(message.body) as RouterMessage);
    const firstConversation = bodies.findIndex((body) => body.kind === "conversation");
    const queued = firstConversation === -1 ? batch.length : firstConversation;
    if (queued === 0) {
      await this.tellConversation(bodies[0] as ConversationMessage);
      return 1;
    }
    await this.env.EVENTS.sendBatch(bodies.slice(0, queued).map((body) => ({ body })));
    return queued;
  }

  /**
   * Hands a task event to its conversation. A refusal (the conversation was deleted, or belongs to
   * another account) is final and only logged; a thrown error (the object unreachable) is retried.
   */
  private async tellConversation(message: ConversationMessage): Promise<void> {
    const result = await conversationFor(this.env, message.conversationSid).onTaskEvent(message.accountSid, message.event);
    if (!result.ok) console.warn(`RouterDO: conversation ${message.conversationSid} refused ${message.event.eventType}: ${result.message}`);
  }
}

/** A refusal by the other region's Router is retried like a failure to reach it (the outbox's backoff). */
function expectOk(result: ApiResult<unknown>, message: HandoverMessage): void {
  if (!result.ok)
    throw new Error(`${message.kind} of task ${message.taskSid} to ${message.region} refused: ${result.status} ${result.message}`);
}

/** The `id` of a JSON frame a client sent, echoed in the error that answers it; null when there is none. */
function idOf(text: string): string | number | null {
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === "string" || typeof id === "number" ? id : null;
  } catch {
    return null;
  }
}
