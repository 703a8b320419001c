/**
 * A web chat visitor's message straight to the conversation their session names, without the
 * DirectoryDO: the directory is one per workspace, in its home region, so asking it first would put a
 * round trip to that region between a Sydney visitor and a Sydney agent. The session (webchat.ts) names
 * the visitor's open conversation, or — for a visitor the directory has never seen, who has no profile
 * and no history to route by — the conversation their first message opens and their profile's SID,
 * minted ahead. The first message then opens it here with exactly what the directory would have answered
 * (a new profile, no history) and the conversation tells the directory after the task is created
 * (`InboundContext.register`); the agent is rung meanwhile.
 *
 * Whatever this cannot settle goes the directory's way (webhooks.ts `receiveInbound`): a conversation
 * since closed (the next one is routed with the customer's history, which only the directory holds) or
 * no longer there. Webhook configuration comes from the isolate's copy (webhook-config-cache.ts).
 */
import type { ChannelConfig } from "../../channels/channel-config";
import type { InboundMessage } from "../../channels/messages";
import type { CustomerContext, InboundContext } from "../../durable-objects/common/conversations";
import { ok, type ApiResult } from "../../durable-objects/common/rpc";
import type { Env } from "../../platform/env";
import { conversationFor } from "../../platform/objects";
import type { RequestGeo } from "../../platform/regions";
import type { VisitorConversation } from "../auth/visitor-session";
import { taskRegion } from "../api/taskrouter/placement";
import { redactContent } from "./redact";
import { webhookConfigs } from "./webhook-config-cache";
import { channelContext, profileName, type ReceivedMessage } from "./webhooks";
import { profileNameOf } from "../../durable-objects/directory/profiles";

/**
 * What the DirectoryDO answers for a customer it has never seen: a new profile named as the message
 * names them, without contact details (a web visitor's address gives none), history or last worker.
 */
function newCustomer(profileSid: string, message: InboundMessage): CustomerContext {
  return { profileSid, name: profileNameOf(profileName(message)), email: null, phone: null, lastWorkerSid: null, history: [] };
}

/**
 * Stores the visitor's message in the conversation `visitor` names: the answer, or null when it is to
 * go the directory's way (that conversation is closed, or not there and not the session's to open).
 * Throws when the ConversationDO cannot be reached.
 *
 * @example
 * const stored = await receiveDirect(env, config, session, message, edgeOf(request));
 * if (stored === null) await receiveInbound(env, config, { messages: [message], statuses: [] });
 */
export async function receiveDirect(
  env: Env,
  config: ChannelConfig,
  visitor: VisitorConversation & { readonly conversationSid: string },
  message: InboundMessage,
  edge?: RequestGeo,
): Promise<ApiResult<ReceivedMessage> | null> {
  const clean = redactContent({ messages: [message], statuses: [] }).messages[0]!;
  const { accountSid, workspaceSid } = config;
  const webhooks = await webhookConfigs(env, accountSid, workspaceSid, Date.now());
  let opening: Pick<InboundContext, "customer" | "register" | "region"> = {};
  if (visitor.newProfileSid !== null) {
    const customerName = profileName(clean);
    const region = await taskRegion(env, accountSid, workspaceSid, { channel: config.region, edge });
    opening = {
      customer: newCustomer(visitor.newProfileSid, clean),
      register: {
        workspaceSid,
        channelSid: config.sid,
        channel: clean.channel,
        customerAddress: clean.customerAddress,
        customerName,
        thread: null,
        newProfileSid: visitor.newProfileSid,
      },
      ...(region ? { region } : {}),
    };
  }
  const context: InboundContext = { ...channelContext(config, webhooks), ...opening };
  const received = await conversationFor(env, visitor.conversationSid).receive(accountSid, context, clean);
  if (!received.ok) return received.status === 404 || received.status === 409 ? null : received;
  return ok({ conversationSid: visitor.conversationSid, ...received.value });
}
