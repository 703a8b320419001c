/**
 * The semantic checks shared by every configuration resource: friendly names, callback URLs,
 * references to activities. Each returns an `ApiFailure` naming Twilio's PascalCase parameter, or
 * undefined when the value is acceptable, so a mutation can check everything before it writes anything.
 */
import { formatProblems, type ConfigurationProblem } from "../router/workflow";
import { fail, invalid, type ApiFailure } from "../common/rpc";
import { isSid } from "../../contract/ids";
import type { SqlExec } from "../kit/sql-host";
import { activityRow } from "./workspace-rows";

export const MAX_FRIENDLY_NAME_LENGTH = 64;

/**
 * A friendly name: not blank, at most 64 characters.
 *
 * @example
 * checkFriendlyName("FriendlyName", "  ") // Invalid parameter FriendlyName: must not be empty
 */
export function checkFriendlyName(param: string, value: string): ApiFailure | undefined {
  if (value.trim() === "") return invalid(param, "must not be empty");
  if (value.length > MAX_FRIENDLY_NAME_LENGTH)
    return invalid(param, `must be at most ${MAX_FRIENDLY_NAME_LENGTH} characters, got ${value.length}`);
  return undefined;
}

/**
 * An absolute http or https URL (callbacks are fetched by the Worker, so nothing else makes sense).
 *
 * @example
 * checkHttpUrl("AssignmentCallbackUrl", "/relative") // Invalid parameter AssignmentCallbackUrl: must be an absolute http(s) URL …
 */
export function checkHttpUrl(param: string, value: string): ApiFailure | undefined {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    return invalid(param, `must be an absolute http(s) URL, got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`);
  }
  return undefined;
}

/** An optional URL on create, or on update where "" clears it: the value to store, or a failure. */
export function optionalUrl(param: string, value: string | undefined, current: string | null): { value: string | null } | ApiFailure {
  if (value === undefined) return { value: current };
  if (value === "") return { value: null };
  return checkHttpUrl(param, value) ?? { value };
}

/** An activity SID that names an activity of this workspace. */
export function checkActivityRef(sql: SqlExec, param: string, sid: string): ApiFailure | undefined {
  if (!isSid("WA", sid)) return invalid(param, `must be an Activity SID ("WA" followed by 32 hex digits), got ${JSON.stringify(sid)}`);
  if (!activityRow(sql, sid)) return invalid(param, `Activity ${sid} does not exist in this workspace`);
  return undefined;
}

/**
 * Problems from the routing core's parsers as one 400: a single problem names its parameter like every
 * other invalid parameter; several are listed with their paths, so the admin fixes them in one go.
 *
 * @example
 * problemsFailure("Configuration", [{ path: "task_routing.filters[0].expression", message: "is required" }])
 * // Invalid parameter Configuration: task_routing.filters[0].expression: is required
 */
export function problemsFailure(param: string | undefined, problems: readonly ConfigurationProblem[]): ApiFailure {
  const [first] = problems;
  if (param !== undefined) return invalid(param, formatProblems(problems));
  if (problems.length === 1 && first) return invalid(first.path, first.message);
  return fail(400, 20001, `Invalid parameters: ${formatProblems(problems)}`);
}
