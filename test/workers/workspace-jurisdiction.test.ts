/**
 * Pinning a workspace to a jurisdiction over the Workspaces API: `Jurisdiction` on create (only one that
 * a region of regions.json is in — this deployment's eu-frankfurt is `eu`, none is `fedramp`), the
 * `jurisdiction` field on every workspace body, the home region inside it, and an update that would move
 * the workspace refused without changing anything. Where the objects then live: data-residency.test.ts.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { workspaceFor } from "../../platform/objects";
import { jurisdictionOf } from "../../platform/jurisdictions";
import { call } from "./taskrouter-call";

type Body = Record<string, unknown> & { sid: string; message: string };

const workspaceNames = async () => ((await call("GET", "/Workspaces?PageSize=1000")).body.workspaces as Body[]).map((w) => w.friendly_name);

const homeRegion = (sid: string) =>
  runInDurableObject(
    workspaceFor(env, sid),
    (_instance, state) => state.storage.sql.exec("SELECT home_region FROM workspace").one().home_region,
  );

describe("creating a workspace in a jurisdiction", () => {
  it("Jurisdiction=eu: the body, a fetch and the list say eu, the SID carries it, routing starts in the first EU region", async () => {
    const created = await call("POST", "/Workspaces", { FriendlyName: "Berlin support", Jurisdiction: "eu" });
    expect(created.status).toBe(201);
    expect(created.body.jurisdiction).toBe("eu");
    expect(jurisdictionOf(created.body.sid)).toBe("eu");
    expect((await call("GET", `/Workspaces/${created.body.sid}`)).body.jurisdiction).toBe("eu");
    const listed = ((await call("GET", "/Workspaces?PageSize=1000")).body.workspaces as Body[]).find((w) => w.sid === created.body.sid);
    expect(listed?.jurisdiction).toBe("eu");
    expect(await homeRegion(created.body.sid)).toBe("eu-frankfurt");
  });

  it("without it: jurisdiction null, the deployment's default region, as before", async () => {
    const created = await call("POST", "/Workspaces", { FriendlyName: "Anywhere" });
    expect(created.status).toBe(201);
    expect(created.body.jurisdiction).toBeNull();
    expect(jurisdictionOf(created.body.sid)).toBeNull();
    expect(await homeRegion(created.body.sid)).toBe("us-east");
  });

  it.each([
    // fedramp is a jurisdiction, but no region of regions.json is in it
    ["fedramp", 'Invalid parameter Jurisdiction: no region of this deployment is in the "fedramp" jurisdiction (regions.json offers: eu)'],
    ["us", 'Invalid parameter Jurisdiction: must be one of eu, fedramp (got "us")'],
    ["", 'Invalid parameter Jurisdiction: must be one of eu, fedramp (got "")'],
  ])("Jurisdiction=%j is refused with a 400 naming it, and no workspace is made", async (jurisdiction, message) => {
    const before = await workspaceNames();
    const res = await call("POST", "/Workspaces", { FriendlyName: `Refused ${jurisdiction}`, Jurisdiction: jurisdiction });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
    expect(await workspaceNames()).toEqual(before);
  });
});

describe("moving a workspace between jurisdictions", () => {
  it.each([
    ["an EU workspace to fedramp", "eu", "fedramp"],
    ["an EU workspace out of any", "eu", ""],
    ["an unpinned workspace into the EU", null, "eu"],
  ])("%s is refused, and nothing sent with it changes", async (_what, from, to) => {
    const created = await call("POST", "/Workspaces", { FriendlyName: "Stays put", ...(from ? { Jurisdiction: from } : {}) });
    const res = await call("POST", `/Workspaces/${created.body.sid}`, { FriendlyName: "Moved", Jurisdiction: to });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Invalid parameter Jurisdiction: moving a workspace between jurisdictions is not supported");
    const after = (await call("GET", `/Workspaces/${created.body.sid}`)).body;
    expect(after).toMatchObject({ friendly_name: "Stays put", jurisdiction: from, date_updated: created.body.date_updated });
  });

  it("naming the jurisdiction it is in is no move: the update goes through", async () => {
    const created = await call("POST", "/Workspaces", { FriendlyName: "Same place", Jurisdiction: "eu" });
    const res = await call("POST", `/Workspaces/${created.body.sid}`, { FriendlyName: "Same place, renamed", Jurisdiction: "eu" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ friendly_name: "Same place, renamed", jurisdiction: "eu" });
  });
});

it("/openapi.json describes Jurisdiction on create (the values, that it is fixed) and on update (no moving)", async () => {
  type Form = { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } };
  const doc = (await (await app.request("http://sb.test/openapi.json", {}, env)).json()) as { paths: Record<string, Record<string, Form>> };
  const form = (path: string) => doc.paths[path]!.post!.requestBody.content["application/x-www-form-urlencoded"]!.schema.properties;
  const create = JSON.stringify(form("/taskrouter/v1/Workspaces").Jurisdiction);
  expect(create).toMatch(/"eu","fedramp"/);
  expect(create).toMatch(/fixed for the workspace's life/);
  expect(JSON.stringify(form("/taskrouter/v1/Workspaces/{Sid}").Jurisdiction)).toMatch(/moving is not supported/);
});
