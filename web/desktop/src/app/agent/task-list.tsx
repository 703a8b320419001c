/**
 * The agent's tasks in hand (accepted and wrapping; pending ones ring in the incoming panel above):
 * a `listbox` driven from the keyboard — arrows, Home/End move, Enter or Space opens the task through
 * the SelectTask action — with the selected task marked `aria-selected`. Each is a card: the channel's
 * icon, the customer, the channel and queue, and how long the agent has had it.
 */
import { useEffect, useState, type KeyboardEvent } from "react";
import { useDesktop, useStrings } from "../desktop-context";
import type { DesktopTask } from "../types";
import { isUnverified } from "../task/customer-data";
import { UnverifiedBadge } from "../task/unverified-badge";
import { fromOf } from "./incoming-panel";
import { ChannelIcon, Timer } from "../ui";

const optionId = (task: DesktopTask) => `sb-task-${task.taskSid}`;

export function TaskList({ tasks, selectedTaskSid }: { tasks: readonly DesktopTask[]; selectedTaskSid: string | null }) {
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
              </span>
              <Timer since={task.acceptedAt ?? task.createdAt} label={t("taskList.inConversation")} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
