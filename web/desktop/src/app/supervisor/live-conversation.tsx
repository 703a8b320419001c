/**
 * One live chat as a supervisor watches it: the transcript read-only (the desk's ChatLog: staff notes and
 * whispers marked, join/leave notes), who is typing, a whisper box that writes a note only the agent sees
 * (`SendMessage` with `note: true`), and Join / Leave (the `BargeIn` / `BargeOut` actions) — once joined, a
 * reply box that writes to the customer. It holds the conversation's socket through the desktop's shared
 * registry (task/use-conversation.ts) with the supervisor's token, so opening it is what the server records
 * as `supervisor.monitor`, and each whisper and barge is recorded as its own event there too. A call's
 * conversation has the supervisor's call controls above its transcript (live-call.tsx).
 */
import { useEffect, useId, useState, type Ref } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import { ChatLog } from "../task/chat-log";
import { ChatStatus } from "../task/chat-status";
import { Composer } from "../task/composer";
import { ensureTaskStyles } from "../task/styles";
import { useConversation } from "../task/use-conversation";
import type { DesktopSession } from "../types";
import { Badge, Button, Icon, IconButton } from "../ui";
import type { LiveChat } from "./live";
import { LiveCall } from "./live-call";
import { isCallChannel, isLive } from "../task/call-view";

export interface LiveConversationProps {
  readonly chat: LiveChat;
  /** The customer as the list names them. */
  readonly customer: string;
  /** Whether the agent still has the chat (it is in the feed's live list). */
  readonly live: boolean;
  readonly session: DesktopSession;
  readonly onClose: () => void;
  readonly headingRef?: Ref<HTMLHeadingElement>;
}

const NO_CANNED: readonly never[] = [];

/** Whether this socket writes as a participant (barged in): the server's `you` is then a participant SID. */
const hasJoined = (you: string | null): boolean => you !== null && you.startsWith("MB");

/** @example <LiveConversation chat={chat} customer="Ann Lee" live session={session} onClose={close} /> */
export function LiveConversation({ chat, customer, live, session, onClose, headingRef }: LiveConversationProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const headingId = useId();
  const { state } = useConversation(chat.conversationSid, session);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => ensureTaskStyles(), []);

  const joined = hasJoined(state.you);
  const connected = state.connection === "open";
  const slotProps = { conversationSid: chat.conversationSid, workerSid: chat.workerSid, supervisor: true };
  const barge = (name: "BargeIn" | "BargeOut") => {
    const payload = { conversationSid: chat.conversationSid, ...(name === "BargeIn" ? { displayName: session.user.name } : {}) };
    desktop.Actions.invokeAction(name, payload).then(
      () => setFailure(null),
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  };

  return (
    <section className="sb-sv-live-chat" aria-labelledby={headingId} data-joined={joined || undefined}>
      <header className="sb-sv-live-chat-header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          {t("supervisor.live.heading", { customer, agent: chat.agent })}
        </h2>
        <Badge tone={joined ? "warning" : "info"}>
          <Icon name="monitor" /> {t(joined ? "supervisor.live.joined" : "supervisor.live.watching")}
        </Badge>
        <IconButton label={t("supervisor.live.close")} icon={<Icon name="close" />} onClick={onClose} />
      </header>
      {!live && <p className="sb-sv-hint">{t("supervisor.live.ended")}</p>}
      {(isCallChannel(chat.taskChannel) || isLive(state.call)) && <LiveCall chat={chat} call={state.call} session={session} />}
      <div className="sb-sv-live-log">
        <ChatLog state={state} label={t("supervisor.live.transcript", { customer })} session={session} />
      </div>
      <ChatStatus state={state} />
      {state.connection === "closed" && (
        <p className="sb-sv-error" role="alert">
          {state.closedReason}
        </p>
      )}
      <Composer
        taskSid={`whisper:${chat.taskSid}`}
        conversationSid={chat.conversationSid}
        only="note"
        announcesTyping={joined}
        placeholder={t("supervisor.live.whisper", { agent: chat.agent })}
        disabled={!connected}
        cannedResponses={NO_CANNED}
        slotProps={slotProps}
      />
      {joined && (
        <Composer
          taskSid={`reply:${chat.taskSid}`}
          conversationSid={chat.conversationSid}
          placeholder={t("supervisor.live.reply", { customer })}
          disabled={!connected}
          cannedResponses={NO_CANNED}
          slotProps={slotProps}
        />
      )}
      <div className="sb-sv-buttons">
        {joined ? (
          <Button onClick={() => barge("BargeOut")} disabled={!connected}>
            {t("supervisor.live.leave")}
          </Button>
        ) : (
          <Button variant="primary" onClick={() => barge("BargeIn")} disabled={!connected || !live}>
            {t("supervisor.live.join")}
          </Button>
        )}
      </div>
      {failure && (
        <p className="sb-sv-error" role="alert">
          {t("supervisor.live.failed", { reason: failure })}
        </p>
      )}
    </section>
  );
}
