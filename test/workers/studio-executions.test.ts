/**
 * Studio v2 Executions over HTTP (/v2/Flows/{FW}/Executions…): an execution started by Studio's REST API
 * trigger, read back as Studio answers it (the record, its context, its steps and each step's context),
 * listed newest first between creation times, ended and deleted; found only through its own flow; and
 * the refusals a start makes before any execution exists — a flow that is unknown, another workspace's
 * or never published, a missing To, Parameters that are not a JSON object, an update to anything but
 * `ended` — and malformed SIDs, each answered without a FlowDO being asked.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { MENU_FLOW, REST_FLOW } from "../support/studio-flows";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const call = (path: string, init: RequestInit = {}) => app.request(`https://sb.example${path}`, init, env);
const post = (path: string, form: Record<string, string>) =>
  call(path, { method: "POST", headers: FORM, body: new URLSearchParams(form).toString() });
const messageOf = async (response: Response) => ((await response.json()) as { message: string }).message;
const UNKNOWN_FW = "FW" + "0".repeat(32);
const UNKNOWN_FN = "FN" + "0".repeat(32);

let published = "";
let rest = ""; // REST_FLOW, published
let draft = "";
let foreign = ""; // a flow of the account's second workspace
const START = { To: "+15551230000", From: "+15559870000" };

beforeAll(async () => {
  const sids: string[] = [];
  for (const name of ["first", "second"]) {
    const created = await post("/taskrouter/v1/Workspaces", { FriendlyName: name, Template: "FIFO" });
    sids.push(((await created.json()) as { sid: string }).sid);
  }
  const listed = (await (await call("/taskrouter/v1/Workspaces?PageSize=1", { headers: AUTH })).json()) as {
    workspaces: { sid: string }[];
  };
  const other = sids.find((sid) => sid !== listed.workspaces[0]!.sid)!;
  const flow = async (path: string, Status: string) =>
    ((await (await post(path, { FriendlyName: "menu", Status, Definition: JSON.stringify(MENU_FLOW) })).json()) as { sid: string }).sid;
  published = await flow("/v2/Flows", "published");
  rest = (
    (await (await post("/v2/Flows", { FriendlyName: "greet", Status: "published", Definition: JSON.stringify(REST_FLOW) })).json()) as {
      sid: string;
    }
  ).sid;
  draft = await flow("/v2/Flows", "draft");
  foreign = await flow(`/api/workspaces/${other}/studio/v2/Flows`, "published");
});

interface Execution {
  sid: string;
  status: string;
  url: string;
  links: Record<string, string>;
  context: { flow: { data: unknown; variables: Record<string, string> } };
}
const get = async <T>(path: string): Promise<T> => {
  const response = await call(path, { headers: AUTH });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
};

describe("an execution's life", () => {
  it("starts from the REST trigger with its Parameters, and reads back as Studio's Execution, Context, Steps and Step Context", async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const response = await post(`/v2/Flows/${rest}/Executions`, { ...START, Parameters: JSON.stringify({ name: "Zeke" }) });
    expect(response.status).toBe(201);
    const execution = (await response.json()) as Execution;
    const base = `https://sb.example/v2/Flows/${rest}/Executions/${execution.sid}`;
    expect(execution.sid).toMatch(/^FN[0-9a-f]{32}$/);
    expect(execution).toMatchObject({
      account_sid: env.ACCOUNT_SID,
      flow_sid: rest,
      contact_channel_address: START.To,
      flow_version: 1,
      url: base,
      links: { steps: `${base}/Steps`, execution_context: `${base}/Context` },
    });
    // {{flow.data.name}} and {{flow.channel.address}} (From) rendered by the set-variables widget.
    expect(execution.context.flow.variables.greeting).toBe(`Hello Zeke, this is ${START.From}`);
    expect(await get<Execution>(`/v2/Flows/${rest}/Executions/${execution.sid}`)).toEqual(execution);

    const context = await get<{ context: Execution["context"]; execution_sid: string; flow_sid: string; url: string }>(
      `/v2/Flows/${rest}/Executions/${execution.sid}/Context`,
    );
    expect(context).toMatchObject({ execution_sid: execution.sid, flow_sid: rest, url: `${base}/Context` });
    expect(context.context.flow.data).toEqual({ name: "Zeke" });

    const steps = await get<{
      steps: { sid: string; transitioned_from: string; transitioned_to: string; url: string }[];
      meta: { key: string };
    }>(`/v2/Flows/${rest}/Executions/${execution.sid}/Steps`);
    expect(steps.meta.key).toBe("steps");
    expect(steps.steps.map((step) => [step.transitioned_from, step.transitioned_to])).toEqual([
      ["Trigger", "greet"],
      ["greet", "Ended"],
    ]);
    const first = steps.steps[0]!;
    expect(first.sid).toMatch(/^FT[0-9a-f]{32}$/);
    expect(await get(`/v2/Flows/${rest}/Executions/${execution.sid}/Steps/${first.sid}`)).toEqual(first);
    expect(await get(`/v2/Flows/${rest}/Executions/${execution.sid}/Steps/${first.sid}/Context`)).toMatchObject({
      step_sid: first.sid,
      execution_sid: execution.sid,
      flow_sid: rest,
      url: `${base}/Steps/${first.sid}/Context`,
    });

    // Listed, between creation times.
    const second = (await (await post(`/v2/Flows/${rest}/Executions`, START)).json()) as Execution;
    const listed = await get<{ executions: Execution[]; meta: { key: string } }>(`/v2/Flows/${rest}/Executions`);
    expect(listed.meta.key).toBe("executions");
    // (Newest first is the directory's order, tested with its clock there; both may share a millisecond here.)
    expect(listed.executions.map((e) => e.sid).sort()).toEqual([second.sid, execution.sid].sort());
    const between = await get<{ executions: Execution[] }>(`/v2/Flows/${rest}/Executions?DateCreatedFrom=${encodeURIComponent(before)}`);
    expect(between.executions).toHaveLength(2);
    const later = await get<{ executions: Execution[] }>(`/v2/Flows/${rest}/Executions?DateCreatedFrom=2099-01-01T00:00:00Z`);
    expect(later.executions).toEqual([]);
    const bad = await call(`/v2/Flows/${rest}/Executions?DateCreatedTo=yesterday`, { headers: AUTH });
    expect(bad.status).toBe(400);
    expect(await messageOf(bad)).toContain("Invalid parameter DateCreatedTo");
  });

  it("is found only through its own flow, ends (an ended one stays so), and is deleted with its steps", async () => {
    const execution = (await (await post(`/v2/Flows/${rest}/Executions`, START)).json()) as Execution;
    for (const path of [`/v2/Flows/${published}/Executions/${execution.sid}`, `/v2/Flows/${published}/Executions/${execution.sid}/Steps`]) {
      expect((await call(path, { headers: AUTH })).status).toBe(404);
    }
    const ended = await post(`/v2/Flows/${rest}/Executions/${execution.sid}`, { Status: "ended" });
    expect(ended.status).toBe(200);
    expect(((await ended.json()) as Execution).status).toBe("ended");
    expect((await call(`/v2/Flows/${rest}/Executions/${execution.sid}`, { method: "DELETE", headers: AUTH })).status).toBe(204);
    expect((await call(`/v2/Flows/${rest}/Executions/${execution.sid}`, { headers: AUTH })).status).toBe(404);
    const listed = await get<{ executions: Execution[] }>(`/v2/Flows/${rest}/Executions`);
    expect(listed.executions.map((e) => e.sid)).not.toContain(execution.sid);
  });

  it("answers 404 for an unknown execution, and for the executions of another workspace's flow", async () => {
    expect((await call(`/v2/Flows/${rest}/Executions/${UNKNOWN_FN}`, { headers: AUTH })).status).toBe(404);
    expect((await call(`/v2/Flows/${foreign}/Executions`, { headers: AUTH })).status).toBe(404);
    expect((await call(`/v2/Flows/${UNKNOWN_FW}/Executions`, { headers: AUTH })).status).toBe(404);
  });
});

describe("starting an execution", () => {
  it.each([
    ["an unknown flow", () => UNKNOWN_FW, START, 404, `Flow ${UNKNOWN_FW} was not found`],
    ["another workspace's flow", () => foreign, START, 404, "was not found"],
    ["a flow never published", () => draft, START, 409, "has no published revision"],
    ["no To", () => published, { From: START.From }, 400, "Missing required parameter To"],
    ["no From", () => published, { To: START.To }, 400, "Missing required parameter From"],
    [
      "Parameters that are not JSON",
      () => published,
      { ...START, Parameters: "{name:" },
      400,
      "Invalid parameter Parameters: must be valid JSON",
    ],
    [
      "Parameters that are a list",
      () => published,
      { ...START, Parameters: "[1]" },
      400,
      "Invalid parameter Parameters: must be a JSON object",
    ],
  ])("refuses %s", async (_what, flow, form, status, message) => {
    const response = await post(`/v2/Flows/${flow()}/Executions`, form);
    expect(response.status).toBe(status);
    expect(await messageOf(response)).toContain(message);
  });

  it("answers 404 for a malformed flow SID", async () => {
    expect((await post("/v2/Flows/FWnope/Executions", START)).status).toBe(404);
  });
});

describe("reading and steering executions", () => {
  it.each([
    ["a malformed execution SID", () => `/v2/Flows/${published}/Executions/FNnope`],
    ["a malformed step SID", () => `/v2/Flows/${published}/Executions/${UNKNOWN_FN}/Steps/FTnope`],
  ])("answers 404 for %s", async (_what, path) => {
    expect((await call(path(), { headers: AUTH })).status).toBe(404);
  });

  it("refuses an update to anything but ended, naming Status", async () => {
    const response = await post(`/v2/Flows/${published}/Executions/${UNKNOWN_FN}`, { Status: "active" });
    expect(response.status).toBe(400);
    expect(await messageOf(response)).toContain("Invalid parameter Status: must be one of ended");
  });

  it("answers 401 without credentials", async () => {
    expect((await call(`/v2/Flows/${published}/Executions`, { method: "POST" })).status).toBe(401);
    expect((await call(`/v2/Flows/${published}/Executions/${UNKNOWN_FN}/Context`)).status).toBe(401);
  });
});
