/**
 * A Router knows its region from its name (`WS…:<region>`, as local workerd gives `ctx.id.name`) and
 * mints the SIDs of what it holds with that region's code: workers, tasks, reservations and events made
 * by the eu-ireland Router read as eu-ireland's, and those of ap-sydney as ap-sydney's.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { routerFor } from "../../platform/objects";
import { regionOfSid } from "../../platform/region-sids";
import { ACCOUNT, AVAILABLE, WORKSPACE, snapshot, value } from "./router-fixtures";

describe("a Router's SIDs", () => {
  it.each(["eu-ireland", "ap-sydney", "us-east"])("name %s for its workers, tasks, reservations and events", async (region) => {
    const router = routerFor(env, WORKSPACE, region);
    value(await router.applyConfig(snapshot(1), []));
    const worker = value(await router.createWorker(ACCOUNT, { friendlyName: `Ann ${region}`, activitySid: AVAILABLE })).worker;
    const task = value(await router.createTask(ACCOUNT, { attributes: "{}" })).task;
    const reservation = value(await router.listReservations(ACCOUNT, { taskSid: task.sid }, { pageSize: 50, page: 0 })).items[0];
    const events = value(await router.listEvents(ACCOUNT, { pageSize: 50, page: 0, minutes: 60 })).items;

    expect(regionOfSid(worker.sid)).toBe(region);
    expect(regionOfSid(task.sid)).toBe(region);
    expect(reservation && regionOfSid(reservation.sid)).toBe(region);
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((event) => regionOfSid(event.sid) !== region)).toEqual([]);
  });
});
