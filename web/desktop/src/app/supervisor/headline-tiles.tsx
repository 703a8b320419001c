/**
 * The wall's headline tiles, above Queue Stats: for the whole team, what waits, the longest wait, today's
 * service level and the agents by state; then one card per queue with its three figures. A figure past
 * its queue's threshold is coloured — the server says which are (`crossed`, from the queue's desk
 * settings), so the desk and the API never disagree; a team figure is coloured when any queue's is.
 */
import type { SupervisorTeam } from "../../../../../contract/realtime-frames";
import { useStrings } from "../desktop-context";
import { Tile, type Tone } from "../ui";
import type { QueueState } from "./feed";
import { clock } from "./format";
import { waitingOf } from "./queue-stats-view";

const STATES = ["available", "busy", "wrapping", "away", "offline"] as const;

/** The queue's waiting tasks: the feed's figure, else pending and reserved as before it. */
const waiting = (queue: QueueState) => queue.waiting ?? waitingOf(queue);
/** Seconds the queue's oldest task has waited by `now` (the feed's figure ticks on from when it came). */
const longestWait = (queue: QueueState, now: number) =>
  waiting(queue) === 0 ? 0 : queue.longest_task_waiting_age + Math.max(0, now - queue.asOf) / 1000;
const tone = (crossed: boolean | undefined): Tone => (crossed ? "error" : "neutral");

/** Today's service level over several queues: each weighted by the tasks it answered; null before any. */
export function overallServiceLevel(queues: readonly QueueState[]): number | null {
  let answered = 0;
  let within = 0;
  for (const q of queues) {
    if (!q.today || q.today.service_level === null) continue;
    answered += q.today.tasks_accepted;
    within += q.today.service_level * q.today.tasks_accepted;
  }
  return answered === 0 ? null : within / answered;
}

export function HeadlineTiles({ queues, team, now }: { queues: readonly QueueState[]; team: SupervisorTeam | null; now: number }) {
  const t = useStrings();
  const percent = (share: number | null) => (share === null ? "—" : `${Math.round(share * 100)}%`);
  const longest = Math.max(0, ...queues.map((q) => longestWait(q, now)));
  return (
    <div className="sb-sv-tiles">
      <section className="sb-sv-tiles-row" aria-label={t("supervisor.tiles.team")}>
        <Tile
          label={t("supervisor.queues.waiting")}
          value={queues.reduce((n, q) => n + waiting(q), 0)}
          tone={tone(queues.some((q) => q.crossed?.waiting))}
        />
        <Tile label={t("supervisor.queues.longestWait")} value={clock(longest)} tone={tone(queues.some((q) => q.crossed?.longest_wait))} />
        <Tile
          label={t("supervisor.tiles.serviceLevel")}
          value={percent(overallServiceLevel(queues))}
          tone={tone(queues.some((q) => q.crossed?.service_level))}
        />
        {team && (
          <div className="sb-sv-states" role="list" aria-label={t("supervisor.tiles.agents")}>
            {STATES.map((state) => (
              <div key={state} role="listitem" className="sb-sv-state" data-state={state}>
                <span className="sb-state-dot" aria-hidden="true" />
                <span className="sb-sv-state-count">{team.agents_by_state[state]}</span>
                <span className="sb-sv-state-label">{t(`supervisor.tiles.state.${state}`)}</span>
              </div>
            ))}
          </div>
        )}
      </section>
      {queues.length > 0 && (
        <ul className="sb-sv-queue-tiles" aria-label={t("supervisor.tiles.queues")}>
          {queues.map((queue) => (
            <li key={queue.sid} className="sb-sv-queue-tile" aria-label={queue.friendly_name}>
              <p className="sb-sv-queue-tile-name">{queue.friendly_name}</p>
              <Tile label={t("supervisor.queues.waiting")} value={waiting(queue)} tone={tone(queue.crossed?.waiting)} />
              <Tile
                label={t("supervisor.queues.longestWait")}
                value={clock(longestWait(queue, now))}
                tone={tone(queue.crossed?.longest_wait)}
              />
              <Tile
                label={t("supervisor.tiles.serviceLevel")}
                value={percent(queue.today?.service_level ?? null)}
                tone={tone(queue.crossed?.service_level)}
                {...(queue.thresholds?.service_level_target != null
                  ? { detail: t("supervisor.tiles.target", { percent: queue.thresholds.service_level_target }) }
                  : {})}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
