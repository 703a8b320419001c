/**
 * Who calls the Switchboard-native conversation routes (transfer, media upload and download): a
 * backend with the account's Basic credentials, or an agent's (or supervisor's) browser with the
 * realtime token it already holds for its live connection, as `Authorization: Bearer`. A token is
 * bound to one workspace; each route checks the resource is in it.
 */
import { type Context, type MiddlewareHandler, Hono } from "hono";
import { basicAuth, type AuthVariables } from "../../auth/basic";
import { verifyRealtimeToken } from "../../auth/tokens";
import type { RealtimeIdentity } from "../../../durable-objects/common/token-claims";
import type { Env } from "../../../platform/env";
import { ApiError } from "../../http/errors";
import { isSid } from "../../../contract/ids";
import type { ConversationRecord } from "../../../contract/conversations";
import { conversationFor } from "../../../platform/objects";

export type CallerVariables = AuthVariables & {
  /** The token's identity for a Bearer caller; null for Basic (the account itself). */
  identity: RealtimeIdentity | null;
};
export type CallerEnv = { Bindings: Env; Variables: CallerVariables };
export type CallerContext = Context<CallerEnv>;

export const nativeGroup = () => new Hono<CallerEnv>();

/**
 * Accepts `Authorization: Bearer <realtime token>` or HTTP Basic; 401 for a bad or expired token,
 * 403 for a genuine one that grants nothing here.
 * @example routes.post("/conversations/:ConversationSid/media", basicOrBearer(), upload)
 */
export function basicOrBearer(): MiddlewareHandler<CallerEnv> {
  const basic = basicAuth();
  return async (c, next) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (bearer === undefined) {
      c.set("identity", null);
      return basic(c as unknown as Parameters<typeof basic>[0], next);
    }
    const check = await verifyRealtimeToken(c.env, bearer);
    if (!check.ok) throw new ApiError(check.code === 4401 ? 401 : 403, check.code === 4401 ? 20003 : 20403, check.reason);
    c.set("accountSid", check.identity.accountSid);
    c.set("identity", check.identity);
    await next();
  };
}

/** A token caller may act only in its own workspace: anything else is not found (nothing is revealed). */
export function requireWorkspace(c: CallerContext, workspaceSid: string, what: string): void {
  const identity = c.get("identity");
  if (identity && identity.workspaceSid !== workspaceSid) throw new ApiError(404, 20404, `The requested resource ${what} was not found`);
}

/** The 404 for a conversation a caller may not see: malformed, missing or in another workspace look alike. */
export const conversationMissing = (conversationSid: string): ApiError =>
  new ApiError(404, 20404, `The requested resource Conversation ${conversationSid} was not found`);

/** The path's ConversationSid, or that 404 when it is no CH SID (checked before anything is read). */
export function pathConversationSid(c: CallerContext): string {
  const conversationSid = c.req.param("ConversationSid") ?? "";
  if (!isSid("CH", conversationSid)) throw conversationMissing(conversationSid);
  return conversationSid;
}

/**
 * The conversation, for a caller who may act on it: it exists in the caller's account and, for a token
 * caller, in the token's workspace; else the 404.
 * @example const conversation = await callerConversation(c, pathConversationSid(c));
 */
export async function callerConversation(c: CallerContext, conversationSid: string): Promise<ConversationRecord> {
  const conversation = await conversationFor(c.env, conversationSid).getConversation(c.get("accountSid"));
  if (!conversation.ok) throw conversationMissing(conversationSid);
  requireWorkspace(c, conversation.value.workspace_sid, `Conversation ${conversationSid}`);
  return conversation.value;
}
