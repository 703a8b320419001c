/**
 * The hand-off's context (contract/self-service.ts): what `send-to-flex` adds to the task's attributes
 * as `self_service`, so the agent who accepts sees what was said, what the bot understood, what the flow
 * collected and how the customer seemed — without asking again.
 */
import type { SelfServiceContext } from "../../../contract/self-service";
import type { Run } from "./run-state";
import { isRecord } from "../../../contract/is-record";

/**
 * The execution's self-service context now.
 * @example
 * attributes[SELF_SERVICE_ATTRIBUTE] = selfService(run); // { transcript: [...], intent: "billing", … }
 */
export function selfService(run: Run): SelfServiceContext {
  const { context, transcript } = run.state;
  const heard = transcript.filter((line) => line.from === "customer");
  // "None" is the bot's "below the threshold": it understood nothing, so an earlier real intent stands.
  const understood = heard.filter((line) => line.intent !== undefined && line.intent !== NO_INTENT);
  const last = understood.at(-1);
  const moods = heard.flatMap((line) => (typeof line.sentiment === "number" ? [line.sentiment] : []));
  return {
    flow_sid: text(context.flow.flow_sid),
    execution_sid: text(context.flow.sid),
    flow_name: run.definition.description ?? "",
    transcript: transcript.map((line) => ({ from: line.from, body: line.body, at: new Date(line.at).toISOString() })),
    intent: last?.intent ?? null,
    confidence: last?.confidence ?? null,
    variables: isRecord(context.flow.variables) ? { ...context.flow.variables } : {},
    sentiment: moods.length > 0 ? moods.reduce((sum, mood) => sum + mood, 0) / moods.length : null,
  };
}

/** The intent the bot names when nothing it knows is likely enough (the workspace's threshold). */
const NO_INTENT = "None";

const text = (value: unknown) => (typeof value === "string" ? value : "");
