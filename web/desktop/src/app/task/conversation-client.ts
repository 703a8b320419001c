/**
 * One agent's live socket to one conversation (`GET /api/conversations/CH…/socket`, the realtime token as
 * the `token.<jwt>` subprotocol next to `switchboard.conversation.v1`). It keeps the chat state (see
 * chat-state.ts) as an external store for React, reconnects after a drop with a growing delay (1 s … 30 s,
 * jittered) resuming with `?since=<last index>`, and re-sends every unacknowledged `message.send` with
 * its clientId after a reconnect until the server's `ack` (the server de-duplicates by clientId).
 * Outgoing typing is throttled to one frame per 2 s; `read` is sent only when the index moves forward.
 */
import { applyFrame, initialChatState, lastIndexOf, type ChatState, type ConversationFrame, type PendingMessage } from "./chat-state";

export const CONVERSATION_SUBPROTOCOL = "switchboard.conversation.v1";
export const TYPING_THROTTLE_MS = 2000;
/** Closes after which reconnecting cannot help: no access (4403), no conversation (4404), bad request, left. */
const FINAL_CLOSES = new Set([4400, 4403, 4404, 4410]);

export interface ConversationClientOptions {
  readonly conversationSid: string;
  /** A fresh realtime token for each (re)connect. */
  /** The token to connect with; `fresh` after a 4401 close (see DesktopSession.token). */
  readonly token: (fresh?: boolean) => Promise<string>;
  /** The Worker's origin (`http(s)://host`); default the page's. */
  readonly origin?: string;
  readonly WebSocket?: typeof WebSocket;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface ConversationClient {
  readonly conversationSid: string;
  getState(): ChatState;
  subscribe(listener: () => void): () => void;
  /** Queues a message (sent now when open, else after the reconnect). Returns its clientId. */
  send(body: string, mediaSids?: readonly string[], clientId?: string): string;
  /** Sends a typing frame unless one went out less than 2 s ago. Returns whether it was sent. */
  sendTyping(): boolean;
  /** Tells the server the agent has seen messages up to `index`. */
  markRead(index: number): void;
  close(): void;
}

/** Reconnect delay for the n-th attempt (0-based): 1 s, 2 s, 4 s … capped at 30 s, jittered to 50–100 %. */
export const backoffDelay = (attempt: number, random: number): number => Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + random / 2);

/**
 * @example
 * const client = createConversationClient({ conversationSid: "CH…", token: (fresh) => session.token(fresh) });
 * client.subscribe(() => render(client.getState()));
 * client.send("Hello!");
 */
export function createConversationClient(options: ConversationClientOptions): ConversationClient {
  const WS = options.WebSocket ?? globalThis.WebSocket;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const origin = options.origin ?? globalThis.location.origin;
  const listeners = new Set<() => void>();
  let state: ChatState = initialChatState;
  let socket: WebSocket | null = null;
  let attempt = 0;
  // The server closed the socket with 4401: the next connect asks for a new token.
  let staleToken = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let lastTyping = Number.NEGATIVE_INFINITY;
  let lastRead = -1;

  const set = (next: ChatState): void => {
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener();
  };
  const isOpen = (): boolean => socket !== null && socket.readyState === WS.OPEN;
  const write = (command: object): boolean => {
    if (!isOpen()) return false;
    socket!.send(JSON.stringify(command));
    return true;
  };

  const sendPending = (p: PendingMessage): boolean =>
    write({ type: "message.send", clientId: p.clientId, body: p.body, ...(p.mediaSids.length > 0 ? { mediaSids: p.mediaSids } : {}) });

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

  const scheduleReconnect = (): void => {
    set({ ...state, connection: "reconnecting" });
    timer = setTimeout(() => void connect(), backoffDelay(attempt++, random()));
  };

  const connect = async (): Promise<void> => {
    timer = undefined;
    if (stopped) return;
    let token: string;
    try {
      token = await options.token(staleToken);
      staleToken = false;
    } catch {
      if (!stopped) scheduleReconnect(); // signed out or offline: the next attempt asks again
      return;
    }
    if (stopped) return;
    const ws = new WS(urlFor(), [CONVERSATION_SUBPROTOCOL, `token.${token}`]);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      set({ ...state, connection: "open" });
      for (const p of state.pending) if (p.status === "sending") sendPending(p);
    };
    ws.onmessage = (event: MessageEvent) => {
      if (socket !== ws || typeof event.data !== "string") return;
      let frame: ConversationFrame;
      try {
        frame = JSON.parse(event.data) as ConversationFrame;
      } catch {
        return; // not one of our frames (a proxy's keep-alive)
      }
      onFrame(frame);
    };
    ws.onclose = (event: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      if (FINAL_CLOSES.has(event.code)) {
        stopped = true;
        set({ ...state, connection: "closed", closedReason: event.reason || `closed (${event.code})` });
        return;
      }
      if (event.code === 4401) staleToken = true;
      scheduleReconnect();
    };
  };

  void connect();

  return {
    conversationSid: options.conversationSid,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send(body, mediaSids = [], clientId = crypto.randomUUID()) {
      const existing = state.pending.find((p) => p.clientId === clientId);
      const pending: PendingMessage = { clientId, body, mediaSids: [...mediaSids], status: "sending", messageSid: null, error: null };
      set({ ...state, pending: existing ? state.pending.map((p) => (p === existing ? pending : p)) : [...state.pending, pending] });
      sendPending(pending);
      return clientId;
    },
    sendTyping() {
      const at = now();
      if (at - lastTyping < TYPING_THROTTLE_MS || !write({ type: "typing" })) return false;
      lastTyping = at;
      return true;
    },
    markRead(index) {
      if (index <= lastRead || !write({ type: "read", index })) return;
      lastRead = index;
    },
    close() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(typingTimer);
      const ws = socket;
      socket = null;
      ws?.close(1000, "task closed");
      listeners.clear();
    },
  };
}
