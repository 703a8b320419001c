/**
 * Studio flows (`FW…`, issue 16) and their revisions, kept in the WorkspaceDO beside the channels that
 * name them, so a channel's `flow_sid` is checked against the workspace it belongs to and a flow a channel
 * uses cannot be deleted from under it.
 *
 * Studio's rules, as its v2 REST API has them:
 * - A flow's record is its latest revision (definition, status, commit message, validity); revisions are
 *   immutable. Creating a flow makes revision 1; an update that changes the definition or the status
 *   appends the next one (a friendly name or commit message alone renames the flow, no revision).
 * - A definition that fails validation is saved when the status is `draft` — with `valid: false` and its
 *   `errors`, as Studio's canvas saves work in progress — but never published: `Status=published` with an
 *   invalid definition is a 400 naming the first error, with every error and warning in `details`, and
 *   nothing is stored.
 * - Executions run the latest published revision (`flowForExecution`), not a newer draft.
 *
 * Pure over the narrow SQL host; the validator is passed in (the engine's `validateDefinition`), so this
 * runs under `node:sqlite` in unit tests.
 */
import type { IsoDate } from "../../contract/taskrouter";
import { iso } from "../../contract/taskrouter";
import type { DefinitionError, FlowDefinition, Validation } from "../flow/engine/types";
import { fail, notFound, ok, type ApiFailure, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { pageOfRows, paginate } from "../kit/paging";
import type { SqlExec } from "../kit/sql-host";
import { checkFriendlyName } from "./checks";
import type { WorkspaceRow } from "./workspace-rows";

export type FlowStatus = "draft" | "published";
export const FLOW_STATUSES = ["draft", "published"] as const satisfies readonly FlowStatus[];

/** Studio's Flow resource, less `url` and `links` (the routes add them). */
export interface FlowRecord {
  readonly sid: string;
  readonly account_sid: string;
  /** Switchboard's own: the workspace the flow belongs to. */
  readonly workspace_sid: string;
  /** Studio names the user who last changed it; API changes have none. */
  readonly author_sid: null;
  readonly friendly_name: string;
  /** The latest revision's definition, as it was given; null in lists (as Studio's). */
  readonly definition: Readonly<Record<string, unknown>> | null;
  readonly status: FlowStatus;
  readonly revision: number;
  readonly commit_message: string | null;
  readonly valid: boolean | null;
  readonly errors: readonly DefinitionError[] | null;
  readonly warnings: readonly DefinitionError[] | null;
  /** Studio's URL to point a number at; Switchboard's channels name their flow (`FlowSid`) instead. */
  readonly webhook_url: null;
  readonly date_created: IsoDate;
  readonly date_updated: IsoDate | null;
}

/** Studio's Flow Revision resource, less `url`. */
export type FlowRevisionRecord = Omit<FlowRecord, "warnings" | "webhook_url" | "workspace_sid">;

/** A flow as an execution runs it: its latest published revision, validated. */
export interface PublishedFlow {
  readonly sid: string;
  readonly friendlyName: string;
  readonly revision: number;
  readonly definition: FlowDefinition;
}

export interface CreateFlowInput {
  readonly friendlyName: string;
  readonly status: FlowStatus;
  /** The parsed JSON object (the routes refuse text that is not one). */
  readonly definition: Readonly<Record<string, unknown>>;
  readonly commitMessage?: string | null;
}

export interface UpdateFlowInput {
  /** Required by Studio on every update. */
  readonly status: FlowStatus;
  readonly friendlyName?: string;
  /** Omitted: the latest revision's (publishing a draft). */
  readonly definition?: Readonly<Record<string, unknown>>;
  readonly commitMessage?: string | null;
}

/** `LatestPublished`, `LatestRevision` or a revision number. */
export type RevisionRef = number | "LatestPublished" | "LatestRevision";

export interface FlowScope {
  readonly sql: SqlExec;
  readonly ws: WorkspaceRow;
  readonly now: number;
  /** The engine's validator: `validateDefinition`. */
  readonly validate: (definition: unknown) => Validation;
}
type ReadScope = Pick<FlowScope, "sql" | "ws">;

interface FlowRow {
  readonly sid: string;
  readonly friendly_name: string;
  readonly revision: number;
  readonly published_revision: number | null;
  readonly date_created: number;
  readonly date_updated: number | null;
}

interface RevisionRow {
  readonly flow_sid: string;
  readonly revision: number;
  readonly friendly_name: string;
  readonly status: FlowStatus;
  readonly commit_message: string | null;
  readonly definition: string;
  readonly valid: number;
  readonly errors: string;
  readonly warnings: string;
  readonly date_created: number;
}

/** What a validation says, in the stored shape. */
interface Checked {
  readonly valid: boolean;
  readonly errors: readonly DefinitionError[];
  readonly warnings: readonly DefinitionError[];
}

const MAX_COMMIT_MESSAGE = 1000;

/**
 * The 400 for a definition that cannot be published (or fails /v2/Flows/Validate): Twilio's 20001 naming
 * the first problem, every error and warning in `details` as Studio puts them.
 *
 * @example
 * invalidDefinition({ errors: [{ message: "must match a widget name", property_path: "#/initial_state" }], warnings: [] })
 * // 400 20001 "Invalid Flow definition: #/initial_state must match a widget name (1 error)"
 */
export function invalidDefinition(problems: {
  readonly errors: readonly DefinitionError[];
  readonly warnings: readonly DefinitionError[];
}): ApiFailure {
  const first = problems.errors[0];
  const count = `${problems.errors.length} error${problems.errors.length === 1 ? "" : "s"}`;
  const named = first ? `${first.property_path} ${first.message}` : "the definition is not valid";
  return {
    ...fail(400, 20001, `Invalid Flow definition: ${named} (${count})`),
    details: { errors: problems.errors, warnings: problems.warnings },
  };
}

function check(scope: FlowScope, definition: unknown): Checked {
  const result = scope.validate(definition);
  return result.ok ? { valid: true, errors: [], warnings: result.warnings } : { valid: false, errors: result.errors, warnings: [] };
}

function checkCommitMessage(value: string | null | undefined): ApiFailure | undefined {
  if (typeof value === "string" && value.length > MAX_COMMIT_MESSAGE)
    return fail(400, 20001, `Invalid parameter CommitMessage: must be at most ${MAX_COMMIT_MESSAGE} characters, got ${value.length}`);
  return undefined;
}

// ── rows ─────────────────────────────────────────────────────────────────────────────────────────

const flowRow = (sql: SqlExec, sid: string): FlowRow | undefined =>
  sql.exec("SELECT * FROM flows WHERE sid = ?", sid).toArray()[0] as unknown as FlowRow | undefined;

const revisionRow = (sql: SqlExec, flowSid: string, revision: number): RevisionRow | undefined =>
  sql.exec("SELECT * FROM flow_revisions WHERE flow_sid = ? AND revision = ?", flowSid, revision).toArray()[0] as unknown as
    RevisionRow | undefined;

/** Whether `sid` names a flow of this workspace (a channel's `FlowSid` check). */
export const flowExists = (sql: SqlExec, sid: string): boolean => flowRow(sql, sid) !== undefined;

function insertRevision(sql: SqlExec, flowSid: string, revision: number, input: Omit<RevisionRow, "flow_sid" | "revision">): void {
  sql.exec(
    `INSERT INTO flow_revisions (flow_sid, revision, friendly_name, status, commit_message, definition, valid, errors, warnings, date_created)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    flowSid,
    revision,
    input.friendly_name,
    input.status,
    input.commit_message,
    input.definition,
    input.valid,
    input.errors,
    input.warnings,
    input.date_created,
  );
}

// ── records ──────────────────────────────────────────────────────────────────────────────────────

/** The flow's record: `latest` its latest revision, read whole for a fetch; a list's leaves the definition out. */
function flowRecord(
  ws: WorkspaceRow,
  flow: FlowRow,
  latest: Pick<RevisionRow, "status" | "commit_message"> & Partial<RevisionRow>,
): FlowRecord {
  const full = latest.definition !== undefined;
  return {
    sid: flow.sid,
    account_sid: ws.account_sid,
    workspace_sid: ws.sid,
    author_sid: null,
    friendly_name: flow.friendly_name,
    definition: full ? (JSON.parse(latest.definition!) as Record<string, unknown>) : null,
    status: latest.status,
    revision: flow.revision,
    commit_message: latest.commit_message,
    valid: full ? latest.valid === 1 : null,
    errors: full ? (JSON.parse(latest.errors!) as DefinitionError[]) : null,
    warnings: full ? (JSON.parse(latest.warnings!) as DefinitionError[]) : null,
    webhook_url: null,
    date_created: iso(flow.date_created),
    date_updated: flow.date_updated === null ? null : iso(flow.date_updated),
  };
}

function revisionRecord(ws: WorkspaceRow, row: RevisionRow, full: boolean): FlowRevisionRecord {
  return {
    sid: row.flow_sid,
    account_sid: ws.account_sid,
    author_sid: null,
    friendly_name: row.friendly_name,
    definition: full ? (JSON.parse(row.definition) as Record<string, unknown>) : null,
    status: row.status,
    revision: row.revision,
    commit_message: row.commit_message,
    valid: full ? row.valid === 1 : null,
    errors: full ? (JSON.parse(row.errors) as DefinitionError[]) : null,
    date_created: iso(row.date_created),
    date_updated: null,
  };
}

function fullRecord(scope: ReadScope, flow: FlowRow): FlowRecord {
  const latest = revisionRow(scope.sql, flow.sid, flow.revision);
  if (!latest) throw new Error(`flow ${flow.sid} has no revision ${flow.revision}`);
  return flowRecord(scope.ws, flow, latest);
}

// ── operations ───────────────────────────────────────────────────────────────────────────────────

/**
 * Creates a flow at revision 1. A draft may be invalid (stored with its errors); a published one may not.
 * Studio has no idempotency here: the same request twice makes two flows.
 *
 * @example
 * createFlow(scope, "FW…", { friendlyName: "Main menu", status: "published", definition: exported })
 * // ok: { sid: "FW…", revision: 1, status: "published", valid: true, errors: [], … }
 */
export function createFlow(scope: FlowScope, sid: string, input: CreateFlowInput): ApiResult<FlowRecord> {
  const badName = checkFriendlyName("FriendlyName", input.friendlyName);
  if (badName) return badName;
  const badMessage = checkCommitMessage(input.commitMessage);
  if (badMessage) return badMessage;
  const checked = check(scope, input.definition);
  if (input.status === "published" && !checked.valid) return invalidDefinition(checked);
  const { sql, now } = scope;
  sql.exec(
    "INSERT INTO flows (sid, friendly_name, revision, published_revision, date_created, date_updated) VALUES (?, ?, 1, ?, ?, NULL)",
    sid,
    input.friendlyName,
    input.status === "published" ? 1 : null,
    now,
  );
  insertRevision(sql, sid, 1, {
    friendly_name: input.friendlyName,
    status: input.status,
    commit_message: input.commitMessage ?? null,
    definition: JSON.stringify(input.definition),
    valid: checked.valid ? 1 : 0,
    errors: JSON.stringify(checked.errors),
    warnings: JSON.stringify(checked.warnings),
    date_created: now,
  });
  return ok(fullRecord(scope, flowRow(sql, sid)!));
}

/**
 * Changes a flow: a new revision when the definition or the status changes (see the module comment).
 * Publishing without a definition publishes the latest revision's, if it is valid.
 *
 * @example
 * updateFlow(scope, "FW…", { status: "published" }) // a draft's definition, published as the next revision
 */
export function updateFlow(scope: FlowScope, sid: string, input: UpdateFlowInput): ApiResult<FlowRecord> {
  const { sql, now } = scope;
  const flow = flowRow(sql, sid);
  if (!flow) return notFound("Flow", sid);
  const latest = revisionRow(sql, sid, flow.revision);
  if (!latest) throw new Error(`flow ${sid} has no revision ${flow.revision}`);
  const friendlyName = input.friendlyName ?? flow.friendly_name;
  const badName = checkFriendlyName("FriendlyName", friendlyName);
  if (badName) return badName;
  const badMessage = checkCommitMessage(input.commitMessage);
  if (badMessage) return badMessage;

  const definitionText = input.definition === undefined ? latest.definition : JSON.stringify(input.definition);
  const changed = definitionText !== latest.definition || input.status !== latest.status;
  if (!changed) {
    if (friendlyName !== flow.friendly_name)
      sql.exec("UPDATE flows SET friendly_name = ?, date_updated = ? WHERE sid = ?", friendlyName, now, sid);
    return ok(fullRecord(scope, flowRow(sql, sid)!));
  }
  const checked = definitionText === latest.definition ? storedCheck(latest) : check(scope, input.definition);
  if (input.status === "published" && !checked.valid) return invalidDefinition(checked);

  const revision = flow.revision + 1;
  insertRevision(sql, sid, revision, {
    friendly_name: friendlyName,
    status: input.status,
    commit_message: input.commitMessage ?? null,
    definition: definitionText,
    valid: checked.valid ? 1 : 0,
    errors: JSON.stringify(checked.errors),
    warnings: JSON.stringify(checked.warnings),
    date_created: now,
  });
  sql.exec(
    "UPDATE flows SET friendly_name = ?, revision = ?, published_revision = ?, date_updated = ? WHERE sid = ?",
    friendlyName,
    revision,
    input.status === "published" ? revision : flow.published_revision,
    now,
    sid,
  );
  return ok(fullRecord(scope, flowRow(sql, sid)!));
}

const storedCheck = (row: RevisionRow): Checked => ({
  valid: row.valid === 1,
  errors: JSON.parse(row.errors) as DefinitionError[],
  warnings: JSON.parse(row.warnings) as DefinitionError[],
});

export function getFlow(scope: ReadScope, sid: string): ApiResult<FlowRecord> {
  const flow = flowRow(scope.sql, sid);
  return flow ? ok(fullRecord(scope, flow)) : notFound("Flow", sid);
}

/** The workspace's flows, oldest first; definitions, validity and errors left out (null), as Studio lists them. */
export function listFlows(scope: ReadScope, page: PageRequest): ApiResult<Page<FlowRecord>> {
  const rows = scope.sql
    .exec(
      `SELECT f.*, r.status AS latest_status, r.commit_message AS latest_commit_message
       FROM flows f JOIN flow_revisions r ON r.flow_sid = f.sid AND r.revision = f.revision ORDER BY f.date_created, f.sid`,
    )
    .toArray() as unknown as (FlowRow & { latest_status: FlowStatus; latest_commit_message: string | null })[];
  return pageOfRows(rows, page, (row) =>
    flowRecord(scope.ws, row, { status: row.latest_status, commit_message: row.latest_commit_message }),
  );
}

/**
 * Deletes a flow and its revisions; a 409 naming the channel when one still runs it (clear the channel's
 * `FlowSid` first). Executions already running keep the definition they started with.
 */
export function deleteFlow(scope: ReadScope, sid: string): ApiResult<null> {
  const { sql } = scope;
  if (!flowRow(sql, sid)) return notFound("Flow", sid);
  const user = sql.exec("SELECT sid FROM channels WHERE flow_sid = ? ORDER BY date_created, sid LIMIT 1", sid).toArray()[0];
  if (user) {
    return fail(
      409,
      20409,
      `Flow ${sid} is used by channel ${String(user.sid)}: set the channel's FlowSid to another flow or clear it first`,
    );
  }
  sql.exec("DELETE FROM flow_revisions WHERE flow_sid = ?", sid);
  sql.exec("DELETE FROM flows WHERE sid = ?", sid);
  return ok(null);
}

/** A flow's revisions, newest first (as Studio lists them); definitions left out (null). */
export function listRevisions(scope: ReadScope, sid: string, page: PageRequest): ApiResult<Page<FlowRevisionRecord>> {
  if (!flowRow(scope.sql, sid)) return notFound("Flow", sid);
  const rows = scope.sql
    .exec("SELECT * FROM flow_revisions WHERE flow_sid = ? ORDER BY revision DESC", sid)
    .toArray() as unknown as RevisionRow[];
  // Keyset on the revision number, unique within the flow.
  const found = paginate(rows, (row) => ({ at: row.revision, sid: row.flow_sid }), page, "desc");
  return found.ok ? ok({ ...found.value, items: found.value.items.map((row) => revisionRecord(scope.ws, row, false)) }) : found;
}

/**
 * One revision: by number, or Studio's `LatestPublished` / `LatestRevision`.
 * @example getRevision(scope, "FW…", "LatestPublished") // the revision executions run, or 404 when none is published
 */
export function getRevision(scope: ReadScope, sid: string, ref: RevisionRef): ApiResult<FlowRevisionRecord> {
  const flow = flowRow(scope.sql, sid);
  if (!flow) return notFound("Flow", sid);
  const number = ref === "LatestRevision" ? flow.revision : ref === "LatestPublished" ? flow.published_revision : ref;
  const row = number === null ? undefined : revisionRow(scope.sql, sid, number);
  return row ? ok(revisionRecord(scope.ws, row, true)) : notFound("Flow Revision", `${sid}/Revisions/${String(ref)}`);
}

/**
 * The flow an execution runs: its latest published revision, validated again (so what runs is what the
 * engine of this release accepts). 404 for an unknown flow; 409 naming the flow when none is published or
 * the published definition no longer validates.
 *
 * @example flowForExecution(scope, "FW…") // ok: { sid, friendlyName, revision: 3, definition }
 */
export function flowForExecution(scope: FlowScope, sid: string): ApiResult<PublishedFlow> {
  const flow = flowRow(scope.sql, sid);
  if (!flow) return notFound("Flow", sid);
  if (flow.published_revision === null) {
    return fail(409, 20409, `Flow ${sid} has no published revision: publish it (Status=published) before it can run`);
  }
  const row = revisionRow(scope.sql, sid, flow.published_revision);
  if (!row) throw new Error(`flow ${sid} has no revision ${flow.published_revision}`);
  const validation = scope.validate(JSON.parse(row.definition));
  if (!validation.ok) {
    const first = validation.errors[0];
    return fail(
      409,
      20409,
      `Flow ${sid}'s published revision ${row.revision} is no longer valid${first ? ` (${first.property_path} ${first.message})` : ""}: publish a corrected definition`,
    );
  }
  return ok({ sid, friendlyName: flow.friendly_name, revision: row.revision, definition: validation.definition });
}
