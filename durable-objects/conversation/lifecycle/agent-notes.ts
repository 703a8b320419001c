/**
 * An agent's internal note on a conversation they handled — written after they left it too, which is
 * when wrap-up notes are written (wrap-up ends the agent's part in the conversation, and their socket).
 * Only an agent who is, or was, an agent participant may write one; it is staff only, authored as them.
 */
import type { AddMessageInput } from "../../common/conversations";
import { fail, ok, type ApiResult } from "../../common/rpc";
import type { StoreHost } from "../../kit/sql-host";
import { participantBy, pastParticipants } from "../store/conversation-rows";

/**
 * The message to add for the agent's note, or 403 when they never were this conversation's agent.
 * @example agentNote(host, "CH…", "WK…", "Refunded", "c1") // ok({ author: "WK…", visibility: "staff", … })
 */
export function agentNote(
  host: StoreHost,
  conversationSid: string,
  workerSid: string,
  body: string,
  clientId: string | null,
): ApiResult<AddMessageInput> {
  const handled =
    participantBy(host, "identity", workerSid)?.role === "agent" ||
    pastParticipants(host).some((p) => p.identity === workerSid && p.role === "agent");
  if (!handled) return fail(403, 20403, `Only an agent of Conversation ${conversationSid} adds notes to it`);
  return ok({
    author: workerSid,
    body,
    visibility: "staff",
    authorRole: "agent",
    idempotencyKey: clientId === null ? null : `note:${workerSid}:${clientId}`,
  });
}
