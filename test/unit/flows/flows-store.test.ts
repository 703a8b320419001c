// Studio flows in the WorkspaceDO's store (node:sqlite): revisions as Studio makes them, drafts that may
// be invalid but never published, the revision executions run, channels that hold a flow, and every
// refusal leaving the store as it was. The engine's validator is stood in for by a small one that checks
// what the store relies on (valid or not, the errors and warnings it names); the engine has its own tests.
import { describe, expect, it } from "vitest";
import { applyMigrations } from "../../../durable-objects/kit/migrations";
import { WORKSPACE_MIGRATIONS } from "../../../durable-objects/workspace/schema";
import * as flows from "../../../durable-objects/workspace/flows";
import type { FlowDefinition, Validation } from "../../../durable-objects/flow/engine/types";
import type { WorkspaceRow } from "../../../durable-objects/workspace/workspace-rows";
import type { ApiResult } from "../../../durable-objects/common/rpc";
import { sqliteHost } from "../kit/sqlite-host";

const ACCOUNT = "AC" + "5".repeat(32);
const WS = { sid: "WS" + "1".repeat(32), account_sid: ACCOUNT } as WorkspaceRow;
const FW = "FW" + "a".repeat(32);
const FW2 = "FW" + "b".repeat(32);
const T0 = Date.parse("2026-12-07T09:00:00Z");

/** Valid when `initial_state` names a state; a warning for a state nothing leads to. */
function validate(json: unknown): Validation {
  const definition = json as FlowDefinition;
  const names = (definition.states ?? []).map((s) => s.name);
  if (!names.includes(definition.initial_state))
    return { ok: false, errors: [{ message: "must match a widget name", property_path: "#/initial_state" }] };
  const reached = new Set([definition.initial_state, ...definition.states.flatMap((s) => s.transitions.map((t) => t.next))]);
  const warnings = names
    .filter((n) => !reached.has(n))
    .map((n) => ({ message: `widget ${n} is never reached`, property_path: "#/states" }));
  return { ok: true, definition, warnings };
}

const trigger = (next?: string) => ({
  name: "Trigger",
  type: "trigger",
  properties: {},
  transitions: [{ event: "incomingMessage", ...(next ? { next } : {}) }],
});
const GOOD = { description: "hello", initial_state: "Trigger", flags: { allow_concurrent_calls: true }, states: [trigger()] };
const GOOD_2 = {
  ...GOOD,
  states: [trigger("greet"), { name: "greet", type: "send-message", properties: { body: "Hi" }, transitions: [] }],
};
const BAD = { ...GOOD, initial_state: "Nowhere" };
const ORPHAN = { ...GOOD, states: [trigger(), { name: "lost", type: "send-message", properties: { body: "?" }, transitions: [] }] };

function setup() {
  const host = sqliteHost();
  applyMigrations(host, WORKSPACE_MIGRATIONS);
  let now = T0;
  const scope = () => ({ sql: host.sql, ws: WS, now, validate });
  const tables = () => ({
    flows: host.sql.exec("SELECT * FROM flows ORDER BY sid").toArray(),
    revisions: host.sql.exec("SELECT * FROM flow_revisions ORDER BY flow_sid, revision").toArray(),
  });
  return { host, scope, tables, tick: (ms = 1000) => (now += ms) };
}

const value = <T>(result: ApiResult<T>): T => {
  if (!result.ok) throw new Error(`expected ok, got ${result.status} ${result.message}`);
  return result.value;
};

describe("creating a flow", () => {
  it("publishes a valid definition as revision 1, the record being Studio's", () => {
    const { scope } = setup();
    const flow = value(flows.createFlow(scope(), FW, { friendlyName: "Main menu", status: "published", definition: GOOD }));
    expect(flow).toEqual({
      sid: FW,
      account_sid: ACCOUNT,
      workspace_sid: WS.sid,
      author_sid: null,
      friendly_name: "Main menu",
      definition: GOOD,
      status: "published",
      revision: 1,
      commit_message: null,
      valid: true,
      errors: [],
      warnings: [],
      webhook_url: null,
      date_created: "2026-12-07T09:00:00Z",
      date_updated: null,
    });
    expect(value(flows.flowForExecution(scope(), FW))).toEqual({ sid: FW, friendlyName: "Main menu", revision: 1, definition: GOOD });
  });

  it("keeps the validator's warnings on a valid flow", () => {
    const { scope } = setup();
    const flow = value(flows.createFlow(scope(), FW, { friendlyName: "x", status: "published", definition: ORPHAN }));
    expect(flow.warnings).toEqual([{ message: "widget lost is never reached", property_path: "#/states" }]);
  });

  it("saves an invalid draft with valid false and its errors — and it cannot run", () => {
    const { scope } = setup();
    const flow = value(
      flows.createFlow(scope(), FW, { friendlyName: "wip", status: "draft", definition: BAD, commitMessage: "half done" }),
    );
    expect(flow).toMatchObject({
      status: "draft",
      revision: 1,
      valid: false,
      commit_message: "half done",
      errors: [{ message: "must match a widget name", property_path: "#/initial_state" }],
    });
    const run = flows.flowForExecution(scope(), FW);
    expect(run).toMatchObject({ ok: false, status: 409, code: 20409 });
    expect(!run.ok && run.message).toContain(`Flow ${FW} has no published revision`);
  });

  it("refuses to publish an invalid definition, naming the first error, with every one in details, and stores nothing", () => {
    const { scope, tables } = setup();
    const result = flows.createFlow(scope(), FW, { friendlyName: "bad", status: "published", definition: BAD });
    expect(result).toEqual({
      ok: false,
      status: 400,
      code: 20001,
      message: "Invalid Flow definition: #/initial_state must match a widget name (1 error)",
      details: { errors: [{ message: "must match a widget name", property_path: "#/initial_state" }], warnings: [] },
    });
    expect(tables()).toEqual({ flows: [], revisions: [] });
  });

  it.each([
    ["a blank name", { friendlyName: "  " }, "Invalid parameter FriendlyName: must not be empty"],
    [
      "a name over 64 characters",
      { friendlyName: "n".repeat(65) },
      "Invalid parameter FriendlyName: must be at most 64 characters, got 65",
    ],
    ["a commit message over 1000 characters", { commitMessage: "m".repeat(1001) }, "Invalid parameter CommitMessage: must be at most 1000"],
  ])("refuses %s and stores nothing", (_what, change, message) => {
    const { scope, tables } = setup();
    const result = flows.createFlow(scope(), FW, { friendlyName: "ok", status: "draft", definition: GOOD, ...change });
    expect(result).toMatchObject({ ok: false, status: 400, code: 20001 });
    expect(!result.ok && result.message).toContain(message);
    expect(tables()).toEqual({ flows: [], revisions: [] });
  });
});

describe("updating a flow", () => {
  it("appends a revision per change of definition or status; the fetch is the latest, executions run the latest published", () => {
    const { scope, tick } = setup();
    value(flows.createFlow(scope(), FW, { friendlyName: "Menu", status: "published", definition: GOOD }));
    tick();
    // A new draft (revision 2) does not change what runs.
    const draft = value(flows.updateFlow(scope(), FW, { status: "draft", definition: GOOD_2, commitMessage: "greeting" }));
    expect(draft).toMatchObject({ revision: 2, status: "draft", definition: GOOD_2, commit_message: "greeting" });
    expect(draft.date_updated).toBe("2026-12-07T09:00:01Z");
    expect(value(flows.flowForExecution(scope(), FW)).revision).toBe(1);
    expect(value(flows.getRevision(scope(), FW, "LatestPublished")).revision).toBe(1);
    expect(value(flows.getRevision(scope(), FW, "LatestRevision")).revision).toBe(2);
    tick();
    // Publishing without a definition publishes the draft's (revision 3).
    const published = value(flows.updateFlow(scope(), FW, { status: "published" }));
    expect(published).toMatchObject({ revision: 3, status: "published", definition: GOOD_2, commit_message: null });
    expect(value(flows.flowForExecution(scope(), FW))).toEqual({ sid: FW, friendlyName: "Menu", revision: 3, definition: GOOD_2 });
  });

  it("changes nothing twice: the same status and definition again make no revision; a new name alone renames", () => {
    const { scope, tables, tick } = setup();
    value(flows.createFlow(scope(), FW, { friendlyName: "Menu", status: "published", definition: GOOD }));
    tick();
    expect(value(flows.updateFlow(scope(), FW, { status: "published", definition: GOOD })).revision).toBe(1);
    const renamed = value(flows.updateFlow(scope(), FW, { status: "published", friendlyName: "Main menu" }));
    expect(renamed).toMatchObject({ revision: 1, friendly_name: "Main menu", date_updated: "2026-12-07T09:00:01Z" });
    expect(tables().revisions).toHaveLength(1);
  });

  it("refuses to publish an invalid definition or an invalid draft as it stands, and keeps the flow as it was", () => {
    const { scope, tables } = setup();
    value(flows.createFlow(scope(), FW, { friendlyName: "Menu", status: "published", definition: GOOD }));
    value(flows.updateFlow(scope(), FW, { status: "draft", definition: BAD }));
    const before = tables();
    expect(flows.updateFlow(scope(), FW, { status: "published" })).toMatchObject({ ok: false, status: 400, code: 20001 });
    expect(flows.updateFlow(scope(), FW, { status: "published", definition: { ...BAD, description: "still bad" } })).toMatchObject({
      ok: false,
      status: 400,
      details: { errors: [{ property_path: "#/initial_state" }] },
    });
    expect(tables()).toEqual(before);
    expect(value(flows.flowForExecution(scope(), FW)).revision).toBe(1);
  });

  it("answers 404 for a flow it does not have", () => {
    const { scope } = setup();
    expect(flows.updateFlow(scope(), FW, { status: "draft" })).toMatchObject({ ok: false, status: 404, code: 20404 });
    expect(flows.getFlow(scope(), FW)).toMatchObject({ ok: false, status: 404 });
    expect(flows.flowForExecution(scope(), FW)).toMatchObject({ ok: false, status: 404 });
    expect(flows.listRevisions(scope(), FW, { pageSize: 50, page: 0 })).toMatchObject({ ok: false, status: 404 });
    expect(flows.deleteFlow(scope(), FW)).toMatchObject({ ok: false, status: 404 });
  });
});

describe("revisions and lists", () => {
  it("lists revisions newest first without definitions, page by page; fetches one whole", () => {
    const { scope } = setup();
    value(flows.createFlow(scope(), FW, { friendlyName: "Menu", status: "draft", definition: GOOD }));
    value(flows.updateFlow(scope(), FW, { status: "published" }));
    value(flows.updateFlow(scope(), FW, { status: "draft", definition: GOOD_2 }));
    const first = value(flows.listRevisions(scope(), FW, { pageSize: 2, page: 0 }));
    expect(first.items.map((r) => [r.revision, r.status, r.definition, r.valid])).toEqual([
      [3, "draft", null, null],
      [2, "published", null, null],
    ]);
    const second = value(flows.listRevisions(scope(), FW, { pageSize: 2, page: 1, pageToken: first.nextPageToken! }));
    expect(second.items.map((r) => r.revision)).toEqual([1]);
    expect(second.nextPageToken).toBeNull();
    expect(value(flows.getRevision(scope(), FW, 1))).toMatchObject({
      revision: 1,
      status: "draft",
      definition: GOOD,
      valid: true,
      errors: [],
    });
    expect(flows.getRevision(scope(), FW, 4)).toMatchObject({ ok: false, status: 404 });
  });

  it("answers 404 for LatestPublished when nothing is published", () => {
    const { scope } = setup();
    value(flows.createFlow(scope(), FW, { friendlyName: "Menu", status: "draft", definition: GOOD }));
    expect(flows.getRevision(scope(), FW, "LatestPublished")).toMatchObject({ ok: false, status: 404 });
  });

  it("lists the workspace's flows oldest first with their latest status, definitions left out as Studio does", () => {
    const { scope, tick } = setup();
    value(flows.createFlow(scope(), FW2, { friendlyName: "Second", status: "published", definition: GOOD }));
    tick();
    value(flows.createFlow(scope(), FW, { friendlyName: "First?", status: "draft", definition: BAD }));
    const page = value(flows.listFlows(scope(), { pageSize: 50, page: 0 }));
    expect(page.items.map((f) => [f.sid, f.friendly_name, f.status, f.definition, f.valid, f.errors])).toEqual([
      [FW2, "Second", "published", null, null, null],
      [FW, "First?", "draft", null, null, null],
    ]);
  });
});

describe("deleting a flow", () => {
  it("deletes the flow and its revisions", () => {
    const { scope, tables } = setup();
    value(flows.createFlow(scope(), FW, { friendlyName: "Menu", status: "published", definition: GOOD }));
    value(flows.updateFlow(scope(), FW, { status: "draft", definition: GOOD_2 }));
    expect(flows.deleteFlow(scope(), FW)).toEqual({ ok: true, value: null });
    expect(tables()).toEqual({ flows: [], revisions: [] });
    expect(flows.getFlow(scope(), FW)).toMatchObject({ ok: false, status: 404 });
  });

  it("refuses (409 naming the channel) while a channel runs it, and keeps it", () => {
    const { scope, host, tables } = setup();
    value(flows.createFlow(scope(), FW, { friendlyName: "Menu", status: "published", definition: GOOD }));
    const channel = "XC" + "c".repeat(32);
    host.sql.exec(
      `INSERT INTO channels (sid, kind, friendly_name, task_channel, settings, version, date_created, date_updated, flow_sid)
       VALUES (?, 'webchat', 'site', 'chat', '{}', 1, ?, ?, ?)`,
      channel,
      T0,
      T0,
      FW,
    );
    const before = tables();
    const refused = flows.deleteFlow(scope(), FW);
    expect(refused).toMatchObject({ ok: false, status: 409, code: 20409 });
    expect(!refused.ok && refused.message).toContain(`used by channel ${channel}`);
    expect(tables()).toEqual(before);
  });
});
