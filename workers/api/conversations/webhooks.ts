/**
 * Conversations v1 webhook configuration at Twilio's three levels:
 * - `/Configuration/Webhooks`: the account's (Method, Filters, PreWebhookUrl, PostWebhookUrl, Target).
 *   Like every account-level path it addresses the default chat service (the account's oldest
 *   workspace), whose DirectoryDO keeps it; `Target=flex` sends nothing (routing here is built in);
 * - `/Services/{ChatServiceSid}/Configuration/Webhooks`: a chat service's own (its DirectoryDO);
 * - `/Conversations/{ConversationSid}/Webhooks` (+ `/{Sid}`, and the service twins): a conversation's
 *   scoped webhooks (Target webhook, trigger or studio; Configuration.Url, .Method, .Filters,
 *   .Triggers, .FlowSid, .ReplayAfter), kept by its ConversationDO.
 *
 * What fires when, and how it is signed, is in lifecycle/hooks.ts and lifecycle/pre-events.ts.
 */
import type { ScopedWebhookRecord, WebhookConfig } from "../../../durable-objects/common/conversation-webhooks";
import type { z } from "zod";
import { int, oneOf, paging, repeated, str } from "../taskrouter/params";
import { unwrap } from "../taskrouter/wire";
import {
  CONVERSATIONS_PREFIX,
  conversationUrl,
  defaultWorkspace,
  pathConversation,
  requestWorkspace,
  mountScoped,
  routeGroup,
  serviceBase,
  type ConversationsContext,
} from "./context";
import { mountOne, resourceRoutes } from "../taskrouter/context";
import { directoryFor } from "../../../platform/objects";
import { forgetWebhookConfigs } from "../../inbound/webhook-config-cache";

export const routes = routeGroup();

/** Twilio's methods arrive in either case; stored as GET or POST. */
const method = str({ max: 8 })
  .transform((v) => v.toUpperCase())
  .pipe(oneOf(["GET", "POST"]));
/** A URL, or "" to clear it (the DirectoryDO checks it is absolute http or https). */
const hookUrl = str({ max: 2048 });
/** Event names, given as repeated parameters (what the `twilio` client sends) or comma-separated. */
const names = repeated(str({ max: 1024 }));
const split = (values: readonly string[] | undefined): string[] | undefined =>
  values
    ?.flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");

// ── the account's and a chat service's configuration ─────────────────────────────────────────────

const accountBody = (c: ConversationsContext, config: WebhookConfig) => ({
  account_sid: c.get("accountSid"),
  method: config.method,
  filters: config.filters,
  pre_webhook_url: config.pre_webhook_url,
  post_webhook_url: config.post_webhook_url,
  target: config.target,
  url: `${serviceBase(c)}/Configuration/Webhooks`,
});

const serviceBody = (c: ConversationsContext, config: WebhookConfig) => ({
  account_sid: c.get("accountSid"),
  chat_service_sid: c.req.param("ChatServiceSid") ?? null,
  pre_webhook_url: config.pre_webhook_url,
  post_webhook_url: config.post_webhook_url,
  filters: config.filters,
  method: config.method,
  url: `${serviceBase(c)}/Configuration/Webhooks`,
});

/** The two levels a configuration is kept at: its path, whose it is, its parameters, its workspace and its body. */
const LEVELS = [
  {
    scope: "account",
    path: "/Configuration/Webhooks",
    whose: "the account's",
    update: "Update the account's webhook configuration (kept with the default chat service; Target=flex sends nothing)",
    params: {
      Method: method.optional(),
      Filters: names.optional(),
      PreWebhookUrl: hookUrl.optional(),
      PostWebhookUrl: hookUrl.optional(),
      Target: oneOf(["webhook", "flex"]).optional(),
    },
    workspace: (c: ConversationsContext) => defaultWorkspace(c.env, c.get("accountSid")),
    body: accountBody,
  },
  {
    scope: "service",
    path: "/Services/:ChatServiceSid/Configuration/Webhooks",
    whose: "a chat service's",
    update: "Update a chat service's webhook configuration (PreWebhookUrl, PostWebhookUrl, Filters, Method)",
    params: { PreWebhookUrl: hookUrl.optional(), PostWebhookUrl: hookUrl.optional(), Filters: names.optional(), Method: method.optional() },
    workspace: requestWorkspace,
    body: serviceBody,
  },
] as const;

for (const level of LEVELS) {
  const at = { path: level.path, prefix: CONVERSATIONS_PREFIX, tag: "Webhooks" };
  const directory = async (c: ConversationsContext) => directoryFor(c.env, await level.workspace(c));
  mountOne(routes, { method: "get", ...at, summary: `Fetch ${level.whose} webhook configuration`, params: {} }, async (c, parse) => {
    await parse();
    return c.json(level.body(c, unwrap(await (await directory(c)).webhookConfig(c.get("accountSid"), level.scope))));
  });
  mountOne(routes, { method: "post", ...at, summary: level.update, params: level.params }, async (c, parse) => {
    const p = await parse();
    const workspaceSid = await level.workspace(c);
    const config = await directoryFor(c.env, workspaceSid).setWebhookConfig(c.get("accountSid"), level.scope, {
      method: p.Method,
      filters: split(p.Filters),
      preWebhookUrl: p.PreWebhookUrl,
      postWebhookUrl: p.PostWebhookUrl,
      target: "Target" in p ? p.Target : undefined,
    });
    // Web chat reads it from the isolate's copy (webhook-config-cache.ts): this isolate's takes it at once.
    forgetWebhookConfigs(c.get("accountSid"), workspaceSid);
    return c.json(level.body(c, unwrap(config)));
  });
}

// ── a conversation's scoped webhooks ─────────────────────────────────────────────────────────────

const scopedBody = (c: ConversationsContext, record: ScopedWebhookRecord) => ({
  ...record,
  url: `${conversationUrl(c, record.conversation_sid)}/Webhooks/${record.sid}`,
});

const configuration = {
  "Configuration.Url": str({ max: 2048 }).optional(),
  "Configuration.Method": method.optional(),
  "Configuration.Filters": names.optional(),
  "Configuration.Triggers": repeated(str({ max: 256 })).optional(),
  "Configuration.FlowSid": str({ max: 34 }).optional(),
};

const scopedInput = (p: { [K in keyof typeof configuration]?: z.output<(typeof configuration)[K]> }) => ({
  url: p["Configuration.Url"],
  method: p["Configuration.Method"] === undefined ? undefined : (p["Configuration.Method"].toLowerCase() as "get" | "post"),
  filters: split(p["Configuration.Filters"]),
  triggers: p["Configuration.Triggers"],
  flowSid: p["Configuration.FlowSid"],
});

resourceRoutes(routes, {
  mount: mountScoped,
  path: "/Conversations/:ConversationSid/Webhooks",
  tag: "Webhooks",
  listKey: "webhooks",
  body: scopedBody,
  create: {
    summary: "Add a conversation-scoped webhook (Target webhook, trigger or studio — studio is stored, not run); at most 5",
    params: {
      Target: oneOf(["webhook", "trigger", "studio"]),
      ...configuration,
      "Configuration.ReplayAfter": int(0, 2_147_483_647).optional(),
    },
    run: async (c, p) =>
      (await pathConversation(c)).createWebhook(c.get("accountSid"), {
        target: p.Target,
        ...scopedInput(p),
        replayAfter: p["Configuration.ReplayAfter"],
      }),
  },
  list: {
    summary: "List a conversation's scoped webhooks",
    params: paging,
    run: async (c, _p, page) => (await pathConversation(c)).listWebhooks(c.get("accountSid"), page),
  },
  fetch: {
    summary: "Fetch a conversation-scoped webhook",
    run: async (c, sid) => (await pathConversation(c)).getWebhook(c.get("accountSid"), sid),
  },
  update: {
    summary: "Update a conversation-scoped webhook's URL, method, filters, triggers or flow",
    params: configuration,
    run: async (c, sid, p) => (await pathConversation(c)).updateWebhook(c.get("accountSid"), sid, scopedInput(p)),
  },
  remove: {
    summary: "Remove a conversation-scoped webhook",
    run: async (c, sid) => (await pathConversation(c)).deleteWebhook(c.get("accountSid"), sid),
  },
});
