/**
 * The agent's queues under the ringing space: how many tasks wait in each and for how long the oldest
 * has (ticking), coloured once it is past the queue's SLA threshold — what the agent weighs before a
 * break. From `hello` and the `queues.waiting` frames (at most one a second); hidden when they have none.
 */
import { useStrings } from "../desktop-context";
import { Badge, Timer } from "../ui";
import type { AgentQueueView } from "./task-store";

/** A wait past the queue's SLA threshold turns red (on the second it crosses it); without a threshold, never. */
export const slaMs = (queue: AgentQueueView | undefined): number | null => (queue?.slaSeconds != null ? queue.slaSeconds * 1000 : null);

export function AgentQueues({ queues, clock }: { queues: readonly AgentQueueView[]; clock?: () => number }) {
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
            {queue.oldestSince !== null && (
              <Timer since={queue.oldestSince} label={t("agentQueues.oldest")} overAfterMs={slaMs(queue)} {...(clock ? { clock } : {})} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
