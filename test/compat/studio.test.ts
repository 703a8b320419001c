/**
 * Studio v2 through the stock `twilio` client pointed at Switchboard (`client.studio.baseUrl = origin`),
 * as a team moving its flows off Twilio deploys them: an exported flow created and published, fetched,
 * revised, its revisions listed (through the client's `request`: see listRevisions), FlowValidate good and bad (the problems in the exception's `details`),
 * a workspace's own flows through the twin path, and the flow deleted; then an execution started as
 * Studio's outbound case does (`executions.create({to, from, parameters})`) and read back: listed, its
 * context, its steps and a step's context.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { switchboardClient } from "./client";
import { MENU_FLOW, MENU_FLOW_V2, REST_FLOW, DIAL_OUT_FLOW } from "../support/studio-flows";

/** The stock client's error, with the `details` Studio's validation errors carry. */
interface RestError {
  status: number;
  code: number;
  message: string;
  details?: { errors: { message: string; property_path: string }[]; warnings: unknown[] };
}

function studioClient(base = inject("baseUrl")) {
  const client = switchboardClient();
  client.studio.baseUrl = base;
  return client;
}

const client = studioClient();
const v2 = client.studio.v2;
const suffix = () => randomUUID().slice(0, 8);
const refusal = async (promise: Promise<unknown>): Promise<RestError> => {
  try {
    await promise;
  } catch (error) {
    return error as RestError;
  }
  throw new Error("expected the request to be refused");
};

/**
 * A flow's revisions, newest first, as [revision, status]. Through the client's own `request`, because
 * twilio 6.2.0's `flows(sid).revisions.list()` cannot read any list: its FlowRevisionInstance calls
 * `revision.toString()` on the revision a list item is not given (a client bug; the page is Studio's).
 */
async function listRevisions(flowSid: string): Promise<[number, string][]> {
  const response = await client.request({ method: "get", uri: `${inject("baseUrl")}/v2/Flows/${flowSid}/Revisions` });
  expect(response.statusCode).toBe(200);
  const body = (typeof response.body === "string" ? JSON.parse(response.body) : response.body) as {
    revisions: { revision: number; status: string }[];
    meta: { key: string };
  };
  expect(body.meta.key).toBe("revisions");
  return body.revisions.map((r) => [r.revision, r.status]);
}

beforeAll(async () => {
  // Account-level paths act on the account's oldest workspace: make sure there is one.
  await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-studio-${suffix()}`, template: "FIFO" });
});

describe("flows", () => {
  it("create, fetch, update (a new revision), list revisions, delete", async () => {
    const name = `Support menu ${suffix()}`;
    const created = await v2.flows.create({ friendlyName: name, status: "published", definition: MENU_FLOW, commitMessage: "first cut" });
    expect(created.sid).toMatch(/^FW[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      friendlyName: name,
      status: "published",
      revision: 1,
      valid: true,
      errors: [],
      commitMessage: "first cut",
      accountSid: inject("accountSid"),
    });
    expect(created.definition).toEqual(MENU_FLOW);
    expect(created.url).toBe(`${inject("baseUrl")}/v2/Flows/${created.sid}`);

    const fetched = await v2.flows(created.sid).fetch();
    expect(fetched.definition).toEqual(MENU_FLOW);

    const updated = await v2.flows(created.sid).update({ status: "published", definition: MENU_FLOW_V2, commitMessage: "new hours" });
    expect(updated).toMatchObject({ revision: 2, status: "published", commitMessage: "new hours" });
    expect(updated.definition).toEqual(MENU_FLOW_V2);

    expect(await listRevisions(created.sid)).toEqual([
      [2, "published"],
      [1, "published"],
    ]);
    const first = await v2.flows(created.sid).revisions("1").fetch();
    expect(first.definition).toEqual(MENU_FLOW);
    expect((await v2.flows(created.sid).revisions("LatestPublished").fetch()).revision).toBe(2);

    const listed = await v2.flows.list();
    expect(listed.map((f) => f.sid)).toContain(created.sid);

    expect(await v2.flows(created.sid).remove()).toBe(true);
    expect(await refusal(v2.flows(created.sid).fetch())).toMatchObject({ status: 404, code: 20404 });
  });

  it("validates a good definition, and refuses a bad one with the problems in details", async () => {
    const good = await v2.flowValidate.update({ friendlyName: "check", status: "published", definition: MENU_FLOW });
    expect(good.valid).toBe(true);

    const bad = await refusal(v2.flowValidate.update({ friendlyName: "check", status: "published", definition: DIAL_OUT_FLOW }));
    expect(bad).toMatchObject({ status: 400, code: 20001 });
    expect(bad.message).toContain("connect-call-to");
    expect(JSON.stringify(bad.details?.errors)).toContain("connect-call-to");
  });

  it("refuses to publish an invalid flow, and saves it as a draft with its errors", async () => {
    const refused = await refusal(v2.flows.create({ friendlyName: "bad", status: "published", definition: DIAL_OUT_FLOW }));
    expect(refused).toMatchObject({ status: 400, code: 20001 });
    const draft = await v2.flows.create({ friendlyName: "wip", status: "draft", definition: DIAL_OUT_FLOW });
    expect(draft).toMatchObject({ status: "draft", valid: false });
    expect(JSON.stringify(draft.errors)).toContain("connect-call-to");
    await v2.flows(draft.sid).remove();
  });

  it("keeps a workspace's own flows behind its twin path", async () => {
    const workspace = await client.taskrouter.v1.workspaces.create({ friendlyName: `compat-studio-own-${suffix()}` });
    const own = studioClient(`${inject("baseUrl")}/api/workspaces/${workspace.sid}/studio`).studio.v2;
    const flow = await own.flows.create({ friendlyName: "own", status: "published", definition: MENU_FLOW });
    expect(flow.url).toBe(`${inject("baseUrl")}/api/workspaces/${workspace.sid}/studio/v2/Flows/${flow.sid}`);
    expect((await own.flows(flow.sid).fetch()).sid).toBe(flow.sid);
    expect((await own.flows.list()).map((f) => f.sid)).toEqual([flow.sid]);
    // Not the account's default workspace: Studio's own path does not find it.
    expect(await refusal(v2.flows(flow.sid).fetch())).toMatchObject({ status: 404 });
  });
});

describe("executions", () => {
  it("create with parameters, list, fetch the context, list the steps and fetch one's context", async () => {
    const flow = await v2.flows.create({ friendlyName: `Greet ${suffix()}`, status: "published", definition: REST_FLOW });
    const execution = await v2
      .flows(flow.sid)
      .executions.create({ to: "+15551230000", from: "+15559870000", parameters: { name: "Zeke" } });
    expect(execution.sid).toMatch(/^FN[0-9a-f]{32}$/);
    expect(execution).toMatchObject({ flowSid: flow.sid, contactChannelAddress: "+15551230000", accountSid: inject("accountSid") });

    const listed = await v2.flows(flow.sid).executions.list();
    expect(listed.map((e) => e.sid)).toEqual([execution.sid]);

    const context = await v2.flows(flow.sid).executions(execution.sid).executionContext().fetch();
    const flowContext = (context.context as { flow: { data: unknown; variables: Record<string, string> } }).flow;
    expect(flowContext.data).toEqual({ name: "Zeke" });
    expect(flowContext.variables.greeting).toBe("Hello Zeke, this is +15559870000");

    const steps = await v2.flows(flow.sid).executions(execution.sid).steps.list();
    expect(steps.map((step) => [step.transitionedFrom, step.transitionedTo])).toEqual([
      ["Trigger", "greet"],
      ["greet", "Ended"],
    ]);
    const stepContext = await v2.flows(flow.sid).executions(execution.sid).steps(steps[0]!.sid).stepContext().fetch();
    expect(stepContext).toMatchObject({ stepSid: steps[0]!.sid, executionSid: execution.sid, flowSid: flow.sid });

    expect(await v2.flows(flow.sid).executions(execution.sid).remove()).toBe(true);
    expect(await refusal(v2.flows(flow.sid).executions(execution.sid).fetch())).toMatchObject({ status: 404 });
  });
});
