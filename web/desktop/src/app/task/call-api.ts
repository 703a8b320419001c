/**
 * The call routes the desk calls (issue 15), each with the agent's or supervisor's realtime token as a
 * Bearer header, form-encoded like every desk route: the room's media token (a supervisor's with its
 * `Mode`), starting a call in a chat, hanging up, hold, a warm transfer's consult / complete / cancel,
 * adding a third party, and reading the latest call. A refusal throws an Error with the server's message (task/api.ts's `bearer`).
 */
import type { CallKind, CallRecord, MediaToken, StartedCall } from "../../../../../contract/calls";
import type { DesktopSession } from "../types";
import { bearer, conversationPath } from "./api";
import type { SupervisorMode } from "./call-view";

async function post<T>(session: DesktopSession, conversationSid: string, rest: string, params: Record<string, string>, what: string) {
  const response = await bearer(
    session,
    conversationPath(conversationSid, rest),
    { method: "POST", body: new URLSearchParams(params) },
    what,
  );
  return (await response.json()) as T;
}

/**
 * The token to join the conversation's room: the agent's, or a supervisor's in `mode`.
 * @example const { url, token } = await mediaToken(session, "CH…");
 */
export const mediaToken = (session: DesktopSession, conversationSid: string, mode?: Exclude<SupervisorMode, "off">) =>
  post<MediaToken>(session, conversationSid, "media-token", mode ? { Mode: mode } : {}, "Joining the call");

/** The agent turns their chat into a call. @example const { call, media } = await startCall(session, "CH…", "video"); */
export const startCall = (session: DesktopSession, conversationSid: string, kind: CallKind) =>
  post<StartedCall>(session, conversationSid, "call", { Kind: kind }, "Starting the call");

/** Ends the call for everyone. @example await hangUp(session, "CH…"); */
export const hangUp = (session: DesktopSession, conversationSid: string) =>
  post<CallRecord>(session, conversationSid, "call/hangup", {}, "Hanging up");

/** Puts the customer on hold (`true`) or back (`false`). @example await setHold(session, "CH…", true); */
export const setHold = (session: DesktopSession, conversationSid: string, hold: boolean) =>
  post<CallRecord>(session, conversationSid, "call/hold", { Hold: String(hold) }, hold ? "Hold" : "Resume");

export type CallTarget = { readonly targetType: "queue" | "worker"; readonly targetSid: string };

/** A warm transfer's first step: the customer holds while the agent talks to the target. */
export const consult = (session: DesktopSession, conversationSid: string, target: CallTarget) =>
  post<CallRecord>(session, conversationSid, "call/consult", { TargetType: target.targetType, TargetSid: target.targetSid }, "Consult");

/** The consulted agent takes the call; this agent leaves it (to wrap-up). */
export const completeConsult = (session: DesktopSession, conversationSid: string) =>
  post<CallRecord>(session, conversationSid, "call/consult/complete", {}, "Completing the transfer");

/** The consult ends; the customer is back with this agent. */
export const cancelConsult = (session: DesktopSession, conversationSid: string) =>
  post<CallRecord>(session, conversationSid, "call/consult/cancel", {}, "Cancelling the consult");

/** A third party joins the call (everyone hears everyone). */
export const addParticipant = (session: DesktopSession, conversationSid: string, target: CallTarget) =>
  post<unknown>(
    session,
    conversationSid,
    "call/participants",
    { TargetType: target.targetType, TargetSid: target.targetSid },
    "Adding the participant",
  );

/**
 * The conversation's latest call, live or ended, or null (`GET …/call`): for a screen that shows a call
 * without holding the conversation's socket (the supervisor's Live list).
 * @example const call = await latestCall(session, "CH…"); call?.state // "held"
 */
export async function latestCall(session: DesktopSession, conversationSid: string): Promise<CallRecord | null> {
  const response = await bearer(session, conversationPath(conversationSid, "call"), { method: "GET" }, "Reading the call");
  return ((await response.json()) as { call: CallRecord | null }).call;
}
