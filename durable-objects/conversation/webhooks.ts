/**
 * The ConversationDO's webhook I/O, apart from the object so the object reads as its operations:
 * - {@link ConversationWebhooks.context}: what a change needs to announce itself — who made it and the
 *   chat service's webhook configuration (one DirectoryDO read; none for a change that sends nothing);
 * - {@link ConversationWebhooks.pre}: the pre-event calls, made before the change (a refusal is the
 *   change's failure; a timeout lets it through);
 * - {@link ConversationWebhooks.outbox}: the post-event outbox (kit/outbox.ts, topic `hooks`) to the
 *   EVENTS queue after the commit (one drain at a time; on failure its timer makes the alarm try again).
 */
import type { Env } from "../../platform/env";
import { callPreEvent } from "../../callbacks/pre-event";
import type { ActionSource, WebhookConfigs } from "../common/conversation-webhooks";
import { fail, ok, type ApiResult } from "../common/rpc";
import { newSid } from "../../contract/ids";
import type { StoreHost } from "../kit/sql-host";
import { HOOKS_TOPIC, type HookContext } from "./lifecycle/hooks";
import { preEventChanges, preEventParams, preTargets, type PreEventCall, type PreEventChanges } from "./lifecycle/pre-events";
import { Outbox, type OutboxRow } from "../kit/outbox";
import { retryPolicy } from "../../platform/backoff";
import { directoryFor } from "../../platform/objects";

/** How long an unsent outbox waits before the alarm tries again (also the guard set with every write). */
const HOOKS_RETRIES = retryPolicy({ baseDelayMs: 5_000, maxDelayMs: 5_000 });
/** Queue batches: at most 100 messages (the outbox's batch) and 256 KB. */
const BATCH_BYTES = 200_000;

const NO_CONFIG: WebhookConfigs = { service: null, account: null };

export class ConversationWebhooks {
  /** Drained in the background after every change that wrote to it, and from the alarm. */
  readonly outbox: Outbox;

  constructor(
    storage: StoreHost,
    private readonly env: Env,
    private readonly name: () => string,
  ) {
    this.outbox = new Outbox(storage, HOOKS_TOPIC, (rows) => this.send(rows), HOOKS_RETRIES);
  }

  /**
   * The context a change announces itself with, or null when it sends nothing (a REST call without
   * `X-Twilio-Webhook-Enabled: true`). `known`: a configuration the caller already holds (an inbound
   * message gets it from the DirectoryDO with its conversation).
   */
  async context(
    where: { readonly account_sid: string; readonly workspace_sid: string },
    source: ActionSource,
    known?: WebhookConfigs,
  ): Promise<HookContext | null> {
    if (!source.webhooks) return null;
    if (known) return { source, configs: known };
    try {
      const configs = await directoryFor(this.env, where.workspace_sid).webhookConfigs(where.account_sid);
      if (configs.ok) return { source, configs: configs.value };
      console.warn(`ConversationDO ${this.name()}: the webhook configuration could not be read: ${configs.message}`);
    } catch (error) {
      // The change still happens (and its scoped webhooks still fire): a directory hiccup must not stop a conversation.
      console.error(`ConversationDO ${this.name()}: the webhook configuration could not be read`, error);
    }
    return { source, configs: NO_CONFIG };
  }

  /** Calls the change's pre-event URLs in turn; answers the changes they ask for, or the refusal. */
  async pre(context: HookContext | null, accountSid: string, call: PreEventCall): Promise<ApiResult<PreEventChanges>> {
    if (context === null) return ok({});
    const targets = preTargets(context.configs, call.type);
    if (targets.length === 0) return ok({});
    const authToken = this.env.AUTH_TOKEN;
    if (!authToken) {
      console.warn(`ConversationDO ${this.name()}: AUTH_TOKEN is not set, so ${call.type} cannot be signed; the change goes ahead`);
      return ok({});
    }
    const params = preEventParams(call, context.source, accountSid);
    const changes: PreEventChanges = {};
    for (const target of targets) {
      const outcome = await callPreEvent(target.url, target.method, params, {
        fetch: (input, init) => fetch(input, init),
        authToken,
        idempotencyToken: newSid("EV"),
      });
      if (outcome.kind === "refuse") {
        return fail(403, 20403, `The ${call.type} pre-event webhook refused the change (it answered HTTP ${outcome.status})`);
      }
      if (outcome.kind === "unanswered") {
        console.warn(`ConversationDO ${this.name()}: ${call.type} pre-event webhook: ${outcome.problem}; the change goes ahead`);
        continue;
      }
      const answer = preEventChanges(call.type, outcome.answer);
      if (answer.ignored.length > 0)
        console.warn(`ConversationDO ${this.name()}: ${call.type} answer: ignored ${answer.ignored.join(", ")}`);
      Object.assign(changes, answer.changes);
    }
    return ok(changes);
  }

  /** Queues the oldest requests that fit one batch (always at least one). */
  private async send(rows: readonly OutboxRow[]): Promise<number> {
    let bytes = 0;
    let size = 0;
    while (size < rows.length && (size === 0 || bytes + rows[size]!.body.length <= BATCH_BYTES)) bytes += rows[size++]!.body.length;
    await this.env.EVENTS.sendBatch(rows.slice(0, size).map((row) => ({ body: JSON.parse(row.body) as unknown })));
    return size;
  }
}
