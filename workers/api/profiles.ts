/**
 * Customer profiles over HTTP (Switchboard-native, under /api/workspaces/:WorkspaceSid/profiles): the
 * people behind a workspace's conversations, each with every address they wrote from, so an
 * integration (a CRM sync, an agent's side panel) can read, correct and link them. Basic auth; the
 * workspace must be the caller's (404 otherwise); Twilio-shaped errors and paging. The desktop's session
 * cookie may also read one profile and its conversations (any user of that workspace).
 *
 * An address is written `<channel>:<address>` (`sms:+15551234567`, `whatsapp:whatsapp:+15551234567`,
 * `web:visitor-42`) in a form, or `{ "channel", "address" }` in JSON; `Address` may repeat.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { ConversationIndexEntry, ProfileRecord } from "../../durable-objects/common/conversations";
import type { ProfileConversationRecord } from "../../contract/conversations";
import { iso } from "../../contract/taskrouter";
import { CONVERSATION_CHANNELS } from "../../durable-objects/directory/addresses";
import type { ProfileAddress, ProfileInput } from "../../durable-objects/directory/directory";
import { basicAuth, type AuthVariables } from "../auth/basic";
import { cookieValue } from "../auth/session";
import { accountOf, currentUser } from "../auth/session-guard";
import type { Env } from "../../platform/env";
import { ApiError } from "../http/errors";
import { paging, repeated, sid, str } from "./taskrouter/params";
import { endpoint, pageBody, pageRequest, unwrap } from "./taskrouter/wire";
import { defined } from "../../durable-objects/common/rpc";
import { directoryFor, workspaceFor } from "../../platform/objects";

const tag = "Customer profiles";
const LIST = "/workspaces/:WorkspaceSid/profiles";
const ONE = `${LIST}/:ProfileSid`;
const CONVERSATIONS = `${ONE}/conversations`;

/** `sms:+1555…` or `{channel, address}`: one address of the person. */
const address = z.union([z.string(), z.object({ channel: z.string(), address: z.string() })]).transform((value, ctx) => {
  const [channel, rest] =
    typeof value === "string"
      ? [value.slice(0, Math.max(0, value.indexOf(":"))), value.slice(value.indexOf(":") + 1)]
      : [value.channel, value.address];
  if (!(CONVERSATION_CHANNELS as readonly string[]).includes(channel) || rest.trim() === "") {
    ctx.addIssue({ code: "custom", message: `must be <channel>:<address> with a channel of ${CONVERSATION_CHANNELS.join(", ")}` });
    return z.NEVER;
  }
  return { channel, address: rest } as ProfileAddress;
});

/** The writable fields; an empty FriendlyName, Email or Phone clears it. */
const fields = {
  FriendlyName: str({ max: 256 }).optional(),
  Email: str({ max: 254 }).optional(),
  Phone: str({ max: 40 }).optional(),
  Attributes: str({ max: 16_384 }).optional(),
  Address: repeated(address).optional(),
};

const list = endpoint({
  method: "get",
  path: LIST,
  prefix: "/api",
  tag,
  summary: "List a workspace's customer profiles, oldest first; Email or Phone finds the one holding it",
  params: { ...paging, Email: str({ max: 254 }).optional(), Phone: str({ max: 40 }).optional() },
  listKey: "profiles",
});
const create = endpoint({
  method: "post",
  path: LIST,
  prefix: "/api",
  tag,
  status: 201,
  summary: "Create a customer profile",
  params: fields,
});
const fetchOne = endpoint({
  method: "get",
  path: ONE,
  prefix: "/api",
  tag,
  summary: "Fetch a customer profile (Basic, or a signed-in user of the workspace)",
  params: {},
  auth: "basic-or-session",
});
const update = endpoint({
  method: "post",
  path: ONE,
  prefix: "/api",
  tag,
  status: 200,
  summary: "Update a customer profile; each Address is linked in addition to those it has",
  params: fields,
});
const remove = endpoint({
  method: "delete",
  path: ONE,
  prefix: "/api",
  tag,
  summary: "Delete a customer profile (its conversations stay)",
  params: {},
});
const conversations = endpoint({
  method: "get",
  path: CONVERSATIONS,
  prefix: "/api",
  tag,
  summary: "A customer's conversations across channels, newest first (Basic, or a signed-in user of the workspace)",
  params: {},
  auth: "basic-or-session",
  listKey: "conversations",
});

type ProfilesEnv = { Bindings: Env; Variables: AuthVariables };
type ProfilesContext = Context<ProfilesEnv>;
export const profiles = new Hono<ProfilesEnv>();
profiles.use(LIST, basicAuth());
profiles.use(`${LIST}/*`, async (c, next) => {
  if (!(await signedInReader(c))) return basicAuth()(c, next);
  await next();
});

/** Read by the desktop with its session cookie: a profile and its conversations (GET only). */
const SESSION_READABLE = /\/profiles\/[^/]+(\/conversations)?\/?$/;

/**
 * Whether this is a signed-in user of the path's workspace reading a profile or its conversations (an
 * agent sees the history of the customer in front of them). A request with an `Authorization` header
 * or without a session cookie takes the Basic path as before; a user of another workspace gets a 404.
 */
async function signedInReader(c: ProfilesContext): Promise<boolean> {
  if (c.req.method !== "GET" || c.req.header("authorization") !== undefined) return false;
  if (cookieValue(c.req.header("cookie")) === null || !SESSION_READABLE.test(c.req.path)) return false;
  const user = await currentUser(c);
  const workspaceSid = c.req.param("WorkspaceSid") ?? "";
  if (user.role !== "admin" && user.workspace_sid !== workspaceSid) {
    throw new ApiError(404, 20404, `The requested resource Workspace ${workspaceSid} was not found`);
  }
  c.set("accountSid", accountOf(c.env).sid);
  return true;
}

/** The workspace in the path, checked to be the caller's; its directory. */
async function directoryOf(c: ProfilesContext) {
  const raw = c.req.param("WorkspaceSid") ?? "";
  const parsed = sid("WS").safeParse(raw);
  if (!parsed.success) throw new ApiError(404, 20404, `The requested resource Workspace ${raw} was not found`);
  unwrap(await workspaceFor(c.env, parsed.data).getWorkspace(c.get("accountSid")));
  return { workspaceSid: parsed.data, directory: directoryFor(c.env, parsed.data) };
}

function profileSid(c: ProfilesContext): string {
  const raw = c.req.param("ProfileSid") ?? "";
  const parsed = sid("PR").safeParse(raw);
  if (!parsed.success) throw new ApiError(404, 20404, `The requested resource Profile ${raw} was not found`);
  return parsed.data;
}

const cleared = (value: string | undefined) => (value === undefined ? undefined : value.trim() === "" ? null : value);

function input(p: z.output<typeof create.schema>): ProfileInput {
  return {
    ...defined({ friendlyName: cleared(p.FriendlyName), email: cleared(p.Email), phone: cleared(p.Phone) }),
    ...defined({ attributes: p.Attributes, addresses: p.Address }),
  };
}

const origin = (c: ProfilesContext) => new URL(c.req.url).origin;

function profileBody(c: ProfilesContext, record: ProfileRecord) {
  const url = `${origin(c)}/api/workspaces/${record.workspace_sid}/profiles/${record.sid}`;
  return { ...record, url, links: { conversations: `${url}/conversations` } };
}

function conversationBody(c: ProfilesContext, entry: ConversationIndexEntry): ProfileConversationRecord {
  return {
    sid: entry.sid,
    unique_name: entry.uniqueName,
    friendly_name: entry.friendlyName,
    state: entry.state,
    channel: entry.channel,
    channel_sid: entry.channelSid,
    customer_address: entry.customerAddress,
    profile_sid: entry.profileSid,
    last_worker_sid: entry.lastWorkerSid,
    date_created: iso(entry.dateCreated),
    date_updated: iso(entry.dateUpdated),
    // Switchboard's: the satisfaction survey offered when it ended (its outcome on the customer card); null when none was.
    survey: entry.survey ?? null,
    url: `${origin(c)}/conversations/v1/Conversations/${entry.sid}`,
  };
}

profiles.get(LIST, async (c) => {
  const p = await list.parse(c);
  const { directory } = await directoryOf(c);
  const account = c.get("accountSid");
  const request = pageRequest(p);
  if (p.Email !== undefined || p.Phone !== undefined) {
    const found = unwrap(await directory.findProfile(account, p.Email !== undefined ? { email: p.Email } : { phone: p.Phone! }));
    const page = { items: found ? [found] : [], nextPageToken: null, previousPageToken: null };
    return c.json(pageBody(c, "profiles", page, request, (record) => profileBody(c, record)));
  }
  const page = unwrap(await directory.listProfiles(account, request));
  return c.json(pageBody(c, "profiles", page, request, (record) => profileBody(c, record)));
});

profiles.post(LIST, async (c) => {
  const p = await create.parse(c);
  const { directory } = await directoryOf(c);
  return c.json(profileBody(c, unwrap(await directory.createProfile(c.get("accountSid"), input(p)))), 201);
});

profiles.get(ONE, async (c) => {
  await fetchOne.parse(c);
  const { directory } = await directoryOf(c);
  return c.json(profileBody(c, unwrap(await directory.getProfile(c.get("accountSid"), profileSid(c)))));
});

profiles.post(ONE, async (c) => {
  const p = await update.parse(c);
  const { directory } = await directoryOf(c);
  return c.json(profileBody(c, unwrap(await directory.updateProfile(c.get("accountSid"), profileSid(c), input(p)))));
});

profiles.delete(ONE, async (c) => {
  await remove.parse(c);
  const { directory } = await directoryOf(c);
  unwrap(await directory.deleteProfile(c.get("accountSid"), profileSid(c)));
  return c.body(null, 204);
});

profiles.get(CONVERSATIONS, async (c) => {
  const request = pageRequest(await conversations.parse(c));
  const { directory } = await directoryOf(c);
  const page = unwrap(await directory.profileConversations(c.get("accountSid"), profileSid(c), request));
  return c.json(pageBody(c, "conversations", page, request, (entry) => conversationBody(c, entry)));
});
