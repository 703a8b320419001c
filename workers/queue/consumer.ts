/**
 * The consumer of the `EVENTS` queue: delivers each message's callback — events to the workspace's
 * EventCallbackUrl, assignments to the workflow's AssignmentCallbackUrl (then its fallback),
 * Conversations post-event webhooks to their URL — signed like Twilio's, and acknowledges or retries it. Routing never waits for any of this: the Router DO
 * only enqueues, so a slow or failing endpoint delays nothing but its own callbacks.
 *
 * Per message: 2xx → acknowledged; a failure → retried after 2, 4, 8 … s (policy.ts) until
 * MAX_ATTEMPTS, then dropped with an error log; a message that is not a callback, a workspace that no
 * longer exists, or a URL that cannot be used → acknowledged with a log, since retrying cannot help.
 * Delivery is at-least-once and unordered (batches run concurrently, retries overtake), as with
 * TaskRouter: each callback carries Sid/ReservationSid, TimestampMs and an idempotency token.
 *
 * Its Durable Objects, fetch, clock and log come in as {@link CallbackDeps} (bindings.ts builds them
 * from the Worker's env), so tests drive it with stubs.
 */
import type { ApiResult } from "../../durable-objects/common/rpc";
import { assignmentCallbackParams, parseAssignmentAnswer, type AssignmentInstruction } from "../../callbacks/assignment";
import { endpointForLog, postCallback, type PostOutcome } from "../../callbacks/delivery";
import { eventCallbackParams } from "../../callbacks/event-params";
import {
  parseCallbackMessage,
  type AssignmentMessage,
  type ConversationWebhookMessage,
  type EventMessage,
} from "../../platform/events-queue";
import { type CallbackSettings, CALLBACK_TIMEOUT_MS, eventsFilterAllows, MAX_ATTEMPTS, retryDelaySeconds } from "../../callbacks/policy";
import type { FormParams } from "../../callbacks/signature";
import type { TaskRecord, WorkerRecord } from "../../contract/taskrouter";

/**
 * The one RPC the consumer needs from the WorkspaceDO (`workspaceFor(env, workspaceSid)`):
 * the callback URLs and filter of the workspace and, when asked, of one workflow. A deleted or
 * unknown workspace answers `notFound`; an unknown workflow answers `workflow: null`.
 */
export interface WorkspaceCallbackRpc {
  callbackSettings(workspaceSid: string, workflowSid?: string): Promise<ApiResult<CallbackSettings>>;
}

/**
 * The RPCs the consumer needs from the RouterDO of the reservation's region
 * (`routerFor(env, workspaceSid, regionId)`).
 */
export interface RouterCallbackRpc {
  getTask(accountSid: string, taskSid: string): Promise<ApiResult<{ readonly task: TaskRecord }>>;
  getWorker(accountSid: string, workerSid: string): Promise<ApiResult<{ readonly worker: WorkerRecord }>>;
  /** Applies what an assignment callback answered; a reservation no longer pending answers a failure. */
  applyAssignmentInstruction(accountSid: string, reservationSid: string, instruction: AssignmentInstruction): Promise<ApiResult<unknown>>;
}

/** The parts of a queue message the consumer uses (Cloudflare's `Message` has them all). */
export interface QueuedMessage {
  readonly id: string;
  readonly attempts: number;
  readonly body: unknown;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/** The parts of a queue batch the consumer uses (Cloudflare's `MessageBatch` has them all). */
export interface QueuedBatch {
  readonly messages: readonly QueuedMessage[];
  ackAll(): void;
}

export interface CallbackDeps {
  /** The account's auth token, which signs every callback; without it nothing is sent. */
  readonly authToken: string | undefined;
  readonly workspace: (workspaceSid: string) => WorkspaceCallbackRpc;
  readonly router: (workspaceSid: string, regionId: string) => RouterCallbackRpc;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly log: Pick<Console, "info" | "warn" | "error">;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** Callbacks in flight at once; Workers open at most six outbound connections per invocation. */
  readonly concurrency?: number;
}

type Decision = { readonly retryInSeconds: number } | "ack";

/**
 * Delivers a batch's callbacks and settles every message (acknowledged or retried). Never throws.
 *
 * @example
 * async queue(batch, env) { await consumeCallbacks(batch, callbackDepsFromEnv(env)); }
 */
export async function consumeCallbacks(batch: QueuedBatch, deps: CallbackDeps): Promise<void> {
  const run = new BatchRun(deps);
  const decisions = await mapConcurrently(batch.messages, deps.concurrency ?? 6, (message) => run.settle(message));
  if (decisions.every((decision) => decision === "ack")) {
    batch.ackAll();
    return;
  }
  batch.messages.forEach((message, i) => {
    const decision = decisions[i]!;
    if (decision === "ack") message.ack();
    else message.retry({ delaySeconds: decision.retryInSeconds });
  });
}

/** One batch: deliveries share its settings lookups, so fifty events of a workspace cost one RPC. */
class BatchRun {
  private readonly settingsCache = new Map<string, Promise<ApiResult<CallbackSettings>>>();
  private readonly maxAttempts: number;

  constructor(private readonly deps: CallbackDeps) {
    this.maxAttempts = deps.maxAttempts ?? MAX_ATTEMPTS;
  }

  async settle(queued: QueuedMessage): Promise<Decision> {
    const message = parseCallbackMessage(queued.body);
    if (message === null) {
      this.deps.log.warn(`callbacks: message ${queued.id} is not a callback message; acknowledged without delivery`);
      return "ack";
    }
    if (message.kind === "conversation-webhook") return this.conversationWebhook(message, queued);
    try {
      return message.kind === "event" ? await this.event(message, queued) : await this.assignment(message, queued);
    } catch (error) {
      // A Durable Object that could not be reached or threw: transient, so try the whole message again.
      const what = message.kind === "event" ? `event ${message.event.sid}` : `assignment ${message.reservationSid}`;
      return this.failed(queued, `${what}: a Durable Object call failed (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  private async event(message: EventMessage, queued: QueuedMessage): Promise<Decision> {
    const { event } = message;
    const what = `event ${event.sid} (${event.event_type})`;
    if (event.workspace_sid !== message.workspaceSid) {
      this.deps.log.error(`callbacks: ${what} belongs to ${event.workspace_sid}, not ${message.workspaceSid}; dropped`);
      return "ack";
    }
    const settings = await this.settings(message.workspaceSid);
    if (!settings.ok) return this.lookupFailed(queued, what, settings);
    const { eventCallbackUrl, eventsFilter, workspaceName } = settings.value;
    if (!eventCallbackUrl || !eventsFilterAllows(eventsFilter, event.event_type)) return "ack";
    const outcome = await this.post(eventCallbackUrl, eventCallbackParams(event, workspaceName), event.sid, false);
    if (outcome.delivered) return "ack";
    return this.undelivered(queued, `${what} to ${endpointForLog(eventCallbackUrl)}`, outcome);
  }

  private async assignment(message: AssignmentMessage, queued: QueuedMessage): Promise<Decision> {
    const what = `assignment callback for ${message.reservationSid}`;
    const expiresAt = message.reservationExpiresAtMs;
    if (expiresAt !== undefined && this.deps.now() >= expiresAt) {
      this.deps.log.info(`callbacks: ${what} not sent: the reservation had already timed out`);
      return "ack";
    }
    const settings = await this.settings(message.workspaceSid, message.workflowSid);
    if (!settings.ok) return this.lookupFailed(queued, what, settings);
    const primary = settings.value.workflow?.assignmentCallbackUrl;
    if (!primary) return "ack";
    const fallback = settings.value.workflow?.fallbackAssignmentCallbackUrl ?? null;

    const router = this.deps.router(message.workspaceSid, message.regionId);
    const [found, holder] = await Promise.all([
      router.getTask(message.accountSid, message.taskSid),
      router.getWorker(message.accountSid, message.workerSid),
    ]);
    if (!found.ok) return this.lookupFailed(queued, what, found);
    if (!holder.ok) return this.lookupFailed(queued, what, holder);
    const task = { ok: true as const, value: found.value.task };
    const worker = { ok: true as const, value: holder.value.worker };
    if (task.value.workspace_sid !== message.workspaceSid) {
      this.deps.log.error(`callbacks: ${what}: task ${message.taskSid} is not in ${message.workspaceSid}; dropped`);
      return "ack";
    }
    const params = assignmentCallbackParams({ ...message, task: task.value, worker: worker.value, nowMs: this.deps.now() });

    let outcome = await this.post(primary, params, message.reservationSid, true);
    if (!outcome.delivered && fallback) {
      this.deps.log.warn(`callbacks: ${what} to ${endpointForLog(primary)}: ${outcome.problem}; trying the fallback URL`);
      outcome = await this.post(fallback, params, message.reservationSid, true);
    }
    if (!outcome.delivered) return this.undelivered(queued, `${what} to ${endpointForLog(fallback ?? primary)}`, outcome, expiresAt);

    const answer = parseAssignmentAnswer(outcome.body);
    if (answer.kind === "invalid") this.deps.log.warn(`callbacks: ${what}: the answer was ignored: ${answer.problem}`);
    if (answer.kind !== "instruction") return "ack";
    const applied = await router.applyAssignmentInstruction(message.accountSid, message.reservationSid, answer.instruction);
    if (!applied.ok) {
      this.deps.log.warn(
        `callbacks: ${what}: instruction ${answer.instruction.instruction} not applied: ${applied.code} ${applied.message}`,
      );
    }
    return "ack";
  }

  /** A Conversations post-event: already built by the ConversationDO, so only signed, sent and retried. */
  private async conversationWebhook(message: ConversationWebhookMessage, queued: QueuedMessage): Promise<Decision> {
    const what = `conversation webhook ${message.params.EventType ?? ""} for ${message.params.ConversationSid ?? "a conversation"}`;
    const outcome = await this.post(message.url, message.params, message.idempotencyToken, false, message.method);
    if (outcome.delivered) return "ack";
    return this.undelivered(queued, `${what} to ${endpointForLog(message.url)}`, outcome);
  }

  private settings(workspaceSid: string, workflowSid?: string): Promise<ApiResult<CallbackSettings>> {
    const key = `${workspaceSid}/${workflowSid ?? ""}`;
    let settings = this.settingsCache.get(key);
    if (settings === undefined) {
      settings = this.deps.workspace(workspaceSid).callbackSettings(workspaceSid, workflowSid);
      this.settingsCache.set(key, settings);
    }
    return settings;
  }

  private async post(
    url: string,
    params: FormParams,
    idempotencyToken: string,
    readBody: boolean,
    method: "GET" | "POST" = "POST",
  ): Promise<PostOutcome> {
    const authToken = this.deps.authToken;
    if (!authToken) return { delivered: false, problem: "AUTH_TOKEN is not set, so callbacks cannot be signed", permanent: false };
    const timeoutMs = this.deps.timeoutMs ?? CALLBACK_TIMEOUT_MS;
    return postCallback(url, params, { fetch: this.deps.fetch, authToken, timeoutMs, idempotencyToken, readBody, method });
  }

  /** A resource the callback needs is gone (acknowledged) or could not be read (retried). */
  private lookupFailed(queued: QueuedMessage, what: string, failure: { status: number; message: string }): Decision {
    if (failure.status === 404) {
      this.deps.log.info(`callbacks: ${what} not sent: ${failure.message}`);
      return "ack";
    }
    return this.failed(queued, `${what}: ${failure.message}`);
  }

  private undelivered(queued: QueuedMessage, what: string, outcome: PostOutcome & { delivered: false }, expiresAt?: number): Decision {
    if (outcome.permanent) {
      this.deps.log.error(`callbacks: ${what}: ${outcome.problem}; dropped`);
      return "ack";
    }
    return this.failed(queued, `${what}: ${outcome.problem}`, expiresAt);
  }

  /** Retries with backoff, or gives up (logged) after the last attempt or when the retry would come too late. */
  private failed(queued: QueuedMessage, problem: string, expiresAt?: number): Decision {
    const delay = retryDelaySeconds(queued.attempts, this.maxAttempts);
    const attempt = `attempt ${queued.attempts} of ${this.maxAttempts}`;
    if (delay === null) {
      this.deps.log.error(`callbacks: ${problem}; giving up after ${attempt}`);
      return "ack";
    }
    if (expiresAt !== undefined && this.deps.now() + delay * 1000 >= expiresAt) {
      this.deps.log.error(`callbacks: ${problem}; giving up (${attempt}): the reservation times out before a retry`);
      return "ack";
    }
    this.deps.log.warn(`callbacks: ${problem}; retrying in ${delay} s (${attempt})`);
    return { retryInSeconds: delay };
  }
}

/** Runs `task` over `items` with at most `limit` in flight, keeping the results in order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
