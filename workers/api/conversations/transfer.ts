/**
 * `POST /api/conversations/{ConversationSid}/transfer` — an agent hands a conversation to a queue or
 * to another worker. The ConversationDO does it (a new task through the workflow, the agent's own
 * task wrapped up); this route only checks who asks. With an agent's realtime token (Bearer) the agent
 * is the token's worker; with Basic credentials a backend names the worker in WorkerSid.
 */
import { isSid } from "../../../contract/ids";
import { ApiError } from "../../http/errors";
import { oneOf, sid, str } from "../taskrouter/params";
import { endpoint, unwrap } from "../taskrouter/wire";
import { basicOrBearer, callerConversation, nativeGroup, pathConversationSid } from "./caller";
import { conversationFor } from "../../../platform/objects";

export const routes = nativeGroup();

const transfer = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/transfer",
  prefix: "/api",
  tag: "Conversations",
  status: 200,
  auth: "bearer",
  summary: "Transfer a conversation to a queue (TargetType=queue, a WQ SID) or a worker (TargetType=worker, a WK SID)",
  params: {
    TargetType: oneOf(["queue", "worker"]),
    TargetSid: str({ max: 34 }),
    WorkerSid: sid("WK").optional(),
  },
});

routes.post(transfer.path, basicOrBearer(), async (c) => {
  const p = await transfer.parse(c);
  const prefix = p.TargetType === "queue" ? "WQ" : "WK";
  if (!isSid(prefix, p.TargetSid)) {
    throw new ApiError(400, 20001, `Invalid parameter TargetSid: must be a ${prefix} SID for TargetType ${p.TargetType}`);
  }
  const identity = c.get("identity");
  if (identity?.role === "worker" && p.WorkerSid !== undefined && p.WorkerSid !== identity.workerSid) {
    throw new ApiError(403, 20403, "An agent's token transfers only the agent's own conversations: leave WorkerSid out");
  }
  const workerSid = p.WorkerSid ?? identity?.workerSid;
  if (workerSid === undefined)
    throw new ApiError(400, 20001, "Missing required parameter WorkerSid (the agent who hands the conversation over)");
  const conversationSid = pathConversationSid(c);
  if (identity) await callerConversation(c, conversationSid);
  const result = unwrap(
    await conversationFor(c.env, conversationSid).transfer(c.get("accountSid"), {
      workerSid,
      targetType: p.TargetType,
      targetSid: p.TargetSid,
    }),
  );
  return c.json(result);
});
