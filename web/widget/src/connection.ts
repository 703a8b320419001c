/**
 * The visitor's live socket to their conversation, kept open: it reconnects with a growing delay
 * (1 s … 30 s) after a drop, resuming after the last message seen, and stops for good only when the
 * server says the session or the conversation is gone (4401/4403/4404), which the widget handles.
 */
import type { ConversationCommand, ConversationFrame } from "../../../contract/conversations";
import { reconnectDelay } from "./state";

/** The conversation socket's subprotocol (the contract's `CONVERSATION_SUBPROTOCOL`; only types are imported, to keep the bundle small). */
export const SUBPROTOCOL = "switchboard.conversation.v1";

export interface ConnectionOptions {
  /** The socket URL for a (re)connect, with the `since` of that moment. */
  readonly url: () => string;
  readonly token: () => string;
  readonly onFrame: (frame: ConversationFrame) => void;
  readonly onOpen: () => void;
  /** A close the widget must act on (session refused, no conversation): no reconnect follows. */
  readonly onRefused: (code: number, reason: string) => void;
  readonly onDrop: () => void;
}

/** Close codes after which reconnecting cannot help. */
const FINAL = new Set([4401, 4403, 4404, 1008]);

/**
 * Opens the socket and keeps it open until `close()`.
 * @example const live = connection({ url: () => api.socketUrl(sinceIndex(timeline)), token: () => token, onFrame, onOpen, onRefused, onDrop });
 */
export function connection(options: ConnectionOptions) {
  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const open = () => {
    timer = undefined;
    if (stopped) return;
    const ws = new WebSocket(options.url(), [SUBPROTOCOL, `token.${options.token()}`]);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      options.onOpen();
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      let frame: ConversationFrame;
      try {
        frame = JSON.parse(event.data) as ConversationFrame;
      } catch {
        return; // not a frame of ours (a proxy's keep-alive, say)
      }
      options.onFrame(frame);
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      if (FINAL.has(event.code)) {
        stopped = true;
        options.onRefused(event.code, event.reason);
        return;
      }
      options.onDrop();
      timer = setTimeout(open, reconnectDelay(attempt++, Math.random()));
    };
  };
  open();

  return {
    /** Sends a command when the socket is open; false when it is not (the caller keeps it for later). */
    send(command: ConversationCommand): boolean {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(command));
      return true;
    },
    get open(): boolean {
      return socket?.readyState === WebSocket.OPEN;
    },
    /** Reconnects now when waiting for a retry (the browser came back online). */
    nudge(): void {
      if (timer !== undefined && !stopped) {
        clearTimeout(timer);
        open();
      }
    },
    close(): void {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      socket?.close(1000, "closed by the widget");
      socket = null;
    },
  };
}

export type Connection = ReturnType<typeof connection>;
