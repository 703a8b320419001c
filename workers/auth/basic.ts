/**
 * HTTP Basic authentication as Twilio does it: the account SID and auth token, or an API key SID
 * (`SK…`) and its secret. Every TaskRouter route runs behind this; the account it resolves to is
 * what every Durable Object call is scoped by, so another account's workspace is simply not found.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../http/errors";
import type { Env } from "../../platform/env";
import { sameSecret } from "../../platform/constant-time";
import { accountFor } from "../../platform/objects";

export type AuthVariables = {
  accountSid: string;
  /** Which credential authenticated the request: the account's own, or one of its API keys. */
  credential: "account" | "api-key";
  requestId: string;
};

function credentials(header: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return null;
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const unauthorized = (message: string) => new ApiError(401, 20003, message);

/**
 * Requires Basic credentials of this deployment's account (or one of its API keys) and records the
 * account SID for the handlers. Answers 401 with Twilio's error body otherwise.
 */
export function basicAuth(): MiddlewareHandler<{ Bindings: Env; Variables: AuthVariables }> {
  return async (c, next) => {
    const accountSid = c.env.ACCOUNT_SID;
    const authToken = c.env.AUTH_TOKEN;
    if (!accountSid || !authToken) throw unauthorized("This deployment has no account credentials (set ACCOUNT_SID and AUTH_TOKEN)");
    const given = credentials(c.req.header("authorization"));
    if (!given) {
      c.header("WWW-Authenticate", 'Basic realm="Switchboard"');
      throw unauthorized("Authentication required: HTTP Basic with your account SID and auth token, or an API key SID and secret");
    }
    let valid = false;
    const credential = given.user === accountSid ? "account" : "api-key";
    if (credential === "account") valid = await sameSecret(given.password, authToken);
    // An API key is checked by the account's directory, when the deployment has one.
    else if (/^SK[0-9a-f]{32}$/.test(given.user) && (c.env as Partial<Env>).ACCOUNT)
      valid = await accountFor(c.env, accountSid).verifyApiKey(given.user, given.password);
    if (!valid) {
      c.header("WWW-Authenticate", 'Basic realm="Switchboard"');
      throw unauthorized("Invalid username or password");
    }
    c.set("accountSid", accountSid);
    c.set("credential", credential);
    await next();
  };
}
