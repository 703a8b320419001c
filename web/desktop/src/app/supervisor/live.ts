/**
 * What the supervisor's Live tab and the Teams rows say of the tasks in hand, from the feed alone (pure,
 * so the rules are table-tested): the live chats of the team — every accepted or wrapping task with a
 * conversation, oldest first so the list does not jump as the feed updates — and how a task's customer,
 * channel and start read when an older server sent less. A call (a voice or video task) is listed as one,
 * with its state and clock (liveCallLine, from the call's record).
 */
import type { CallRecord } from "../../../../../contract/calls";
import { isCallChannel } from "../task/call-view";
import type { FeedReservation, FeedWorker } from "./feed";

/** A conversation an agent has in hand now, as the Live list shows it. */
export interface LiveChat {
  readonly conversationSid: string;
  readonly reservationSid: string;
  readonly taskSid: string;
  readonly status: "accepted" | "wrapping";
  readonly workerSid: string;
  readonly agent: string;
  readonly customer: string | null;
  /** The customer's channel (`web`, `sms` …), else the task channel (`chat`). */
  readonly channel: string | null;
  /** The task channel (`chat`, `voice`, `video` …): a call's shows the supervisor's call controls. */
  readonly taskChannel: string | null;
  readonly queueSid: string | null;
  readonly queueName: string | null;
  /** When the reservation was made (epoch ms), null when the server did not say. */
  readonly since: number | null;
}

/** The channel a task's icon shows: the customer's (`web`, `whatsapp`), else the task channel's name. */
export const channelOf = (reservation: FeedReservation): string | null =>
  reservation.channel_type ?? reservation.task_channel_unique_name ?? null;

/** When the task came to the agent (epoch ms), or null. */
export function sinceOf(reservation: FeedReservation): number | null {
  const ms = reservation.date_created ? Date.parse(reservation.date_created) : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Every live chat of the team: accepted or wrapping, with a conversation; oldest first, then by SID.
 * @example liveChatsOf(feed.workers).map((c) => c.customer) // ["Ann Lee", "Bo"]
 */
export function liveChatsOf(workers: readonly FeedWorker[]): LiveChat[] {
  const chats: LiveChat[] = [];
  for (const worker of workers)
    for (const r of worker.reservations) {
      if ((r.status !== "accepted" && r.status !== "wrapping") || !r.conversation_sid) continue;
      chats.push({
        conversationSid: r.conversation_sid,
        reservationSid: r.sid,
        taskSid: r.task_sid,
        status: r.status,
        workerSid: worker.sid,
        agent: worker.friendly_name,
        customer: r.customer ?? null,
        // A call shows as one (its phone or camera icon), whichever channel the customer came from.
        channel: isCallChannel(r.task_channel_unique_name) ? r.task_channel_unique_name : channelOf(r),
        taskChannel: r.task_channel_unique_name ?? null,
        queueSid: r.task_queue_sid ?? null,
        queueName: r.task_queue_name ?? null,
        since: sinceOf(r),
      });
    }
  return chats.sort((a, b) => (a.since ?? 0) - (b.since ?? 0) || a.reservationSid.localeCompare(b.reservationSid));
}

/** A live call's cell in the Live list: its state and since when its clock runs (epoch ms; null when unknown). */
export interface LiveCallLine {
  readonly state: "waiting" | "connected" | "held";
  readonly since: number | null;
}

const msOf = (iso: string | null): number | null => {
  const ms = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
};

/**
 * What the Live list says of a conversation's call: nothing once it ended (or there is none); waiting,
 * timed from when it started; connected or held, timed from when it connected (as the agent's call panel).
 * @example liveCallLine({ ...call, state: "held", date_connected: "2026-12-07T10:00:00Z" }) // { state: "held", since: 1796637600000 }
 */
export function liveCallLine(call: CallRecord | null): LiveCallLine | null {
  if (call === null) return null;
  switch (call.state) {
    case "ended":
      return null;
    case "waiting":
      return { state: "waiting", since: msOf(call.date_created) };
    case "connected":
    case "held":
      return { state: call.state, since: msOf(call.date_connected) ?? msOf(call.date_created) };
    default:
      return call.state satisfies never;
  }
}
