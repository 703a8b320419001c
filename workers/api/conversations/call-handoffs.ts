/**
 * A live call handed on by its agent (issue 15; the ConversationDO's call-handoff-actions.ts does it):
 * - `POST /api/conversations/{CH}/call/consult` {TargetType: worker|queue, TargetSid} — a warm transfer
 *   begins: the customer is held, `consult` is set on the call, a consult task goes to the target;
 * - `POST …/call/consult/complete` — the first agent leaves and wraps up, the consulted agent has the call;
 * - `POST …/call/consult/cancel` — the consult ends (its task canceled, or the consulted agent removed);
 * - `POST …/call/participants` {TargetType, TargetSid} — a conference: a third party is offered a task.
 * The cold transfer is the conversation's transfer route (transfer.ts), which a live call makes one.
 * The caller is the call's agent: their realtime token (Bearer), or Basic naming WorkerSid.
 */
import { isSid } from "../../../contract/ids";
import { conversationFor } from "../../../platform/objects";
import { ApiError } from "../../http/errors";
import { oneOf, str } from "../taskrouter/params";
import { endpoint, unwrap } from "../taskrouter/wire";
import { basicOrBearer, callerConversation, nativeGroup, pathConversationSid, type CallerContext } from "./caller";
import { agentOf, WORKER } from "./calls";

export const routes = nativeGroup();

const TARGET = { TargetType: oneOf(["worker", "queue"]), TargetSid: str({ max: 34 }), ...WORKER };

const consult = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/call/consult",
  prefix: "/api",
  tag: "Calls",
  status: 201,
  auth: "bearer",
  summary:
    "A warm transfer begins: the call's agent consults a worker or queue (TargetType, TargetSid) while the customer holds; answers { call, task_sid } (the consult task, routed like a transfer on the call's channel)",
  params: TARGET,
});

const participants = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/call/participants",
  prefix: "/api",
  tag: "Calls",
  status: 201,
  auth: "bearer",
  summary:
    "A conference: a third party (TargetType worker|queue, TargetSid) is offered the call as a task; on accept they join and everyone hears everyone; answers { call, task_sid }",
  params: TARGET,
});

const finish = (how: "complete" | "cancel") =>
  endpoint({
    method: "post",
    path: `/conversations/:ConversationSid/call/consult/${how}`,
    prefix: "/api",
    tag: "Calls",
    status: 200,
    auth: "bearer",
    summary:
      how === "complete"
        ? "Completes a warm transfer: the call's agent leaves and wraps up, the consulted agent has the call, the customer is back; answers the CallRecord"
        : "Cancels a warm transfer: the consult task is canceled (or the consulted agent removed and wrapped up), the customer is back with the call's agent; answers the CallRecord",
    params: WORKER,
  });

/** The target, checked against its type: a WQ SID for a queue, a WK SID for a worker. */
function targetOf(p: { TargetType: "worker" | "queue"; TargetSid: string }) {
  const prefix = p.TargetType === "queue" ? "WQ" : "WK";
  if (!isSid(prefix, p.TargetSid))
    throw new ApiError(400, 20001, `Invalid parameter TargetSid: must be a ${prefix} SID for TargetType ${p.TargetType}`);
  return { type: p.TargetType, sid: p.TargetSid };
}

async function handOff(
  c: CallerContext,
  purpose: "consult" | "conference",
  p: { TargetType: "worker" | "queue"; TargetSid: string; WorkerSid?: string | undefined },
) {
  const target = targetOf(p);
  const workerSid = agentOf(c, p.WorkerSid);
  const conversationSid = pathConversationSid(c);
  await callerConversation(c, conversationSid);
  const handed = unwrap(await conversationFor(c.env, conversationSid).handOffCall(c.get("accountSid"), purpose, workerSid, target));
  return c.json({ call: handed.call, task_sid: handed.taskSid }, 201);
}

routes.post(consult.path, basicOrBearer(), async (c) => handOff(c, "consult", await consult.parse(c)));
routes.post(participants.path, basicOrBearer(), async (c) => handOff(c, "conference", await participants.parse(c)));

for (const how of ["complete", "cancel"] as const) {
  const route = finish(how);
  routes.post(route.path, basicOrBearer(), async (c) => {
    const p = await route.parse(c);
    const workerSid = agentOf(c, p.WorkerSid);
    const conversationSid = pathConversationSid(c);
    await callerConversation(c, conversationSid);
    return c.json(unwrap(await conversationFor(c.env, conversationSid).endConsult(c.get("accountSid"), workerSid, how)));
  });
}
