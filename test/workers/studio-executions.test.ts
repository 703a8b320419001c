/**
 * Studio v2 Executions over HTTP (/v2/Flows/{FW}/Executions…): the refusals an execution's start makes
 * before any execution exists — a flow that is unknown, another workspace's or never published, a missing
 * To, Parameters that are not a JSON object, an update to anything but `ended` — and unknown or malformed
 * SIDs, each answered without a FlowDO being made.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { MENU_FLOW } from "../support/studio-flows";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const call = (path: string, init: RequestInit = {}) => app.request(`https://sb.example${path}`, init, env);
const post = (path: string, form: Record<string, string>) =>
  call(path, { method: "POST", headers: FORM, body: new URLSearchParams(form).toString() });
const messageOf = async (response: Response) => ((await response.json()) as { message: string }).message;
const UNKNOWN_FW = "FW" + "0".repeat(32);
const UNKNOWN_FN = "FN" + "0".repeat(32);

let published = "";
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
  draft = await flow("/v2/Flows", "draft");
  foreign = await flow(`/api/workspaces/${other}/studio/v2/Flows`, "published");
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
