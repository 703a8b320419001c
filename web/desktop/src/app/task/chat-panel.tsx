/**
 * The chat of a task with a conversation: the history as a `role="log"` (customer, agent and system
 * notes such as "Ann joined"), who is typing, the delivery state of the agent's own messages, and the
 * composer. It opens the conversation's socket through the desktop's shared registry (actions.ts) and
 * tells the server what the agent has read while the chat is on screen. The scroll position is kept
 * across task switches; new messages scroll into view only when the agent was already at the bottom.
 */
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from "react";
import { useStrings } from "../desktop-context";
import type { DesktopSession, DesktopSettings } from "../types";
import { lastIndexOf } from "./chat-state";
import { ChatLog } from "./chat-log";
import { ChatStatus } from "./chat-status";
import { Composer } from "./composer";
import { useConversation } from "./use-conversation";

export interface ChatPanelProps {
  readonly taskSid: string;
  readonly conversationSid: string;
  readonly customerName: string;
  /** The customer's name is only what they typed (a web visitor's pre-chat form): marked unverified on their messages. */
  readonly customerUnverified?: boolean;
  readonly session: DesktopSession;
  readonly settings: DesktopSettings;
  /** The chat is on screen (task active, Chat tab selected): messages count as read. */
  readonly visible: boolean;
  readonly disabled: boolean;
  /** Whether to show the composer (not while wrapping up: the wrap-up panel takes its place). Default true. */
  readonly composer?: boolean;
  readonly slotProps: Readonly<Record<string, unknown>>;
}

function usePageVisible(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      document.addEventListener("visibilitychange", onChange);
      return () => document.removeEventListener("visibilitychange", onChange);
    },
    () => document.visibilityState !== "hidden",
  );
}

export function ChatPanel(props: ChatPanelProps) {
  const { conversationSid, session, visible } = props;
  const t = useStrings();
  const { client, state } = useConversation(conversationSid, session);
  const log = useRef<HTMLDivElement>(null);
  const scroll = useRef({ top: 0, atBottom: true });
  const lastIndex = lastIndexOf(state);

  // Read receipts: only while the agent can see the chat and the page is in front.
  const pageVisible = usePageVisible();
  useEffect(() => {
    if (client && visible && pageVisible && lastIndex >= 0 && state.connection === "open") client.markRead(lastIndex);
  }, [client, visible, pageVisible, lastIndex, state.connection]);

  // Keep the agent's place: restore it when the chat comes back, follow new messages from the bottom.
  useLayoutEffect(() => {
    const element = log.current;
    if (!element || !visible) return;
    element.scrollTop = scroll.current.atBottom ? element.scrollHeight : scroll.current.top;
  }, [visible, state.messages.length, state.pending.length, state.notes.length]);

  return (
    <div className="sb-chat">
      <ChatLog
        state={state}
        label={t("chat.log", { name: props.customerName })}
        customerUnverified={props.customerUnverified ?? false}
        session={session}
        scrollRef={log}
        onScroll={(event) => {
          const element = event.currentTarget;
          scroll.current = { top: element.scrollTop, atBottom: element.scrollHeight - element.scrollTop - element.clientHeight < 24 };
        }}
      />
      <ChatStatus state={state} />
      {props.composer !== false && (
        <Composer
          taskSid={props.taskSid}
          conversationSid={conversationSid}
          disabled={props.disabled || state.connection === "closed"}
          cannedResponses={props.settings.cannedResponses}
          slotProps={props.slotProps}
        />
      )}
    </div>
  );
}
