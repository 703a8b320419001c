/**
 * A supervisor joining a conversation's call (issue 15): listening unseen, whispering to the agent or
 * barging in. The Worker mints the token (workers/api/conversations/media-token.ts); here the action is
 * checked against the call — there must be a live one — and kept for the record as a
 * `supervisor.call.<mode>` workspace event in the same transaction (supervision.ts).
 */
import { fail, ok, type ApiResult } from "../../common/rpc";
import type { SupervisionMode } from "../../../contract/calls";
import type { ConversationRow } from "../store/conversation-rows";
import type { Op } from "./conversation-operation";
import { recordSupervision, type Supervisor } from "./supervision";

export interface CallSupervisionInput {
  readonly mode: SupervisionMode;
  readonly supervisor: Supervisor;
  /** The identity their token joins the room as. */
  readonly mediaIdentity: string;
}

/**
 * Records a supervisor's joining of the live call, or refuses (409) when the conversation has none.
 * @example superviseCall(op, row, "CA…", { mode: "whisper", supervisor, mediaIdentity: "supervisor:WK…" })
 */
export function superviseCall(
  op: Op,
  conversation: ConversationRow,
  liveCallSid: string | null,
  input: CallSupervisionInput,
): ApiResult<{ readonly callSid: string }> {
  if (liveCallSid === null) return fail(409, 20409, `Conversation ${conversation.sid} has no live call to ${input.mode}`);
  recordSupervision(op, conversation, `supervisor.call.${input.mode}`, input.supervisor, {
    callSid: liveCallSid,
    mediaIdentity: input.mediaIdentity,
  });
  return ok({ callSid: liveCallSid });
}
