/**
 * What every Conversations v1 route shares: its Hono environment, where a request's conversations live
 * (the chat service of the path, or the account's default one) and how a conversation is named in a
 * path (its CH SID or its unique name), the absolute URLs Twilio puts in every record, and the way each
 * endpoint is declared twice — at `/Conversations…` and at `/Services/{ChatServiceSid}/Conversations…` —
 * with one handler for both.
 *
 * One chat service per workspace: its SID is the workspace's hex behind "IS", so it is computed, never
 * stored. The account-level paths use the account's default workspace, its oldest.
 */
import { type Context, Hono } from "hono";
import type { z } from "zod";
import { restSource, type ActionSource } from "../../../durable-objects/common/conversation-webhooks";
import type { ConversationRecord } from "../../../contract/conversations";
import { isSid } from "../../../contract/ids";
import type { Page } from "../../../durable-objects/common/rpc";
import type { WorkspaceRecord } from "../../../contract/taskrouter";
import type { AuthVariables } from "../../auth/basic";
import type { Env } from "../../../platform/env";
import { ApiError, resourceNotFound } from "../../http/errors";
import type { Mount } from "../taskrouter/context";
import { endpoint, unwrap, type EndpointSpec } from "../taskrouter/wire";
import { accountFor, conversationFor, directoryFor, workspaceFor } from "../../../platform/objects";

export type ConversationsEnv = { Bindings: Env; Variables: AuthVariables };
export type ConversationsContext = Context<ConversationsEnv>;

/** Where the Conversations v1 API is mounted (the stock client: `client.conversations.baseUrl = origin + "/conversations"`). */
export const CONVERSATIONS_PREFIX = "/conversations/v1";

/** A route group of the Conversations API. */
export const routeGroup = () => new Hono<ConversationsEnv>();

/** The chat service of a workspace. @example chatServiceSid("WS0123…") // "IS0123…" */
export const chatServiceSid = (workspaceSid: string): string => `IS${workspaceSid.slice(2)}`;

/**
 * Who a REST call is, for webhooks: it fires them only with `X-Twilio-Webhook-Enabled: true`, as in
 * Twilio (an integration's own writes do not come back to it unless it asks).
 * @example await stub.addMessage(accountSid, input, actionSource(c))
 */
export const actionSource = (c: Context): ActionSource => restSource(c.req.header("x-twilio-webhook-enabled")?.toLowerCase() === "true");

type Shape = Record<string, z.ZodType>;

/**
 * Mounts an endpoint at its account-level path and at its service-scoped twin, both documented in
 * /openapi.json, with one handler (taskrouter/context.ts's Mount): pass it as a resource's `mount`.
 */
export const mountScoped: Mount = (routes, spec, handler) => {
  const account = endpoint({ ...spec, prefix: CONVERSATIONS_PREFIX });
  const service = endpoint({
    ...spec,
    path: `/Services/:ChatServiceSid${spec.path}`,
    summary: `${spec.summary} (in a chat service)`,
    prefix: CONVERSATIONS_PREFIX,
  });
  routes.on(spec.method.toUpperCase(), [account.path, service.path], (c, next) => handler(c, () => account.parse(c), next));
};

/**
 * Declares an endpoint with {@link mountScoped}, its handler given the parameters.
 * @example
 * scoped(routes, { method: "get", path: "/Conversations/:Sid", tag: "Conversations", summary: "Fetch", params: {} }, async (c, p) => …);
 */
export function scoped<S extends Shape>(
  routes: Hono<ConversationsEnv>,
  spec: Omit<EndpointSpec<S>, "prefix">,
  handler: (c: ConversationsContext, params: z.output<z.ZodObject<S>>) => Promise<Response>,
): void {
  mountScoped(routes, spec, async (c, parse) => handler(c, await parse()));
}

/** The path's conversation (`:ConversationSid`, by CH SID or unique name), for the resources kept in it. */
export const pathConversation = async (c: ConversationsContext) =>
  conversationFor(c.env, (await conversationRef(c, "ConversationSid")).sid);

/** The workspace of the path's chat service, or null on an account-level path. A malformed service SID is a 404. */
export function serviceWorkspace(c: ConversationsContext): string | null {
  const service = c.req.param("ChatServiceSid");
  if (service === undefined) return null;
  if (!isSid("IS", service)) throw resourceNotFound(new URL(c.req.url).pathname);
  return `WS${service.slice(2)}`;
}

/**
 * The workspace a request's conversations live in: the path's chat service (which must be one of the
 * account's workspaces) or the account's default workspace, its oldest.
 */
export async function requestWorkspace(c: ConversationsContext): Promise<string> {
  const accountSid = c.get("accountSid");
  const fromPath = serviceWorkspace(c);
  if (fromPath !== null) {
    const found = await workspaceFor(c.env, fromPath).getWorkspace(accountSid);
    if (!found.ok) throw resourceNotFound(new URL(c.req.url).pathname);
    return fromPath;
  }
  return defaultWorkspace(c.env, accountSid);
}

/**
 * The account's default workspace (its oldest): the one the account-level Conversations and Studio paths
 * act on. A 404 naming the fix when it has none (`lacking`: what the caller then has none of).
 */
export async function defaultWorkspace(env: Env, accountSid: string, lacking = "chat service"): Promise<string> {
  const page = unwrap<Page<WorkspaceRecord>>(await accountFor(env, accountSid).listWorkspaces({}, { pageSize: 1, page: 0 }));
  const oldest = page.items[0];
  if (!oldest) {
    throw new ApiError(
      404,
      20404,
      `This account has no workspace yet, so it has no ${lacking}: create a workspace (POST /taskrouter/v1/Workspaces) first`,
    );
  }
  return oldest.sid;
}

const CONVERSATION_SID = /^CH[0-9a-f]{32}$/;

/** The conversation a path names, by CH SID or unique name, with its record when it had to be read. */
export interface ConversationRef {
  readonly sid: string;
  /** Read when the path is service-scoped (to check the service) or named by unique name. */
  readonly record: ConversationRecord | null;
}

/**
 * Resolves the conversation in the path parameter `name`: a CH SID, or a unique name looked up in the
 * workspace's directory. On a service-scoped path, a conversation of another service is not found.
 */
export async function conversationRef(c: ConversationsContext, name: "Sid" | "ConversationSid"): Promise<ConversationRef> {
  const accountSid = c.get("accountSid");
  const value = c.req.param(name) ?? "";
  const fromPath = serviceWorkspace(c);
  const missing = () => new ApiError(404, 20404, `The requested resource Conversation ${value} was not found`);
  let sid = value;
  if (!CONVERSATION_SID.test(value)) {
    if (value === "" || value.length > 256) throw missing();
    const workspaceSid = fromPath ?? (await defaultWorkspace(c.env, accountSid));
    const found = await directoryFor(c.env, workspaceSid).byUniqueName(accountSid, value);
    if (!found.ok || found.value === null) throw missing();
    sid = found.value;
  }
  if (fromPath === null && sid === value) return { sid, record: null };
  const record = await conversationFor(c.env, sid).getConversation(accountSid);
  if (!record.ok) throw missing();
  if (fromPath !== null && record.value.workspace_sid !== fromPath) throw missing();
  return { sid, record: record.value };
}

/** The base of this request's URLs: `…/conversations/v1`, or its chat service's `…/v1/Services/IS…`. */
export function serviceBase(c: ConversationsContext): string {
  const origin = new URL(c.req.url).origin;
  const service = c.req.param("ChatServiceSid");
  return `${origin}${CONVERSATIONS_PREFIX}${service ? `/Services/${service}` : ""}`;
}

/** The base of this request's conversation URLs: account-level or in its chat service. */
export const conversationsBase = (c: ConversationsContext): string => `${serviceBase(c)}/Conversations`;

/** The URL of a conversation as this request addresses conversations. */
export const conversationUrl = (c: ConversationsContext, conversationSid: string): string => `${conversationsBase(c)}/${conversationSid}`;
