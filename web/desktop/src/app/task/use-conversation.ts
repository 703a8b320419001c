/**
 * A React hook onto the desktop's shared conversation sockets (actions.ts's registry): the agent's task
 * chat, the task card's preview and a supervisor's live view all hold the same socket of a conversation
 * while any of them is mounted, and it closes when the last lets go.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { useDesktop } from "../desktop-context";
import type { DesktopSession } from "../types";
import { conversationSockets } from "./actions";
import { initialChatState, type ChatState } from "./chat-state";
import type { ConversationClient } from "./conversation-client";

const noClient = { subscribe: () => () => undefined, getState: () => initialChatState };

/**
 * The conversation's live state (and its client, null until the effect opened it); `null` SID: none.
 * @example const { client, state } = useConversation(task.conversationSid, session);
 */
export function useConversation(
  conversationSid: string | null,
  session: DesktopSession,
): { client: ConversationClient | null; state: ChatState } {
  const desktop = useDesktop();
  const [client, setClient] = useState<ConversationClient | null>(null);
  // The socket lives as long as the conversation is shown; a new session object must not reopen it.
  const latestSession = useRef(session);
  latestSession.current = session;
  useEffect(() => {
    if (conversationSid === null) return;
    const sockets = conversationSockets(desktop);
    setClient(sockets.acquire(conversationSid, { user: latestSession.current.user, token: (fresh) => latestSession.current.token(fresh) }));
    return () => {
      setClient(null);
      sockets.release(conversationSid);
    };
  }, [desktop, conversationSid]);
  const source = client ?? noClient;
  const state = useSyncExternalStore(source.subscribe, source.getState);
  return { client, state };
}
