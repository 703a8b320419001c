/**
 * A task queue's desk settings — Switchboard's extension parameters on TaskQueue create and update: the
 * SLA threshold the desk colours a waiting task by, the supervisors' tile thresholds, and the automatic end
 * of wrap-up. Declared once here (API name, record column, range), so the Worker's parameters, the
 * WorkspaceDO's check and the record agree; 0 means "not set" and is stored as null.
 */
import type { TaskQueueRecord } from "../../contract/taskrouter";
import type { TaskQueueDesk } from "./config-inputs";
import { invalid, ok, type ApiResult } from "../common/rpc";

type DeskColumn =
  "sla_threshold_seconds" | "waiting_threshold" | "longest_wait_threshold_seconds" | "service_level_target" | "wrap_up_timeout_seconds";

export interface DeskSetting {
  /** The form parameter (PascalCase, as TaskRouter's). */
  readonly param: string;
  readonly key: keyof TaskQueueDesk;
  readonly column: DeskColumn;
  readonly max: number;
  readonly describe: string;
}

const DAY = 86_400;

/** Every desk setting, in the order the API documents them. */
export const DESK_SETTINGS: readonly DeskSetting[] = [
  {
    param: "SlaThresholdSeconds",
    key: "slaThresholdSeconds",
    column: "sla_threshold_seconds",
    max: DAY,
    describe: "A task waiting longer is over the queue's SLA; the service level counts within it (30 when unset)",
  },
  {
    param: "WaitingThreshold",
    key: "waitingThreshold",
    column: "waiting_threshold",
    max: 10_000,
    describe: "The waiting tile is crossed above this many tasks",
  },
  {
    param: "LongestWaitThresholdSeconds",
    key: "longestWaitThresholdSeconds",
    column: "longest_wait_threshold_seconds",
    max: DAY,
    describe: "The longest-wait tile is crossed above this many seconds",
  },
  {
    param: "ServiceLevelTarget",
    key: "serviceLevelTarget",
    column: "service_level_target",
    max: 100,
    describe: "The service level tile is crossed below this percentage",
  },
  {
    param: "WrapUpTimeoutSeconds",
    key: "wrapUpTimeoutSeconds",
    column: "wrap_up_timeout_seconds",
    max: DAY,
    describe: "A task in wrap-up is completed this many seconds after wrap-up began",
  },
];

/**
 * The settings a create or update leaves: each given one replaces the current value (0 clears it), the
 * rest stay. A value out of range is refused naming its parameter.
 *
 * @example
 * applyDesk({ wrap_up_timeout_seconds: 30 }, { wrapUpTimeoutSeconds: 0 }) // ok({ …, wrap_up_timeout_seconds: null })
 */
export function applyDesk<Row extends Record<DeskColumn, number | null>>(
  current: Row,
  patch: Partial<TaskQueueDesk> | undefined,
): ApiResult<Row> {
  const next: Row = { ...current };
  for (const setting of DESK_SETTINGS) {
    const given = patch?.[setting.key];
    if (given === undefined) continue;
    if (!Number.isInteger(given) || given < 0 || given > setting.max)
      return invalid(setting.param, `must be an integer from 0 to ${setting.max}`);
    next[setting.column] = (given === 0 ? null : given) as Row[DeskColumn];
  }
  return ok(next);
}

/** A queue record's desk settings, all null: for records built without a stored row (tests, older snapshots). */
export const NO_DESK: Pick<TaskQueueRecord, DeskColumn> = {
  sla_threshold_seconds: null,
  waiting_threshold: null,
  longest_wait_threshold_seconds: null,
  service_level_target: null,
  wrap_up_timeout_seconds: null,
};
