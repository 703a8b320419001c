/**
 * The Router DO's three kinds of hibernatable WebSocket, as the pure channels see them: agents
 * (`worker:WK…`, the live channel), the twilio-taskrouter SDK (`eb`, `eb:WK…`, the Event Bridge) and
 * supervisors (`supervisor`, the feed). Each adapter turns `ctx.getWebSockets(tag)`, attachments and
 * sends into the small host interface its channel takes, so the channels stay free of Workers APIs.
 * A socket opened with a token minted for a signed-in user also carries `user:US…` and the token's
 * binding in its attachment, so the sockets of a user who lost access are found and closed.
 */
import { z } from "zod";
import { accessRefusal, tokenBinding, userTag, type TokenBinding, type UserAccess } from "../common/user-access";
import { connectionState, type SocketHost } from "./realtime/channel";
import { closeReason, workerTag } from "./realtime/handshake";
import type { BridgeSocketHost } from "./eventbridge/hub";
import type { SupervisorSocketHost } from "./realtime/supervisors";

/** The tags of an SDK socket (Event Bridge), distinct from the agents' `worker:` tags: all of them, and a worker's. */
export const BRIDGE_TAG = "eb";
export const bridgeTag = (workerSid: string): string => `eb:${workerSid}`;
/** The tag of a supervisor's socket (the supervisors' feed: a supervisor or admin token naming no worker). */
export const SUPERVISOR_TAG = "supervisor";

/** Whether a socket is an SDK socket (which sends nothing and has no agent-channel state). */
export const isBridge = (ctx: DurableObjectState, ws: WebSocket): boolean => ctx.getTags(ws).includes(BRIDGE_TAG);
export const isSupervisor = (ctx: DurableObjectState, ws: WebSocket): boolean => ctx.getTags(ws).includes(SUPERVISOR_TAG);

/** The agents' hibernatable sockets as the live channel sees them. */
export function agentSockets(ctx: DurableObjectState): SocketHost<WebSocket> {
  return {
    open: (workerSid) =>
      ctx
        .getWebSockets(workerSid === undefined ? undefined : workerTag(workerSid))
        .filter((ws) => ws.readyState === WebSocket.OPEN && (workerSid !== undefined || !isBridge(ctx, ws))),
    connection: (ws) => {
      const parsed = connectionState.safeParse(ws.deserializeAttachment());
      return parsed.success ? parsed.data : null;
    },
    setConnection: (ws, connection) => ws.serializeAttachment(connection),
    pingedAt: (ws) => ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? null,
    send: (ws, text) => {
      try {
        ws.send(text);
      } catch (error) {
        console.warn("RouterDO: a frame could not be sent; the client replays it on reconnecting", error);
      }
    },
    close: (ws, code, reason) => {
      try {
        ws.close(code, closeReason(reason));
      } catch (error) {
        console.warn("RouterDO: closing an agent's WebSocket failed", error);
      }
    },
  };
}

/** The SDK's sockets (all, or one worker's). */
export function bridgeSockets(ctx: DurableObjectState): BridgeSocketHost<WebSocket> {
  const agents = agentSockets(ctx);
  return {
    open: (workerSid) =>
      ctx.getWebSockets(workerSid === undefined ? BRIDGE_TAG : bridgeTag(workerSid)).filter((ws) => ws.readyState === WebSocket.OPEN),
    send: (ws, text) => agents.send(ws, text),
    close: (ws, code, reason) => agents.close(ws, code, reason),
  };
}

/**
 * When each supervisor's token expires, read from its attachment once per socket object (a supervisor
 * sends no commands, so the attachment never changes): a change fanned out to a thousand supervisors
 * would otherwise deserialize and parse a thousand attachments.
 */
const supervisorExpiry = new WeakMap<WebSocket, number>();

/** The supervisors' sockets; like an agent's, an expired token is closed at the next frame it would have received. */
export function supervisorSockets(ctx: DurableObjectState): SupervisorSocketHost<WebSocket> {
  const agents = agentSockets(ctx);
  const expiresAt = (ws: WebSocket): number => {
    let at = supervisorExpiry.get(ws);
    if (at === undefined) supervisorExpiry.set(ws, (at = agents.connection(ws)?.expiresAt ?? 0));
    return at;
  };
  return {
    open: () => {
      const now = Date.now();
      return ctx.getWebSockets(SUPERVISOR_TAG).filter((ws) => {
        if (ws.readyState !== WebSocket.OPEN) return false;
        if (expiresAt(ws) > now) return true;
        agents.close(ws, 4401, "The token has expired");
        return false;
      });
    },
    send: (ws, text) => agents.send(ws, text),
  };
}

/** The extra tag of a socket opened with a signed-in user's token (none for a backend's token). */
export const userTags = (identity: { user?: { userSid: string } | undefined }): string[] =>
  identity.user ? [userTag(identity.user.userSid)] : [];

/** The part of any Router socket's attachment that says whose token opened it (SDK sockets carry only this). */
const userSocket = z.object({ accountSid: z.string(), binding: tokenBinding });

/** The tags and attachment of an SDK socket opened with a user's token (none for a backend's). */
export function bindBridgeSocket(ws: WebSocket, accountSid: string, binding: TokenBinding | undefined): void {
  if (binding) ws.serializeAttachment({ accountSid, binding } satisfies z.infer<typeof userSocket>);
}

/**
 * Closes the user's open sockets (any kind) that `access` no longer allows — 4401 when the user or
 * their sign-in is gone, 4403 when their role or worker no longer fits — and answers them.
 */
export function closeUserSockets(ctx: DurableObjectState, accountSid: string, userSid: string, access: UserAccess | null): WebSocket[] {
  const agents = agentSockets(ctx);
  const closed: WebSocket[] = [];
  for (const ws of ctx.getWebSockets(userTag(userSid))) {
    if (ws.readyState !== WebSocket.OPEN) continue;
    const parsed = userSocket.safeParse(ws.deserializeAttachment());
    if (!parsed.success || parsed.data.accountSid !== accountSid || parsed.data.binding.userSid !== userSid) continue;
    const refusal = accessRefusal(access, parsed.data.binding);
    if (refusal === null) continue;
    agents.close(ws, refusal.code, refusal.reason);
    closed.push(ws);
  }
  return closed;
}
