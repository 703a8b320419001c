/**
 * TaskRouter v1 Workspaces: create, fetch, update, delete (each by the WorkspaceDO of that SID) and
 * list (by the account's directory in its AccountDO, so listing never wakes every workspace).
 * Parameter names and the `links` of a workspace are Twilio's, from its OpenAPI description.
 */
import type { Context } from "hono";
import { z } from "zod";
import type { WorkspaceRecord } from "../../../contract/taskrouter";
import { isSid } from "../../../contract/ids";
import { invalid } from "../../../durable-objects/common/rpc";
import { homeForNew, jurisdictionRefusal } from "../../../platform/jurisdictions";
import { JURISDICTIONS } from "../../../platform/regions";
import { resourceNotFound } from "../../http/errors";
import { resourceRoutes, routeGroup } from "./context";
import { bool, oneOf, paging, region, sid, str, strictBool, url } from "./params";
import { withLinks } from "./wire";
import { accountFor, workspaceFor } from "../../../platform/objects";
import { regionalSid } from "../../../platform/region-sids";
import { regions } from "../../../platform/regions";

export const routes = routeGroup();

const WORKSPACE_LINKS = {
  activities: "Activities",
  events: "Events",
  task_queues: "TaskQueues",
  tasks: "Tasks",
  workers: "Workers",
  workflows: "Workflows",
  statistics: "Statistics",
  real_time_statistics: "RealTimeStatistics",
  cumulative_statistics: "CumulativeStatistics",
  task_channels: "TaskChannels",
};

/** A workspace as Twilio returns it: the record plus `url` and `links`. */
export const workspaceBody = (c: Context, record: WorkspaceRecord) => withLinks(c, record, `Workspaces/${record.sid}`, WORKSPACE_LINKS);

/** The `Sid` path parameter when it is a workspace SID; anything else is a 404, without waking an object. */
export function workspaceSidParam(c: Context, name = "Sid"): string {
  const value = c.req.param(name) ?? "";
  if (!isSid("WS", value)) throw resourceNotFound(new URL(c.req.url).pathname);
  return value;
}

const friendlyName = str({ min: 1, max: 64 });
const queueOrder = oneOf(["FIFO", "LIFO"]);
/** On update an empty string clears the URL. */
const clearableUrl = z.union([z.literal(""), url()]);
/** Switchboard's own parameter (Twilio has no such setting); on by default. */
const cardMasking = strictBool().describe(
  "Switchboard only. Mask card numbers in task and worker attributes (and the events that carry them) before they are stored: true (default) or false",
);

/** Switchboard's own: the team's hold music for calls (README, "The media service"). */
const holdMusicUrl = url().describe(
  "Switchboard only. The team's hold music for calls: the http(s) URL of a WAV file (16-bit PCM, mono or stereo, at most 10 MB) the media service loops to callers who wait or are held; unset, a built-in gentle loop plays",
);

/** Switchboard's own: where the workspace's data lives, fixed at creation (README, "Data residency"). */
const jurisdiction = oneOf(JURISDICTIONS).describe(
  "Switchboard only. Pin the workspace to a jurisdiction: every object and byte of it (routing, conversations, profiles, attachments, reporting) stays inside it. One that a region of regions.json is in; fixed for the workspace's life",
);
/** On update only the jurisdiction it is in ("" for none) is accepted: a workspace never moves. */
const sameJurisdiction = z
  .union([z.literal(""), jurisdiction])
  .describe(
    'Switchboard only. The workspace\'s jurisdiction ("" for none); any other than the one it is in is refused: moving is not supported',
  );

const workspace = (c: Context) => workspaceFor(c.env, workspaceSidParam(c));

resourceRoutes(routes, {
  path: "/Workspaces",
  tag: "Workspaces",
  listKey: "workspaces",
  body: workspaceBody,
  create: {
    summary: "Create a workspace with Twilio's default activities and task channels (Template=FIFO adds a queue and a workflow)",
    params: {
      FriendlyName: friendlyName,
      EventCallbackUrl: url().optional(),
      EventsFilter: str({ max: 4096 }).optional(),
      MultiTaskEnabled: bool().optional(),
      Template: oneOf(["NONE", "FIFO"]).optional(),
      PrioritizeQueueOrder: queueOrder.optional(),
      CardMaskingEnabled: cardMasking.optional(),
      HoldMusicUrl: holdMusicUrl.optional(),
      Region: region(`The workspace's home region (default ${regions.defaultRegion}), named by its SID for good`).optional(),
      Jurisdiction: jurisdiction.optional(),
    },
    run: async (c, p) => {
      const refusal = p.Jurisdiction === undefined ? null : jurisdictionRefusal(p.Jurisdiction);
      if (refusal) return invalid("Jurisdiction", refusal);
      const home = homeForNew(p.Jurisdiction, p.Region);
      if (home === null)
        return invalid("Region", `${p.Region ?? ""} is not in the "${p.Jurisdiction ?? ""}" jurisdiction the workspace is pinned to`);
      const sid = regionalSid("WS", home);
      return workspaceFor(c.env, sid).createWorkspace(c.get("accountSid"), sid, {
        friendlyName: p.FriendlyName,
        eventCallbackUrl: p.EventCallbackUrl,
        eventsFilter: p.EventsFilter,
        multiTaskEnabled: p.MultiTaskEnabled,
        template: p.Template,
        prioritizeQueueOrder: p.PrioritizeQueueOrder,
        cardMaskingEnabled: p.CardMaskingEnabled,
        holdMusicUrl: p.HoldMusicUrl,
      });
    },
  },
  list: {
    summary: "List the account's workspaces, oldest first",
    params: { ...paging, FriendlyName: str().optional() },
    run: (c, p, page) => accountFor(c.env, c.get("accountSid")).listWorkspaces({ friendlyName: p.FriendlyName }, page),
  },
  fetch: { summary: "Fetch a workspace", run: (c) => workspace(c).getWorkspace(c.get("accountSid")) },
  update: {
    summary: "Update a workspace",
    params: {
      DefaultActivitySid: sid("WA").optional(),
      EventCallbackUrl: clearableUrl.optional(),
      EventsFilter: str({ max: 4096 }).optional(),
      FriendlyName: friendlyName.optional(),
      MultiTaskEnabled: bool().optional(),
      TimeoutActivitySid: sid("WA").optional(),
      PrioritizeQueueOrder: queueOrder.optional(),
      CardMaskingEnabled: cardMasking.optional(),
      HoldMusicUrl: z
        .union([z.literal(""), holdMusicUrl])
        .describe("Switchboard only. The team's hold music: a WAV's http(s) URL, or \"\" to go back to the built-in loop")
        .optional(),
      Jurisdiction: sameJurisdiction.optional(),
    },
    run: (c, _sid, p) =>
      workspace(c).updateWorkspace(c.get("accountSid"), {
        defaultActivitySid: p.DefaultActivitySid,
        eventCallbackUrl: p.EventCallbackUrl,
        eventsFilter: p.EventsFilter,
        friendlyName: p.FriendlyName,
        multiTaskEnabled: p.MultiTaskEnabled,
        timeoutActivitySid: p.TimeoutActivitySid,
        prioritizeQueueOrder: p.PrioritizeQueueOrder,
        cardMaskingEnabled: p.CardMaskingEnabled,
        holdMusicUrl: p.HoldMusicUrl,
        jurisdiction: p.Jurisdiction,
      }),
  },
  remove: { summary: "Delete a workspace and everything in it", run: (c) => workspace(c).deleteWorkspace(c.get("accountSid")) },
});
