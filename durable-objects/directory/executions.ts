/**
 * The workspace's index of flow executions (issue 16), for Studio's `GET /v2/Flows/{FW}/Executions`: one
 * row per execution, written by its FlowDO after each status change (retried from its alarm until taken),
 * removed when the execution is deleted. A write older than the row's (by `date_updated`, then status)
 * changes nothing, so a retry that lands late never turns an ended execution active again. Listed newest
 * first, keyset by creation time, optionally between two creation times. Pure over the kit's host.
 */
import { invalid, ok, type ApiResult, type Page, type PageRequest } from "../common/rpc";
import { keysetPage } from "../kit/paging";
import { first, run, type SqlValue, type StoreHost } from "../kit/sql-host";
import type { ExecutionRecord } from "../flow/flow-records";

/** Creation times the list keeps to (epoch ms, inclusive): Studio's DateCreatedFrom / DateCreatedTo. */
export interface ExecutionFilter {
  readonly from?: number;
  readonly to?: number;
}

const isSidOf = (prefix: string, value: unknown): value is string =>
  typeof value === "string" && new RegExp(`^${prefix}[0-9a-f]{32}$`).test(value);

/**
 * Writes an execution's entry, unless the stored one is newer.
 * @example recordExecution(host, record) // ok(true): written
 */
export function recordExecution(host: StoreHost, record: ExecutionRecord): ApiResult<boolean> {
  if (!isSidOf("FN", record.sid)) return invalid("sid", "must be an FN SID");
  if (!isSidOf("FW", record.flow_sid)) return invalid("flow_sid", "must be an FW SID");
  if (record.status !== "active" && record.status !== "ended") return invalid("status", "must be active or ended");
  const updated = Date.parse(record.date_updated ?? record.date_created);
  const stored = first<{ date_updated: number; status: string }>(
    host,
    "SELECT date_updated, status FROM sb_executions WHERE sid = ?",
    record.sid,
  );
  if (stored && (stored.date_updated > updated || (stored.date_updated === updated && stored.status === "ended"))) return ok(false);
  run(
    host,
    "INSERT OR REPLACE INTO sb_executions (sid, flow_sid, status, date_created, date_updated, record) VALUES (?, ?, ?, ?, ?, ?)",
    record.sid,
    record.flow_sid,
    record.status,
    Date.parse(record.date_created),
    updated,
    JSON.stringify(record),
  );
  return ok(true);
}

export function removeExecution(host: StoreHost, executionSid: string): ApiResult<void> {
  run(host, "DELETE FROM sb_executions WHERE sid = ?", executionSid);
  return ok(undefined);
}

/** One page of a flow's executions, newest first. */
export function listExecutions(
  host: StoreHost,
  flowSid: string,
  filter: ExecutionFilter,
  page: PageRequest,
): ApiResult<Page<ExecutionRecord>> {
  const where = ["flow_sid = ?"];
  const bindings: SqlValue[] = [flowSid];
  for (const [bound, op] of [
    [filter.from, ">="],
    [filter.to, "<="],
  ] as const) {
    if (bound === undefined) continue;
    if (!Number.isSafeInteger(bound)) return invalid(op === ">=" ? "DateCreatedFrom" : "DateCreatedTo", "must be a date");
    where.push(`date_created ${op} ?`);
    bindings.push(bound);
  }
  return keysetPage<{ record: string }, ExecutionRecord>(
    host,
    { select: "SELECT sid, date_created, record FROM sb_executions", where, bindings, column: "date_created", order: "desc" },
    page,
    (row) => JSON.parse(row.record) as ExecutionRecord,
  );
}

export const EXECUTIONS_TABLE = `CREATE TABLE sb_executions (
  sid          TEXT    PRIMARY KEY,
  flow_sid     TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  date_created INTEGER NOT NULL,
  date_updated INTEGER NOT NULL,
  record       TEXT    NOT NULL
);
CREATE INDEX sb_executions_by_flow ON sb_executions (flow_sid, date_created, sid);`;
