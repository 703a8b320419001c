/**
 * What the Worker and every Durable Object share across RPC besides the records (contract/): how an
 * object reports a client error (a value, never a thrown error: RPC keeps only an error's message),
 * paging, and the configuration snapshot the WorkspaceDO pushes to its Router DOs. Pure types and tiny
 * helpers; imported by both sides.
 */
import type { ActivityRecord, TaskChannelRecord, TaskQueueRecord, WorkflowRecord, WorkspaceRecord } from "../../contract/taskrouter";

/** A client error, in Twilio's terms. The Worker turns it into `{code, message, more_info, status}`. */
export interface ApiFailure {
  readonly ok: false;
  readonly status: number;
  readonly code: number;
  readonly message: string;
  /**
   * The item was handed over to this region's Router (router/lifecycle/handover.ts): callers that
   * address it by SID ask there (platform/objects.ts, `followMoves`).
   */
  readonly movedTo?: string;
  /** More about the error, sent as Twilio's `details`: a Studio definition's errors and warnings. */
  readonly details?: ErrorDetails;
}

/** Twilio's `details` of an error, where it sends one (Studio: each problem of a definition and where it is). */
export interface ErrorDetails {
  readonly errors: readonly { readonly message: string; readonly property_path: string }[];
  readonly warnings: readonly { readonly message: string; readonly property_path: string }[];
}
export type ApiResult<T> = { readonly ok: true; readonly value: T } | ApiFailure;

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
export const fail = (status: number, code: number, message: string): ApiFailure => ({ ok: false, status, code, message });
export const notFound = (what: string, sid: string): ApiFailure => fail(404, 20404, `The requested resource ${what} ${sid} was not found`);
export const invalid = (param: string, message: string): ApiFailure => fail(400, 20001, `Invalid parameter ${param}: ${message}`);

/**
 * The fields of `values` that are set, for spreading over an input (a pre-event answer's changes, the
 * parameters a request gave). @example { email, ...defined({ friendlyName: p.FriendlyName }) }
 */
export function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** A page request as the Durable Object sees it. `pageToken` is opaque and comes from a previous page. */
export interface PageRequest {
  readonly pageSize: number;
  readonly page: number;
  readonly pageToken?: string;
}

/** One page of a list; `nextPageToken` null on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string | null;
  readonly previousPageToken: string | null;
}

/**
 * Everything a Router DO needs to know about a workspace's configuration, pushed by the Workspace DO
 * after every change (the Router keeps the highest `version` it has seen and ignores older pushes).
 */
export interface WorkspaceConfigSnapshot {
  readonly version: number;
  readonly workspace: WorkspaceRecord;
  readonly activities: readonly ActivityRecord[];
  readonly taskChannels: readonly TaskChannelRecord[];
  readonly taskQueues: readonly TaskQueueRecord[];
  readonly workflows: readonly WorkflowRecord[];
}
