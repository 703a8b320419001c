/**
 * `POST /api/conversations/{ConversationSid}/media-token` — the token a person's browser joins a call's
 * LiveKit room with (issue 15). A call is the conversation with media: its room is named for the
 * conversation, on the LiveKit server of the conversation's region (platform/livekit.ts), and what the
 * token allows is its holder's least (platform/livekit-tokens.ts):
 * - an agent of the conversation (their realtime token, Bearer; a participant of role agent): the agent
 *   grant, as their worker SID;
 * - a supervisor or admin who is not its agent: the monitor grant (hidden, listen only);
 * - anyone else: 403; a conversation not in the token's workspace: 404, as elsewhere.
 * The customer's token comes from the widget's visitor session (`POST /api/webchat/…/media-token`).
 * Calls off (no LiveKit key and secret for the region) is a 503 that says so; a conversation without a
 * live call (none started, or ended) is a 409: a token is for joining a call going on.
 */
import { regionOfItem } from "../../../platform/region-sids";
import { livekitOf } from "../../../platform/livekit";
import { mintMediaToken } from "../../../platform/livekit-tokens";
import type { MediaToken } from "../../../contract/calls";
import type { ConversationRecord } from "../../../contract/conversations";
import type { RealtimeIdentity } from "../../../durable-objects/common/token-claims";
import { conversationFor } from "../../../platform/objects";
import type { Env } from "../../../platform/env";
import { ApiError } from "../../http/errors";
import { endpoint } from "../taskrouter/wire";
import { basicOrBearer, callerConversation, nativeGroup, pathConversationSid } from "./caller";

export const routes = nativeGroup();

const mediaToken = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/media-token",
  prefix: "/api",
  tag: "Calls",
  status: 200,
  auth: "bearer",
  summary:
    "A LiveKit token for the conversation's live call (its room is the conversation SID, in its region): an agent of the conversation gets the agent grant (publish audio, video, screen share; subscribe), a supervisor the monitor grant (hidden, subscribe only); answers { url, token, room, identity, expires_at }; 409 without a live call; 503 while calls are off",
  params: {},
});

/** The LiveKit server of the conversation's region, or the 503 that says calls are off there. */
export function callServer(env: Env, conversation: Pick<ConversationRecord, "sid" | "workspace_sid">) {
  const found = livekitOf(env, regionOfItem(conversation.workspace_sid, conversation.sid));
  if (!found.ok) throw new ApiError(503, 20503, found.reason);
  return found.server;
}

/** A conversation that ended has no call to join. */
export function requireOpen(conversation: ConversationRecord): void {
  if (conversation.state === "closed") throw new ApiError(409, 20409, `Conversation ${conversation.sid} is closed: it has no call to join`);
}

/** A token is for a live call only: without one, 409 saying how to start it. */
export async function requireLiveCall(env: Env, accountSid: string, conversationSid: string): Promise<void> {
  let found: Awaited<ReturnType<ReturnType<typeof conversationFor>["getCall"]>>;
  try {
    found = await conversationFor(env, conversationSid).getCall(accountSid);
  } catch {
    throw new ApiError(503, 20503, "The conversation is unavailable; try again");
  }
  if (!found.ok) throw new ApiError(found.status as 404, found.code, found.message);
  if (found.value === null || found.value.state === "ended")
    throw new ApiError(409, 20409, `Conversation ${conversationSid} has no live call: start one first (POST …/call)`);
}

routes.post(mediaToken.path, basicOrBearer(), async (c) => {
  await mediaToken.parse(c);
  const identity = c.get("identity");
  if (identity === null)
    throw new ApiError(
      403,
      20403,
      "A media token is a person's: call with an agent's or supervisor's realtime token (Authorization: Bearer)",
    );
  const conversationSid = pathConversationSid(c);
  const conversation = await callerConversation(c, conversationSid);
  const who = await participantOf(c.env, c.get("accountSid"), conversationSid, identity);
  requireOpen(conversation);
  const server = callServer(c.env, conversation);
  await requireLiveCall(c.env, c.get("accountSid"), conversationSid);
  const minted: MediaToken = await mintMediaToken(server, { ...who, room: conversationSid });
  return c.json(minted);
});

/**
 * Who the caller is in the call: the conversation's agent when their worker is one of its agents, else a
 * hidden monitor when they supervise, else refused.
 */
async function participantOf(env: Env, accountSid: string, conversationSid: string, identity: RealtimeIdentity) {
  if (identity.workerSid) {
    const participant = await conversationFor(env, conversationSid).getParticipant(accountSid, identity.workerSid);
    if (participant.ok && participant.value.role === "agent")
      return { role: "agent" as const, identity: identity.workerSid, name: participant.value.display_name };
  }
  if (identity.role === "supervisor" || identity.role === "admin") {
    // One monitor per person: their user, else their worker; a backend's supervisor token names neither.
    const who = identity.user?.userSid ?? identity.workerSid ?? `backend-${crypto.randomUUID()}`;
    return { role: "monitor" as const, identity: `monitor:${who}` };
  }
  throw new ApiError(403, 20403, `You are not an agent of conversation ${conversationSid}: only its agents and supervisors join its call`);
}
