/**
 * What the FlowDO answers (issue 16): Studio v2's Execution, Execution Context, Step and Step Context
 * records, less `url` and `links`, which the Studio routes (workers/api/studio/) add. Times are ISO 8601.
 */
import type { IsoDate } from "../../contract/taskrouter";

export type ExecutionStatus = "active" | "ended";

export interface ExecutionRecord {
  readonly sid: string;
  readonly account_sid: string;
  readonly flow_sid: string;
  /** Switchboard's own: the workspace the flow belongs to. */
  readonly workspace_sid: string;
  /** The customer's address (phone, e-mail, web visitor identity …). */
  readonly contact_channel_address: string;
  readonly contact_sid: string | null;
  /** The flow's revision the execution runs, fixed at its start. */
  readonly flow_version: number;
  readonly context: Readonly<Record<string, unknown>>;
  readonly status: ExecutionStatus;
  readonly date_created: IsoDate;
  readonly date_updated: IsoDate | null;
  /** Switchboard's own: the conversation it runs in, if any. */
  readonly conversation_sid: string | null;
}

export interface StepRecord {
  readonly sid: string;
  readonly account_sid: string;
  readonly flow_sid: string;
  readonly execution_sid: string;
  readonly parent_step_sid: string | null;
  readonly name: string;
  readonly type: string;
  readonly context: Readonly<Record<string, unknown>>;
  readonly transitioned_from: string;
  readonly transitioned_to: string;
  readonly date_created: IsoDate;
  readonly date_updated: IsoDate | null;
}
