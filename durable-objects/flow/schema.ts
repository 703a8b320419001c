/**
 * The FlowDO's tables (issue 16), appended to as the runtime lands. One object per execution, so no
 * table carries the execution.
 */
import type { Migration } from "../kit/migrations";

export const FLOW_MIGRATIONS: readonly Migration[] = [];
