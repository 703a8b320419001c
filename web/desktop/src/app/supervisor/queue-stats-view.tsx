/**
 * Queue Stats: per task queue, live from the supervisor feed — tasks waiting (pending + reserved), the
 * longest wait (ticking on from the feed's figure), agents available and busy — and, from
 * `GET /api/workspaces/:ws/queue-statistics` (refreshed every 15 s; the feed carries real-time figures
 * only), tasks today (created / accepted / completed since midnight UTC) and the service level: the
 * share of today's answered tasks (reservations accepted) answered within the threshold.
 *
 * "Busy" is the queue's eligible agents whose activity is not an available one, less those in an
 * activity named Offline (TaskRouter's default): the feed counts members per activity, not per task.
 * The `Supervisor.QueueStats.Columns` slot adds plugin columns (`{ queue }` per row, `{ header: true }`).
 */
import { useEffect, useMemo, useState } from "react";
import { Slot } from "../../framework/slots-react";
import { api } from "../api";
import { useDesktop, useStrings } from "../desktop-context";
import type { QueueState } from "./feed";
import { clock } from "./format";
import { useSlotHasEntries } from "./teams-view";

export const QUEUE_STATS_SLOT = "Supervisor.QueueStats.Columns";
const HEADER_PROPS = Object.freeze({ header: true });
export const DAILY_REFRESH_MS = 15_000;

/** One queue of `GET /api/workspaces/:ws/queue-statistics`. */
export interface DailyQueueFigures {
  readonly sid: string;
  readonly tasks_entered: number;
  readonly reservations_accepted: number;
  readonly tasks_completed: number;
  /** 0…1, or null before the first answer of the day. */
  readonly service_level: number | null;
}
export interface DailyFigures {
  readonly service_level_threshold: number;
  readonly queues: readonly DailyQueueFigures[];
}

/** Today's figures, fetched now and every `DAILY_REFRESH_MS`; null until the first answer (or if refused). */
export function useDailyFigures(workspaceSid: string): DailyFigures | null {
  const [figures, setFigures] = useState<DailyFigures | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api<DailyFigures>("GET", `/api/workspaces/${encodeURIComponent(workspaceSid)}/queue-statistics`).then(
        (next) => live && setFigures(next),
        () => undefined, // the live columns still work; the next refresh tries again
      );
    void load();
    const timer = setInterval(() => void load(), DAILY_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [workspaceSid]);
  return figures;
}

export const waitingOf = (queue: QueueState): number => (queue.tasks_by_status.pending ?? 0) + (queue.tasks_by_status.reserved ?? 0);

export function busyOf(queue: QueueState): number {
  const offline = queue.activity_statistics.filter((a) => a.friendly_name.toLowerCase() === "offline").reduce((n, a) => n + a.workers, 0);
  return Math.max(0, queue.total_eligible_workers - queue.total_available_workers - offline);
}

export interface QueueStatsViewProps {
  readonly queues: readonly QueueState[];
  readonly daily: DailyFigures | null;
  readonly now: number;
}

export function QueueStatsView({ queues, daily, now }: QueueStatsViewProps) {
  const t = useStrings();
  const desktop = useDesktop();
  const extraColumns = useSlotHasEntries(QUEUE_STATS_SLOT);
  const byQueue = useMemo(() => new Map((daily?.queues ?? []).map((q) => [q.sid, q])), [daily]);
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
              <QueueRow
                key={queue.sid}
                queue={queue}
                daily={byQueue.get(queue.sid)}
                threshold={daily?.service_level_threshold}
                now={now}
                extraColumns={extraColumns}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p className="sb-sv-hint">{t("supervisor.queues.todayNote")}</p>
    </section>
  );
}

interface QueueRowProps {
  readonly queue: QueueState;
  readonly daily: DailyQueueFigures | undefined;
  readonly threshold: number | undefined;
  readonly now: number;
  readonly extraColumns: boolean;
}

function QueueRow({ queue, daily, threshold, now, extraColumns }: QueueRowProps) {
  const t = useStrings();
  const desktop = useDesktop();
  const slotProps = useMemo(() => ({ queue }), [queue]);
  const waiting = waitingOf(queue);
  const longest = waiting === 0 ? 0 : queue.longest_task_waiting_age + Math.max(0, now - queue.asOf) / 1000;
  return (
    <tr data-queue-sid={queue.sid}>
      <th scope="row">{queue.friendly_name}</th>
      <td className="sb-sv-num">{waiting}</td>
      <td className="sb-sv-num">
        <time>{clock(longest)}</time>
      </td>
      <td className="sb-sv-num">{queue.total_available_workers}</td>
      <td className="sb-sv-num">{busyOf(queue)}</td>
      <td>
        {daily
          ? t("supervisor.queues.tasksTodayValue", {
              created: daily.tasks_entered,
              accepted: daily.reservations_accepted,
              completed: daily.tasks_completed,
            })
          : "—"}
      </td>
      <td>
        {!daily || threshold === undefined
          ? "—"
          : daily.service_level === null
            ? t("supervisor.queues.serviceLevelUnknown")
            : t("supervisor.queues.serviceLevelValue", { percent: Math.round(daily.service_level * 100), seconds: threshold })}
      </td>
      {extraColumns && (
        <td>
          <Slot slots={desktop.Slots} name={QUEUE_STATS_SLOT} props={slotProps} />
        </td>
      )}
    </tr>
  );
}
