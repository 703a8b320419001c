/**
 * One agent's live socket to one conversation (`GET /api/conversations/CH…/socket`, the realtime token as
 * the `token.<jwt>` subprotocol next to `switchboard.conversation.v1`). It keeps the chat state (see
 * chat-state.ts) as an external store for React; its socket (web/socket/reconnecting-socket.ts) reconnects
 * after a drop with a growing delay (1 s … 30 s, jittered) resuming with `?since=<last index>`; it re-sends every unacknowledged `message.send` with
 * its clientId after a reconnect until the server's `ack` (the server de-duplicates by clientId).
 * Outgoing typing is throttled to one frame per 2 s; `read` is sent only when the index moves forward.
 */
import { CONVERSATION_SUBPROTOCOL } from "../../../../../contract/conversations";
import { CONVERSATION_FRAME_TYPES } from "../../../../../contract/frame-types";
import { ofTypes, reconnectingSocket, type Backoff } from "../../../../socket/reconnecting-socket";
import { applyFrame, initialChatState, lastIndexOf, type ChatState, type ConversationFrame, type PendingMessage } from "./chat-state";

export const TYPING_THROTTLE_MS = 2000;
/** Closes after which reconnecting cannot help: no access (4403), no conversation (4404), bad request, left. */
const FINAL_CLOSES = [4400, 4403, 4404, 4410];

export interface ConversationClientOptions {
  readonly conversationSid: string;
  /** The token to connect with; `fresh` after a 4401 close (see DesktopSession.token). */
  readonly token: (fresh?: boolean) => Promise<string>;
  /** The Worker's origin (`http(s)://host`); default the page's. */
  readonly origin?: string;
  readonly WebSocket?: typeof WebSocket;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface SendOptions {
  /** Attachments already uploaded (uploadMedia). */
  readonly mediaSids?: readonly string[];
  /** Makes the send idempotent across retries; default a fresh UUID. */
  readonly clientId?: string;
  /** An internal note (a supervisor's whisper): staff only, never delivered to the customer. */
  readonly note?: boolean;
}

export interface ConversationClient {
  readonly conversationSid: string;
  getState(): ChatState;
  subscribe(listener: () => void): () => void;
  /** Queues a message (sent now when open, else after the reconnect). Returns its clientId. */
  send(body: string, options?: SendOptions): string;
  /** Sends a typing frame unless one went out less than 2 s ago (`note`: typing a note, shown to staff only). */
  sendTyping(note?: boolean): boolean;
  /** Tells the server the agent has seen messages up to `index`. */
  markRead(index: number): void;
  /** A supervisor joins the conversation as a participant (barge), or leaves it; false when the socket is down. */
  bargeJoin(displayName?: string): boolean;
  bargeLeave(): boolean;
  close(): void;
}

/** The agent's conversation socket reconnects after 1 s, 2 s, 4 s … up to 30 s, up to half taken off at random. */
export const CONVERSATION_BACKOFF = { firstDelayMs: 1_000, jitter: 0.5 } satisfies Partial<Backoff>;

/**
 * @example
 * const client = createConversationClient({ conversationSid: "CH…", token: (fresh) => session.token(fresh) });
 * client.subscribe(() => render(client.getState()));
 * client.send("Hello!");
 * client.send("Customer is a VIP, be kind", { note: true }); // an internal note
 */
export function createConversationClient(options: ConversationClientOptions): ConversationClient {
  const now = options.now ?? Date.now;
  const origin = options.origin ?? globalThis.location.origin;
  const listeners = new Set<() => void>();
  let state: ChatState = initialChatState;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let lastTyping = Number.NEGATIVE_INFINITY;
  let lastRead = -1;

  const set = (next: ChatState): void => {
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener();
  };

  const sendPending = (p: PendingMessage): boolean =>
    socket.send({
      type: "message.send",
      clientId: p.clientId,
      body: p.body,
      ...(p.mediaSids.length > 0 ? { mediaSids: p.mediaSids } : {}),
      ...(p.note ? { note: true } : {}),
    });

  const urlFor = (): string => {
    const base = new URL(`/api/conversations/${encodeURIComponent(options.conversationSid)}/socket`, origin);
    base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
    const since = lastIndexOf(state);
    if (since >= 0) base.searchParams.set("since", String(since));
    return base.href;
  };

  const onFrame = (frame: ConversationFrame): void => {
    set(applyFrame(state, frame, now()));
    if (frame.type === "typing" && state.typing) {
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => set({ ...state, typing: null }), Math.max(0, state.typing.until - now()));
    }
  };

  const socket = reconnectingSocket<ConversationFrame>({
    url: urlFor,
    token: (fresh) => options.token(fresh),
    protocols: (token) => [CONVERSATION_SUBPROTOCOL, `token.${token}`],
    parse: ofTypes<ConversationFrame>(CONVERSATION_FRAME_TYPES),
    onFrame,
    onStatus: (status) => {
      if (status === "online") {
        set({ ...state, connection: "open" });
        for (const p of state.pending) if (p.status === "sending") sendPending(p);
      } else if (status === "offline") set({ ...state, connection: "reconnecting" });
    },
    onFinalClose: (code, reason) => set({ ...state, connection: "closed", closedReason: reason || `closed (${code})` }),
    finalCodes: FINAL_CLOSES,
    backoff: CONVERSATION_BACKOFF,
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    ...(options.random ? { random: options.random } : {}),
  });

  return {
    conversationSid: options.conversationSid,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(body, { mediaSids = [], clientId = crypto.randomUUID(), note = false } = {}) {
      const existing = state.pending.find((p) => p.clientId === clientId);
      const pending: PendingMessage = { clientId, body, mediaSids: [...mediaSids], note, status: "sending", messageSid: null, error: null };
      set({ ...state, pending: existing ? state.pending.map((p) => (p === existing ? pending : p)) : [...state.pending, pending] });
      sendPending(pending);
      return clientId;
    },
    sendTyping(note = false) {
      const at = now();
      if (at - lastTyping < TYPING_THROTTLE_MS || !socket.send(note ? { type: "typing", note: true } : { type: "typing" })) return false;
      lastTyping = at;
      return true;
    },
    markRead(index) {
      if (index <= lastRead || !socket.send({ type: "read", index })) return;
      lastRead = index;
      if (index > state.readIndex) set({ ...state, readIndex: index });
    },
    bargeJoin(displayName) {
      return socket.send(displayName ? { type: "barge.join", displayName } : { type: "barge.join" });
    },
    bargeLeave() {
      return socket.send({ type: "barge.leave" });
    },
    close() {
      listeners.clear();
      clearTimeout(typingTimer);
      socket.close("task closed");
    },
  };
}
