/**
 * The ConversationDO's hibernatable sockets: who may open one (the customer participant, an agent
 * participant, a supervisor read-only), how they are tagged (`p:<MB sid>` per participant, `supervisor`,
 * and `user:US…` when a signed-in user's token opened it) so `ctx.getWebSockets(tag)` finds them after
 * hibernation, sending frames without letting one broken socket fail the operation that produced them,
 * and closing a user's sockets once they may no longer hold them. Staff-only messages (internal notes,
 * whispers) go to agents' and supervisors' sockets only: {@link broadcast} is the one place that decides.
 */
import type { ConversationFrame } from "../../contract/conversations";
import type { StoreHost } from "../kit/sql-host";
import { closeReason } from "../router/realtime/handshake";
import { accessRefusal, userTag, type UserAccess } from "../common/user-access";
import { conversationRow, participantBy } from "./store/conversation-rows";
import { socketState, type ConversationIdentity, type SocketState } from "./socket-commands";

export const SUPERVISOR_TAG = "supervisor";
export const participantTag = (participantSid: string): string => `p:${participantSid}`;

/** Close codes the clients read. */
export const CLOSE = { forbidden: 4403, notFound: 4404, badRequest: 4400, left: 4410, deleted: 4404 } as const;

export type Admission =
  { readonly ok: true; readonly state: SocketState } | { readonly ok: false; readonly code: number; readonly reason: string };

/**
 * Whether the verified identity may open a socket on this conversation, and as which participant.
 * @example admit(ctx.storage, identity) // { ok: true, state: { …identity, participantSid: "MB…" } }
 */
export function admit(host: StoreHost, identity: ConversationIdentity): Admission {
  const conversation = conversationRow(host);
  if (!conversation || conversation.account_sid !== identity.accountSid || conversation.workspace_sid !== identity.workspaceSid)
    return { ok: false, code: CLOSE.notFound, reason: "No such conversation" };
  const participant = identity.identity === null ? undefined : participantBy(host, "identity", identity.identity);
  // A supervisor watches, unless they barged in or joined as an agent (they are a worker too): then they write as that participant.
  if (identity.role === "supervisor") {
    const joined = participantBy(host, "identity", staffIdentity(identity) ?? "");
    const writes = joined?.role === "agent" || joined?.role === "supervisor";
    return { ok: true, state: { ...identity, participantSid: writes ? joined.sid : null } };
  }
  const expected = identity.role === "customer" ? "customer" : "agent";
  if (!participant || participant.role !== expected)
    return {
      ok: false,
      code: CLOSE.forbidden,
      reason: `You are not ${expected === "agent" ? "an agent" : "the customer"} of this conversation`,
    };
  return { ok: true, state: { ...identity, participantSid: participant.sid } };
}

/**
 * The identity a supervisor acts under in the conversation — as the participant they barge in as, and
 * the author of their whispers: their worker SID when they are a worker, else their user's SID; null for
 * a backend's token naming neither (such a supervisor may watch and whisper, but not barge in).
 */
export const staffIdentity = (identity: ConversationIdentity): string | null => identity.identity ?? identity.binding?.userSid ?? null;

/** The tags a socket is accepted with: its participant's (or `supervisor`), and its user's. */
export function socketTags(admission: Admission, identity: ConversationIdentity): string[] {
  const tags = [admission.ok && admission.state.participantSid !== null ? participantTag(admission.state.participantSid) : SUPERVISOR_TAG];
  if (identity.binding) tags.push(userTag(identity.binding.userSid));
  return tags;
}

/**
 * Closes the user's sockets on this conversation that `access` no longer allows (null: deleted), with
 * 4401 or 4403 and the reason; answers how many.
 */
export function closeUserSockets(ctx: DurableObjectState, accountSid: string, userSid: string, access: UserAccess | null): number {
  let closed = 0;
  for (const ws of ctx.getWebSockets(userTag(userSid))) {
    const state = ws.readyState === WebSocket.OPEN ? stateOf(ws) : null;
    if (!state?.binding || state.accountSid !== accountSid || state.binding.userSid !== userSid) continue;
    const refusal = accessRefusal(access, state.binding);
    if (refusal === null) continue;
    close(ws, refusal.code, refusal.reason);
    closed++;
  }
  return closed;
}

/** A socket's attachment, or null when it has none (it is then closed). */
export function stateOf(ws: WebSocket): SocketState | null {
  const parsed = socketState.safeParse(ws.deserializeAttachment());
  return parsed.success ? parsed.data : null;
}

export function send(ws: WebSocket, frame: ConversationFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch (error) {
    console.warn("ConversationDO: a frame could not be sent; the client catches up with ?since= on reconnecting", error);
  }
}

export function close(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, closeReason(reason));
  } catch (error) {
    console.warn("ConversationDO: closing a WebSocket failed", error);
  }
}

/** Every open socket of the conversation, or one participant's. */
export function openSockets(ctx: DurableObjectState, participantSid?: string): WebSocket[] {
  return ctx
    .getWebSockets(participantSid === undefined ? undefined : participantTag(participantSid))
    .filter((ws) => ws.readyState === WebSocket.OPEN);
}

/** Whether a frame is for staff only: it carries a staff-only message (a note or a whisper). */
const staffOnly = (frame: ConversationFrame): boolean =>
  (frame.type === "message.added" || frame.type === "message.updated" || frame.type === "message.removed") &&
  frame.message.visibility === "staff";

/**
 * Sends frames to every open socket; `typing` is not echoed to the participant typing. The customer's
 * socket never gets a staff-only message, nor any frame when `audience` is `staff` (typing a note).
 */
export function broadcast(ctx: DurableObjectState, frames: readonly ConversationFrame[], audience: "all" | "staff" = "all"): void {
  if (frames.length === 0) return;
  for (const ws of openSockets(ctx)) {
    const state = stateOf(ws);
    const customer = state === null || state.role === "customer";
    if (customer && audience === "staff") continue;
    const you = state?.participantSid ?? null;
    for (const frame of frames) {
      if (customer && staffOnly(frame)) continue;
      if (frame.type !== "typing" || frame.participantSid !== you) send(ws, frame);
    }
  }
}
