/**
 * Conversations v1 ConversationWithParticipants (`POST /ConversationWithParticipants`, and the chat
 * service twin): a conversation and its first participants in one call, all or nothing. Each
 * `Participant` is Twilio's JSON text: `{"identity": …}` for a chat participant, or
 * `{"messaging_binding": {"address": …, "proxy_address": …}}` for an SMS-style one, with optional
 * `attributes` (JSON text or an object) and `role_sid` (accepted and ignored, as on Participants).
 * The ConversationDO stores the conversation and every participant in one transaction.
 */
import { newSidBeside } from "../../../platform/jurisdictions";
import { z } from "zod";
import type { ApiResult } from "../../../durable-objects/common/rpc";
import type { AddParticipantInput } from "../../../durable-objects/common/conversations";
import type { ConversationRecord } from "../../../contract/conversations";
import { ApiError } from "../../http/errors";
import { date, oneOf, repeated, str } from "../taskrouter/params";
import { unwrap } from "../taskrouter/wire";
import { actionSource, requestWorkspace, routeGroup, scoped } from "./context";
import { attributesParam, conversationBody, friendlyName, STATES, uniqueName } from "./conversations";
import { conversationFor } from "../../../platform/objects";

export const routes = routeGroup();

const text = z.string().min(1, "must not be empty").max(256, "must be at most 256 characters");
const participantJson = z.strictObject({
  identity: text.optional(),
  attributes: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  role_sid: z.string().max(34).optional(),
  messaging_binding: z.strictObject({ address: text, proxy_address: text.optional(), projected_address: text.optional() }).optional(),
});

/** One `Participant` entry as the ConversationDO's input, or a 400 naming the entry and what is wrong. */
function participantInput(raw: string, position: number): AddParticipantInput {
  const bad = (problem: string) => new ApiError(400, 20001, `Invalid parameter Participant (entry ${position}): ${problem}`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw bad("must be JSON text of an object");
  }
  const parsed = participantJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join(".")} ` : "";
    throw bad(issue.code === "invalid_type" && issue.path.length === 0 ? "must be a JSON object" : `${where}${issue.message}`);
  }
  const { identity, messaging_binding: binding, attributes } = parsed.data;
  if (identity !== undefined && binding !== undefined) throw bad("give identity or messaging_binding, not both");
  if (identity === undefined && binding === undefined) throw bad("needs an identity or messaging_binding");
  if (binding !== undefined && binding.proxy_address === undefined) throw bad("messaging_binding.proxy_address is required");
  const attributesText = typeof attributes === "object" ? JSON.stringify(attributes) : attributes;
  if (attributesText !== undefined && !attributesParam.safeParse(attributesText).success)
    throw bad("attributes must be JSON text of an object");
  return {
    identity: identity ?? null,
    attributes: attributesText,
    messagingBinding: binding ? { address: binding.address, proxyAddress: binding.proxy_address! } : null,
    ...(binding ? { role: "customer" as const } : {}),
  };
}

scoped(
  routes,
  {
    method: "post",
    path: "/ConversationWithParticipants",
    tag: "Conversations",
    summary:
      "Create a conversation with its participants (Participant: JSON with identity or messaging_binding.address/proxy_address), all or nothing",
    status: 201,
    params: {
      FriendlyName: friendlyName.optional(),
      UniqueName: uniqueName.optional(),
      Attributes: attributesParam.optional(),
      State: oneOf(STATES).optional(),
      DateCreated: date().optional(),
      DateUpdated: date().optional(),
      MessagingServiceSid: str({ max: 34 }).optional(),
      "Timers.Inactive": str({ max: 64 }).optional(),
      "Timers.Closed": str({ max: 64 }).optional(),
      "Bindings.Email.Address": str({ max: 256 }).optional(),
      "Bindings.Email.Name": str({ max: 256 }).optional(),
      Participant: repeated(str({ max: 16_384 })).optional(),
    },
  },
  async (c, p) => {
    const participants = (p.Participant ?? []).map((raw, i) => participantInput(raw, i + 1));
    const workspaceSid = await requestWorkspace(c);
    const result: ApiResult<ConversationRecord> = await conversationFor(c.env, newSidBeside("CH", workspaceSid)).create(
      c.get("accountSid"),
      {
        workspaceSid,
        friendlyName: p.FriendlyName,
        uniqueName: p.UniqueName,
        attributes: p.Attributes,
        state: p.State,
        dateCreated: p.DateCreated,
        participants,
      },
      actionSource(c),
    );
    return c.json(conversationBody(c, unwrap(result)), 201);
  },
);
