/**
 * The conversation's sockets (Hibernation API), as the ConversationDO serves them: the upgrade the
 * Worker forwards to `/socket` with the verified identity (admitted, tagged, answered with a snapshot;
 * a supervisor's opening recorded as `supervisor.monitor`), and each command a socket sends — a message
 * (a participant's to everyone or, as a note, to staff only; a watching supervisor's whisper), typing,
 * read, and a supervisor's barge in or out (staff-actions.ts). Answers to a socket are frames: an `ack`
 * per stored message, an `error` naming the refusal (the socket stays open).
 */
import { CONVERSATION_SUBPROTOCOL, type ConversationCommand } from "../../contract/conversations";
import type { AddMessageInput } from "../common/conversations";
import type { ActionSource } from "../common/conversation-webhooks";
import * as participants from "./lifecycle/participants";
import * as messages from "./lifecycle/messages";
import { recordSupervision } from "./lifecycle/supervision";
import { IDENTITY_HEADER, parseCommand, readIdentity, sinceOf, type SocketState } from "./socket-commands";
import { CLOSE, admit, broadcast, close, send, socketTags, staffIdentity, stateOf } from "./sockets";
import { bargeIn, bargeOut, recordWatching, supervisorOf } from "./staff-actions";
import type { ConversationHost } from "./conversation-host";

const READ_ONLY =
  "A supervisor watches this conversation read-only: whisper with a note, or barge in (barge.join) to write to the customer";
const NO_CUSTOMER_NOTES = "Internal notes are for staff: the customer cannot write one";

/** The upgrade the Worker forwarded (`/socket`, the identity it verified in `x-switchboard-identity`). */
export async function upgrade(host: ConversationHost, request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname !== "/socket") return new Response("Not found", { status: 404 });
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
  const identity = readIdentity(request.headers.get(IDENTITY_HEADER));
  if (!identity) return new Response("The upgrade carries no verified identity", { status: 400 });
  const since = sinceOf(url.searchParams.get("since"));
  const admission = admit(host.ctx.storage, identity);
  const { 0: client, 1: server } = new WebSocketPair();
  host.ctx.acceptWebSocket(server, socketTags(admission, identity));
  if (!admission.ok) close(server, admission.code, admission.reason);
  else if (since === -1) close(server, CLOSE.badRequest, "since must be a message index");
  else {
    server.serializeAttachment(admission.state);
    host.sendSnapshot(server, admission.state, since);
    if (admission.state.role === "supervisor" && admission.state.participantSid === null) await recordWatching(host, admission.state);
  }
  const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  const headers: HeadersInit = offered.includes(CONVERSATION_SUBPROTOCOL) ? { "Sec-WebSocket-Protocol": CONVERSATION_SUBPROTOCOL } : {};
  return new Response(null, { status: 101, webSocket: client, headers });
}

/** A command from a socket: carried out, or answered with an `error` frame. */
export async function onCommand(host: ConversationHost, ws: WebSocket, text: string | ArrayBuffer): Promise<void> {
  const state = stateOf(ws);
  if (!state) return close(ws, CLOSE.forbidden, "This connection has no identity");
  const command = parseCommand(text);
  if (command.type === "error") return send(ws, command);
  const refuse = (status: number, message: string, clientId: string | null = null) =>
    send(ws, { type: "error", clientId, status, message });
  switch (command.type) {
    case "message.send":
      return sendFromSocket(host, ws, state, command);
    case "typing":
      if (state.participantSid === null) return refuse(403, READ_ONLY);
      if (command.note && state.role === "customer") return refuse(403, NO_CUSTOMER_NOTES);
      return broadcast(
        host.ctx,
        [{ type: "typing", participantSid: state.participantSid, displayName: state.displayName }],
        command.note ? "staff" : "all",
      );
    case "read": {
      if (state.participantSid === null) return refuse(403, READ_ONLY);
      const participantSid = state.participantSid;
      // Announced (onParticipantUpdated), but never asked about: a read is not something to refuse.
      const row = host.loaded(state.accountSid);
      const hooks = row.ok
        ? await host.webhooks.context(row.value, { source: "SDK", webhooks: true, clientIdentity: state.identity })
        : null;
      const result = await host.apply(
        (op) => participants.updateParticipant(op, state.accountSid, participantSid, { lastReadMessageIndex: command.index }),
        hooks,
      );
      if (!result.ok) refuse(result.status, result.message);
      return;
    }
    case "barge.join":
      return bargeIn(host, ws, state, command.displayName ?? null);
    case "barge.leave":
      return bargeOut(host, ws, state);
    default: {
      const never: never = command;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A message from a socket: a participant's (to everyone, or with `note` to staff only), or a watching
 * supervisor's whisper (a note, as themselves: they are no participant). A supervisor's note is recorded
 * as a `supervisor.whisper` event in the same transaction.
 */
async function sendFromSocket(
  host: ConversationHost,
  ws: WebSocket,
  state: SocketState,
  command: Extract<ConversationCommand, { type: "message.send" }>,
) {
  const { clientId } = command;
  const refuse = (status: number, message: string) => send(ws, { type: "error", clientId, status, message });
  const note = command.note === true;
  if (note && state.role === "customer") return refuse(403, NO_CUSTOMER_NOTES);
  if (state.participantSid === null && !note) return refuse(403, READ_ONLY);
  const author = state.participantSid === null ? (staffIdentity(state) ?? "supervisor") : null;
  const key = `socket:${state.participantSid ?? `supervisor:${author}`}:${clientId}`;
  // A resend of a message already stored is answered from storage, without asking any webhook again.
  const earlier = messages.keyedMessage(host.op(), key);
  if (earlier) return send(ws, { type: "ack", clientId, messageSid: earlier.sid });
  const input: AddMessageInput = {
    participantSid: state.participantSid,
    body: command.body,
    mediaSids: command.mediaSids,
    ...(note ? { visibility: "staff" as const } : {}),
    ...(author !== null ? { author, authorRole: "supervisor" as const } : {}),
  };
  const source: ActionSource = { source: "SDK", webhooks: true, clientIdentity: state.identity };
  const checked = await host.messageToAdd(state.accountSid, input, source);
  if (!checked.ok) return refuse(checked.status, checked.message);
  const { result, effects } = host.mutate((op) => {
    const conversation = host.loadedIn(op, state.accountSid);
    if (!conversation.ok) return conversation;
    const stored = messages.insertMessage(op, conversation.value, checked.value.input, key);
    if (stored.ok && note && state.role === "supervisor" && stored.value.author_role === "supervisor")
      recordSupervision(op, conversation.value, "supervisor.whisper", supervisorOf(state), { messageSid: stored.value.sid });
    return stored;
  }, checked.value.hooks);
  // The ack goes before the message.added broadcast, so the sender's client knows the stored copy
  // is its own when it arrives and never shows the message twice (sent, and still "sending").
  if (result.ok) send(ws, { type: "ack", clientId, messageSid: result.value.sid });
  else refuse(result.status, result.message);
  await host.settle(effects);
}
