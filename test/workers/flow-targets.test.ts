/**
 * `GET /api/workspaces/WS…/flow-targets` (issue 16): the published flows the desk's "Send to a flow…" offers
 * — by name, drafts left out (a published flow whose latest revision is a draft too: it is being edited),
 * read with the session cookie by any user of the workspace (Studio's own routes take Basic only) or with
 * Basic; another workspace's user gets a 404, no session a 401.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import type { ApiResult } from "../../durable-objects/common/rpc";
import type { FlowRecord } from "../../durable-objects/workspace/flows";
import { workspaceFor } from "../../platform/objects";
import { app } from "../../workers/app";
import { BASIC, call, makeUser, signIn, team } from "./auth-helpers";

const PASSWORD = "flow-targets-password";
const trigger = (next?: string) => ({
  name: "Trigger",
  type: "trigger",
  properties: { offset: { x: 0, y: 0 } },
  transitions: [{ event: "incomingMessage", ...(next ? { next } : {}) }, { event: "incomingRequest" }],
});
/** A flow that greets and ends: valid, so it can be published. */
const GREETING = {
  description: "Greets",
  initial_state: "Trigger",
  flags: { allow_concurrent_calls: true },
  states: [trigger("greet"), { name: "greet", type: "send-message", properties: { body: "Hi!" }, transitions: [] }],
};

let ws: string;
let agent: string;
let stranger: string;
const flows: Record<string, string> = {};

const value = <T>(result: ApiResult<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.message}`);
  return result.value;
};

beforeAll(async () => {
  let workers: [string, string];
  ({ workspaceSid: ws, workers } = await team());
  const { workspaceSid: otherWs, workers: theirs } = await team();
  await makeUser({ Email: "agent@flow-targets.test", Role: "agent", WorkspaceSid: ws, WorkerSid: workers[0], Password: PASSWORD });
  await makeUser({ Email: "stranger@flow-targets.test", Role: "agent", WorkspaceSid: otherWs, WorkerSid: theirs[0], Password: PASSWORD });
  agent = await signIn("agent@flow-targets.test", PASSWORD);
  stranger = await signIn("stranger@flow-targets.test", PASSWORD);

  const workspace = workspaceFor(env, ws);
  const account = env.ACCOUNT_SID!;
  const create = async (friendlyName: string, status: "draft" | "published"): Promise<string> => {
    const made = (await workspace.createFlow(account, { friendlyName, status, definition: GREETING })) as ApiResult<FlowRecord>;
    return value(made).sid;
  };
  flows.survey = await create("Satisfaction survey", "published");
  flows.wip = await create("New menu", "draft");
  flows.bot = await create("Order bot", "published");
  flows.edited = await create("Edited flow", "published");
  value(
    (await workspace.updateFlow(account, flows.edited!, { status: "draft", commitMessage: "work in progress" })) as ApiResult<FlowRecord>,
  );
});

const path = (workspace = ws) => `/api/workspaces/${workspace}/flow-targets`;

describe("flow targets", () => {
  it("lists the published flows by name for an agent of the workspace (session cookie)", async () => {
    const reply = await call("GET", path(), { cookie: agent });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      flows: [
        { sid: flows.bot, friendly_name: "Order bot", status: "published" },
        { sid: flows.survey, friendly_name: "Satisfaction survey", status: "published" },
      ],
    });
  });

  it("answers the same with Basic, and an empty list for a workspace without flows", async () => {
    const basic = await call("GET", path(), { authorization: BASIC, origin: null });
    expect((basic.body.flows as { sid: string }[]).map((f) => f.sid)).toEqual([flows.bot, flows.survey]);
    const { workspaceSid: empty } = await team();
    expect((await call("GET", path(empty), { authorization: BASIC, origin: null })).body).toEqual({ flows: [] });
  });

  it.each([
    ["another workspace's user", () => ({ cookie: stranger }), 404],
    ["no session", () => ({ origin: null }), 401],
    ["a malformed workspace SID", () => ({ cookie: agent }), 404, "/api/workspaces/WSnope/flow-targets"],
  ])("refuses %s (%i)", async (_name, options, status, other?: string) => {
    const reply = await call("GET", other ?? path(), options());
    expect(reply.status).toBe(status);
    expect(reply.body.flows).toBeUndefined();
  });

  it("takes no parameters", async () => {
    const reply = await call("GET", `${path()}?Status=draft`, { cookie: agent });
    expect([reply.status, reply.body.message]).toEqual([400, "Unknown parameter Status"]);
  });

  it("is documented in /openapi.json", async () => {
    const doc = (await (await app.request("http://sb.test/openapi.json", {}, env)).json()) as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    expect(doc.paths["/api/workspaces/{WorkspaceSid}/flow-targets"]?.get?.summary).toMatch(
      /^The published flows a conversation can be sent to/,
    );
  });
});
