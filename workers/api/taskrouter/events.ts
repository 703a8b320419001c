/**
 * TaskRouter v1 Events of a workspace (read-only, kept 30 days), answered by the Router DO, which
 * records every state change — its own and the configuration changes the Workspace DO pushes to it:
 * fetch one, or list newest first, by default the last 15 minutes.
 */
import type { Context } from "hono";
import type { EventRecordRpc } from "../../../durable-objects/router/router-do";
import { routeGroup } from "./context";
import { date, int, paging, sid, str } from "./params";
import { apiUrl, endpoint, pageBody, pageRequest, unwrap } from "./wire";
import { workspaceSidParam } from "./workspaces";
import { routerFor, routerOf } from "../../../platform/objects";

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

const BASE = "/Workspaces/:WorkspaceSid/Events";

const list = endpoint({
  method: "get",
  path: BASE,
  tag: "Events",
  summary: "List events, newest first: the last Minutes (default 15), or StartDate to EndDate",
  listKey: "events",
  params: {
    ...paging,
    EndDate: date().optional(),
    EventType: str({ max: 64 }).optional(),
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
});
const fetchOne = endpoint({ method: "get", path: `${BASE}/:Sid`, tag: "Events", summary: "Fetch an event", params: {} });

const router = (c: Context) => routerFor(c.env, workspaceSidParam(c, "WorkspaceSid"));

routes.get(list.path, async (c) => {
  const p = await list.parse(c);
  const page = pageRequest(p);
  const result = await router(c).listEvents(c.get("accountSid"), {
    ...page,
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
  });
  return c.json(pageBody(c, "events", unwrap(result), page, (record) => eventBody(c, record)));
});

routes.get(fetchOne.path, async (c) => {
  await fetchOne.parse(c);
  const sid = c.req.param("Sid") ?? "";
  return c.json(eventBody(c, unwrap(await routerOf(c.env, workspaceSidParam(c, "WorkspaceSid"), sid).getEvent(c.get("accountSid"), sid))));
});
