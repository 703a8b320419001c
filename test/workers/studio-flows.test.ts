/**
 * Studio v2 Flows over HTTP (/v2/Flows… and the workspace twin /api/workspaces/WS…/studio/v2/Flows…):
 * an exported flow created, fetched, revised and listed as Studio answers; FlowValidate good and bad;
 * every bad input a 400 naming what is wrong with nothing stored; a channel that runs a flow, and the flow
 * it keeps from deletion; the revision an execution runs; and the usual scoping (401 without credentials,
 * 404 for another workspace's or account's flow, unknown and malformed SIDs).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { workspaceFor } from "../../platform/objects";
import { MENU_FLOW, MENU_FLOW_V2, NO_START_FLOW, DIAL_OUT_FLOW } from "../support/studio-flows";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const ORIGIN = "https://sb.example";
const call = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init, env);
const post = (path: string, form: Record<string, string>) =>
  call(path, { method: "POST", headers: FORM, body: new URLSearchParams(form).toString() });
const get = (path: string) => call(path, { headers: AUTH });
const OTHER_ACCOUNT = "AC" + "6".repeat(32);
const UNKNOWN_FW = "FW" + "0".repeat(32);

interface Flow {
  sid: string;
  revision: number;
  status: string;
  valid: boolean | null;
  errors: { message: string; property_path: string }[] | null;
  warnings: unknown[] | null;
  definition: unknown;
  friendly_name: string;
  url: string;
  links: Record<string, string>;
}
interface ErrorBody {
  code: number;
  message: string;
  status: number;
  details?: { errors: { message: string; property_path: string }[]; warnings: unknown[] };
}

let ws = ""; // the account's first workspace: what /v2/Flows acts on
let other = ""; // a second workspace of the same account
const scoped = (path: string, workspace = other) => `/api/workspaces/${workspace}/studio${path}`;
const createFlow = async (form: Record<string, string>, path = "/v2/Flows") => {
  const response = await post(path, form);
  expect(response.status).toBe(201);
  return (await response.json()) as Flow;
};
const flowCount = async (path = "/v2/Flows") => ((await (await get(`${path}?PageSize=1000`)).json()) as { flows: Flow[] }).flows.length;
const menu = { FriendlyName: "Support menu", Status: "published", Definition: JSON.stringify(MENU_FLOW) };

beforeAll(async () => {
  const sids: string[] = [];
  for (const name of ["first", "second"]) {
    const created = await post("/taskrouter/v1/Workspaces", { FriendlyName: name, Template: "FIFO" });
    sids.push(((await created.json()) as { sid: string }).sid);
  }
  // The account's default workspace is the first it lists (created in the same millisecond, the SID decides).
  const listed = (await (await get("/taskrouter/v1/Workspaces?PageSize=1")).json()) as { workspaces: { sid: string }[] };
  ws = listed.workspaces[0]!.sid;
  other = sids.find((sid) => sid !== ws)!;
});

describe("creating, fetching and listing flows", () => {
  it("publishes an exported flow as revision 1, answered as Studio's Flow with its url and links", async () => {
    const flow = await createFlow({ ...menu, CommitMessage: "first cut" });
    expect(flow.sid).toMatch(/^FW[0-9a-f]{32}$/);
    expect(flow).toMatchObject({
      account_sid: env.ACCOUNT_SID,
      workspace_sid: ws,
      friendly_name: "Support menu",
      status: "published",
      revision: 1,
      commit_message: "first cut",
      valid: true,
      errors: [],
      definition: MENU_FLOW,
      date_updated: null,
      url: `${ORIGIN}/v2/Flows/${flow.sid}`,
      links: { revisions: `${ORIGIN}/v2/Flows/${flow.sid}/Revisions`, executions: `${ORIGIN}/v2/Flows/${flow.sid}/Executions` },
    });
    expect(await (await get(`/v2/Flows/${flow.sid}`)).json()).toEqual(flow);
  });

  it("takes the definition as an object in a JSON body too", async () => {
    const response = await call("/v2/Flows", {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: JSON.stringify({ FriendlyName: "as JSON", Status: "published", Definition: MENU_FLOW }),
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as Flow).definition).toEqual(MENU_FLOW);
  });

  it("makes a new flow for the same request twice (Studio has no idempotency), and lists them without definitions", async () => {
    const before = await flowCount();
    const a = await createFlow({ ...menu, FriendlyName: "twin" });
    const b = await createFlow({ ...menu, FriendlyName: "twin" });
    expect(a.sid).not.toBe(b.sid);
    const list = (await (await get("/v2/Flows?PageSize=1000")).json()) as { flows: Flow[]; meta: { key: string; page_size: number } };
    expect(list.flows).toHaveLength(before + 2);
    expect(list.meta).toMatchObject({ key: "flows", page_size: 1000 });
    const listed = list.flows.find((f) => f.sid === b.sid)!;
    expect(listed).toMatchObject({ friendly_name: "twin", status: "published", revision: 1, definition: null, valid: null, errors: null });
  });

  it("saves an invalid draft with valid false and its errors, as Studio's canvas does", async () => {
    const flow = await createFlow({ FriendlyName: "work in progress", Status: "draft", Definition: JSON.stringify(NO_START_FLOW) });
    expect(flow).toMatchObject({ status: "draft", revision: 1, valid: false, definition: NO_START_FLOW });
    expect(flow.errors!.length).toBeGreaterThan(0);
  });
});

describe("bad definitions", () => {
  it.each([
    ["not JSON", "{states: [", "Invalid parameter Definition: must be valid JSON"],
    ["JSON but not an object", "[1, 2]", "Invalid parameter Definition: must be a JSON object"],
  ])("refuses a definition that is %s, naming Definition, and stores nothing", async (_what, text, message) => {
    const before = await flowCount();
    const response = await post("/v2/Flows", { ...menu, Definition: text });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).message).toContain(message);
    expect(await flowCount()).toBe(before);
  });

  it("refuses to publish an invalid definition with Studio's error body: the first error named, every one in details", async () => {
    const before = await flowCount();
    const response = await post("/v2/Flows", { ...menu, Definition: JSON.stringify(NO_START_FLOW) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body).toMatchObject({ code: 20001, status: 400 });
    const first = body.details!.errors[0]!;
    expect(body.message).toBe(
      `Invalid Flow definition: ${first.property_path} ${first.message} (${body.details!.errors.length} error${body.details!.errors.length === 1 ? "" : "s"})`,
    );
    expect(await flowCount()).toBe(before);
  });

  it("names a widget of a kind this release does not run", async () => {
    const response = await post("/v2/Flows", { ...menu, Definition: JSON.stringify(DIAL_OUT_FLOW) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(JSON.stringify(body.details!.errors)).toContain("connect-call-to");
    expect(body.message).toContain("connect-call-to");
  });

  it.each([
    ["no Status", { FriendlyName: "x", Definition: "{}" }, "Missing required parameter Status"],
    ["a Status Studio lacks", { ...menu, Status: "live" }, "Invalid parameter Status: must be one of draft, published"],
    ["no FriendlyName", { Status: "draft", Definition: "{}" }, "Missing required parameter FriendlyName"],
    ["an unknown parameter", { ...menu, Colour: "red" }, "Unknown parameter Colour"],
  ])("refuses a create with %s", async (_what, form, message) => {
    const response = await post("/v2/Flows", form as Record<string, string>);
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).message).toContain(message);
  });
});

describe("FlowValidate", () => {
  it("answers {valid: true} for a good definition and stores nothing", async () => {
    const before = await flowCount();
    const response = await post("/v2/Flows/Validate", menu);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ valid: true });
    expect(await flowCount()).toBe(before);
  });

  it("answers 400 with the problems in details for a bad one, draft or not", async () => {
    for (const Status of ["draft", "published"]) {
      const response = await post("/v2/Flows/Validate", { ...menu, Status, Definition: JSON.stringify(DIAL_OUT_FLOW) });
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.code).toBe(20001);
      expect(JSON.stringify(body.details)).toContain("connect-call-to");
    }
  });
});

describe("updating a flow and its revisions", () => {
  it("appends revisions; the flow is its latest; executions run the latest published", async () => {
    const flow = await createFlow(menu);
    const draft = await post(`/v2/Flows/${flow.sid}`, {
      Status: "draft",
      Definition: JSON.stringify(MENU_FLOW_V2),
      CommitMessage: "new hours",
    });
    expect(draft.status).toBe(200);
    expect(await draft.json()).toMatchObject({ revision: 2, status: "draft", definition: MENU_FLOW_V2, commit_message: "new hours" });

    const stub = workspaceFor(env, ws);
    expect(await stub.flowForExecution(env.ACCOUNT_SID!, flow.sid)).toMatchObject({ ok: true, value: { revision: 1 } });
    const published = await post(`/v2/Flows/${flow.sid}`, { Status: "published" });
    expect(await published.json()).toMatchObject({ revision: 3, status: "published", definition: MENU_FLOW_V2 });
    expect(await stub.flowForExecution(env.ACCOUNT_SID!, flow.sid)).toMatchObject({ ok: true, value: { revision: 3, sid: flow.sid } });

    const revisions = (await (await get(`/v2/Flows/${flow.sid}/Revisions`)).json()) as {
      revisions: (Flow & { url: string })[];
      meta: { key: string };
    };
    expect(revisions.meta.key).toBe("revisions");
    expect(revisions.revisions.map((r) => [r.revision, r.status, r.definition])).toEqual([
      [3, "published", null],
      [2, "draft", null],
      [1, "published", null],
    ]);
    expect(revisions.revisions[0]!.url).toBe(`${ORIGIN}/v2/Flows/${flow.sid}/Revisions/3`);
    expect(await (await get(`/v2/Flows/${flow.sid}/Revisions/1`)).json()).toMatchObject({
      revision: 1,
      definition: MENU_FLOW,
      valid: true,
    });
    expect(await (await get(`/v2/Flows/${flow.sid}/Revisions/LatestPublished`)).json()).toMatchObject({ revision: 3 });
    expect(await (await get(`/v2/Flows/${flow.sid}/Revisions/LatestRevision`)).json()).toMatchObject({ revision: 3 });
    expect((await get(`/v2/Flows/${flow.sid}/Revisions/9`)).status).toBe(404);
    const bad = await get(`/v2/Flows/${flow.sid}/Revisions/newest`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).code).toBe(81021);
  });

  it("refuses to publish an invalid definition over a published flow, which keeps running its revision", async () => {
    const flow = await createFlow(menu);
    const response = await post(`/v2/Flows/${flow.sid}`, { Status: "published", Definition: JSON.stringify(NO_START_FLOW) });
    expect(response.status).toBe(400);
    expect(await (await get(`/v2/Flows/${flow.sid}`)).json()).toMatchObject({ revision: 1, definition: MENU_FLOW });
  });

  it("answers 409 to an execution of a flow that was never published", async () => {
    const flow = await createFlow({ ...menu, Status: "draft" });
    const result = await workspaceFor(env, ws).flowForExecution(env.ACCOUNT_SID!, flow.sid);
    expect(result).toMatchObject({ ok: false, status: 409, code: 20409 });
  });
});

describe("channels that run a flow", () => {
  it("takes a FlowSid of the workspace's flows, keeps the flow from deletion while it runs it, and lets go when cleared", async () => {
    const flow = await createFlow(menu);
    const channel = await post(`/api/workspaces/${ws}/channels`, { Kind: "webchat", FlowSid: flow.sid });
    expect(channel.status).toBe(201);
    const record = (await channel.json()) as { sid: string; flow_sid: string | null };
    expect(record.flow_sid).toBe(flow.sid);
    const config = await workspaceFor(env, ws).channelConfig(env.ACCOUNT_SID!, record.sid);
    expect(config).toMatchObject({ ok: true, value: { flowSid: flow.sid } });

    const refused = await call(`/v2/Flows/${flow.sid}`, { method: "DELETE", headers: AUTH });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorBody).message).toContain(record.sid);
    expect((await get(`/v2/Flows/${flow.sid}`)).status).toBe(200);

    const cleared = await post(`/api/workspaces/${ws}/channels/${record.sid}`, { FlowSid: "" });
    expect(((await cleared.json()) as { flow_sid: string | null }).flow_sid).toBeNull();
    expect((await call(`/v2/Flows/${flow.sid}`, { method: "DELETE", headers: AUTH })).status).toBe(204);
    expect((await get(`/v2/Flows/${flow.sid}`)).status).toBe(404);
  });

  it.each([
    ["not a Flow SID", "XY123", "Invalid parameter FlowSid"],
    ["a flow of another workspace", "other", "does not exist in this workspace"],
    ["no flow at all", UNKNOWN_FW, "does not exist in this workspace"],
  ])("refuses a FlowSid that is %s", async (_what, value, message) => {
    const foreign = value === "other" ? (await createFlow(menu, scoped("/v2/Flows"))).sid : value;
    const response = await post(`/api/workspaces/${ws}/channels`, { Kind: "webchat", FlowSid: foreign });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).message).toContain(message);
  });
});

describe("scoping", () => {
  it("keeps each workspace's flows apart: the twin path acts on its workspace, with its own URLs", async () => {
    const mine = await createFlow({ ...menu, FriendlyName: "second's" }, scoped("/v2/Flows"));
    expect(mine).toMatchObject({ workspace_sid: other, url: `${ORIGIN}/api/workspaces/${other}/studio/v2/Flows/${mine.sid}` });
    expect((await get(scoped(`/v2/Flows/${mine.sid}`))).status).toBe(200);
    // Not the default workspace's: Studio's own path does not find it.
    expect((await get(`/v2/Flows/${mine.sid}`)).status).toBe(404);
    expect((await post(`/v2/Flows/${mine.sid}`, { Status: "draft" })).status).toBe(404);
    expect((await call(`/v2/Flows/${mine.sid}`, { method: "DELETE", headers: AUTH })).status).toBe(404);
  });

  it("answers 404 for another account's workspace, and to another account through the object", async () => {
    const flow = await createFlow(menu);
    expect((await get(scoped("/v2/Flows", "WS" + "7".repeat(32)))).status).toBe(404);
    const stub = workspaceFor(env, ws);
    expect(await stub.getFlow(OTHER_ACCOUNT, flow.sid)).toMatchObject({ ok: false, status: 404 });
    expect(await stub.flowForExecution(OTHER_ACCOUNT, flow.sid)).toMatchObject({ ok: false, status: 404 });
    expect(await stub.deleteFlow(OTHER_ACCOUNT, flow.sid)).toMatchObject({ ok: false, status: 404 });
  });

  it.each([
    ["an unknown flow", `/v2/Flows/${UNKNOWN_FW}`],
    ["a malformed flow SID", "/v2/Flows/FWnope"],
    ["an unknown flow's revisions", `/v2/Flows/${UNKNOWN_FW}/Revisions`],
    ["a malformed workspace", "/api/workspaces/WSnope/studio/v2/Flows"],
  ])("answers 404 for %s", async (_what, path) => {
    expect((await get(path)).status).toBe(404);
  });

  it("answers 401 without credentials", async () => {
    expect((await call("/v2/Flows")).status).toBe(401);
    expect((await call(scoped("/v2/Flows"))).status).toBe(401);
    expect((await call("/v2/Flows/Validate", { method: "POST" })).status).toBe(401);
  });

  it("documents both paths in /openapi.json", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/v2/Flows"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/v2/Flows/{Sid}"] ?? {}).sort()).toEqual(["delete", "get", "post"]);
    expect(Object.keys(doc.paths["/v2/Flows/Validate"] ?? {})).toEqual(["post"]);
    expect(Object.keys(doc.paths["/api/workspaces/{WorkspaceSid}/studio/v2/Flows/{Sid}/Revisions/{Revision}"] ?? {})).toEqual(["get"]);
    expect(Object.keys(doc.paths["/v2/Flows/{FlowSid}/Executions/{ExecutionSid}/Steps/{StepSid}/Context"] ?? {})).toEqual(["get"]);
  });
});
