/**
 * Where a new task is created when nothing else says (workers/api/taskrouter/placement.ts): the explicit
 * Region, else the channel's region, else the region nearest the request's edge among the regions the
 * workspace already uses, else its home region. The edge is the request's `cf` (given here as Cloudflare
 * would give it); for a conversation's task it is the customer's, from the request that opened it.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { conversationFor } from "../../platform/objects";
import { regionOfSid } from "../../platform/region-sids";
import type { RequestGeo } from "../../platform/regions";
import { eventually } from "../support/eventually";
import { ok, regionsHoldingTask, taskrouter } from "./regions-helpers";
import { newChannel, SHOP } from "./webchat-helpers";

const ACCOUNT = env.ACCOUNT_SID!;
const ALL = ["us-east", "eu-ireland", "ap-sydney"];
const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const SYDNEY: RequestGeo = { latitude: "-33.86880", longitude: "151.20930", country: "AU", continent: "OC" };
const LONDON: RequestGeo = { latitude: "51.50740", longitude: "-0.12780", country: "GB", continent: "EU" };

/** A request as it reaches the Worker from an edge (`cf` as Cloudflare sets it; none: local). */
const fromEdge = (path: string, init: RequestInit, cf?: RequestGeo) =>
  exports.default.fetch(new Request(`https://sb.example${path}`, { ...init, ...(cf ? { cf } : {}) } as RequestInit));

async function createTask(workspaceSid: string, cf?: RequestGeo, params: Record<string, string> = {}): Promise<string> {
  const res = await fromEdge(
    `/taskrouter/v1/Workspaces/${workspaceSid}/Tasks`,
    {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ Attributes: "{}", ...params }),
    },
    cf,
  );
  const body = (await res.json()) as { sid: string; message?: string };
  if (res.status !== 201) throw new Error(`task: ${res.status} ${body.message}`);
  return body.sid;
}

/** A customer's first web chat message from `cf`: the region its conversation's task was created in. */
async function customerWrites(workspaceSid: string, channelSid: string, cf?: RequestGeo): Promise<string> {
  const base = `/api/webchat/${workspaceSid}/${channelSid}`;
  const json = { origin: SHOP, "content-type": "application/json" };
  const session = (await (await fromEdge(`${base}/sessions`, { method: "POST", headers: json, body: "{}" }, cf)).json()) as {
    token: string;
  };
  const sent = await fromEdge(
    `${base}/messages`,
    {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ client_id: "c-1", body: "Where is my parcel?" }),
    },
    cf,
  );
  expect(sent.status).toBe(201);
  const conversationSid = ((await sent.json()) as { conversation_sid: string }).conversation_sid;
  const taskSid = await eventually(async () => {
    const conversation = await conversationFor(env, conversationSid).getConversation(ACCOUNT);
    return conversation.ok ? (conversation.value.task_sid ?? undefined) : undefined;
  }, "the conversation's task");
  const held = await regionsHoldingTask(workspaceSid, taskSid, ALL);
  expect(held).toEqual([regionOfSid(taskSid)]); // in exactly one Router, the one its SID names
  return held[0]!;
}

let ws: string;
const regionsOf = async () => (await ok("GET", `/Workspaces/${ws}`)).regions;

beforeAll(async () => {
  ws = (await ok("POST", "/Workspaces", { FriendlyName: "Placement", Template: "FIFO" })).sid;
});

describe("a task created through the API", () => {
  it("from far away goes home while the workspace uses no region nearer: nobody would work where it landed", async () => {
    expect(regionOfSid(await createTask(ws, SYDNEY))).toBe("us-east");
    expect(await regionsOf()).toEqual(["us-east"]);
  });

  it("goes to the region nearest the caller once the workspace uses it, and to the explicit Region whatever the edge", async () => {
    await ok("POST", `/Workspaces/${ws}/Workers`, { FriendlyName: "Matilda", Region: "ap-sydney" });
    expect(regionOfSid(await createTask(ws, SYDNEY))).toBe("ap-sydney");
    // London's nearest region (eu-ireland) is not used: the nearest of those that are, us-east.
    expect(regionOfSid(await createTask(ws, LONDON))).toBe("us-east");
    expect(regionOfSid(await createTask(ws, SYDNEY, { Region: "us-east" }))).toBe("us-east");
    expect(regionOfSid(await createTask(ws))).toBe("us-east"); // no edge (local): home
    expect(await regionsOf()).toEqual(["us-east", "ap-sydney"]);
  });

  it("goes home when the workspace's regions cannot be read: the home region is always one of them", async () => {
    const other = (await ok("POST", "/Workspaces", { FriendlyName: "Unreadable", Template: "FIFO" })).sid;
    const proto = Object.getPrototypeOf(env.WORKSPACE) as { getByName: (this: object, name: string) => unknown };
    const real = proto.getByName;
    proto.getByName = function (this: object, name: string) {
      if (name !== other) return real.call(this, name);
      return { workspaceRegions: () => Promise.reject(new Error("Network connection lost.")) };
    };
    try {
      expect(regionOfSid(await createTask(other, SYDNEY))).toBe("us-east");
    } finally {
      proto.getByName = real;
    }
  });
});

describe("a conversation's task", () => {
  it("goes to the region nearest the customer among the workspace's, else home", async () => {
    const channel = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*" });
    expect(await customerWrites(ws, channel, SYDNEY)).toBe("ap-sydney");
    expect(await customerWrites(ws, channel, LONDON)).toBe("us-east");
    expect(await customerWrites(ws, channel)).toBe("us-east");
  });

  it("goes to its channel's region, wherever the customer is, and the region joins the workspace first", async () => {
    const channel = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": "*", Region: "eu-ireland" });
    expect(await customerWrites(ws, channel, SYDNEY)).toBe("eu-ireland");
    expect(await regionsOf()).toEqual(["us-east", "ap-sydney", "eu-ireland"]);
  });
});

describe("a Region outside a pinned workspace's jurisdiction", () => {
  it.each([
    ["a task", "/Tasks", { Attributes: "{}", Region: "us-east" }],
    ["a worker", "/Workers", { FriendlyName: "Nobody", Region: "us-east" }],
  ])("on %s is a 400 naming it, and nothing is created", async (_kind, path, params) => {
    const eu = (await ok("POST", "/Workspaces", { FriendlyName: "EU", Template: "FIFO", Jurisdiction: "eu" })).sid;
    const refused = await taskrouter("POST", `/Workspaces/${eu}${path}`, params);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(`Invalid parameter Region: us-east is outside the jurisdiction of workspace ${eu}`);
    expect((await ok("GET", `/Workspaces/${eu}/Tasks`)).tasks).toEqual([]);
    expect((await ok("GET", `/Workspaces/${eu}/Workers`)).workers).toEqual([]);
    expect((await ok("GET", `/Workspaces/${eu}`)).regions).toEqual(["eu-frankfurt"]);
  });
});
