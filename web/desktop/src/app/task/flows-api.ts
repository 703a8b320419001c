/**
 * The flow routes the desk calls for "Send to a flow…" (issue 16): the workspace's published Studio flows
 * (`GET /api/workspaces/{WS}/flow-targets`, with the session cookie — Studio's own `/v2/Flows` takes the
 * account's Basic credentials, which an agent never holds) and
 * sending the conversation to one (`POST /api/conversations/{CH}/flow`, with the agent's realtime token,
 * as a transfer is: the ConversationDO starts the execution and wraps the agent's task). Zod-free: the
 * list is read as plain JSON, anything that is not a published flow skipped.
 */
import { api } from "../api";
import type { DesktopSession } from "../types";
import { bearer, conversationPath } from "./api";

/** A flow an agent can send a customer to. */
export interface FlowChoice {
  readonly sid: string;
  readonly friendlyName: string;
}

const FLOW_SID = /^FW[0-9a-f]{32}$/;

/** The desk's list of a workspace's published flows (workers/api/desktop.ts). */
export const flowTargetsPath = (workspaceSid: string): string => `/api/workspaces/${encodeURIComponent(workspaceSid)}/flow-targets`;

/**
 * The published flows of a workspace, by name (drafts never run, so they are not offered).
 *
 * @example
 * const flows = await publishedFlows("WS…"); // [{ sid: "FW…", friendlyName: "Satisfaction survey" }]
 */
export async function publishedFlows(workspaceSid: string): Promise<FlowChoice[]> {
  const page = await api<{ flows?: unknown }>("GET", flowTargetsPath(workspaceSid));
  const flows = Array.isArray(page?.flows) ? (page.flows as unknown[]) : [];
  const choices: FlowChoice[] = [];
  for (const flow of flows) {
    if (flow === null || typeof flow !== "object") continue;
    const { sid, friendly_name: name, status } = flow as Record<string, unknown>;
    if (typeof sid !== "string" || !FLOW_SID.test(sid) || status !== "published") continue;
    choices.push({ sid, friendlyName: typeof name === "string" && name !== "" ? name : sid });
  }
  return choices.sort((a, b) => a.friendlyName.localeCompare(b.friendlyName));
}

/**
 * Sends the conversation to a flow: the customer goes on with it, the agent's task goes to wrap-up. The
 * same `idempotencyKey` answers the first execution again (a retry starts no second one).
 *
 * @example await sendToFlow(session, "CH…", "FW…"); // { execution_sid: "FN…" }
 */
export async function sendToFlow(
  session: DesktopSession,
  conversationSid: string,
  flowSid: string,
  idempotencyKey: string = crypto.randomUUID(),
): Promise<unknown> {
  if (!FLOW_SID.test(flowSid)) throw new Error(`Not a flow SID: ${flowSid}`);
  const body = new URLSearchParams({ FlowSid: flowSid, IdempotencyKey: idempotencyKey });
  const response = await bearer(session, conversationPath(conversationSid, "flow"), { method: "POST", body }, "Sending to the flow");
  return response.json();
}
