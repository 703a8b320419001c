/**
 * Small HTTP helpers of the web chat routes: the visitor's session of a request, JSON bodies read with a size limit and validated with a
 * message naming the field, the refusal of a WebSocket (upgrade, then close with a code a browser can
 * read), and the per-visitor rate limits.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { CONVERSATION_SUBPROTOCOL } from "../../contract/conversations";
import type { ChannelConfig } from "../../channels/channel-config";
import { closeReason } from "../../durable-objects/router/realtime/handshake";
import { verifyVisitorSession, type VisitorSession } from "../auth/visitor-session";
import type { Env } from "../../platform/env";
import { readText } from "../http/body-limit";
import { ApiError } from "../http/errors";
import { rateLimiter } from "./webchat-limits";

/** What the channel middleware of webchat.ts leaves for the handlers. */
export type WebchatVariables = { requestId: string; accountSid: string; config: ChannelConfig };
export type WebchatEnv = { Bindings: Env; Variables: WebchatVariables };
export type WebchatContext = Context<WebchatEnv>;

/**
 * Per visitor (new sessions: per client address, which an office's visitors may share): bursts a
 * person may cause, sustained rates no page needs.
 */
export const webchatLimit = rateLimiter({
  session: { burst: 60, perMinute: 60 },
  message: { burst: 20, perMinute: 60 },
  media: { burst: 5, perMinute: 10 },
  // Call tokens: one per call joined, a few more for a reconnect or a changed device.
  call: { burst: 10, perMinute: 20 },
});

/**
 * The request's JSON body, at most `limit` bytes (413 past it), checked by `schema` (400 naming the field).
 * @example const input = await readJson(c, z.object({ body: z.string() }), 64 * 1024);
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, limit: number): Promise<z.output<S>> {
  const text = await readText(c, limit);
  let parsed: unknown;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, 20001, "The body must be a JSON object");
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join(".") || "body";
    throw new ApiError(400, 20001, `Invalid parameter ${field}: ${issue.message}`);
  }
  return result.data;
}

/** Checks a visitor session token against this request's channel. */
export function checkSession(c: WebchatContext, token: string, now = Date.now()) {
  const config = c.get("config");
  return verifyVisitorSession(c.env.AUTH_TOKEN ?? "", { workspaceSid: config.workspaceSid, channelSid: config.sid }, token, now);
}

/**
 * The visitor session of a request: `Authorization: Bearer`, or `?token=` where a browser cannot set
 * headers (`<img src>`). 401 when missing or invalid, 403 when it belongs to another channel.
 * @example const session = await sessionOf(c); session.visitorId // "WV…"
 */
export async function sessionOf(c: WebchatContext, allowQuery = false): Promise<VisitorSession> {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? (allowQuery ? c.req.query("token") : undefined);
  if (!token) throw new ApiError(401, 20003, "A visitor session is required: Authorization: Bearer <token> from POST …/sessions");
  const check = await checkSession(c, token);
  if (!check.ok) throw new ApiError(check.code === 4403 ? 403 : 401, check.code === 4403 ? 20403 : 20003, check.reason);
  return check.session;
}

/**
 * Upgrades, then closes at once with `code` and `reason` (answering the conversation subprotocol when
 * the client offered it, as browsers require).
 * @example return refuseSocket(4404, "no conversation yet", c.req.raw.headers);
 */
export function refuseSocket(code: number, reason: string, headers: Headers): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.close(code, closeReason(reason));
  const offered = (headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  const answer: HeadersInit = offered.includes(CONVERSATION_SUBPROTOCOL) ? { "Sec-WebSocket-Protocol": CONVERSATION_SUBPROTOCOL } : {};
  return new Response(null, { status: 101, webSocket: client, headers: answer });
}
