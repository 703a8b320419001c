/**
 * The agent's queues under the ringing space: how many tasks wait in each and for how long the oldest
 * has (ticking), coloured once it is past the queue's SLA threshold — what the agent weighs before a
 * break. From `hello` and the `queues.waiting` frames (at most one a second); hidden when they have none.
 */
import { useStrings } from "../desktop-context";
import { Badge, Timer, type Tone } from "../ui";
import type { AgentQueueView } from "./task-store";

/** A wait past the queue's SLA threshold is an error; without a threshold, never coloured. */
export const waitTone = (queue: AgentQueueView, now: number): Tone =>
  queue.oldestSince !== null && queue.slaSeconds !== null && now - queue.oldestSince >= queue.slaSeconds * 1000 ? "error" : "neutral";

export function AgentQueues({ queues, now = Date.now() }: { queues: readonly AgentQueueView[]; now?: number }) {
  const t = useStrings();
  if (queues.length === 0) return null;
  return (
    <section className="sb-agent-queues" aria-labelledby="sb-agent-queues-title">
      <h2 id="sb-agent-queues-title" className="sb-section-title">
        {t("agentQueues.title")}
      </h2>
      <ul>
        {queues.map((queue) => (
          <li key={queue.sid}>
            <span className="sb-agent-queue-name">{queue.name}</span>
            <Badge tone={queue.waiting > 0 ? "info" : "neutral"} label={t("agentQueues.waiting", { count: queue.waiting })}>
              {queue.waiting}
            </Badge>
            {queue.oldestSince !== null && <Timer since={queue.oldestSince} label={t("agentQueues.oldest")} tone={waitTone(queue, now)} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
