/**
 * `POST /api/conversations/{ConversationSid}/media-token` — the token a person's browser joins a call's
 * LiveKit room with (issue 15). A call is the conversation with media: its room is named for the
 * conversation, on the LiveKit server of the conversation's region (platform/livekit.ts), and what the
 * token allows is its holder's least (platform/livekit-tokens.ts):
 * - an agent of the conversation (their realtime token, Bearer; a participant of role agent): the agent
 *   grant, as their worker SID;
 * - a supervisor or admin who is not its agent, by `Mode` (contract/calls.ts `SUPERVISION_MODES`):
 *   `monitor` (the default) the hidden monitor grant as `monitor:<US or WK>`; `whisper` and `barge` the
 *   supervisor grant (publish their microphone) as `supervisor:<WK or US>` — a whisper is the
 *   supervisor's client letting only the agent subscribe. Each is recorded as a `supervisor.call.<mode>`
 *   workspace event by the ConversationDO, which refuses (409) when the conversation has no live call;
 * - an agent who names a Mode: 403 (an agent joins as the agent); anyone else: 403; a conversation not in
 *   the token's workspace: 404, as elsewhere.
 * The customer's token comes from the widget's visitor session (`POST /api/webchat/…/media-token`).
 * Calls off (no LiveKit key and secret for the region) is a 503 that says so; a conversation without a
 * live call (none started, or ended) is a 409: a token is for joining a call going on.
 */
import { regionOfItem } from "../../../platform/region-sids";
import { livekitOf } from "../../../platform/livekit";
import { mintMediaToken } from "../../../platform/livekit-tokens";
import { SUPERVISION_MODES, type MediaToken, type SupervisionMode } from "../../../contract/calls";
import type { ConversationRecord } from "../../../contract/conversations";
import type { RealtimeIdentity } from "../../../durable-objects/common/token-claims";
import { conversationFor } from "../../../platform/objects";
import type { Env } from "../../../platform/env";
import { ApiError } from "../../http/errors";
import { endpoint, unwrap } from "../taskrouter/wire";
import { oneOf } from "../taskrouter/params";
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
    "A LiveKit token for the conversation's live call (its room is the conversation SID, in its region): an agent of the conversation gets the agent grant (publish audio, video, screen share; subscribe); a supervisor, by Mode, the hidden monitor grant (monitor, the default: subscribe only) or the supervisor grant (whisper: their client lets only the agent hear them; barge: heard by both), each recorded as a supervisor.call.<mode> event; answers { url, token, room, identity, expires_at }; 409 without a live call; 503 while calls are off",
  params: { Mode: oneOf(SUPERVISION_MODES).optional() },
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
  const { Mode: mode } = await mediaToken.parse(c);
  const identity = c.get("identity");
  if (identity === null)
    throw new ApiError(
      403,
      20403,
      "A media token is a person's: call with an agent's or supervisor's realtime token (Authorization: Bearer)",
    );
  const conversationSid = pathConversationSid(c);
  const conversation = await callerConversation(c, conversationSid);
  const accountSid = c.get("accountSid");
  const who = await participantOf(c.env, accountSid, conversationSid, identity, mode);
  requireOpen(conversation);
  const server = callServer(c.env, conversation);
  // A supervisor's joining is recorded (supervisor.call.<mode>) by the conversation, which checks the call is live.
  if (who.role === "agent") await requireLiveCall(c.env, accountSid, conversationSid);
  else
    unwrap(
      await conversationFor(c.env, conversationSid).superviseCall(accountSid, {
        mode: mode ?? "monitor",
        supervisor: { workerSid: identity.workerSid ?? null, userSid: identity.user?.userSid ?? null, name: null },
        mediaIdentity: who.identity,
      }),
    );
  const minted: MediaToken = await mintMediaToken(server, { ...who, room: conversationSid });
  return c.json(minted);
});

/**
 * Who the caller is in the call: the conversation's agent when their worker is one of its agents (who
 * names no Mode), else — when they supervise — a hidden monitor or a supervisor who speaks, by `mode`;
 * else refused.
 */
async function participantOf(
  env: Env,
  accountSid: string,
  conversationSid: string,
  identity: RealtimeIdentity,
  mode: SupervisionMode | undefined,
) {
  if (identity.workerSid) {
    const participant = await conversationFor(env, conversationSid).getParticipant(accountSid, identity.workerSid);
    if (participant.ok && participant.value.role === "agent") {
      if (mode !== undefined)
        throw new ApiError(403, 20403, `You are an agent of conversation ${conversationSid}: you join its call as its agent, without Mode`);
      return { role: "agent" as const, identity: identity.workerSid, name: participant.value.display_name };
    }
  }
  if (identity.role !== "supervisor" && identity.role !== "admin")
    throw new ApiError(
      403,
      20403,
      `You are not an agent of conversation ${conversationSid}: only its agents and supervisors join its call`,
    );
  if (mode === undefined || mode === "monitor") {
    // One monitor per person: their user, else their worker; a backend's supervisor token names neither.
    const who = identity.user?.userSid ?? identity.workerSid ?? `backend-${crypto.randomUUID()}`;
    return { role: "monitor" as const, identity: `monitor:${who}` };
  }
  // Whispering and barging in are heard: they need a person the agent can tell apart, not an anonymous backend.
  const who = identity.workerSid ?? identity.user?.userSid;
  if (who === undefined)
    throw new ApiError(403, 20403, `Mode ${mode} speaks in the call: use a supervisor's token that names a worker or a user`);
  return { role: "supervisor" as const, identity: `supervisor:${who}`, name: null };
}
