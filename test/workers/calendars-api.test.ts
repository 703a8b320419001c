/**
 * Business calendars over HTTP (/api/workspaces/WS…/calendars): created from a form (the parts as JSON
 * text) or a JSON body, listed, fetched by SID or unique name, updated part by part, asked for their
 * status at an instant, and deleted — every bad input a 400 naming the field with nothing stored, the
 * usual scoping (401 without credentials, 404 for a workspace that is not the caller's), and the
 * link with TaskRouter workflows through their expressions (400 for an unknown calendar, 409 for
 * deleting one a workflow names).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";

const AUTH = { authorization: "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`) };
const FORM = { ...AUTH, "content-type": "application/x-www-form-urlencoded" };
const JSON_BODY = { ...AUTH, "content-type": "application/json" };
const call = (path: string, init: RequestInit = {}) => app.request(`https://sb.example${path}`, init, env);
const post = (path: string, form: Record<string, string>) =>
  call(path, { method: "POST", headers: FORM, body: new URLSearchParams(form).toString() });
const postJson = (path: string, body: unknown) => call(path, { method: "POST", headers: JSON_BODY, body: JSON.stringify(body) });
const errorOf = async (response: Response) => ((await response.json()) as { message: string }).message;

type Body = Record<string, unknown> & { sid: string; unique_name: string; url: string; links: { status: string } };
let ws = "";
const base = () => `/api/workspaces/${ws}/calendars`;

const nineToFive = [{ start: "09:00", end: "17:00" }];
const madridForm = {
  UniqueName: "support",
  FriendlyName: "Support hours",
  TimeZone: "Europe/Madrid",
  WeeklyHours: JSON.stringify({ monday: nineToFive, tuesday: nineToFive, wednesday: nineToFive, thursday: nineToFive, friday: nineToFive }),
  Holidays: JSON.stringify([{ date: "2026-01-06", name: "Reyes" }]),
  Exceptions: JSON.stringify([{ start_date: "2026-12-24", hours: [{ start: "09:00", end: "13:00" }] }]),
};

beforeAll(async () => {
  const created = await call("/taskrouter/v1/Workspaces", { method: "POST", headers: FORM, body: "FriendlyName=calendars&Template=FIFO" });
  ws = ((await created.json()) as { sid: string }).sid;
});

describe("the calendars API", () => {
  it("creates from a form, fetches by SID and unique name, lists, updates and deletes", async () => {
    const created = await post(base(), madridForm);
    expect(created.status).toBe(201);
    const body = (await created.json()) as Body;
    expect(body).toMatchObject({
      workspace_sid: ws,
      account_sid: env.ACCOUNT_SID,
      unique_name: "support",
      friendly_name: "Support hours",
      time_zone: "Europe/Madrid",
      weekly_hours: { monday: nineToFive },
      holidays: [{ date: "2026-01-06", name: "Reyes" }],
      exceptions: [{ start_date: "2026-12-24", hours: [{ start: "09:00", end: "13:00" }] }],
      url: `https://sb.example${base()}/${body.sid}`,
      links: { status: `https://sb.example${base()}/${body.sid}/status` },
    });
    for (const ref of [body.sid, "support"]) {
      const fetched = await call(`${base()}/${ref}`, { headers: AUTH });
      expect(fetched.status).toBe(200);
      expect(((await fetched.json()) as Body).sid).toBe(body.sid);
    }
    const listed = (await (await call(base(), { headers: AUTH })).json()) as { calendars: Body[]; meta: { key: string } };
    expect(listed.calendars.map((c) => c.unique_name)).toContain("support");
    expect(listed.meta.key).toBe("calendars");

    const updated = await post(`${base()}/support`, { Holidays: "[]", FriendlyName: "Soporte" });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({
      friendly_name: "Soporte",
      holidays: [],
      time_zone: "Europe/Madrid",
      weekly_hours: { friday: nineToFive },
    });

    expect((await call(`${base()}/${body.sid}`, { method: "DELETE", headers: AUTH })).status).toBe(204);
    expect((await call(`${base()}/${body.sid}`, { headers: AUTH })).status).toBe(404);
  });

  it("creates from a JSON body with the parts as values, and answers the status at an instant", async () => {
    const created = await postJson(base(), {
      UniqueName: "nights",
      TimeZone: "America/New_York",
      WeeklyHours: { friday: [{ start: "22:00", end: "06:00" }] },
    });
    expect(created.status).toBe(201);
    const { sid } = (await created.json()) as Body;
    // Friday 2026-01-09 23:00 EST = 2026-01-10T04:00Z: open until Saturday 06:00 EST = 11:00Z.
    const open = await call(`${base()}/nights/status?At=2026-01-10T04:00:00Z`, { headers: AUTH });
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({
      sid,
      unique_name: "nights",
      time_zone: "America/New_York",
      at: "2026-01-10T04:00:00Z",
      open: true,
      next_change: "2026-01-10T11:00:00Z",
    });
    // Saturday noon EST: closed until the next Friday 22:00 EST = 2026-01-17T03:00Z (`at` works as well as `At`).
    const closed = await call(`${base()}/${sid}/status?at=2026-01-10T17:00:00Z`, { headers: AUTH });
    expect(await closed.json()).toMatchObject({ open: false, next_change: "2026-01-17T03:00:00Z" });
    const now = await call(`${base()}/nights/status`, { headers: AUTH });
    expect(await now.json()).toMatchObject({ unique_name: "nights", open: expect.any(Boolean) });
  });

  it.each<[string, Record<string, string>, string]>([
    ["an unknown zone", { TimeZone: "Mars/Olympus" }, 'Invalid parameter TimeZone: "Mars/Olympus" is not an IANA time zone'],
    ["no zone", { TimeZone: "" }, "TimeZone"],
    [
      "25:00",
      { WeeklyHours: JSON.stringify({ monday: [{ start: "09:00", end: "25:00" }] }) },
      'Invalid parameter WeeklyHours: monday interval 1: end "25:00" is not a time of day',
    ],
    [
      "overlapping intervals",
      { WeeklyHours: JSON.stringify({ tuesday: [nineToFive[0], { start: "12:00", end: "18:00" }] }) },
      "Invalid parameter WeeklyHours: tuesday interval 2 overlaps interval 1",
    ],
    ["WeeklyHours that is not JSON", { WeeklyHours: "monday 9-5" }, "WeeklyHours"],
    [
      "a holiday on 30 February",
      { Holidays: JSON.stringify([{ date: "2026-02-30" }]) },
      'Invalid parameter Holidays: holiday 1: "2026-02-30" is not a date',
    ],
    ["a unique name with a hyphen", { UniqueName: "after-hours" }, "Invalid parameter UniqueName"],
    ["an unknown parameter", { Colour: "blue" }, "Colour"],
  ])("refuses %s with a 400 naming it, storing nothing", async (_name, change, message) => {
    const before = ((await (await call(base(), { headers: AUTH })).json()) as { calendars: Body[] }).calendars.length;
    const refused = await post(base(), { ...madridForm, UniqueName: "refused", ...change });
    expect(refused.status).toBe(400);
    expect(await errorOf(refused)).toContain(message);
    const after = ((await (await call(base(), { headers: AUTH })).json()) as { calendars: Body[] }).calendars.length;
    expect(after).toBe(before);
  });

  it("needs credentials, and is not found in another account's workspace or for an unknown calendar", async () => {
    expect((await call(base())).status).toBe(401);
    expect((await call(`${base()}/support/status`)).status).toBe(401);
    const otherWs = "WS" + "e".repeat(32);
    expect((await call(`/api/workspaces/${otherWs}/calendars`, { headers: AUTH })).status).toBe(404);
    expect((await call(`${base()}/nosuch/status`, { headers: AUTH })).status).toBe(404);
    expect((await call(`${base()}/nosuch`, { method: "DELETE", headers: AUTH })).status).toBe(404);
  });

  it("ties TaskRouter workflows to calendars: an unknown one is a 400 on save, one in use cannot be deleted", async () => {
    const queues = (await (await call(`/taskrouter/v1/Workspaces/${ws}/TaskQueues`, { headers: AUTH })).json()) as {
      task_queues: { sid: string }[];
    };
    const queue = queues.task_queues[0]!.sid;
    const configuration = JSON.stringify({
      task_routing: {
        filters: [{ filter_friendly_name: "Open", expression: "taskrouter.calendars.hours.open == true", targets: [{ queue }] }],
        default_filter: { queue },
      },
    });
    const early = await post(`/taskrouter/v1/Workspaces/${ws}/Workflows`, { FriendlyName: "By hours", Configuration: configuration });
    expect(early.status).toBe(400);
    expect(await errorOf(early)).toContain("names calendar 'hours' (taskrouter.calendars.hours.open), which this workspace does not have");

    expect((await post(base(), { ...madridForm, UniqueName: "hours" })).status).toBe(201);
    const workflow = await post(`/taskrouter/v1/Workspaces/${ws}/Workflows`, { FriendlyName: "By hours", Configuration: configuration });
    expect(workflow.status).toBe(201);
    const workflowSid = ((await workflow.json()) as { sid: string }).sid;

    const refused = await call(`${base()}/hours`, { method: "DELETE", headers: AUTH });
    expect(refused.status).toBe(409);
    expect(await errorOf(refused)).toContain(`Workflow ${workflowSid} ('By hours')`);
    expect((await call(`${base()}/hours`, { headers: AUTH })).status).toBe(200);
  });

  it("documents the endpoints in /openapi.json", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/api/workspaces/{WorkspaceSid}/calendars"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/api/workspaces/{WorkspaceSid}/calendars/{CalendarSid}"] ?? {}).sort()).toEqual([
      "delete",
      "get",
      "post",
    ]);
    expect(doc.paths["/api/workspaces/{WorkspaceSid}/calendars/{CalendarSid}/status"]?.get).toMatchObject({ tags: ["Calendars"] });
  });
});
