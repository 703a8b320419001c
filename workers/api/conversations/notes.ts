/**
 * `POST /api/conversations/{ConversationSid}/notes` — an agent's internal note on a conversation they
 * handled, from the desktop with their realtime token (Bearer): what the wrap-up panel keeps. By then the
 * agent has left the conversation (wrap-up ends their part, and their socket), so the note cannot go over
 * the conversation's socket; this route lets an agent who is or was the conversation's agent write
 * staff-only notes to it. `ClientId` makes a retry answer the same note. Backends use the
 * Conversations API (`POST /v1/Conversations/{sid}/Messages` with `Visibility=staff`); supervisors
 * whisper over the socket, where it is recorded as their event.
 */
import { ApiError } from "../../http/errors";
import { str } from "../taskrouter/params";
import { endpoint, unwrap } from "../taskrouter/wire";
import { basicOrBearer, callerConversation, nativeGroup, pathConversationSid } from "./caller";
import { conversationFor } from "../../../platform/objects";

export const routes = nativeGroup();

const addNote = endpoint({
  method: "post",
  path: "/conversations/:ConversationSid/notes",
  prefix: "/api",
  tag: "Conversations",
  status: 201,
  auth: "bearer",
  summary: "Add an internal note (staff only) as the conversation's last agent, e.g. their wrap-up notes",
  params: {
    Body: str({ min: 1, max: 32_768 }),
    ClientId: str({ min: 1, max: 128 }).optional(),
  },
});

routes.post(addNote.path, basicOrBearer(), async (c) => {
  const p = await addNote.parse(c);
  const identity = c.get("identity");
  if (identity === null || identity.role !== "worker" || !identity.workerSid)
    throw new ApiError(
      403,
      20403,
      "Notes here are an agent's, with their token: backends use POST /v1/Conversations/{sid}/Messages with Visibility=staff",
    );
  const conversationSid = pathConversationSid(c);
  await callerConversation(c, conversationSid);
  const note = unwrap(
    await conversationFor(c.env, conversationSid).addAgentNote(c.get("accountSid"), identity.workerSid, p.Body, p.ClientId ?? null),
  );
  return c.json(note, 201);
});
