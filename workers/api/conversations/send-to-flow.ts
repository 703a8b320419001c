/**
 * `POST /api/conversations/{ConversationSid}/flow` — an agent sends the customer to a Studio flow (issue
 * 16: a survey, a payment-free self-service step, back to the bot). The ConversationDO does it (a new
 * execution with an `incomingRequest` trigger naming the agent; the agent's task wraps up); this route
 * only checks who asks, as the transfer route does: with an agent's token the agent is the token's worker;
 * with Basic credentials a backend names the worker in WorkerSid. `IdempotencyKey` makes a retry answer
 * the first execution.
 */
import { ApiError } from "../../http/errors";
import { sid, str } from "../taskrouter/params";
import { endpoint, unwrap } from "../taskrouter/wire";
import { basicOrBearer, callerConversation, nativeGroup, pathConversationSid } from "./caller";
import { conversationFor } from "../../../platform/objects";

export const routes = nativeGroup();

const sendToFlow = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/flow",
  prefix: "/api",
  tag: "Conversations",
  status: 200,
  auth: "bearer",
  summary:
    "Send the customer to a Studio flow (FlowSid, an FW SID of the workspace): the agent's task wraps up and the flow runs in the conversation; answers { execution_sid }",
  params: {
    FlowSid: sid("FW"),
    WorkerSid: sid("WK").optional(),
    IdempotencyKey: str({ min: 1, max: 64 }).optional(),
  },
});

routes.post(sendToFlow.path, basicOrBearer(), async (c) => {
  const p = await sendToFlow.parse(c);
  const identity = c.get("identity");
  if (identity?.role === "worker" && p.WorkerSid !== undefined && p.WorkerSid !== identity.workerSid) {
    throw new ApiError(403, 20403, "An agent's token sends only the agent's own conversations to a flow: leave WorkerSid out");
  }
  const workerSid = p.WorkerSid ?? identity?.workerSid;
  if (workerSid === undefined) throw new ApiError(400, 20001, "Missing required parameter WorkerSid (the agent who sends the customer)");
  const conversationSid = pathConversationSid(c);
  if (identity) await callerConversation(c, conversationSid);
  const started = unwrap(
    await conversationFor(c.env, conversationSid).startFlow(c.get("accountSid"), p.IdempotencyKey ?? crypto.randomUUID(), {
      flowSid: p.FlowSid,
      workerSid,
    }),
  );
  return c.json({ execution_sid: started.executionSid });
});
