/**
 * An agent's tasks in hand on their Teams row: each with its channel's icon, the customer (named by the
 * desk's rule on the server), its status as a badge (ringing, accepted, wrapping up) and the time since it
 * came to them, ticking.
 */
import type { StringKey } from "../../framework";
import { useStrings, type TranslateFn } from "../desktop-context";
import { Badge, ChannelIcon, Timer, type Tone } from "../ui";
import type { FeedReservation } from "./feed";
import { channelOf, sinceOf } from "./live";

const STATUS: Record<FeedReservation["status"], { readonly key: StringKey; readonly tone: Tone }> = {
  pending: { key: "supervisor.task.pending", tone: "warning" },
  accepted: { key: "supervisor.task.accepted", tone: "success" },
  wrapping: { key: "supervisor.task.wrapping", tone: "neutral" },
};

/**
 * The customer as a supervisor reads them: their name, else "Website visitor" for a web visitor who gave
 * none, else "Unknown customer".
 * @example customerText(reservation, t) // "Ann Lee"
 */
export function customerText(reservation: Pick<FeedReservation, "customer" | "channel_type">, t: TranslateFn): string {
  return reservation.customer ?? t(reservation.channel_type === "web" ? "customer.webVisitor" : "supervisor.task.unknownCustomer");
}

/** @example <CurrentTasks reservations={worker.reservations} /> */
export function CurrentTasks({ reservations }: { readonly reservations: readonly FeedReservation[] }) {
  const t = useStrings();
  if (reservations.length === 0) return <span className="sb-sv-hint">{t("supervisor.teams.noTasks")}</span>;
  return (
    <ul className="sb-sv-plain sb-sv-tasks">
      {reservations.map((reservation) => {
        const channel = channelOf(reservation);
        const since = sinceOf(reservation);
        const status = STATUS[reservation.status];
        return (
          <li key={reservation.sid} className="sb-sv-task" data-status={reservation.status}>
            <ChannelIcon channel={channel} />
            {channel && <span className="sb-sv-visually-hidden">{t("supervisor.task.channel", { channel })}</span>}
            <span className="sb-sv-task-customer">{customerText(reservation, t)}</span>
            <Badge tone={status.tone}>{t(status.key)}</Badge>
            {since !== null && <Timer since={since} label={t("supervisor.task.time")} />}
          </li>
        );
      })}
    </ul>
  );
}
