/**
 * A workspace's regions: created in a home region (Region, else the default), named by its SID; the
 * regions it uses listed home first on the Workspace resource; a region that joins later is given the
 * current configuration before it answers, and every change after reaches the Router of every region,
 * each region's delivery kept apart (one unreachable region holds back no other, and is retried).
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { routerFor, workspaceFor } from "../../platform/objects";
import { regionOfSid } from "../../platform/region-sids";
import { applyMigrations } from "../../durable-objects/kit/migrations";
import { WORKSPACE_MIGRATIONS } from "../../durable-objects/workspace/schema";
import { ok, taskrouter, value } from "./regions-helpers";

const ACCOUNT = env.ACCOUNT_SID!;

const configVersion = (workspaceSid: string, region: string) =>
  runInDurableObject(routerFor(env, workspaceSid, region), (_instance, state) => {
    const [row] = state.storage.sql.exec<{ version: number }>("SELECT version FROM sb_config").toArray();
    return row?.version ?? 0;
  });

async function workspace(params: Record<string, string> = {}) {
  return ok("POST", "/Workspaces", { FriendlyName: `Regions ${crypto.randomUUID()}`, ...params });
}

describe("a workspace's home region", () => {
  it("is the default unless Region names another, and its SID names it", async () => {
    const plain = await workspace();
    expect(plain).toMatchObject({ home_region: "us-east", regions: ["us-east"] });
    expect(regionOfSid(plain.sid)).toBe("us-east");

    const irish = await workspace({ Region: "eu-ireland" });
    expect(irish).toMatchObject({ home_region: "eu-ireland", regions: ["eu-ireland"] });
    expect(regionOfSid(irish.sid)).toBe("eu-ireland");
    expect(await configVersion(irish.sid, "eu-ireland")).toBe(1);
    expect(await configVersion(irish.sid, "us-east")).toBe(0); // nothing was pushed to a region it does not use
    expect(await ok("GET", `/Workspaces/${irish.sid}`)).toMatchObject({ home_region: "eu-ireland" });
  });

  it("refuses a Region the deployment does not have with a 400 naming it and the known ones, creating nothing", async () => {
    const before = ((await ok("GET", "/Workspaces", { PageSize: "1000" })).workspaces as unknown[]).length;
    const reply = await taskrouter("POST", "/Workspaces", { FriendlyName: "Mars", Region: "mars-base" });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe(
      'Invalid parameter Region: must be one of this deployment\'s regions: us-east, us-west, eu-ireland, eu-frankfurt, ap-singapore, ap-tokyo, ap-sydney, sa-sao-paulo (got "mars-base")',
    );
    expect(((await ok("GET", "/Workspaces", { PageSize: "1000" })).workspaces as unknown[]).length).toBe(before);
  });
});

describe("a workspace from before regions", () => {
  it("has its home region listed by the migration, with the version its Router already has", async () => {
    const ws = await workspace();
    const stub = workspaceFor(env, ws.sid);
    // Back to the schema before migration 6, with the Router known to be at version 1; then upgrade.
    const listed = await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE sb_regions");
      sql.exec("ALTER TABLE channels DROP COLUMN region"); // migration 7's, re-applied with it
      for (const column of [
        "sla_threshold_seconds",
        "waiting_threshold",
        "longest_wait_threshold_seconds",
        "service_level_target",
        "wrap_up_timeout_seconds",
      ])
        sql.exec(`ALTER TABLE task_queues DROP COLUMN ${column}`); // migration 8's, likewise
      sql.exec("ALTER TABLE workspace DROP COLUMN hold_music_url"); // migration 9's, likewise
      // Migrations 10–12's (flows, the bot, calendars), likewise.
      for (const table of ["flows", "flow_revisions", "bot_intents", "bot_entities", "bot_settings", "bot_model", "calendars"])
        sql.exec(`DROP TABLE ${table}`);
      sql.exec("ALTER TABLE channels DROP COLUMN flow_sid");
      sql.exec("DELETE FROM sb_migrations WHERE version >= 6");
      sql.exec("UPDATE sb_sync SET router_version = 1");
      applyMigrations(state.storage, WORKSPACE_MIGRATIONS);
      return sql.exec("SELECT region, position, router_version FROM sb_regions").toArray();
    });
    expect(listed).toEqual([{ region: "us-east", position: 0, router_version: 1 }]);
    expect(value(await stub.getWorkspace(ACCOUNT)).regions).toEqual(["us-east"]);
  });
});

describe("the regions a workspace uses", () => {
  it("grow when a region joins, which gets the current configuration first; every change then reaches all", async () => {
    const ws = await workspace({ Template: "FIFO" });
    const stub = workspaceFor(env, ws.sid);
    expect(value(await stub.useRegion(ACCOUNT, "eu-ireland"))).toEqual(["us-east", "eu-ireland"]);
    expect(value(await stub.useRegion(ACCOUNT, "ap-sydney"))).toEqual(["us-east", "eu-ireland", "ap-sydney"]);
    expect(value(await stub.useRegion(ACCOUNT, "eu-ireland"))).toEqual(["us-east", "eu-ireland", "ap-sydney"]); // idempotent
    const joined = value(await stub.getWorkspace(ACCOUNT)).regions;
    expect(joined).toEqual(["us-east", "eu-ireland", "ap-sydney"]);
    // Each joining region bumped the version once (the Workspace resource changed): 1 + 2.
    for (const region of ["us-east", "eu-ireland", "ap-sydney"]) expect(await configVersion(ws.sid, region)).toBe(3);
    expect(await ok("GET", `/Workspaces/${ws.sid}`)).toMatchObject({ regions: ["us-east", "eu-ireland", "ap-sydney"] });
    const listed = (await ok("GET", "/Workspaces", { PageSize: "1000" })).workspaces as { sid: string; regions: string[] }[];
    expect(listed.find((w) => w.sid === ws.sid)?.regions).toEqual(["us-east", "eu-ireland", "ap-sydney"]);

    const queue = await ok("POST", `/Workspaces/${ws.sid}/TaskQueues`, {
      FriendlyName: "Irish speakers",
      TargetWorkers: "languages HAS 'ga'",
    });
    for (const region of ["us-east", "eu-ireland", "ap-sydney"]) {
      expect(await configVersion(ws.sid, region)).toBe(4);
      const snapshot = await runInDurableObject(routerFor(env, ws.sid, region), (_instance, state) =>
        JSON.parse(state.storage.sql.exec<{ snapshot: string }>("SELECT snapshot FROM sb_config").one().snapshot),
      );
      expect((snapshot as { taskQueues: { sid: string }[] }).taskQueues.map((q) => q.sid)).toContain(queue.sid);
    }
    // The configuration's events are kept once, by the home region's Router (the Events API reads them there).
    const events = (r: string) =>
      routerFor(env, ws.sid, r).listEvents(ACCOUNT, { pageSize: 50, page: 0, minutes: 60, taskQueueSid: queue.sid });
    expect(value(await events("us-east")).items.map((e) => e.event_type)).toEqual(["task-queue.created"]);
    expect(value(await events("eu-ireland")).items).toEqual([]);
  });

  it("refuses a region the deployment does not have, changing nothing", async () => {
    const ws = await workspace();
    const stub = workspaceFor(env, ws.sid);
    expect(await stub.useRegion(ACCOUNT, "mars-base")).toMatchObject({ ok: false, status: 400 });
    expect(value(await stub.getWorkspace(ACCOUNT)).regions).toEqual(["us-east"]);
  });

  it("keeps delivering to the other regions while one cannot be reached, and catches it up by alarm", async () => {
    const ws = await workspace();
    const stub = workspaceFor(env, ws.sid);
    value(await stub.useRegion(ACCOUNT, "eu-ireland"));
    // Make eu-ireland's pushes fail, as an unreachable Router would: its row names a region that does not exist.
    await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec("UPDATE sb_regions SET region = 'nowhere' WHERE region = 'eu-ireland'"),
    );
    await ok("POST", `/Workspaces/${ws.sid}/Activities`, { FriendlyName: "Lunch" });
    expect(await configVersion(ws.sid, "us-east")).toBe(3);
    expect(await configVersion(ws.sid, "eu-ireland")).toBe(2);

    await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec("UPDATE sb_regions SET region = 'eu-ireland' WHERE region = 'nowhere'"),
    );
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await configVersion(ws.sid, "eu-ireland")).toBe(3);
    const outbox = await runInDurableObject(stub, (_i, state) => state.storage.sql.exec("SELECT version FROM sb_outbox").toArray());
    expect(outbox).toEqual([]);
  });
});
