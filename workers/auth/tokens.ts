/**
 * Tokens for live connections, bound to this deployment: the account's credentials and its AccountDO
 * (which holds the API keys) make the {@link TokenAuthority} that realtime-token.ts mints and checks
 * with. The agent WebSocket calls {@link verifyRealtimeToken}; `POST /api/tokens` mints through
 * {@link mintRealtimeToken}. A token minted for a signed-in user is checked against the AccountDO
 * on every use as well — the user still exists, is enabled, their sign-in has not ended and their role
 * and worker still allow the token's view — so removing someone cuts them off at their next refresh
 * or reconnect (and the AccountDO closes what they have open). No token, secret or signature is ever
 * logged here.
 */
import type { Env } from "../../platform/env";
import { inspectToken, mintToken, type MintedToken, type TokenAuthority, type TokenGrant, type TokenInspection } from "./realtime-token";
import type { RealtimeIdentity, TokenCheck } from "../../durable-objects/common/token-claims";
import { bindingFor } from "../../durable-objects/common/user-access";
import { accountFor, routerName } from "../../platform/objects";
import { regionOfItem } from "../../platform/region-sids";

/** The account's credentials and API keys, or null when the deployment has no account configured. */
function authority(env: Pick<Env, "ACCOUNT_SID" | "AUTH_TOKEN" | "ACCOUNT">): TokenAuthority | null {
  const { ACCOUNT_SID: accountSid, AUTH_TOKEN: authToken } = env;
  if (!accountSid || !authToken) return null;
  const account = () => accountFor(env, accountSid);
  return {
    accountSid,
    authToken,
    verifyApiKeySignature: (keySid, signingInput, signature) => account().verifyApiKeySignature(keySid, signingInput, signature),
    apiKeyExists: async (keySid) => account().hasApiKey(keySid),
  };
}

const NO_ACCOUNT = "This deployment has no account credentials (set ACCOUNT_SID and AUTH_TOKEN)";

/** What a check is for, besides the token. */
export interface CheckOptions {
  readonly now?: number;
  /**
   * Where a socket is being opened with the token: on its workspace (the Router DO's channels) or on
   * a conversation. The AccountDO remembers it for a user's token, to close the socket should the user
   * lose access.
   */
  readonly opening?: "workspace" | { readonly conversationSid: string };
}

/**
 * Checks a token a live connection presents — a Switchboard token or a Twilio AccessToken with a
 * TaskRouter grant — and says who it stands for, or which close code to answer (4401: bad, expired,
 * forged or revoked, or its user removed or signed out; 4403: genuine but not for this account, without
 * a usable grant, or its user no longer allowed the view). It does not check that the workspace or
 * worker exist: the Router's calls, scoped by `identity.accountSid`, do.
 * @example
 * const check = await verifyRealtimeToken(env, token, { opening: "workspace" });
 * if (!check.ok) return socket.close(check.code, check.reason);
 */
export async function verifyRealtimeToken(env: Env, token: string, options: CheckOptions = {}): Promise<TokenCheck> {
  const check = await inspectRealtimeToken(env, token, options);
  return check.ok ? { ok: true, identity: check.identity } : check;
}

/** {@link verifyRealtimeToken} with what a refresh needs besides the identity (kind, issuer, times). */
export async function inspectRealtimeToken(env: Env, token: string, options: CheckOptions = {}): Promise<TokenInspection> {
  const keys = authority(env);
  if (!keys) return { ok: false, code: 4401, reason: NO_ACCOUNT };
  const check = await inspectToken(token, keys, options.now ?? Date.now());
  const binding = check.ok ? bindingFor(check.identity) : undefined;
  if (!check.ok || binding === undefined) return check;
  const refusal = await accountFor(env, keys.accountSid).checkTokenUser(binding, placeOf(check.identity, options.opening));
  return refusal === null ? check : { ok: false, ...refusal };
}

/**
 * Where the socket opens, for the AccountDO to close it later: a conversation, or the Router that holds
 * it — the worker's region's for an agent ("WS…:<region>", the Router's name), the home region's else.
 */
function placeOf(identity: RealtimeIdentity, opening: CheckOptions["opening"]): string | null {
  if (opening === undefined) return null;
  if (opening !== "workspace") return opening.conversationSid;
  const { workspaceSid, workerSid } = identity;
  return workerSid === undefined ? workspaceSid : routerName(workspaceSid, regionOfItem(workspaceSid, workerSid));
}

/**
 * Mints a Switchboard token for this deployment's account. The caller has checked that the workspace
 * and the worker exist.
 * @example await mintRealtimeToken(env, { issuer: accountSid, accountSid, workspaceSid, role: "supervisor", ttl: 3600 })
 */
export async function mintRealtimeToken(env: Env, grant: TokenGrant, now = Date.now()): Promise<MintedToken> {
  const keys = authority(env);
  if (!keys) throw new Error(NO_ACCOUNT);
  return mintToken(keys, grant, now);
}
