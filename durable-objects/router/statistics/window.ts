/**
 * The parameters every cumulative statistics endpoint takes, resolved once into plain values: the
 * window (`Minutes`, default 15, or `StartDate`/`EndDate`) and `SplitByWaitTime`. The Worker resolves
 * them with its own clock before asking any Router DO, so every region answers for the same window.
 * Bad input comes back as an `ApiResult` failure naming the parameter.
 */
import { invalid, ok, type ApiResult } from "../../common/rpc";
import { MINUTE_MS } from "./bucket-store";

export interface StatisticsWindow {
  /** Epoch ms; buckets starting in [startMs, endMs) count. */
  readonly startMs: number;
  readonly endMs: number;
}

/** As the wire layer parsed them: `Minutes` an integer, the dates epoch ms. */
export interface WindowParams {
  readonly minutes?: number;
  readonly startDate?: number;
  readonly endDate?: number;
}

export const DEFAULT_MINUTES = 15;
/** Twilio keeps cumulative statistics for 30 days; so do the buckets. */
export const RETENTION_MS = 30 * 24 * 60 * MINUTE_MS;
/** More thresholds than anyone charts; each costs a pass over the window's wait histogram. */
export const MAX_SPLITS = 20;

/**
 * The window a request asks for. `Minutes` counts back from `now` and cannot be combined with the
 * dates; `StartDate` alone runs to `now`, `EndDate` alone covers the 15 minutes before it. A start
 * older than the retention is moved up to it; an end older than that is an error.
 *
 * @example
 * statisticsWindow({}, Date.parse("2026-03-02T10:15:00Z"))
 * // ok({ startMs: Date.parse("2026-03-02T10:00:00Z"), endMs: Date.parse("2026-03-02T10:15:00Z") })
 */
export function statisticsWindow(params: WindowParams, now: number, retentionMs = RETENTION_MS): ApiResult<StatisticsWindow> {
  const oldest = now - retentionMs;
  const maxMinutes = Math.floor(retentionMs / MINUTE_MS);
  if (params.minutes !== undefined) {
    if (params.startDate !== undefined || params.endDate !== undefined)
      return invalid("Minutes", "cannot be combined with StartDate or EndDate");
    if (!Number.isInteger(params.minutes) || params.minutes < 1 || params.minutes > maxMinutes) {
      return invalid("Minutes", `must be an integer from 1 to ${maxMinutes}`);
    }
  }
  if (params.startDate === undefined && params.endDate === undefined) {
    return ok({ startMs: now - (params.minutes ?? DEFAULT_MINUTES) * MINUTE_MS, endMs: now });
  }
  const endMs = params.endDate ?? now;
  const startMs = params.startDate ?? endMs - DEFAULT_MINUTES * MINUTE_MS;
  if (startMs > endMs) return invalid("StartDate", "must not be after EndDate");
  if (endMs < oldest) return invalid("EndDate", `must be within the last ${maxMinutes / 1440} days: statistics are kept that long`);
  return ok({ startMs: Math.max(startMs, oldest), endMs });
}

/**
 * `SplitByWaitTime`: a comma-separated list of whole seconds, returned ascending without repeats.
 *
 * @example
 * parseSplitByWaitTime("30, 5") // ok([5, 30])
 * parseSplitByWaitTime(undefined) // ok([])
 */
export function parseSplitByWaitTime(text: string | undefined): ApiResult<number[]> {
  if (text === undefined || text.trim() === "") return ok([]);
  const thresholds = new Set<number>();
  for (const part of text.split(",")) {
    const value = part.trim();
    if (!/^\d{1,9}$/.test(value)) {
      return invalid("SplitByWaitTime", `must be a comma-separated list of whole seconds, e.g. 5,30 (got ${JSON.stringify(value)})`);
    }
    thresholds.add(Number(value));
  }
  if (thresholds.size > MAX_SPLITS) return invalid("SplitByWaitTime", `takes at most ${MAX_SPLITS} thresholds`);
  return ok([...thresholds].sort((a, b) => a - b));
}
