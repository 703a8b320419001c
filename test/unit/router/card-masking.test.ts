/**
 * Card numbers in what TaskRouter clients send — task attributes (create and update), a task's Reason,
 * worker attributes (create and update) — are masked before the Router stores them, so neither the
 * rows nor the events built from them (the Events API, callbacks, live frames) ever hold one; addresses
 * and IDs are kept; a workspace with `card_masking_enabled: false` stores attributes as sent.
 * Read back through the API and from the raw tables.
 */
import { describe, expect, it } from "vitest";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import type { WorkspaceConfigSnapshot } from "../../../durable-objects/common/rpc";
import { Router } from "../../../durable-objects/router/lifecycle/router";
import { ROUTER_MIGRATIONS } from "../../../durable-objects/router/store/schema";
import { ACCOUNT, AVAILABLE, snapshot, value } from "../../workers/router-fixtures";
import { sqliteHost } from "../kit/sqlite-host";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const page = { pageSize: 50, page: 0 };
/** A Visa test number, written the ways a caller's digits arrive. */
const CARD = "4111 1111 1111 1111";
const CARD_DIGITS = /4111.?1111.?1111.?1111|4111111111111111/;
/** Luhn-valid with a Mastercard prefix: what one Messenger sender ID in some dozens looks like. */
const PSID = "5372873542762918";

function router(config: WorkspaceConfigSnapshot = snapshot()) {
  const host = sqliteHost();
  applyMigrations(host, ROUTER_MIGRATIONS);
  const r = new Router(host);
  r.load(T0);
  value(r.applyConfig(config, [], {}, T0));
  return { host, router: r };
}

/** Every row of every table, as one string: what storage holds. */
function everything(host: ReturnType<typeof sqliteHost>): string {
  const tables = host.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray();
  return JSON.stringify(tables.map(({ name }) => host.sql.exec(`SELECT * FROM "${String(name)}"`).toArray()));
}

const withMasking = (enabled: boolean | undefined): WorkspaceConfigSnapshot => {
  const s = snapshot();
  const workspace: Record<string, unknown> = { ...s.workspace, card_masking_enabled: enabled };
  if (enabled === undefined) delete workspace.card_masking_enabled; // a snapshot from before the setting
  return { ...s, workspace: workspace as unknown as WorkspaceConfigSnapshot["workspace"] };
};

describe("task attributes", () => {
  it("are masked on create, in the record, the events and every table; addresses and IDs are kept", () => {
    const { host, router: r } = router();
    const attributes = { type: "support", note: `card ${CARD}`, ivr: { digits: "4111111111111111" }, from: PSID, customer_id: PSID };
    const task = value(r.createTask(ACCOUNT, { attributes: JSON.stringify(attributes) }, T0)).task;
    expect(JSON.parse(task.attributes)).toEqual({
      type: "support",
      note: "card **** **** **** 1111",
      ivr: { digits: "************1111" },
      from: PSID,
      customer_id: PSID,
    });
    const events = value(r.listEvents(ACCOUNT, { ...page, taskSid: task.sid }, T0)).items;
    expect(events.map((e) => e.event_type)).toContain("task.created");
    for (const event of events) expect(JSON.stringify(event)).not.toMatch(CARD_DIGITS);
    expect(everything(host)).not.toMatch(CARD_DIGITS);
    expect(everything(host)).toContain(PSID);
  });

  it("are masked on update, while what the stored document already held is kept as it was", () => {
    const { host, router: r } = router();
    // A conversation's task: its name is the customer's address, stored as given.
    const flex = { type: "support", from: PSID, name: PSID, channelType: "messenger" };
    const task = value(r.createTask(ACCOUNT, { attributes: JSON.stringify(flex), attributesMasked: true }, T0)).task;
    expect(JSON.parse(task.attributes)).toEqual(flex);
    // The desktop sends the whole document back with a field added.
    const updated = value(
      r.updateTask(ACCOUNT, task.sid, { attributes: JSON.stringify({ ...flex, wrapup: `refund to ${CARD}` }) }, T0 + 1000),
    ).task;
    expect(JSON.parse(updated.attributes)).toEqual({ ...flex, wrapup: "refund to **** **** **** 1111" });
    // A changed value is new text and is masked, whatever it replaced.
    const renamed = value(r.updateTask(ACCOUNT, task.sid, { attributes: JSON.stringify({ ...flex, name: PSID + " " }) }, T0 + 2000)).task;
    expect(JSON.parse(renamed.attributes).name).toBe("************2918 ");
    expect(everything(host)).not.toMatch(CARD_DIGITS);
  });

  it("masks a task's Reason, which its events repeat", () => {
    const { host, router: r } = router();
    const task = value(r.createTask(ACCOUNT, { attributes: "{}" }, T0)).task;
    const canceled = value(r.updateTask(ACCOUNT, task.sid, { assignmentStatus: "canceled", reason: `paid by ${CARD}` }, T0 + 1000)).task;
    expect(canceled.reason).toBe("paid by **** **** **** 1111");
    expect(everything(host)).not.toMatch(CARD_DIGITS);
  });

  it("keeps the text as sent, formatting included, when it holds no card number", () => {
    const { router: r } = router();
    const text = '{ "type" : "support",\n  "from": "+4915100000160" }';
    expect(value(r.createTask(ACCOUNT, { attributes: text }, T0)).task.attributes).toBe(text);
  });
});

describe("worker attributes", () => {
  it("are masked on create and update, and in the worker.attributes.update event", () => {
    const { host, router: r } = router();
    const worker = value(
      r.createWorker(ACCOUNT, { friendlyName: "Ann", activitySid: AVAILABLE, attributes: JSON.stringify({ corporate_card: CARD }) }, T0),
    ).worker;
    expect(JSON.parse(worker.attributes)).toEqual({ corporate_card: "**** **** **** 1111" });
    const attributes = JSON.stringify({ corporate_card: CARD, contact_uri: "client:ann", note: "5105-1051-0510-5100" });
    const updated = value(r.updateWorker(ACCOUNT, worker.sid, { attributes }, T0 + 1000)).worker;
    expect(JSON.parse(updated.attributes)).toEqual({
      corporate_card: "**** **** **** 1111",
      contact_uri: "client:ann",
      note: "****-****-****-5100",
    });
    const events = value(r.listEvents(ACCOUNT, { ...page, workerSid: worker.sid }, T0 + 1000)).items;
    expect(events.map((e) => e.event_type)).toContain("worker.attributes.update");
    expect(JSON.stringify(events)).not.toMatch(/5105.?1051.?0510|4111.?1111.?1111/);
    expect(everything(host)).not.toMatch(/5105.?1051.?0510|4111.?1111.?1111/);
  });
});

describe("the workspace's setting", () => {
  it("turned off: task and worker attributes and the Reason are stored exactly as sent", () => {
    const { host, router: r } = router(withMasking(false));
    const text = JSON.stringify({ note: `card ${CARD}` });
    const task = value(r.createTask(ACCOUNT, { attributes: text }, T0)).task;
    expect(task.attributes).toBe(text);
    const worker = value(r.createWorker(ACCOUNT, { friendlyName: "Ann", attributes: text }, T0)).worker;
    expect(worker.attributes).toBe(text);
    const canceled = value(r.updateTask(ACCOUNT, task.sid, { assignmentStatus: "canceled", reason: CARD }, T0 + 1000)).task;
    expect(canceled.reason).toBe(CARD);
    expect(everything(host)).toContain(CARD);
  });

  it("absent (a snapshot from before it existed) means on", () => {
    const { router: r } = router(withMasking(undefined));
    const task = value(r.createTask(ACCOUNT, { attributes: JSON.stringify({ note: CARD }) }, T0)).task;
    expect(JSON.parse(task.attributes)).toEqual({ note: "**** **** **** 1111" });
  });

  it("takes effect with the next configuration push", () => {
    const { router: r } = router(withMasking(false));
    value(r.applyConfig({ ...withMasking(true), version: 2 }, [], {}, T0));
    const task = value(r.createTask(ACCOUNT, { attributes: JSON.stringify({ note: CARD }) }, T0)).task;
    expect(JSON.parse(task.attributes)).toEqual({ note: "**** **** **** 1111" });
  });
});
