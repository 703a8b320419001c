/**
 * A conversation's transcript as staff see it: the agent's task chat and a supervisor's live view both
 * render it. Messages as bubbles with the author's name, the server's time and (for one's own messages)
 * the delivery state; join/leave notes between them; attachments with previews; and the staff-only
 * messages — internal notes and supervisors' whispers — on their own tinted bubble with a lock, labelled
 * so nobody mistakes them for something the customer saw. The list is a `role="log"` that announces new
 * messages politely; the scroll container around it is focusable so the keyboard can scroll it.
 */
import type { Ref, UIEvent } from "react";
import { isSid } from "../../../../../contract/sid-format";
import { useDesktop, useStrings, type TranslateFn } from "../desktop-context";
import type { DesktopSession } from "../types";
import { deliveryOf, isStaffOnly, timelineOf, type ChatState, type Delivery, type TimelineItem } from "./chat-state";
import { MediaView } from "./media-view";
import { MessageExtras } from "./message-extras-view";
import { UnverifiedBadge } from "./unverified-badge";
import { Icon } from "../ui";

export interface ChatLogProps {
  readonly state: ChatState;
  /** The log's accessible name, e.g. "Conversation with Ann". */
  readonly label: string;
  /** The customer's name is only what they typed (a web visitor's pre-chat form): marked unverified on their messages. */
  readonly customerUnverified?: boolean;
  readonly session: DesktopSession;
  readonly scrollRef?: Ref<HTMLDivElement>;
  readonly onScroll?: (event: UIEvent<HTMLDivElement>) => void;
}

/** A whisper's author when the supervisor is no participant is their worker or user SID: shown as "Supervisor". */
const isStaffSid = (name: string): boolean => isSid("WK", name) || isSid("US", name);

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

/** @example <ChatLog state={client.getState()} label={t("chat.log", { name })} session={session} /> */
export function ChatLog({ state, label, customerUnverified = false, session, scrollRef, onScroll }: ChatLogProps) {
  const t = useStrings();
  const { Strings } = useDesktop();
  const workspaceSid = state.conversation?.workspace_sid ?? session.user.workspaceSid;
  return (
    <div ref={scrollRef} className="sb-chat__log" tabIndex={0} onScroll={onScroll}>
      <div role="log" aria-live="polite" aria-label={label}>
        <ol>
          {timelineOf(state).map((item) => (
            <TimelineEntry
              key={item.key}
              item={item}
              state={state}
              t={t}
              locale={Strings.locale}
              workspaceSid={workspaceSid}
              session={session}
              customerUnverified={customerUnverified}
            />
          ))}
        </ol>
      </div>
    </div>
  );
}

/** The tag on a staff-only bubble: a whisper when a supervisor wrote it, else an internal note. */
function StaffTag({ t, whisper }: { t: TranslateFn; whisper: boolean }) {
  return (
    <span className="sb-chat__staff">
      <Icon name="lock" size={12} /> {t(whisper ? "chat.whisper" : "chat.note")}
    </span>
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
      <li className="sb-chat__message sb-chat__message--mine" data-delivery={status} data-staff={pending.note || undefined}>
        <span className="sb-chat__author">
          {t("chat.you")}
          {pending.note && <StaffTag t={t} whisper={false} />}
        </span>
        {pending.body && <p className="sb-chat__body">{pending.body}</p>}
        {pending.mediaSids.length > 0 && <p className="sb-chat__file">{t("chat.attachment")}</p>}
        <span className="sb-chat__delivery">{deliveryText(t, status, pending.error)}</span>
      </li>
    );
  }
  const { message, author } = item;
  const staff = isStaffOnly(message);
  // A staff note goes to no channel and no customer reads it: it has no delivery state to show.
  const delivery = author === "mine" && !staff ? deliveryOf(state, message) : null;
  return (
    <li className={`sb-chat__message sb-chat__message--${author}`} data-delivery={delivery?.status} data-staff={staff || undefined}>
      {author !== "system" && (
        <span className="sb-chat__author">
          {author === "mine" ? t("chat.you") : author === "supervisor" && isStaffSid(item.name) ? t("chat.supervisor") : item.name}
          {author === "customer" && customerUnverified && (
            <>
              {" "}
              <UnverifiedBadge />
            </>
          )}
          {staff && <StaffTag t={t} whisper={message.author_role === "supervisor"} />}
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
