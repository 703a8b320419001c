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
