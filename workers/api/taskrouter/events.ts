/**
 * TaskRouter v1 Events of a workspace (read-only, kept 30 days), answered by the Router DOs, which
 * record every state change — each its own, and the home region's the configuration changes the
 * Workspace DO pushes to it: fetch one (from the region its SID names), or list newest first across
 * every region, by default the last 15 minutes.
 */
import type { Context } from "hono";
import type { EventRecordRpc } from "../../../durable-objects/router/router-do";
import { resourceRoutes, routeGroup } from "./context";
import { date, int, paging, sid, str } from "./params";
import { apiUrl } from "./wire";
import { listAcrossRegions, routerHolding } from "./across-regions";

export const routes = routeGroup();

/** An event as Twilio returns it: its resource and actor URLs made absolute, plus its own `url`. */
export function eventBody(c: Context, record: EventRecordRpc) {
  const workspace = apiUrl(c, `Workspaces/${record.workspace_sid}`);
  return {
    ...record,
    resource_url: record.resource_url ? `${workspace}/${record.resource_url}` : workspace,
    actor_url: record.actor_type === "account" ? `${new URL(c.req.url).origin}/2010-04-01/Accounts/${record.actor_sid}` : workspace,
    url: `${workspace}/Events/${record.sid}`,
  };
}

/** Newest first, as each Router keeps them. */
const newestFirst = (a: EventRecordRpc, b: EventRecordRpc) => b.event_date_ms - a.event_date_ms || (a.sid < b.sid ? -1 : 1);

resourceRoutes(routes, {
  path: "/Workspaces/:WorkspaceSid/Events",
  tag: "Events",
  listKey: "events",
  body: eventBody,
  list: {
    summary: "List events, newest first: the last Minutes (default 15), or StartDate to EndDate",
    params: {
      ...paging,
      EndDate: date().optional(),
      EventType: str({ max: 64 })
        .describe(
          "One event type: TaskRouter's (task.created, reservation.accepted, worker.activity.update, …) or Switchboard's " +
            "own of a live conversation (supervisor.monitor, supervisor.whisper, supervisor.barge.joined, supervisor.barge.left, " +
            "conversation.survey)",
        )
        .optional(),
      Minutes: int(1, 43_200).optional(),
      ReservationSid: sid("WR").optional(),
      StartDate: date().optional(),
      TaskQueueSid: sid("WQ").optional(),
      TaskSid: sid("WT").optional(),
      WorkerSid: sid("WK").optional(),
      WorkflowSid: sid("WW").optional(),
      TaskChannel: str({ max: 64 }).optional(),
      Sid: sid("EV").optional(),
    },
    run: (c, p, page) =>
      listAcrossRegions(c, page, newestFirst, (router, request) =>
        router.listEvents(c.get("accountSid"), {
          ...request,
          endDate: p.EndDate,
          eventType: p.EventType,
          minutes: p.Minutes,
          reservationSid: p.ReservationSid,
          startDate: p.StartDate,
          taskQueueSid: p.TaskQueueSid,
          taskSid: p.TaskSid,
          workerSid: p.WorkerSid,
          workflowSid: p.WorkflowSid,
          taskChannel: p.TaskChannel,
          sid: p.Sid,
        }),
      ),
  },
  fetch: {
    summary: "Fetch an event",
    run: (c, sid) => routerHolding(c, sid).getEvent(c.get("accountSid"), sid),
  },
});
