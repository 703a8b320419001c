/**
 * `GET /api/conversations/{ConversationSid}/socket` — an agent's or supervisor's live view of one
 * conversation, held by its ConversationDO (frames: `ConversationFrame`, commands: `ConversationCommand`).
 *
 * As on `/api/realtime`, the realtime token is checked here, before any Durable Object is reached, and
 * the verified identity travels in a header of a request this Worker builds (nothing from the client is
 * forwarded). A refused connection still upgrades, then closes with 4401 (bad or missing token), 4403
 * (a token that grants nothing here) or 4404 (no such conversation): a browser can read a close code,
 * not the status of a failed upgrade. The ConversationDO refuses a token of another workspace (4403).
 */
import type { Context } from "hono";
import { CONVERSATION_SUBPROTOCOL } from "../../../contract/conversations";
import { IDENTITY_HEADER, readHandshake } from "../../../durable-objects/router/realtime/handshake";
import { bindingFor, type TokenBinding } from "../../../durable-objects/common/user-access";
import { verifyRealtimeToken } from "../../auth/tokens";
import type { RealtimeIdentity } from "../../../durable-objects/common/token-claims";
import type { Env } from "../../../platform/env";
import { ApiError } from "../../http/errors";
import { conversationFor } from "../../../platform/objects";

/** The identity the ConversationDO reads from {@link IDENTITY_HEADER} on an agent's or supervisor's upgrade. */
export interface ConversationSocketIdentity {
  readonly accountSid: string;
  readonly workspaceSid: string;
  readonly role: "agent" | "supervisor";
  /** The worker SID (an agent's participant identity); null for a supervisor who is not a worker. */
  readonly identity: string | null;
  readonly displayName: null;
  /** Set when the token was minted for a signed-in user: the socket closes should they lose access. */
  readonly binding?: TokenBinding;
}

/** Agents act as their worker; supervisors and admins watch (and may join as their worker, when they are one). */
export function socketIdentity(token: RealtimeIdentity): ConversationSocketIdentity {
  const role = token.role === "worker" ? "agent" : "supervisor";
  const binding = bindingFor(token);
  return {
    accountSid: token.accountSid,
    workspaceSid: token.workspaceSid,
    role,
    identity: token.workerSid ?? null,
    displayName: null,
    ...(binding ? { binding } : {}),
  };
}

const offersSubprotocol = (headers: Headers): boolean =>
  (headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((protocol) => protocol.trim())
    .includes(CONVERSATION_SUBPROTOCOL);

/** Upgrades, then closes at once with `code` and `reason`. */
function refuse(code: number, reason: string, subprotocol: boolean): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  server.accept();
  server.close(code, reason);
  const headers: HeadersInit = subprotocol ? { "Sec-WebSocket-Protocol": CONVERSATION_SUBPROTOCOL } : {};
  return new Response(null, { status: 101, webSocket: client, headers });
}

/**
 * The route handler, mounted at `GET /api/conversations/:ConversationSid/socket` in app.ts.
 * @example new WebSocket(`wss://switchboard.example/api/conversations/${sid}/socket?since=${lastIndex}`, ["switchboard.conversation.v1", `token.${token}`])
 */
export async function conversationSocket(c: Context<{ Bindings: Env }>): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, 20426, "GET /api/conversations/{sid}/socket is a WebSocket endpoint: connect with a WebSocket client");
  }
  const subprotocol = offersSubprotocol(c.req.raw.headers);
  const handshake = readHandshake(new URL(c.req.url), c.req.raw.headers);
  if (handshake.token === null) {
    return refuse(4401, "A token is required: ?token=, a token.<token> subprotocol or Authorization: Bearer", subprotocol);
  }
  const conversationSid = c.req.param("ConversationSid") ?? "";
  const wellFormed = /^CH[0-9a-f]{32}$/.test(conversationSid);
  const check = await verifyRealtimeToken(c.env, handshake.token, wellFormed ? { opening: { conversationSid } } : {});
  if (!check.ok) return refuse(check.code, check.reason, subprotocol);
  if (!wellFormed) return refuse(4404, `No conversation ${conversationSid.slice(0, 40)}`, subprotocol);
  const url = new URL("https://conversation.internal/socket");
  if (handshake.since !== null) url.searchParams.set("since", handshake.since);
  const headers = new Headers({ upgrade: "websocket", [IDENTITY_HEADER]: JSON.stringify(socketIdentity(check.identity)) });
  if (subprotocol) headers.set("sec-websocket-protocol", CONVERSATION_SUBPROTOCOL);
  return conversationFor(c.env, conversationSid).fetch(new Request(url, { headers }));
}
