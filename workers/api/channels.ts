/**
 * Channel configurations of a workspace (Switchboard-native, under /api): the numbers, pages, inboxes,
 * widgets and custom endpoints customers reach the team on. Basic auth, Twilio error bodies, form or
 * JSON bodies like every other route. Settings travel as `Settings.<name>` form parameters (or a
 * `settings` object in JSON), secrets as `Secrets.<name>` (or `secrets`): secrets are write-only — the
 * record says only which are set; giving one replaces it, an empty string clears it.
 *
 * Each record carries `webhook_url`, the exact URL to paste into the provider's console.
 *
 * @example
 * curl -u "$ACCOUNT_SID:$AUTH_TOKEN" https://switchboard.example/api/workspaces/WS…/channels \
 *   -d Kind=twilio -d Settings.twilio_account_sid=AC… -d Settings.phone_number=+15551234567 -d Secrets.auth_token=…
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { CHANNEL_KINDS, CHANNEL_SETTINGS, webhookPath, type ChannelRecord, type SettingValue } from "../../channels/channel-config";
import type { CreateChannelInput, UpdateChannelInput } from "../../durable-objects/workspace/channels";
import { defined } from "../../durable-objects/common/rpc";
import { basicAuth, type AuthVariables } from "../auth/basic";
import type { Env } from "../../platform/env";
import { ApiError } from "../http/errors";
import { jsonObject, oneOf, region, sid, str } from "./taskrouter/params";
import { resourceRoutes } from "./taskrouter/context";
import { workspaceFor } from "../../platform/objects";
import { forgetChannel } from "../inbound/channel-cache";

const BASE = "/workspaces/:WorkspaceSid/channels";
const ONE = `${BASE}/:ChannelSid`;

const settingValue = z.union([z.string().max(2000, "must be at most 2000 characters"), z.number(), z.boolean()]);
const allSettings = [...new Set(Object.values(CHANNEL_SETTINGS).flatMap((kind) => kind.settings))];
const allSecrets = [...new Set(Object.values(CHANNEL_SETTINGS).flatMap((kind) => kind.secrets))];

/** What the settings every kind shares mean, for the OpenAPI document. */
const SETTING_DOCS: Readonly<Record<string, string>> = {
  csat_enabled:
    "Switchboard only, any kind. true: a conversation whose task an agent completes offers the customer a satisfaction survey (1–5 and a comment): in the widget, or as a message answered by a reply starting with a digit 1–5 within 24 hours. Default false",
  csat_question: 'Switchboard only, any kind. The survey\'s question, at most 300 characters (default "How did we do?")',
};

/** Every kind's settings and secrets as form parameters, so each is documented and an unknown one is a 400 naming it. */
const configParams = {
  ...Object.fromEntries(
    allSettings.map((name) => {
      const described = SETTING_DOCS[name];
      return [`Settings.${name}`, described ? settingValue.optional().describe(described) : settingValue.optional()];
    }),
  ),
  ...Object.fromEntries(allSecrets.map((name) => [`Secrets.${name}`, str({ max: 4096 }).optional()])),
  settings: jsonObject(16_384).optional(),
  secrets: jsonObject(16_384).optional(),
  FriendlyName: str({ min: 1, max: 64 }).optional(),
  WorkflowSid: z.union([z.literal(""), sid("WW")]).optional(),
  TaskChannel: str({ min: 1, max: 64 }).optional(),
  FlowSid: z
    .union([z.literal(""), sid("FW")])
    .optional()
    .describe(
      "Switchboard only. The Studio flow (FW…, of this workspace) new conversations run first; empty clears it (then they go straight to the workflow)",
    ),
  Region: z
    .union([z.literal(""), region("The region its conversations' tasks are created in (empty clears it)")])
    .optional()
    .describe(
      "Switchboard only. The region new conversations' tasks are created in (empty clears it; default: the customer's nearest region the workspace uses, else its home)",
    ),
};

type ChannelsEnv = { Bindings: Env; Variables: AuthVariables };
export const channels = new Hono<ChannelsEnv>();
for (const path of [BASE, ONE]) channels.use(path, basicAuth());

function pathSid(c: Context, name: string, prefix: string, what: string): string {
  const raw = c.req.param(name);
  const parsed = sid(prefix).safeParse(raw);
  if (!parsed.success) throw new ApiError(404, 20404, `The requested resource ${what} ${raw ?? ""} was not found`);
  return parsed.data;
}
const workspace = (c: Context<ChannelsEnv>) => workspaceFor(c.env, pathSid(c, "WorkspaceSid", "WS", "Workspace"));
const channelSid = (c: Context) => pathSid(c, "ChannelSid", "XC", "Channel");

/** The record as the API shows it: with its own `url` and the `webhook_url` to give the provider. */
function channelBody(c: Context, record: ChannelRecord) {
  const origin = new URL(c.req.url).origin;
  return {
    ...record,
    webhook_url: `${origin}${webhookPath(record.workspace_sid, record.sid)}`,
    url: `${origin}/api/workspaces/${record.workspace_sid}/channels/${record.sid}`,
  };
}

type ConfigParams = z.output<z.ZodObject<typeof configParams>>;

/** `Settings.x` / `Secrets.x` parameters merged over the `settings` / `secrets` JSON objects. */
function settingsAndSecrets(p: ConfigParams): { settings?: Record<string, SettingValue>; secrets?: Record<string, string> } {
  // Maps, then Object.fromEntries: a name like `__proto__` stays a name, so the checks refuse it by that name.
  const settingsByName = new Map<string, SettingValue>();
  const secretsByName = new Map<string, string>();
  for (const [name, value] of Object.entries(p.settings ?? {})) {
    const parsed = settingValue.safeParse(value);
    if (!parsed.success) throw new ApiError(400, 20001, `Invalid parameter Settings.${name}: must be a string, number or boolean`);
    settingsByName.set(name, parsed.data);
  }
  for (const [name, value] of Object.entries(p.secrets ?? {})) {
    if (typeof value !== "string") throw new ApiError(400, 20001, `Invalid parameter Secrets.${name}: must be a string`);
    secretsByName.set(name, value);
  }
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined) continue;
    if (key.startsWith("Settings.")) settingsByName.set(key.slice("Settings.".length), value as SettingValue);
    if (key.startsWith("Secrets.")) secretsByName.set(key.slice("Secrets.".length), value as string);
  }
  const settings = Object.fromEntries(settingsByName);
  const secrets = Object.fromEntries(secretsByName);
  return {
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

function changeInput(c: Context, p: ConfigParams): UpdateChannelInput {
  return {
    origin: new URL(c.req.url).origin,
    ...defined({
      friendlyName: p.FriendlyName,
      workflowSid: p.WorkflowSid === "" ? null : p.WorkflowSid,
      taskChannel: p.TaskChannel,
      region: p.Region === "" ? null : p.Region,
      flowSid: p.FlowSid === "" ? null : p.FlowSid,
    }),
    ...settingsAndSecrets(p),
  };
}

resourceRoutes(channels, {
  path: BASE,
  itemPath: ONE,
  prefix: "/api",
  tag: "Channels",
  listKey: "channels",
  body: channelBody,
  create: {
    summary: "Connect a channel (Kind twilio, whatsapp, messenger, instagram, email, webchat or custom)",
    params: { Kind: oneOf(CHANNEL_KINDS as unknown as [string, ...string[]]), ...configParams },
    run: (c, p) => {
      const input: CreateChannelInput = { kind: p.Kind, ...changeInput(c, p) };
      return workspace(c).createChannel(c.get("accountSid"), input);
    },
  },
  list: {
    summary: "List the workspace's channels",
    params: {},
    run: (c, _p, page) => workspace(c).listChannels(c.get("accountSid"), page),
  },
  fetch: {
    summary: "Fetch a channel (secrets shown as set or not)",
    run: (c) => {
      const sid = channelSid(c);
      return workspace(c).getChannel(c.get("accountSid"), sid);
    },
  },
  update: {
    summary: "Update a channel; a secret given replaces it, an empty one clears it",
    params: configParams,
    run: async (c, _sid, p) => {
      const sid = channelSid(c);
      const updated = await workspace(c).updateChannel(c.get("accountSid"), sid, changeInput(c, p));
      forgetChannel(c.get("accountSid"), pathSid(c, "WorkspaceSid", "WS", "Workspace"), sid);
      return updated;
    },
  },
  remove: {
    summary: "Disconnect a channel",
    run: async (c) => {
      const sid = channelSid(c);
      const deleted = await workspace(c).deleteChannel(c.get("accountSid"), sid);
      forgetChannel(c.get("accountSid"), pathSid(c, "WorkspaceSid", "WS", "Workspace"), sid);
      return deleted;
    },
  },
});
