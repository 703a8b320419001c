/**
 * Studio v2 Flows, their Revisions, and FlowValidate (issue 16), at `/v2/Flows…` and the workspace twin
 * (context.ts). A flow is stored in its workspace's WorkspaceDO (durable-objects/workspace/flows.ts has
 * Studio's rules: revisions, drafts that may be invalid, never an invalid publish); FlowValidate runs the
 * engine's validator here and stores nothing.
 *
 * `Definition` is the flow's JSON as Studio exports it — text in a form (what the stock client sends), or
 * an object in a JSON body. Text that is not a JSON object is a 400 naming `Definition`; a definition that
 * is JSON but not a valid flow is Studio's 400 with every problem in `details` (docs/errors.md, 20001).
 *
 * @example
 * curl -u "$ACCOUNT_SID:$AUTH_TOKEN" https://switchboard.example/v2/Flows \
 *   -d FriendlyName="Main menu" -d Status=published --data-urlencode Definition@flow.json
 */
import type { Context } from "hono";
import { validateDefinition } from "../../../durable-objects/flow/engine/engine";
import {
  FLOW_STATUSES,
  invalidDefinition,
  type FlowRecord,
  type FlowRevisionRecord,
  type RevisionRef,
} from "../../../durable-objects/workspace/flows";
import { defined } from "../../../durable-objects/common/rpc";
import { workspaceFor } from "../../../platform/objects";
import { ApiError } from "../../http/errors";
import { resourceRoutes } from "../taskrouter/context";
import { jsonObject, oneOf, str } from "../taskrouter/params";
import { unwrap } from "../taskrouter/wire";
import { flowUrl, flowWorkspace, mountStudio, pathSid, routeGroup, type StudioContext } from "./context";

export const routes = routeGroup();

/** A definition's JSON text: Studio caps a flow at 2,000 widgets; 1 MB holds that with room. */
const MAX_DEFINITION_BYTES = 1_000_000;
/** Create, update and validate read a body this large (the definition and the form's escaping). */
export const FLOW_BODY_LIMIT = 3_000_000;

const definition = jsonObject(MAX_DEFINITION_BYTES).describe(
  "The flow's definition, Studio's JSON as exported (states, initial_state, flags): JSON text of an object",
);
const status = oneOf(FLOW_STATUSES).describe(
  "draft (may be invalid: saved with valid false and its errors) or published (must be valid; executions run the latest published revision)",
);
const commitMessage = str({ max: 1000 }).describe("Description of the change, kept with the revision");
const friendlyName = str({ min: 1, max: 64 });

const workspace = async (c: StudioContext) => workspaceFor(c.env, await flowWorkspace(c));
const flowSid = (c: Context) => pathSid(c, "Sid", "FW", "Flow");

/** A flow as Studio returns it: the record plus `url` and `links`. */
function flowBody(c: Context, record: FlowRecord) {
  const url = flowUrl(c, record.sid);
  return { ...record, url, links: { revisions: `${url}/Revisions`, executions: `${url}/Executions` } };
}

/** A revision as Studio returns it: the record plus its `url`. */
const revisionBody = (c: Context, record: FlowRevisionRecord) => ({
  ...record,
  url: `${flowUrl(c, record.sid)}/Revisions/${record.revision}`,
});

// FlowValidate first: `/v2/Flows/Validate` would otherwise be taken for a flow's update.
mountStudio(
  routes,
  {
    method: "post",
    path: "/v2/Flows/Validate",
    tag: "Studio",
    summary: "Validate a flow definition without saving it: 200 {valid: true}, or 400 with every error and warning in details",
    params: { FriendlyName: friendlyName, Status: status, Definition: definition, CommitMessage: commitMessage.optional() },
    maxBodyBytes: FLOW_BODY_LIMIT,
    status: 200,
  },
  async (c, parse) => {
    const p = await parse();
    const result = validateDefinition(p.Definition);
    if (!result.ok) unwrap(invalidDefinition({ errors: result.errors, warnings: [] }));
    return c.json({ valid: true });
  },
);

resourceRoutes(routes, {
  path: "/v2/Flows",
  mount: mountStudio,
  maxBodyBytes: FLOW_BODY_LIMIT,
  tag: "Studio",
  listKey: "flows",
  body: flowBody,
  sid: (c) => {
    const sid = c.req.param("Sid") ?? "";
    return sid === "Validate" ? null : sid;
  },
  create: {
    summary: "Create a flow (revision 1). Studio has no idempotency: the same request twice makes two flows",
    params: { FriendlyName: friendlyName, Status: status, Definition: definition, CommitMessage: commitMessage.optional() },
    run: async (c, p) =>
      (await workspace(c)).createFlow(c.get("accountSid"), {
        friendlyName: p.FriendlyName,
        status: p.Status,
        definition: p.Definition,
        ...defined({ commitMessage: p.CommitMessage }),
      }),
  },
  list: {
    summary: "List the workspace's flows, oldest first (definitions left out, as Studio's list does)",
    params: {},
    run: async (c, _p, page) => (await workspace(c)).listFlows(c.get("accountSid"), page),
  },
  fetch: {
    summary: "Fetch a flow: its latest revision",
    run: async (c) => (await workspace(c)).getFlow(c.get("accountSid"), flowSid(c)),
  },
  update: {
    summary:
      "Update a flow: a new revision when the definition or status changes; Status=published without a Definition publishes the latest revision's",
    params: {
      Status: status,
      FriendlyName: friendlyName.optional(),
      Definition: definition.optional(),
      CommitMessage: commitMessage.optional(),
    },
    run: async (c, _sid, p) =>
      (await workspace(c)).updateFlow(c.get("accountSid"), flowSid(c), {
        status: p.Status,
        ...defined({ friendlyName: p.FriendlyName, definition: p.Definition, commitMessage: p.CommitMessage }),
      }),
  },
  remove: {
    summary: "Delete a flow and its revisions (409 while a channel runs it)",
    run: async (c) => (await workspace(c)).deleteFlow(c.get("accountSid"), flowSid(c)),
  },
});

/** A Revision path segment: a revision number, `LatestPublished` or `LatestRevision` (else Studio's 81021). */
function revisionRef(c: Context): RevisionRef {
  const text = c.req.param("Revision") ?? "";
  if (text === "LatestPublished" || text === "LatestRevision") return text;
  if (/^[1-9]\d{0,8}$/.test(text)) return Number(text);
  throw new ApiError(
    400,
    81021,
    `Flow revision must be an integer or enum(LatestPublished, LatestRevision), got ${JSON.stringify(text.slice(0, 40))}`,
  );
}

resourceRoutes(routes, {
  path: "/v2/Flows/:Sid/Revisions",
  itemPath: "/v2/Flows/:Sid/Revisions/:Revision",
  mount: mountStudio,
  tag: "Studio",
  listKey: "revisions",
  body: revisionBody,
  sid: (c) => c.req.param("Revision") ?? "",
  list: {
    summary: "List a flow's revisions, newest first (definitions left out)",
    params: {},
    run: async (c, _p, page) => (await workspace(c)).listFlowRevisions(c.get("accountSid"), flowSid(c), page),
  },
  fetch: {
    summary: "Fetch a revision: its number, LatestPublished or LatestRevision",
    run: async (c) => {
      const ref = revisionRef(c);
      return (await workspace(c)).getFlowRevision(c.get("accountSid"), flowSid(c), ref);
    },
  },
});
