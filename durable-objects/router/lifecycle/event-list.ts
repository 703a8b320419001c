/**
 * Reading events: one by SID, or a list filtered as Twilio's Events API is — by type, by what the
 * event is about, and by time (the last `Minutes`, 15 by default, or StartDate/EndDate) — newest first.
 */
import { getEvent as getStoredEvent, listEvents as listStoredEvents, EVENT_RETENTION_MS } from "../store/event-store";
import { pageFrom, type PageWindow } from "../../kit/paging";
import { invalid, notFound, ok, type ApiResult, type Page, type PageRequest } from "../../common/rpc";
import type { EventRecord } from "../../../contract/taskrouter";
import { checkDate, checkInteger } from "./checks";
import type { Op } from "./router-operation";

export interface ListEventsInput extends PageRequest {
  readonly eventType?: string;
  /** Events of the last N minutes (default 15; ignored when StartDate is given). */
  readonly minutes?: number;
  /** Epoch ms. */
  readonly startDate?: number;
  readonly endDate?: number;
  readonly taskSid?: string;
  readonly workerSid?: string;
  readonly reservationSid?: string;
  readonly taskQueueSid?: string;
  readonly workflowSid?: string;
  /** A TaskChannel SID or unique name. */
  readonly taskChannel?: string;
  readonly sid?: string;
}

export const DEFAULT_EVENT_MINUTES = 15;
const MAX_MINUTES = EVENT_RETENTION_MS / 60_000;

export function getEvent(op: Op, sid: string): ApiResult<EventRecord> {
  const event = getStoredEvent(op.host, sid);
  return event ? ok(event) : notFound("Event", sid);
}

export function listEvents(op: Op, input: ListEventsInput, window: PageWindow): ApiResult<Page<EventRecord>> {
  const end = input.endDate === undefined ? ok(op.now) : checkDate(input.endDate, "EndDate");
  if (!end.ok) return end;
  let start: number;
  if (input.startDate !== undefined) {
    const checked = checkDate(input.startDate, "StartDate");
    if (!checked.ok) return checked;
    start = checked.value;
  } else {
    const minutes = checkInteger(input.minutes ?? DEFAULT_EVENT_MINUTES, "Minutes", 1, MAX_MINUTES);
    if (!minutes.ok) return minutes;
    start = end.value - minutes.value * 60_000;
  }
  if (start > end.value) return invalid("StartDate", "must not be after EndDate");
  const channel = input.taskChannel === undefined ? undefined : (op.view.taskChannelRef(input.taskChannel)?.sid ?? input.taskChannel);
  const found = listStoredEvents(
    op.host,
    {
      startMs: start,
      endMs: end.value,
      eventType: input.eventType,
      sid: input.sid,
      taskSid: input.taskSid,
      workerSid: input.workerSid,
      reservationSid: input.reservationSid,
      taskQueueSid: input.taskQueueSid,
      workflowSid: input.workflowSid,
      taskChannelSid: channel,
    },
    window,
  );
  return ok(pageFrom(found, window));
}
