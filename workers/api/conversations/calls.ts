/**
 * A conversation's call, from the agent's side (issue 15; the widget's twins are in webchat-calls.ts):
 * - `POST /api/conversations/{CH}/call` {Kind: voice|video} — the conversation's agent escalates their
 *   chat to a call in the same conversation, on the same task; answers 201 `StartedCall` (the call and
 *   the agent's token); the widget sees `call.updated` (started_by agent) and joins or declines.
 * - `GET …/call` — the latest call (`{ call: CallRecord | null }`), for a backend or a page without the socket.
 * - `POST …/call/hangup` — ends the live call for everyone; answers the `CallRecord`.
 * - `POST …/call/hold` {Hold: true|false} — `held` ⇄ `connected`: the agent and the customer stop
 *   hearing each other, the customer hears hold music.
 * The caller is the agent of their realtime token (Bearer), or with Basic a backend naming WorkerSid.
 * LiveKit unreachable (or calls off in the region) is a 503 naming LiveKit and the region; the
 * ConversationDO (call-actions.ts) keeps the call as it was.
 */
import type { StartedCall } from "../../../contract/calls";
import { regionalSid, regionOfItem } from "../../../platform/region-sids";
import { conversationFor } from "../../../platform/objects";
import { mintMediaToken } from "../../../platform/livekit-tokens";
import { ApiError } from "../../http/errors";
import { oneOf, sid } from "../taskrouter/params";
import { endpoint, unwrap } from "../taskrouter/wire";
import { basicOrBearer, callerConversation, nativeGroup, pathConversationSid, type CallerContext } from "./caller";
import { callServer } from "./media-token";

export const routes = nativeGroup();

const WORKER = { WorkerSid: sid("WK").optional() };

const start = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/call",
  prefix: "/api",
  tag: "Calls",
  status: 201,
  auth: "bearer",
  summary:
    "The conversation's agent escalates it to a call (Kind=voice|video) in the same conversation and task; answers { call, media } (the CallRecord and the agent's LiveKit token); 409 while a call is live; 503 when LiveKit cannot be reached",
  params: { Kind: oneOf(["voice", "video"]), ...WORKER },
});

const read = endpoint({
  method: "get",
  path: "/conversations/:ConversationSid/call",
  prefix: "/api",
  tag: "Calls",
  status: 200,
  auth: "bearer",
  summary:
    "The conversation's latest call, live or ended: { call: CallRecord | null } (the sockets carry the same as the snapshot's call and call.updated)",
  params: {},
});

const hangup = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/call/hangup",
  prefix: "/api",
  tag: "Calls",
  status: 200,
  auth: "bearer",
  summary:
    "Ends the conversation's live call for everyone; answers the CallRecord (completed once an agent was connected, else abandoned and its task canceled)",
  params: WORKER,
});

const hold = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/call/hold",
  prefix: "/api",
  tag: "Calls",
  status: 200,
  auth: "bearer",
  summary:
    "Holds (Hold=true) or resumes (Hold=false) the live call: the customer hears hold music, the agent and they don't hear each other",
  params: { Hold: oneOf(["true", "false"]), ...WORKER },
});

/** The agent acting: their token's worker, or the WorkerSid a Basic caller names. */
function agentOf(c: CallerContext, named: string | undefined): string {
  const identity = c.get("identity");
  if (identity && named !== undefined && named !== identity.workerSid)
    throw new ApiError(403, 20403, "An agent's token acts only as that agent: leave WorkerSid out");
  const workerSid = named ?? identity?.workerSid;
  if (workerSid === undefined || workerSid === null)
    throw new ApiError(400, 20001, "Missing required parameter WorkerSid (the agent of the call): or call with the agent's token");
  return workerSid;
}

routes.post(start.path, basicOrBearer(), async (c) => {
  const p = await start.parse(c);
  const workerSid = agentOf(c, p.WorkerSid);
  const conversationSid = pathConversationSid(c);
  const conversation = await callerConversation(c, conversationSid);
  const server = callServer(c.env, conversation);
  const callSid = regionalSid("CA", regionOfItem(conversation.workspace_sid, conversationSid));
  const call = unwrap(
    await conversationFor(c.env, conversationSid).startCall(c.get("accountSid"), callSid, {
      kind: p.Kind,
      by: "agent",
      identity: workerSid,
    }),
  );
  const name = unwrap(await conversationFor(c.env, conversationSid).getParticipant(c.get("accountSid"), workerSid)).display_name;
  const media = await mintMediaToken(server, { role: "agent", room: conversationSid, identity: workerSid, name });
  return c.json({ call, media } satisfies StartedCall, 201);
});

routes.get(read.path, basicOrBearer(), async (c) => {
  await read.parse(c);
  const conversationSid = pathConversationSid(c);
  await callerConversation(c, conversationSid);
  return c.json({ call: unwrap(await conversationFor(c.env, conversationSid).getCall(c.get("accountSid"))) });
});

routes.post(hangup.path, basicOrBearer(), async (c) => {
  const p = await hangup.parse(c);
  const workerSid = agentOf(c, p.WorkerSid);
  const conversationSid = pathConversationSid(c);
  await callerConversation(c, conversationSid);
  return c.json(unwrap(await conversationFor(c.env, conversationSid).hangUpCall(c.get("accountSid"), workerSid, "agent")));
});

routes.post(hold.path, basicOrBearer(), async (c) => {
  const p = await hold.parse(c);
  const workerSid = agentOf(c, p.WorkerSid);
  const conversationSid = pathConversationSid(c);
  await callerConversation(c, conversationSid);
  return c.json(unwrap(await conversationFor(c.env, conversationSid).holdCall(c.get("accountSid"), workerSid, p.Hold === "true")));
});
