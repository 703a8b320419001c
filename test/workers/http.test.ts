// The Worker's HTTP surface as a client sees it, through the real fetch handler.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import regionsJson from "../../regions.json";
import { version } from "../../package.json";

const BASE = "http://switchboard.test";

describe("GET /health", () => {
  it("answers 200 with the region count and the release", async () => {
    const res = await exports.default.fetch(`${BASE}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: "ok", regions: regionsJson.regions.length, version });
  });

  it("tags every response with a request id", async () => {
    const res = await exports.default.fetch(`${BASE}/health`);
    expect(res.headers.get("x-request-id")).toMatch(/^[\w-]+$/);
  });
});

describe("the TaskRouter API", () => {
  it("asks for credentials before anything else", async () => {
    const res = await exports.default.fetch(`${BASE}/taskrouter/v1/Workspaces`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 20003, status: 401 });
  });
});

describe("unknown routes", () => {
  it.each([
    ["GET", "/x"],
    ["POST", "/api/nothing-here"],
    ["DELETE", "/health/extra"],
  ])("%s %s answers Twilio's 404 body", async (method, path) => {
    const res = await exports.default.fetch(`${BASE}${path}`, { method });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      code: 20404,
      message: `The requested resource ${path} was not found`,
      more_info: `${BASE}/docs/errors/20404`,
      status: 404,
    });
  });
});
