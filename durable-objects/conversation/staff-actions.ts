/**
 * What a supervisor does on a conversation's socket besides whispering (a note, socket-session.ts):
 * watching it (recorded as `supervisor.monitor` when the socket opens), barging in as a participant of
 * role `supervisor` (asking the onParticipantAdd pre-event as any joining does) and barging out to watch
 * again. Each is recorded as a `supervisor.*` workspace event in the action's own transaction
 * (lifecycle/supervision.ts).
 */
import { ok } from "../common/rpc";
import { conversationRecord } from "./store/conversation-rows";
import * as participants from "./lifecycle/participants";
import { recordSupervision, type Supervisor } from "./lifecycle/supervision";
import type { SocketState } from "./socket-commands";
import { send, staffIdentity } from "./sockets";
import type { ConversationHost } from "./conversation-host";

/** Who a supervisor's socket is, for their events. */
export const supervisorOf = (state: SocketState, name: string | null = state.displayName): Supervisor => ({
  workerSid: state.identity,
  userSid: state.binding?.userSid ?? null,
  name,
});

/** A supervisor opened the conversation to watch: `supervisor.monitor`, once per socket opened. */
export async function recordWatching(host: ConversationHost, state: SocketState): Promise<void> {
  const { effects } = host.mutate((op) => {
    const conversation = host.loadedIn(op, state.accountSid);
    if (conversation.ok) recordSupervision(op, conversation.value, "supervisor.monitor", supervisorOf(state));
    return conversation;
  });
  await host.settle(effects);
}

/**
 * A watching supervisor barges in: they join as a participant of role `supervisor` (the path every
 * participant joins by), and from then on write to the customer as an agent does. Recorded as
 * `supervisor.barge.joined`; the socket gets a fresh snapshot naming its participant.
 */
export async function bargeIn(host: ConversationHost, ws: WebSocket, state: SocketState, displayName: string | null): Promise<void> {
  const refuse = (status: number, message: string) => send(ws, { type: "error", clientId: null, status, message });
  if (state.role !== "supervisor") return refuse(403, "Only a supervisor barges in");
  if (state.participantSid !== null) return refuse(409, "You are already a participant of this conversation");
  const identity = staffIdentity(state);
  if (identity === null) return refuse(403, "A token naming neither a worker nor a user cannot barge in: it has no identity to join as");
  const row = host.loaded(state.accountSid);
  if (!row.ok) return refuse(row.status, row.message);
  const hooks = await host.webhooks.context(row.value, { source: "SDK", webhooks: true, clientIdentity: identity });
  const marked = JSON.stringify({ supervisor: { worker_sid: state.identity, user_sid: state.binding?.userSid ?? null } });
  // Asked as any participant's joining is: the integration may refuse it, or set its attributes.
  const pre = await host.webhooks.pre(hooks, state.accountSid, {
    type: "onParticipantAdd",
    conversation: conversationRecord(row.value),
    identity,
    attributes: marked,
    address: null,
    proxyAddress: null,
  });
  if (!pre.ok) return refuse(pre.status, pre.message);
  const attributes = pre.value.attributes ?? marked;
  // Read again (in the transaction): other requests ran while the pre-event webhook was asked.
  const { result, effects } = host.mutate((op) => {
    const conversation = host.loadedIn(op, state.accountSid);
    if (!conversation.ok) return conversation;
    if (conversation.value.state === "closed")
      return { ok: false, status: 409, code: 20409, message: `Conversation ${host.sid} is closed` };
    const joined = participants.insertParticipant(op, conversation.value, { identity, role: "supervisor", displayName, attributes });
    if (joined.ok)
      recordSupervision(op, conversation.value, "supervisor.barge.joined", supervisorOf(state, displayName), {
        participantSid: joined.value.sid,
      });
    return joined;
  }, hooks);
  if (result.ok) {
    const joined: SocketState = { ...state, participantSid: result.value.sid, displayName };
    ws.serializeAttachment(joined);
    host.sendSnapshot(ws, joined, null);
  } else refuse(result.status, result.message);
  await host.settle(effects);
}

/** A supervisor who barged in leaves (recorded as `supervisor.barge.left`) and watches again. */
export async function bargeOut(host: ConversationHost, ws: WebSocket, state: SocketState): Promise<void> {
  const refuse = (status: number, message: string) => send(ws, { type: "error", clientId: null, status, message });
  const participantSid = state.participantSid;
  if (state.role !== "supervisor" || participantSid === null) return refuse(409, "You have not barged into this conversation");
  const row = host.loaded(state.accountSid);
  if (!row.ok) return refuse(row.status, row.message);
  const hooks = await host.webhooks.context(row.value, {
    source: "SDK",
    webhooks: true,
    clientIdentity: staffIdentity(state) ?? undefined,
  });
  const { result, effects } = host.mutate((op) => {
    const conversation = host.loadedIn(op, state.accountSid);
    if (!conversation.ok) return conversation;
    const participant = participants.findParticipant(op, participantSid);
    // A supervisor who joined as the agent (they are a worker too) leaves as agents do: by wrapping up.
    if (participant?.role !== "supervisor")
      return { ok: false, status: 409, code: 20409, message: "You have not barged into this conversation" };
    participants.deleteParticipant(op, conversation.value, participant);
    recordSupervision(op, conversation.value, "supervisor.barge.left", supervisorOf(state, participant.display_name), { participantSid });
    return ok(null);
  }, hooks);
  if (!result.ok) refuse(result.status, result.message);
  // settle lets the socket go: it watches again, with a fresh snapshot.
  await host.settle(effects);
}
