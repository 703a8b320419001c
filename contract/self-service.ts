/**
 * What self-service hands an agent (issue 16): when a flow's `send-to-flex` widget makes the
 * conversation a task, the task's attributes carry `self_service` — what the customer and the bot said,
 * what the bot understood, the variables the flow collected and how the customer seemed — and the desktop
 * shows it when the agent accepts. Zod-free: the desk reads it as a plain object.
 */

/** One line of the self-service transcript. */
export interface SelfServiceLine {
  readonly from: "customer" | "bot";
  readonly body: string;
  /** ISO 8601. */
  readonly at: string;
}

/** `task.attributes.self_service`. */
export interface SelfServiceContext {
  readonly flow_sid: string;
  readonly execution_sid: string;
  /** The flow's friendly name, for the agent. */
  readonly flow_name: string;
  readonly transcript: readonly SelfServiceLine[];
  /** The last intent the bot recognised (null: none above the threshold, or no bot). */
  readonly intent: string | null;
  readonly confidence: number | null;
  /** `flow.variables` at the hand-off (set-variables, collected answers). */
  readonly variables: Readonly<Record<string, unknown>>;
  /** Mean sentiment of the customer's messages, −1 … 1 (null: no bot). */
  readonly sentiment: number | null;
}

/** The attribute name a task carries it under. */
export const SELF_SERVICE_ATTRIBUTE = "self_service";
