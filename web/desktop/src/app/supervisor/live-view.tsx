/**
 * The Live tab: every live chat of the team from the supervisor feed (liveChatsOf: accepted or wrapping,
 * with a conversation; oldest first, so rows do not jump) — customer, agent, channel, queue, status, a
 * call's state and time (live-call-cell.tsx) and a ticking time — filtered by agent and queue. ArrowUp / ArrowDown (wrapping, as every list of the desk),
 * Home and End move between the rows' Watch buttons; Watch opens the chat beside the list (live-conversation.tsx) and moves focus to it; closing it
 * brings focus back to its row. A chat the agent completes stays open, marked as no longer live.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useStrings } from "../desktop-context";
import type { DesktopSession } from "../types";
import { Badge, ChannelIcon, EmptyState, Icon, moveFocus, Timer } from "../ui";
import { customerText } from "./current-tasks";
import type { FeedWorker } from "./feed";
import { isCallChannel } from "../task/call-view";
import { liveChatsOf, type LiveChat } from "./live";
import { LiveCallCell } from "./live-call-cell";
import { LiveConversation } from "./live-conversation";
import { ALL, distinct, Filter } from "./teams-view";

export interface LiveViewProps {
  readonly workers: readonly FeedWorker[];
  readonly session: DesktopSession;
}

const customerOfChat = (chat: LiveChat) => ({ customer: chat.customer, channel_type: chat.channel });

/** @example <LiveView workers={feed.workers} session={session} /> */
export function LiveView({ workers, session }: LiveViewProps) {
  const t = useStrings();
  const chats = useMemo(() => liveChatsOf(workers), [workers]);
  const [agent, setAgent] = useState(ALL);
  const [queue, setQueue] = useState(ALL);
  const [open, setOpen] = useState<LiveChat | null>(null);
  const watchButtons = useRef(new Map<string, HTMLButtonElement>());
  const heading = useRef<HTMLHeadingElement>(null);
  const focusOnOpen = useRef(false);

  const agents = useMemo(() => distinct(chats.map((c) => c.agent)), [chats]);
  const queues = useMemo(() => distinct(chats.map((c) => c.queueName)), [chats]);
  const shown = chats.filter((c) => (agent === ALL || c.agent === agent) && (queue === ALL || c.queueName === queue));
  // The open chat as the feed has it now (its status moves on), or as it was when it left the list.
  const current = open ? chats.find((c) => c.conversationSid === open.conversationSid) : undefined;

  useEffect(() => {
    if (open && focusOnOpen.current) heading.current?.focus();
    focusOnOpen.current = false;
  }, [open]);

  const watch = (chat: LiveChat) => {
    focusOnOpen.current = true;
    setOpen(chat);
  };
  const close = () => {
    const sid = open?.conversationSid;
    setOpen(null);
    if (sid) queueMicrotask(() => watchButtons.current.get(sid)?.focus());
  };
  // The desk's one rule for arrows through a list (wrapping at the ends); Home and End to the ends.
  const onRowKey = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const buttons = shown.map((c) => watchButtons.current.get(c.conversationSid)).filter((b): b is HTMLButtonElement => !!b);
    if (event.key === "ArrowDown" || event.key === "ArrowUp")
      moveFocus(buttons, document.activeElement, event.key === "ArrowDown" ? 1 : -1);
    else if (event.key === "Home" || event.key === "End") buttons.at(event.key === "Home" ? 0 : -1)?.focus();
    else return;
    event.preventDefault();
  };

  return (
    <section className="sb-sv-live" aria-label={t("supervisor.live.caption")}>
      <div className="sb-sv-live-list">
        <div className="sb-sv-filters" role="group" aria-label={t("supervisor.live.caption")}>
          <Filter label={t("supervisor.teams.agent")} value={agent} options={agents} onChange={setAgent} />
          <Filter label={t("supervisor.queues.queue")} value={queue} options={queues} onChange={setQueue} />
        </div>
        {shown.length === 0 ? (
          <EmptyState icon={<Icon name="monitor" size={32} />} title={t("supervisor.live.empty")}>
            {t("supervisor.live.emptyHint")}
          </EmptyState>
        ) : (
          <div className="sb-sv-scroll">
            <table className="sb-sv-table">
              <caption>
                {t("supervisor.live.caption")} · {shown.length}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("customer.title")}</th>
                  <th scope="col">{t("supervisor.teams.agent")}</th>
                  <th scope="col">{t("supervisor.live.channel")}</th>
                  <th scope="col">{t("supervisor.queues.queue")}</th>
                  <th scope="col">{t("supervisor.live.status")}</th>
                  <th scope="col">{t("supervisor.live.call")}</th>
                  <th scope="col">{t("supervisor.live.time")}</th>
                  <th scope="col">
                    <span className="sb-sv-visually-hidden">{t("supervisor.live.watch")}</span>
                  </th>
                </tr>
              </thead>
              <tbody onKeyDown={onRowKey}>
                {shown.map((chat) => {
                  const customer = customerText(customerOfChat(chat), t);
                  const selected = open?.conversationSid === chat.conversationSid;
                  return (
                    <tr key={chat.conversationSid} data-conversation-sid={chat.conversationSid} aria-current={selected || undefined}>
                      <th scope="row">{customer}</th>
                      <td>{chat.agent}</td>
                      <td>
                        <ChannelIcon channel={chat.channel} /> {chat.channel ?? "—"}
                      </td>
                      <td>{chat.queueName ?? "—"}</td>
                      <td>
                        <Badge tone={chat.status === "accepted" ? "success" : "neutral"}>
                          {t(chat.status === "accepted" ? "supervisor.task.accepted" : "supervisor.task.wrapping")}
                        </Badge>
                      </td>
                      <td>
                        {isCallChannel(chat.taskChannel) ? (
                          <LiveCallCell conversationSid={chat.conversationSid} session={session} />
                        ) : (
                          <span aria-hidden="true">—</span>
                        )}
                      </td>
                      <td className="sb-sv-num">{chat.since !== null && <Timer since={chat.since} label={t("supervisor.task.time")} />}</td>
                      <td>
                        <button
                          type="button"
                          aria-label={t("supervisor.live.watchLabel", { customer, agent: chat.agent })}
                          aria-pressed={selected}
                          ref={(element) => {
                            if (element) watchButtons.current.set(chat.conversationSid, element);
                            else watchButtons.current.delete(chat.conversationSid);
                          }}
                          onClick={() => watch(chat)}
                        >
                          <Icon name="monitor" /> {t("supervisor.live.watch")}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <div className="sb-sv-live-detail">
        {open ? (
          <LiveConversation
            key={open.conversationSid}
            chat={current ?? open}
            customer={customerText(customerOfChat(current ?? open), t)}
            live={current !== undefined}
            session={session}
            onClose={close}
            headingRef={heading}
          />
        ) : (
          <p className="sb-sv-hint">{t("supervisor.live.pick")}</p>
        )}
      </div>
    </section>
  );
}
