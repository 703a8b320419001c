/**
 * The chat of a task with a conversation: the history as a `role="log"` (customer, agent and system
 * notes such as "Ann joined"), who is typing, the delivery state of the agent's own messages, and the
 * composer. It opens the conversation's socket through the desktop's shared registry (actions.ts) and
 * tells the server what the agent has read while the chat is on screen. The scroll position is kept
 * across task switches; new messages scroll into view only when the agent was already at the bottom.
 */
import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { useDesktop, useStrings, type TranslateFn } from "../desktop-context";
import type { DesktopSession, DesktopSettings } from "../types";
import { conversationSockets } from "./actions";
import { deliveryOf, initialChatState, lastIndexOf, timelineOf, type ChatState, type Delivery, type TimelineItem } from "./chat-state";
import { Composer } from "./composer";
import type { ConversationClient } from "./conversation-client";
import { MediaView } from "./media-view";
import { MessageExtras } from "./message-extras-view";
import { UnverifiedBadge } from "./unverified-badge";

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
  readonly slotProps: Readonly<Record<string, unknown>>;
}

const noClient = { subscribe: () => () => undefined, getState: () => initialChatState };

function useConversation(conversationSid: string, session: DesktopSession): { client: ConversationClient | null; state: ChatState } {
  const desktop = useDesktop();
  const [client, setClient] = useState<ConversationClient | null>(null);
  // The socket lives as long as the conversation is shown; a new session object must not reopen it.
  const latestSession = useRef(session);
  latestSession.current = session;
  useEffect(() => {
    const sockets = conversationSockets(desktop);
    setClient(sockets.acquire(conversationSid, { user: latestSession.current.user, token: (fresh) => latestSession.current.token(fresh) }));
    return () => sockets.release(conversationSid);
  }, [desktop, conversationSid]);
  const source = client ?? noClient;
  const state = useSyncExternalStore(source.subscribe, source.getState);
  return { client, state };
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

const deliveryText = (t: TranslateFn, status: Delivery, error: string | null): string => {
  switch (status) {
    case "queued":
      return t("chat.message.queued");
    case "sent":
      return t("chat.message.sent");
    case "delivered":
      return t("chat.message.delivered");
    case "read":
      return t("chat.message.read");
    case "failed":
      return error ? t("chat.message.failedWith", { error }) : t("chat.message.failed");
  }
};

export function ChatPanel(props: ChatPanelProps) {
  const { conversationSid, session, visible } = props;
  const t = useStrings();
  const { Strings } = useDesktop();
  const { client, state } = useConversation(conversationSid, session);
  const log = useRef<HTMLDivElement>(null);
  const scroll = useRef({ top: 0, atBottom: true });
  const items = timelineOf(state);
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
  }, [visible, items.length]);

  const workspaceSid = state.conversation?.workspace_sid ?? session.user.workspaceSid;
  return (
    <div className="sb-chat">
      <div
        ref={log}
        className="sb-chat__log"
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget;
          scroll.current = { top: element.scrollTop, atBottom: element.scrollHeight - element.scrollTop - element.clientHeight < 24 };
        }}
      >
        <div role="log" aria-live="polite" aria-label={t("chat.log", { name: props.customerName })}>
          <ol>
            {items.map((item) => (
              <TimelineEntry
                key={item.key}
                item={item}
                state={state}
                t={t}
                locale={Strings.locale}
                workspaceSid={workspaceSid}
                session={session}
                customerUnverified={props.customerUnverified ?? false}
              />
            ))}
          </ol>
        </div>
      </div>
      <p className="sb-chat__typing" aria-live="polite">
        {state.typing ? t("chat.typing", { name: state.typing.name }) : ""}
      </p>
      {state.connection === "reconnecting" && (
        <p className="sb-chat__status" role="status">
          {t("header.connection.offline")}
        </p>
      )}
      <Composer
        taskSid={props.taskSid}
        conversationSid={conversationSid}
        disabled={props.disabled || state.connection === "closed"}
        cannedResponses={props.settings.cannedResponses}
        slotProps={props.slotProps}
      />
    </div>
  );
}

function TimelineEntry({
  item,
  state,
  t,
  locale,
  workspaceSid,
  session,
  customerUnverified,
}: {
  item: TimelineItem;
  state: ChatState;
  t: TranslateFn;
  locale: string;
  workspaceSid: string;
  session: DesktopSession;
  customerUnverified: boolean;
}) {
  if (item.kind === "note") {
    return <li className="sb-chat__note">{t(item.note.kind === "joined" ? "chat.joined" : "chat.left", { name: item.note.name })}</li>;
  }
  if (item.kind === "pending") {
    const { pending } = item;
    const status: Delivery = pending.status === "sending" ? "queued" : pending.status;
    return (
      <li className="sb-chat__message sb-chat__message--mine" data-delivery={status}>
        <span className="sb-chat__author">{t("chat.you")}</span>
        {pending.body && <p className="sb-chat__body">{pending.body}</p>}
        {pending.mediaSids.length > 0 && <p className="sb-chat__file">{t("chat.attachment")}</p>}
        <span className="sb-chat__delivery">{deliveryText(t, status, pending.error)}</span>
      </li>
    );
  }
  const { message, author } = item;
  const delivery = author === "mine" ? deliveryOf(state, message) : null;
  return (
    <li className={`sb-chat__message sb-chat__message--${author}`} data-delivery={delivery?.status}>
      {author !== "system" && (
        <span className="sb-chat__author">
          {author === "mine" ? t("chat.you") : item.name}
          {author === "customer" && customerUnverified && (
            <>
              {" "}
              <UnverifiedBadge />
            </>
          )}
        </span>
      )}
      {message.body && <p className="sb-chat__body">{message.body}</p>}
      {message.media?.map((media) => (
        <MediaView key={media.sid} media={media} workspaceSid={workspaceSid} session={session} />
      ))}
      <MessageExtras message={message} t={t} />
      <time className="sb-chat__time" dateTime={message.date_created}>
        {new Date(message.date_created).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" })}
      </time>
      {delivery && <span className="sb-chat__delivery">{deliveryText(t, delivery.status, delivery.error)}</span>}
    </li>
  );
}
