/**
 * Flex Interactions (`/flex/v1/Interactions`): one call that opens a conversation — or takes the one in
 * `Channel.properties.media_channel_sid` — adds the customer from `Channel.participants`, and creates its
 * task through the workflow in `Routing.properties`, with Flex's task attributes (conversationSid,
 * channelType, flexInteractionSid …) so TaskRouter's events reach the conversation.
 *
 * No index is kept: an Interaction's SID (KD) and its channel's (UO) carry the conversation's 32 hex
 * digits, so `GET /Interactions/KD…` reads the conversation, and the conversation's attributes keep the
 * rest under `flexInteraction` ({sid, channelSid, channelType, taskSid, …}).
 */
import { newSidBeside } from "../../../platform/jurisdictions";
import { z } from "zod";
import type { ConversationChannel, ConversationRecord } from "../../../contract/conversations";
import { isSid } from "../../../contract/ids";
import type { TaskRecord } from "../../../contract/taskrouter";
import type { Env } from "../../../platform/env";
import { conversationFor, followMoves, workspaceFor } from "../../../platform/objects";
import { createTaskIn, edgeOf, taskRegion } from "../taskrouter/placement";
import { ApiError } from "../../http/errors";
import { sid, str } from "../taskrouter/params";
import { endpoint, unwrap } from "../taskrouter/wire";
import { defaultWorkspace, routeGroup, type ConversationsContext } from "./context";

export const routes = routeGroup();
const PREFIX = "/flex/v1";

/** JSON text of an object, parsed and checked against `schema`; errors name the field inside. */
const jsonOf = <T extends z.ZodType>(schema: T) =>
  str({ max: 65_536 }).transform((text, ctx): z.output<T> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be valid JSON" });
      return z.NEVER;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    ctx.addIssue({ code: "custom", message: `${issue.path.length > 0 ? `${issue.path.join(".")} ` : ""}${issue.message}` });
    return z.NEVER;
  });

const participant = z.looseObject({
  address: z.string().min(1).max(256).optional(),
  proxy_address: z.string().min(1).max(256).optional(),
  identity: z.string().min(1).max(256).optional(),
  name: z.string().max(256).optional(),
});
const channelSchema = z.object({
  type: z.string().min(1).max(32),
  initiated_by: z.enum(["customer", "agent", "api"]).optional(),
  properties: z
    .looseObject({
      media_channel_sid: z
        .string()
        .regex(/^CH[0-9a-f]{32}$/, "must be a CH SID")
        .optional(),
    })
    .optional(),
  participants: z.array(participant).max(10).optional(),
});
const routingSchema = z.object({
  properties: z.looseObject({
    workspace_sid: z
      .string()
      .regex(/^WS[0-9a-f]{32}$/, "must be a WS SID")
      .optional(),
    workflow_sid: z
      .string()
      .regex(/^WW[0-9a-f]{32}$/, "must be a WW SID")
      .optional(),
    task_channel_unique_name: z.string().min(1).max(64).optional(),
    task_channel_sid: z
      .string()
      .regex(/^TC[0-9a-f]{32}$/, "must be a TC SID")
      .optional(),
    attributes: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
    priority: z.number().int().min(0).max(2_147_483_647).optional(),
    timeout: z.number().int().min(1).max(1_209_600).optional(),
  }),
});

const create = endpoint({
  method: "post",
  path: "/Interactions",
  tag: "Interactions",
  prefix: PREFIX,
  status: 200,
  summary: "Create an interaction: a conversation (or the one in Channel.properties.media_channel_sid), its customer and its task",
  params: {
    Channel: jsonOf(channelSchema),
    Routing: jsonOf(routingSchema),
    InteractionContextSid: sid("HQ").optional(),
    WebhookTtid: str({ max: 256 }).optional(),
  },
});
const fetchOne = endpoint({
  method: "get",
  path: "/Interactions/:Sid",
  tag: "Interactions",
  prefix: PREFIX,
  summary: "Fetch an interaction",
  params: {},
});

/** What the conversation keeps of its interaction (in its attributes, under `flexInteraction`). */
interface InteractionLink {
  sid: string;
  channelSid: string;
  channelType: string;
  taskSid: string;
  interactionContextSid: string | null;
  webhookTtid: string | null;
}

/** Flex's channel types, as the conversation's channel; voice is not a conversation. */
function conversationChannel(type: string): ConversationChannel {
  switch (type) {
    case "web":
    case "chat":
      return "web";
    case "sms":
    case "whatsapp":
    case "messenger":
    case "instagram":
    case "email":
      return type;
    case "voice":
      throw new ApiError(400, 20001, "Invalid parameter Channel: type voice is not a conversation; interactions here are messaging only");
    default:
      return "custom";
  }
}

const DEFAULT_TASK_CHANNEL: Record<ConversationChannel, string> = {
  web: "chat",
  sms: "sms",
  whatsapp: "chat",
  messenger: "chat",
  instagram: "chat",
  email: "email",
  custom: "chat",
};

const interactionUrl = (c: ConversationsContext, sid: string) => `${new URL(c.req.url).origin}${PREFIX}/Interactions/${sid}`;

function interactionBody(c: ConversationsContext, link: InteractionLink, conversationSid: string, task: TaskRecord | null, extra: object) {
  const url = interactionUrl(c, link.sid);
  return {
    sid: link.sid,
    channel: { type: link.channelType, sid: link.channelSid, properties: { ...extra, media_channel_sid: conversationSid } },
    routing: { reservation: null, properties: task ?? { sid: link.taskSid } },
    interaction_context_sid: link.interactionContextSid,
    webhook_ttid: link.webhookTtid,
    url,
    links: { channels: `${url}/Channels` },
  };
}

const parseAttributes = (text: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** `Routing.properties.attributes`: an object, or JSON text of one (Twilio's examples use both). */
function routingAttributes(value: Record<string, unknown> | string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "string") return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ApiError(400, 20001, "Invalid parameter Routing: properties.attributes must be a JSON object");
}

routes.post(create.path, async (c) => {
  const p = await create.parse(c);
  const accountSid = c.get("accountSid");
  const channel = p.Channel;
  const routing = p.Routing.properties;
  const kind = conversationChannel(channel.type);
  const customer = channel.participants?.[0];
  if (customer && kind !== "web" && (customer.address === undefined || customer.proxy_address === undefined)) {
    throw new ApiError(400, 20001, "Invalid parameter Channel: participants[0] needs address and proxy_address on a non-chat channel");
  }
  const given = routingAttributes(routing.attributes);
  const workspaceSid = routing.workspace_sid ?? (await defaultWorkspace(c.env, accountSid));
  if (!(await workspaceFor(c.env, workspaceSid).getWorkspace(accountSid)).ok) {
    throw new ApiError(404, 20404, `The requested resource Workspace ${workspaceSid} was not found`);
  }

  const existing = channel.properties?.media_channel_sid;
  const conversationSid = existing ?? newSidBeside("CH", workspaceSid);
  const hex = conversationSid.slice(2);
  const stub = conversationFor(c.env, conversationSid);
  let conversation: ConversationRecord;
  if (existing) {
    conversation = unwrap(await stub.getConversation(accountSid));
    if (conversation.workspace_sid !== workspaceSid)
      throw new ApiError(404, 20404, `The requested resource Conversation ${existing} was not found`);
  } else {
    conversation = unwrap(await stub.create(accountSid, { workspaceSid, channel: kind, friendlyName: customer?.name ?? null }));
    if (customer) {
      const added = await stub.addParticipant(accountSid, {
        identity: kind === "web" ? (customer.identity ?? customer.address ?? null) : null,
        messagingBinding: kind === "web" ? null : { address: customer.address!, proxyAddress: customer.proxy_address! },
        role: "customer",
        displayName: customer.name ?? null,
      });
      if (!added.ok) {
        await stub.deleteConversation(accountSid);
        unwrap(added);
      }
    }
  }

  const link: InteractionLink = {
    sid: `KD${hex}`,
    channelSid: `UO${hex}`,
    channelType: channel.type,
    taskSid: "",
    interactionContextSid: p.InteractionContextSid ?? null,
    webhookTtid: p.WebhookTtid ?? null,
  };
  const initiatedBy = channel.initiated_by ?? "customer";
  // Card numbers are masked by the Router, as for every task (and as the workspace's setting says).
  const attributes = {
    ...given,
    conversationSid,
    channelType: kind,
    flexInteractionSid: link.sid,
    flexInteractionChannelSid: link.channelSid,
    initiatedBy,
    direction: initiatedBy === "customer" ? "inbound" : "outbound",
    ...(customer?.address !== undefined ? { customerAddress: customer.address, from: customer.address } : {}),
    ...(customer?.name !== undefined ? { customerName: customer.name } : {}),
    conversations: { initiated_by: initiatedBy, conversation_id: link.sid, media: [{ type: "ChatTranscript", sid: conversationSid }] },
  };
  // The interaction is all or nothing: a conversation made for it goes with a task that cannot be made.
  const wanted = await taskRegion(c.env, accountSid, workspaceSid, { edge: edgeOf(c.req.raw) });
  const created = await createTaskIn(c.env, accountSid, workspaceSid, wanted, async (router) =>
    router.createTask(accountSid, {
      attributes: JSON.stringify(attributes),
      workflowSid: routing.workflow_sid,
      taskChannel: routing.task_channel_sid ?? routing.task_channel_unique_name ?? DEFAULT_TASK_CHANNEL[kind],
      priority: routing.priority,
      timeout: routing.timeout,
    }),
  ).catch(async (error: unknown) => {
    if (!existing) await stub.deleteConversation(accountSid);
    throw error;
  });
  if (!created.ok) {
    // The interaction is all or nothing: a conversation made for it goes with the task that failed.
    if (!existing) await stub.deleteConversation(accountSid);
    throw new ApiError(
      created.status as 400,
      created.code,
      created.message.replace(/^Invalid parameter (\w+)/, "Invalid parameter Routing ($1)"),
    );
  }
  link.taskSid = created.value.task.sid;
  const current = parseAttributes(conversation.attributes);
  unwrap(await stub.updateConversation(accountSid, { attributes: JSON.stringify({ ...current, flexInteraction: link }) }));
  return c.json(interactionBody(c, link, conversationSid, created.value.task, channel.properties ?? {}), 200);
});

routes.get(fetchOne.path, async (c) => {
  await fetchOne.parse(c);
  const value = c.req.param("Sid") ?? "";
  const missing = new ApiError(404, 20404, `The requested resource Interaction ${value} was not found`);
  if (!isSid("KD", value)) throw missing;
  const accountSid = c.get("accountSid");
  const conversation = await conversationFor(c.env, `CH${value.slice(2)}`).getConversation(accountSid);
  if (!conversation.ok) throw missing;
  const link = parseAttributes(conversation.value.attributes).flexInteraction as InteractionLink | undefined;
  if (link?.sid !== value) throw missing;
  const task = await taskOf(c.env, accountSid, conversation.value.workspace_sid, link.taskSid);
  return c.json(interactionBody(c, link, conversation.value.sid, task, {}));
});

async function taskOf(env: Env, accountSid: string, workspaceSid: string, taskSid: string): Promise<TaskRecord | null> {
  const result = await followMoves(env, workspaceSid, taskSid, (router) => router.getTask(accountSid, taskSid));
  return result.ok ? result.value.task : null;
}
