/**
 * The TaskRouter wire layer as a client meets it: Basic authentication, parameter validation that
 * names the bad parameter, form and JSON bodies, repeated parameters, Twilio paging URLs, and the
 * OpenAPI document generated from the same schemas.
 */
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { onError } from "../../workers/http/errors";
import { bool, int, jsonObject, oneOf, repeated, str } from "../../workers/api/taskrouter/params";
import { endpoint, pageBody, pageRequest, registry } from "../../workers/api/taskrouter/wire";

const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);

describe("authentication", () => {
  it.each([
    ["no credentials", undefined, 401],
    ["a wrong token", "Basic " + btoa(`${env.ACCOUNT_SID}:nope`), 401],
    ["another account", "Basic " + btoa(`AC${"9".repeat(32)}:${env.AUTH_TOKEN}`), 401],
    ["an unknown API key", "Basic " + btoa(`SK${"1".repeat(32)}:secret`), 401],
    ["garbage", "Basic !!!", 401],
  ])("rejects %s with Twilio's 401 body", async (_name, authorization, status) => {
    const res = await app.request(
      "/taskrouter/v1/Workspaces/WS" + "0".repeat(32) + "/Nothing",
      { headers: authorization ? { authorization } : {} },
      env,
    );
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code: 20003, status: 401 });
    expect(res.headers.get("www-authenticate")).toContain("Basic");
  });

  it("lets the account's credentials through (to a 404 for a path that does not exist)", async () => {
    const res = await app.request("/taskrouter/v1/Nothing", { headers: { authorization: AUTH } }, env);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 20404 });
  });
});

describe("parameters", () => {
  const probe = endpoint({
    method: "post",
    path: "/Probe",
    tag: "Probe",
    summary: "Echo parsed parameters (test only)",
    params: {
      FriendlyName: str({ min: 1, max: 8 }),
      Priority: int(0, 10).optional(),
      Available: bool().optional(),
      Attributes: jsonObject(64).optional(),
      Status: repeated(oneOf(["pending", "reserved"])).optional(),
    },
  });
  // Declaring an endpoint registers it for /openapi.json; this one exists only here, so it leaves again.
  registry.splice(registry.indexOf(probe as (typeof registry)[number]), 1);
  const test = new Hono();
  test.post("/Probe", async (c) => c.json(await probe.parse(c)));
  test.onError((err, c) => onError(err, c as never));

  const post = (body: string, type = "application/x-www-form-urlencoded") =>
    test.request("/Probe", { method: "POST", body, headers: { "content-type": type } });

  it("reads form bodies, Twilio booleans and repeated names", async () => {
    const res = await post("FriendlyName=Ann&Priority=7&Available=yes&Status=pending&Status=reserved&Attributes=%7B%22a%22%3A1%7D");
    expect(await res.json()).toEqual({
      FriendlyName: "Ann",
      Priority: 7,
      Available: true,
      Status: ["pending", "reserved"],
      Attributes: { a: 1 },
    });
  });

  it("reads JSON bodies too", async () => {
    const res = await post(JSON.stringify({ FriendlyName: "Ann", Priority: 3, Available: false }), "application/json");
    expect(await res.json()).toEqual({ FriendlyName: "Ann", Priority: 3, Available: false });
  });

  it.each([
    ["FriendlyName=Ann&Color=red", "Unknown parameter Color"],
    ["Priority=1", "Missing required parameter FriendlyName"],
    ["FriendlyName=", "Invalid parameter FriendlyName: must be at least 1 characters"],
    ["FriendlyName=Ann&Priority=11", "Invalid parameter Priority: must be an integer from 0 to 10"],
    ["FriendlyName=Ann&Priority=high", "Invalid parameter Priority: must be an integer from 0 to 10"],
    ["FriendlyName=Ann&Attributes=%7Bnope", "Invalid parameter Attributes: must be valid JSON"],
    ["FriendlyName=Ann&Attributes=%5B1%5D", "Invalid parameter Attributes: must be a JSON object"],
    [
      "FriendlyName=Ann&Attributes=" + encodeURIComponent(JSON.stringify({ a: "x".repeat(100) })),
      "Invalid parameter Attributes: must be at most 64 bytes of JSON",
    ],
    ["FriendlyName=Ann&Status=done", "Invalid parameter Status: must be one of pending, reserved"],
  ])("%s → 400 %s", async (body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const error = (await res.json()) as { code: number; message: string };
    expect(error.code).toBe(20001);
    expect(error.message).toContain(message);
  });

  // Names an object inherits are not parameters: each is refused by name, like any unknown one.
  it.each(["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"])(
    "refuses %s as an unknown parameter, in a form and in JSON",
    async (name) => {
      for (const res of [
        await post(`FriendlyName=Ann&${name}=1`),
        await post(`{"FriendlyName":"Ann",${JSON.stringify(name)}:{"polluted":true}}`, "application/json"),
        await test.request(`/Probe?${name}=1`, {
          method: "POST",
          body: "FriendlyName=Ann",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        }),
      ]) {
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ code: 20001, message: `Unknown parameter ${name}` });
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it("answers a malformed JSON body with a 400", async () => {
    const res = await post("{", "application/json");
    expect(res.status).toBe(400);
  });
});

describe("paging", () => {
  it("builds absolute page URLs that keep the filters", async () => {
    const c = {
      req: { url: "https://sb.example/taskrouter/v1/Workspaces/WS1/Activities?FriendlyName=Idle&PageSize=2&Page=1&PageToken=abc" },
    };
    const request = pageRequest({ PageSize: 2, Page: 1, PageToken: "abc" });
    const body = pageBody(c as never, "activities", { items: [1, 2], nextPageToken: "def", previousPageToken: "zzz" }, request, (n) => ({
      n,
    }));
    expect(body.activities).toEqual([{ n: 1 }, { n: 2 }]);
    expect(body.meta).toEqual({
      page: 1,
      page_size: 2,
      key: "activities",
      first_page_url: "https://sb.example/taskrouter/v1/Workspaces/WS1/Activities?FriendlyName=Idle&PageSize=2&Page=0",
      previous_page_url: "https://sb.example/taskrouter/v1/Workspaces/WS1/Activities?FriendlyName=Idle&PageSize=2&Page=0&PageToken=zzz",
      url: "https://sb.example/taskrouter/v1/Workspaces/WS1/Activities?FriendlyName=Idle&PageSize=2&Page=1&PageToken=abc",
      next_page_url: "https://sb.example/taskrouter/v1/Workspaces/WS1/Activities?FriendlyName=Idle&PageSize=2&Page=2&PageToken=def",
    });
  });
});

describe("/openapi.json", () => {
  it("documents declared endpoints with their parameters", async () => {
    const res = await app.request("/openapi.json", {}, env);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.openapi).toBe("3.1.0");
    const create = doc.paths["/taskrouter/v1/Workspaces/{WorkspaceSid}/Activities"]?.post?.requestBody;
    expect(JSON.stringify(create)).toContain("FriendlyName");
    expect(JSON.stringify(create)).toContain("Available");
    // A test's own endpoint is not the Worker's: the probe above is parsed, never documented.
    expect(Object.keys(doc.paths).filter((path) => path.includes("Probe"))).toEqual([]);
  });
});

describe("/api/ping", () => {
  it("needs credentials and answers with the Router DO's ping", async () => {
    expect((await app.request("/api/ping", {}, env)).status).toBe(401);
    const res = await app.request("/api/ping", { headers: { authorization: AUTH } }, env);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ class: "RouterDO" });
  });
});

describe("router locations", () => {
  it("reaches the same Router DO for the same workspace and region, and a jurisdiction region works locally", async () => {
    const { routerFor } = await import("../../platform/objects");
    const { regions } = await import("../../platform/regions");
    const ws = "WS" + "7".repeat(32);
    expect(routerFor(env, ws).id.toString()).toBe(routerFor(env, ws, regions.defaultRegion).id.toString());
    const eu = regions.regions.find((r) => r.jurisdiction);
    if (eu) expect(await routerFor(env, ws, eu.id).ping()).toMatchObject({ class: "RouterDO" });
  });
});
