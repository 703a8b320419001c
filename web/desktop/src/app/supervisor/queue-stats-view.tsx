/**
 * Queue Stats: per task queue, all live from the supervisor feed — tasks waiting (pending + reserved),
 * the longest wait (ticking on from the feed's figure), agents available and busy, and the queue's
 * `today` figures: tasks today (created / accepted / completed since midnight UTC) and the service
 * level, the share of today's answered tasks (reservations accepted) answered within the threshold.
 * The feed sends a queue again at most a second after a task in it changes, so nothing is polled
 * (`GET /api/workspaces/:ws/queue-statistics` answers the same figures for other uses).
 *
 * "Can take work now" is the queue's members (each feed worker lists their queues) in an available
 * activity with room for one more task on a channel; "Busy" is its other members not in an activity
 * named Offline — at full capacity, or in an unavailable activity such as Break. TaskRouter's
 * `total_available_workers` counts the available activity alone (busy or not), so it is not what the
 * column shows; a feed without membership (an older server) falls back to it and the activity counts.
 * The `Supervisor.QueueStats.Columns` slot adds plugin columns (`{ queue }` per row, `{ header: true }`).
 */
import { useMemo } from "react";
import { Slot } from "../../framework/slots-react";
import { useDesktop, useStrings } from "../desktop-context";
import type { FeedWorker, QueueState } from "./feed";
import { canTakeWork, clock, isOffline } from "./format";
import { useSlotHasEntries } from "./teams-view";

export const QUEUE_STATS_SLOT = "Supervisor.QueueStats.Columns";
const HEADER_PROPS = Object.freeze({ header: true });

export const waitingOf = (queue: QueueState): number => (queue.tasks_by_status.pending ?? 0) + (queue.tasks_by_status.reserved ?? 0);

/** The queue's agents who can take work now and who are busy (see the header comment). */
export function agentsOf(queue: QueueState, workers: readonly FeedWorker[]): { ready: number; busy: number } {
  if (workers.some((w) => w.task_queue_sids !== undefined)) {
    const members = workers.filter((w) => w.task_queue_sids?.includes(queue.sid) && !isOffline(w));
    const ready = members.filter(canTakeWork).length;
    return { ready, busy: members.length - ready };
  }
  const offline = queue.activity_statistics.filter((a) => a.friendly_name.toLowerCase() === "offline").reduce((n, a) => n + a.workers, 0);
  return {
    ready: queue.total_available_workers,
    busy: Math.max(0, queue.total_eligible_workers - queue.total_available_workers - offline),
  };
}

export interface QueueStatsViewProps {
  readonly queues: readonly QueueState[];
  /** The feed's workers, for who can take work now. */
  readonly workers: readonly FeedWorker[];
  readonly now: number;
}

export function QueueStatsView({ queues, workers, now }: QueueStatsViewProps) {
  const t = useStrings();
  const desktop = useDesktop();
  const extraColumns = useSlotHasEntries(QUEUE_STATS_SLOT);
  const columns = 7 + (extraColumns ? 1 : 0);
  return (
    <section className="sb-sv-section">
      <div className="sb-sv-scroll">
        <table className="sb-sv-table">
          <caption>{t("supervisor.queues.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("supervisor.queues.queue")}</th>
              <th scope="col">{t("supervisor.queues.waiting")}</th>
              <th scope="col">{t("supervisor.queues.longestWait")}</th>
              <th scope="col">{t("supervisor.queues.agentsAvailable")}</th>
              <th scope="col">{t("supervisor.queues.agentsBusy")}</th>
              <th scope="col">{t("supervisor.queues.tasksToday")}</th>
              <th scope="col">{t("supervisor.queues.serviceLevel")}</th>
              {extraColumns && (
                <th scope="col">
                  <Slot slots={desktop.Slots} name={QUEUE_STATS_SLOT} props={HEADER_PROPS} />
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {queues.length === 0 && (
              <tr>
                <td colSpan={columns}>{t("supervisor.queues.empty")}</td>
              </tr>
            )}
            {queues.map((queue) => (
              <QueueRow key={queue.sid} queue={queue} agents={agentsOf(queue, workers)} now={now} extraColumns={extraColumns} />
            ))}
          </tbody>
        </table>
      </div>
      <p className="sb-sv-hint">{t("supervisor.queues.agentsNote")}</p>
      <p className="sb-sv-hint">{t("supervisor.queues.todayNote")}</p>
    </section>
  );
}

interface QueueRowProps {
  readonly queue: QueueState;
  readonly agents: { readonly ready: number; readonly busy: number };
  readonly now: number;
  readonly extraColumns: boolean;
}

function QueueRow({ queue, agents, now, extraColumns }: QueueRowProps) {
  const t = useStrings();
  const desktop = useDesktop();
  const slotProps = useMemo(() => ({ queue }), [queue]);
  const waiting = waitingOf(queue);
  const today = queue.today;
  const longest = waiting === 0 ? 0 : queue.longest_task_waiting_age + Math.max(0, now - queue.asOf) / 1000;
  return (
    <tr data-queue-sid={queue.sid}>
      <th scope="row">{queue.friendly_name}</th>
      <td className="sb-sv-num">{waiting}</td>
      <td className="sb-sv-num">
        <time>{clock(longest)}</time>
      </td>
      <td className="sb-sv-num">{agents.ready}</td>
      <td className="sb-sv-num">{agents.busy}</td>
      <td>
        {today
          ? t("supervisor.queues.tasksTodayValue", {
              created: today.tasks_created,
              accepted: today.tasks_accepted,
              completed: today.tasks_completed,
            })
          : "—"}
      </td>
      <td>
        {!today
          ? "—"
          : today.service_level === null
            ? t("supervisor.queues.serviceLevelUnknown")
            : t("supervisor.queues.serviceLevelValue", {
                percent: Math.round(today.service_level * 100),
                seconds: today.service_level_threshold,
              })}
      </td>
      {extraColumns && (
        <td>
          <Slot slots={desktop.Slots} name={QUEUE_STATS_SLOT} props={slotProps} />
        </td>
      )}
    </tr>
  );
}
