/**
 * `POST /api/conversations/{CH}/call/recording` {Status: paused|in-progress|stopped} (issue 15): the
 * call's agent pauses, resumes or stops its recording, in Twilio's Recording Status words. A pause stops
 * LiveKit's egress and a resume starts a new one, so the recording then has parts (each its own file;
 * the Recordings API lists them). Answers the recording; the call's `recording` (on, paused, off) reaches
 * every socket as `call.updated`. 404 when the call is not recorded (the workspace's or queue's setting),
 * 409 when it has no connected call or the recording was stopped.
 */
import { conversationFor } from "../../../platform/objects";
import { RECORDING_CHANGES } from "../../../contract/recordings";
import { oneOf, sid } from "../taskrouter/params";
import { endpoint, unwrap } from "../taskrouter/wire";
import { basicOrBearer, callerConversation, nativeGroup, pathConversationSid } from "./caller";
import { agentOf } from "./calls";

export const routes = nativeGroup();

const change = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/call/recording",
  prefix: "/api",
  tag: "Calls",
  status: 200,
  auth: "bearer",
  summary:
    "The call's agent pauses (Status=paused), resumes (in-progress) or stops (stopped) its recording; a resume starts a new part. Answers the recording",
  params: { Status: oneOf(RECORDING_CHANGES), WorkerSid: sid("WK").optional() },
});

routes.post(change.path, basicOrBearer(), async (c) => {
  const p = await change.parse(c);
  const workerSid = agentOf(c, p.WorkerSid);
  const conversationSid = pathConversationSid(c);
  await callerConversation(c, conversationSid);
  return c.json(unwrap(await conversationFor(c.env, conversationSid).changeCallRecording(c.get("accountSid"), workerSid, p.Status)));
});
