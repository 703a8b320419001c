/**
 * The agent's tasks in hand (accepted and wrapping; pending ones ring in the incoming panel above):
 * a `listbox` driven from the keyboard — arrows, Home/End move, Enter or Space opens the task through
 * the SelectTask action — with the selected task marked `aria-selected`. Each is a card: the channel's
 * icon, the customer, the last message (who wrote it; a note marked), the unread count, and a timer —
 * how long the customer has waited for an answer when the last word is theirs, red past the queue's SLA
 * threshold, else how long the agent has had the task. A card reads the conversation from the same
 * socket the task's chat uses (task/use-conversation.ts).
 */
import { useEffect, useState, type KeyboardEvent } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import type { DesktopSession, DesktopTask } from "../types";
import { isStaffOnly, lastMessageOf, unreadOf } from "../task/chat-state";
import { isUnverified } from "../task/customer-data";
import { UnverifiedBadge } from "../task/unverified-badge";
import { useConversation } from "../task/use-conversation";
import { slaMs } from "./agent-queues";
import { fromOf } from "./incoming-panel";
import type { AgentQueueView } from "./task-store";
import { Badge, ChannelIcon, Icon, Timer } from "../ui";

const optionId = (task: DesktopTask) => `sb-task-${task.taskSid}`;

/** A card's content: who, where, the conversation's last line, and the timer with the unread count beside it. */
function TaskCard({ task, session, queue }: { task: DesktopTask; session: DesktopSession; queue: AgentQueueView | undefined }) {
  const t = useStrings();
  const { state } = useConversation(task.conversationSid, session);
  const last = lastMessageOf(state);
  const unread = unreadOf(state);
  const staff = last !== null && isStaffOnly(last.message);
  const text = last ? last.message.body || t("chat.attachment") : null;
  // The last word is the customer's: they are waiting for an answer, against the queue's SLA threshold.
  const waitingSince = last?.author === "customer" && task.state === "accepted" ? Date.parse(last.message.date_created) : null;
  return (
    <>
      <span className="sb-card-icon">
        <ChannelIcon channel={task.taskChannel} />
      </span>
      <span className="sb-card-body">
        <span className="sb-option-title">
          {fromOf(task, t("customer.webVisitor"))}
          {isUnverified(task.attributes) && (
            <>
              {" "}
              <UnverifiedBadge />
            </>
          )}
        </span>
        <span className="sb-muted">
          {task.queueName ? `${task.taskChannel} · ${task.queueName}` : task.taskChannel}
          {task.state === "wrapping" ? ` · ${t("task.wrapup")}` : ""}
        </span>
        {text !== null && (
          <span className="sb-card-preview" data-staff={staff || undefined} data-unread={unread > 0 || undefined}>
            {staff && <Icon name="lock" size={12} />}
            {last?.author === "mine" ? `${t("chat.you")}: ${text}` : text}
          </span>
        )}
      </span>
      <span className="sb-card-side">
        {waitingSince !== null ? (
          <Timer since={waitingSince} label={t("taskList.customerWaiting")} overAfterMs={slaMs(queue)} />
        ) : (
          <Timer since={task.acceptedAt ?? task.createdAt} label={t("taskList.inConversation")} />
        )}
        {unread > 0 && (
          <Badge tone="info" label={t("chat.unread", { count: unread })}>
            {unread}
          </Badge>
        )}
      </span>
    </>
  );
}

export interface TaskListProps {
  readonly tasks: readonly DesktopTask[];
  readonly selectedTaskSid: string | null;
  readonly session: DesktopSession;
  /** The agent's queues (their SLA thresholds colour a customer's wait). */
  readonly queues?: readonly AgentQueueView[];
}

export function TaskList({ tasks, selectedTaskSid, session, queues = [] }: TaskListProps) {
  const desktop = useDesktop();
  const t = useStrings();
  const selectedIndex = tasks.findIndex((task) => task.taskSid === selectedTaskSid);
  const [active, setActive] = useState(Math.max(0, selectedIndex));
  const current = Math.min(active, Math.max(0, tasks.length - 1));

  useEffect(() => {
    if (selectedIndex >= 0) setActive(selectedIndex);
  }, [selectedIndex]);

  const select = (task: DesktopTask | undefined) => {
    if (task) void desktop.Actions.invokeAction("SelectTask", { taskSid: task.taskSid }).catch(() => undefined);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (tasks.length === 0) return;
    const moves: Record<string, number> = { ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: tasks.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      setActive(Math.min(tasks.length - 1, Math.max(0, moves[event.key]!)));
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      select(tasks[current]);
    }
  };

  return (
    <section className="sb-task-list" aria-labelledby="sb-task-list-title">
      <h2 id="sb-task-list-title" className="sb-section-title">
        {t("taskList.title")} <span className="sb-muted">{t("taskList.count", { count: tasks.length })}</span>
      </h2>
      {tasks.length === 0 ? (
        <p className="sb-muted">{t("taskList.empty")}</p>
      ) : (
        <ul
          role="listbox"
          tabIndex={0}
          aria-labelledby="sb-task-list-title"
          aria-activedescendant={tasks[current] ? optionId(tasks[current]) : undefined}
          onKeyDown={onKeyDown}
          className="sb-listbox"
        >
          {tasks.map((task, index) => (
            <li
              key={task.reservationSid}
              id={optionId(task)}
              role="option"
              aria-selected={task.taskSid === selectedTaskSid}
              data-active={index === current || undefined}
              data-state={task.state}
              className="sb-option"
              onClick={() => {
                setActive(index);
                select(task);
              }}
            >
              <TaskCard task={task} session={session} queue={queues.find((queue) => queue.sid === task.queueSid)} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
