/**
 * Studio v2 Executions, their Context, Steps and Step Context (issue 16), at `/v2/Flows/{FlowSid}/Executions…`
 * and the workspace twin (context.ts). An execution is a FlowDO named by its SID (`flowFor(env, "FN…")`);
 * these routes only read and steer it through its fixed RPC surface (durable-objects/flow/flow-do.ts).
 *
 * Creating one is Studio's REST API trigger: the flow's latest published revision (the WorkspaceDO's
 * `flowForExecution`: 409 when none is published) starts with `trigger.request` ({To, From}) and
 * `flow.data` = `Parameters`; `To` is the contact's address. The SID names the workspace's home region,
 * so the FlowDO lives in the workspace's jurisdiction. An execution is found only through the flow and
 * workspace it belongs to: another flow's, workspace's or account's is a 404.
 */
import type { Context } from "hono";
import type { ApiResult, Page } from "../../../durable-objects/common/rpc";
import { ok } from "../../../durable-objects/common/rpc";
import type { ExecutionRecord, StepRecord } from "../../../durable-objects/flow/flow-records";
import { flowFor, workspaceFor } from "../../../platform/objects";
import { homeRegionOf, regionalSid } from "../../../platform/region-sids";
import { ApiError } from "../../http/errors";
import { resourceRoutes } from "../taskrouter/context";
import { jsonObject, oneOf, str } from "../taskrouter/params";
import { pageBody, pageRequest, unwrap } from "../taskrouter/wire";
import { asDeclared, flowUrl, flowWorkspace, mountStudio, pathSid, routeGroup, type StudioContext } from "./context";
import type { PublishedFlow } from "../../../durable-objects/workspace/flows";

export const routes = routeGroup();

const EXECUTIONS = "/v2/Flows/:FlowSid/Executions";

const flowSidOf = (c: Context) => pathSid(c, "FlowSid", "FW", "Flow");
const executionsUrl = (c: Context, flowSid: string) => `${flowUrl(c, flowSid)}/Executions`;

/** An execution as Studio returns it: the record plus `url` and `links`. */
function executionBody(c: Context, record: ExecutionRecord) {
  const url = `${executionsUrl(c, record.flow_sid)}/${record.sid}`;
  return { ...record, url, links: { steps: `${url}/Steps`, execution_context: `${url}/Context` } };
}

function stepBody(c: Context, record: StepRecord) {
  const url = `${executionsUrl(c, record.flow_sid)}/${record.execution_sid}/Steps/${record.sid}`;
  return { ...record, url, links: { step_context: `${url}/Context` } };
}

/**
 * The path's execution (`:Sid` or `:ExecutionSid`), once its record shows it belongs to the path's flow
 * and the request's workspace; a 404 otherwise, the same as for one that does not exist.
 */
async function pathExecution(c: StudioContext, name: "Sid" | "ExecutionSid") {
  const flowSid = flowSidOf(c);
  const sid = pathSid(c, name, "FN", "Execution");
  const stub = flowFor(c.env, sid);
  const found = asDeclared<ExecutionRecord>(await stub.getExecution(c.get("accountSid")));
  const missing = new ApiError(404, 20404, `The requested resource Execution ${sid} was not found`);
  if (!found.ok) throw found.status === 404 ? missing : new ApiError(found.status as 400, found.code, found.message);
  if (found.value.flow_sid !== flowSid || found.value.workspace_sid !== (await flowWorkspace(c))) throw missing;
  return { sid, flowSid, stub, record: found.value };
}

resourceRoutes(routes, {
  path: EXECUTIONS,
  mount: mountStudio,
  tag: "Studio",
  listKey: "executions",
  body: executionBody,
  create: {
    summary: "Start an execution of the flow's latest published revision (Studio's REST API trigger); To is the contact",
    params: {
      To: str({ min: 1, max: 256 }).describe("The contact's address: {{contact.channel.address}}"),
      From: str({ min: 1, max: 256 }).describe("The address the flow speaks from: {{flow.channel.address}}"),
      Parameters: jsonObject(16_384).optional().describe("JSON object of data for the flow: {{flow.data.<name>}}"),
    },
    run: async (c, p): Promise<ApiResult<ExecutionRecord>> => {
      const accountSid = c.get("accountSid");
      const flowSid = flowSidOf(c);
      const workspaceSid = await flowWorkspace(c);
      const flow = unwrap(asDeclared<PublishedFlow>(await workspaceFor(c.env, workspaceSid).flowForExecution(accountSid, flowSid)));
      const sid = regionalSid("FN", homeRegionOf(workspaceSid));
      const parameters = p.Parameters ?? {};
      const started = await flowFor(c.env, sid).start(accountSid, {
        sid,
        workspaceSid,
        flowSid,
        flowRevision: flow.revision,
        definition: flow.definition,
        trigger: { kind: "incomingRequest", request: { To: p.To, From: p.From, to: p.To, from: p.From }, parameters },
        contactChannelAddress: p.To,
        data: parameters,
      });
      return asDeclared<ExecutionRecord>(started);
    },
  },
  fetch: {
    summary: "Fetch an execution",
    run: async (c) => ok((await pathExecution(c, "Sid")).record),
  },
  update: {
    summary: "End an active execution (Status=ended)",
    params: { Status: oneOf(["ended"]).describe("ended: the execution stops where it is (an ended one stays as it was)") },
    run: async (c) => {
      const { stub } = await pathExecution(c, "Sid");
      return asDeclared<ExecutionRecord>(await stub.endExecution(c.get("accountSid"), "ended through the Executions API"));
    },
  },
  remove: {
    summary: "Delete an execution and its steps",
    run: async (c) => {
      const { stub } = await pathExecution(c, "Sid");
      return stub.deleteExecution(c.get("accountSid"));
    },
  },
});

mountStudio(
  routes,
  { method: "get", path: `${EXECUTIONS}/:ExecutionSid/Context`, tag: "Studio", summary: "Fetch an execution's context", params: {} },
  async (c, parse) => {
    await parse();
    const { sid, flowSid, stub } = await pathExecution(c, "ExecutionSid");
    const context = unwrap(asDeclared<Readonly<Record<string, unknown>>>(await stub.executionContext(c.get("accountSid"))));
    const url = `${executionsUrl(c, flowSid)}/${sid}/Context`;
    return c.json({ account_sid: c.get("accountSid"), context, flow_sid: flowSid, execution_sid: sid, url });
  },
);

mountStudio(
  routes,
  {
    method: "get",
    path: `${EXECUTIONS}/:ExecutionSid/Steps`,
    tag: "Studio",
    summary: "List an execution's steps",
    listKey: "steps",
    params: {},
  },
  async (c, parse) => {
    const p = await parse();
    const page = pageRequest(p);
    const { stub } = await pathExecution(c, "ExecutionSid");
    const steps = unwrap(asDeclared<Page<StepRecord>>(await stub.listSteps(c.get("accountSid"), page)));
    return c.json(pageBody(c, "steps", steps, page, (step) => stepBody(c, step)));
  },
);

/** The path's step of the path's execution. */
async function pathStep(c: StudioContext, name: "Sid" | "StepSid") {
  const execution = await pathExecution(c, "ExecutionSid");
  const stepSid = pathSid(c, name, "FT", "Step");
  return { execution, step: unwrap(asDeclared<StepRecord>(await execution.stub.getStep(c.get("accountSid"), stepSid))) };
}

mountStudio(
  routes,
  { method: "get", path: `${EXECUTIONS}/:ExecutionSid/Steps/:Sid`, tag: "Studio", summary: "Fetch a step", params: {} },
  async (c, parse) => {
    await parse();
    const { step } = await pathStep(c, "Sid");
    return c.json(stepBody(c, step));
  },
);

mountStudio(
  routes,
  {
    method: "get",
    path: `${EXECUTIONS}/:ExecutionSid/Steps/:StepSid/Context`,
    tag: "Studio",
    summary: "Fetch a step's context",
    params: {},
  },
  async (c, parse) => {
    await parse();
    const { execution, step } = await pathStep(c, "StepSid");
    const url = `${executionsUrl(c, execution.flowSid)}/${execution.sid}/Steps/${step.sid}/Context`;
    return c.json({
      account_sid: c.get("accountSid"),
      context: step.context,
      execution_sid: execution.sid,
      flow_sid: execution.flowSid,
      step_sid: step.sid,
      url,
    });
  },
);
