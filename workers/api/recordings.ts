/**
 * The Recordings API (Switchboard-native, under /api/workspaces/:WorkspaceSid/recordings; issue 15): a
 * workspace's call recordings — list (newest first, by conversation, call and creation date, Twilio's
 * paging), fetch, a media link that expires, delete (the media leave R2, the record stays `deleted`) — and
 * the workspace's recording settings (record every call, each queue's own setting, retention in days).
 * Basic auth; the workspace must be the caller's (404 otherwise); Twilio-shaped errors. The index is the
 * workspace's DirectoryDO (durable-objects/directory/recordings.ts).
 *
 * A media link is `/api/recording-media/WS…/RE…/<part>.ogg?expires=…&signature=…`, HMAC-SHA256 under the
 * deployment's auth token, valid {@link RECORDING_LINK_TTL_MS}; it is served from the workspace's bucket
 * only while the part's media are kept, so a deleted recording's link stops at once.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { RecordingRecord } from "../../contract/recordings";
import { basicAuth, type AuthVariables } from "../auth/basic";
import { accountOf } from "../auth/session-guard";
import type { Env } from "../../platform/env";
import { ApiError } from "../http/errors";
import { date, int, jsonObject, paging, sid, strictBool } from "./taskrouter/params";
import { endpoint, pageBody, pageRequest, unwrap } from "./taskrouter/wire";
import { directoryFor, workspaceFor } from "../../platform/objects";
import { recordingsFor } from "../../platform/stores";
import { hmacSha256Hex, sameText } from "../../platform/constant-time";
import { MAX_RETENTION_DAYS } from "../../durable-objects/directory/recording-policy";

/** How long a media link works: long enough to start playing or download; share the API, not the link. */
export const RECORDING_LINK_TTL_MS = 5 * 60 * 1000;

const tag = "Recordings";
const LIST = "/workspaces/:WorkspaceSid/recordings";
const SETTINGS = `${LIST}/settings`;
const ONE = `${LIST}/:RecordingSid`;
const MEDIA_URL = `${ONE}/media-url`;
const MEDIA = "/recording-media/:WorkspaceSid/:RecordingSid/:Part";

const list = endpoint({
  method: "get",
  path: LIST,
  prefix: "/api",
  tag,
  summary: "List a workspace's call recordings, newest first; by conversation, call or creation date",
  params: {
    ...paging,
    ConversationSid: sid("CH").optional(),
    CallSid: sid("CA").optional(),
    DateCreatedAfter: date().optional(),
    DateCreatedBefore: date().optional(),
  },
  listKey: "recordings",
});
const fetchOne = endpoint({ method: "get", path: ONE, prefix: "/api", tag, summary: "Fetch a call recording", params: {} });
const remove = endpoint({
  method: "delete",
  path: ONE,
  prefix: "/api",
  tag,
  summary: "Delete a recording's media from storage; the record stays, with status deleted",
  params: {},
});
const mediaUrl = endpoint({
  method: "post",
  path: MEDIA_URL,
  prefix: "/api",
  tag,
  status: 200,
  summary: `A link to one part's audio (Ogg Opus, customer left, agent right), valid ${RECORDING_LINK_TTL_MS / 60_000} minutes`,
  params: { Part: int(1, 9999).optional() },
});
const media = endpoint({
  method: "get",
  path: MEDIA,
  prefix: "/api",
  tag,
  auth: "none",
  summary: "A recording part's audio, by the signed link media-url answered (expires, signature)",
  params: { expires: z.string(), signature: z.string() },
});
const getSettings = endpoint({
  method: "get",
  path: SETTINGS,
  prefix: "/api",
  tag,
  summary: "The workspace's recording settings",
  params: {},
});
const setSettings = endpoint({
  method: "post",
  path: SETTINGS,
  prefix: "/api",
  tag,
  status: 200,
  summary: 'Change the recording settings: RecordCalls, each queue\'s own (Queues: {"WQ…": true|false|null}), RetentionDays (0 keeps)',
  params: {
    RecordCalls: strictBool().optional(),
    Queues: jsonObject(16_384).optional(),
    RetentionDays: int(0, MAX_RETENTION_DAYS).optional(),
  },
});

type RecordingsEnv = { Bindings: Env; Variables: AuthVariables };
type RecordingsContext = Context<RecordingsEnv>;
export const recordings = new Hono<RecordingsEnv>();
recordings.use(LIST, basicAuth());
recordings.use(`${LIST}/*`, basicAuth());

const notFound = (what: string, raw: string) => new ApiError(404, 20404, `The requested resource ${what} ${raw} was not found`);

/** The workspace in the path, checked to be the caller's; its directory. */
async function directoryOf(c: RecordingsContext) {
  const raw = c.req.param("WorkspaceSid") ?? "";
  const parsed = sid("WS").safeParse(raw);
  if (!parsed.success) throw notFound("Workspace", raw);
  unwrap(await workspaceFor(c.env, parsed.data).getWorkspace(c.get("accountSid")));
  return { workspaceSid: parsed.data, directory: directoryFor(c.env, parsed.data) };
}

function recordingSid(c: RecordingsContext): string {
  const raw = c.req.param("RecordingSid") ?? "";
  const parsed = sid("RE").safeParse(raw);
  if (!parsed.success) throw notFound("Recording", raw);
  return parsed.data;
}

const origin = (c: Context) => new URL(c.req.url).origin;

function recordingBody(c: RecordingsContext, record: RecordingRecord) {
  const url = `${origin(c)}/api/workspaces/${record.workspace_sid}/recordings/${record.sid}`;
  return {
    ...record,
    url,
    links: { media_url: `${url}/media-url`, conversation: `${origin(c)}/conversations/v1/Conversations/${record.conversation_sid}` },
  };
}

// ── signed media links ─────────────────────────────────────────────────────────────────────────────

const mac = (authToken: string, path: string, expires: string) =>
  hmacSha256Hex(authToken, `switchboard-recording-link/v1\n${path}\n${expires}`);

/**
 * A link to part `part` of a recording, expiring {@link RECORDING_LINK_TTL_MS} after `now`.
 * @example await recordingMediaLink(token, "https://sb.example", "WS…", "RE…", 1, Date.now())
 */
export async function recordingMediaLink(authToken: string, base: string, workspaceSid: string, sid_: string, part: number, now: number) {
  const url = new URL(`${base}/api/recording-media/${workspaceSid}/${sid_}/${part}.ogg`);
  const expires = String(Math.floor((now + RECORDING_LINK_TTL_MS) / 1000));
  url.searchParams.set("expires", expires);
  url.searchParams.set("signature", await mac(authToken, url.pathname, expires));
  return { url: url.toString(), expires_at: new Date(Number(expires) * 1000).toISOString() };
}

async function validLink(authToken: string, url: URL, now: number): Promise<boolean> {
  const expires = url.searchParams.get("expires") ?? "";
  const signature = url.searchParams.get("signature") ?? "";
  if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 < now) return false;
  return sameText(signature, await mac(authToken, url.pathname, expires));
}

// ── routes ─────────────────────────────────────────────────────────────────────────────────────────

recordings.get(SETTINGS, async (c) => {
  await getSettings.parse(c);
  const { directory } = await directoryOf(c);
  return c.json(unwrap(await directory.recordingSettings(c.get("accountSid"))));
});

recordings.post(SETTINGS, async (c) => {
  const p = await setSettings.parse(c);
  const { directory } = await directoryOf(c);
  const queues = p.Queues as Record<string, unknown> | undefined;
  for (const [queueSid, value] of Object.entries(queues ?? {})) {
    if (typeof value !== "boolean" && value !== null) {
      throw new ApiError(400, 20001, `Invalid parameter Queues: ${queueSid} must be true, false or null (the workspace's setting)`);
    }
  }
  const input = {
    ...(p.RecordCalls === undefined ? {} : { recordCalls: p.RecordCalls }),
    ...(queues === undefined ? {} : { queues: queues as Record<string, boolean | null> }),
    ...(p.RetentionDays === undefined ? {} : { retentionDays: p.RetentionDays }),
  };
  return c.json(unwrap(await directory.setRecordingSettings(c.get("accountSid"), input)));
});

recordings.get(LIST, async (c) => {
  const p = await list.parse(c);
  const { directory } = await directoryOf(c);
  const request = pageRequest(p);
  const filter = {
    ...(p.ConversationSid === undefined ? {} : { conversationSid: p.ConversationSid }),
    ...(p.CallSid === undefined ? {} : { callSid: p.CallSid }),
    ...(p.DateCreatedAfter === undefined ? {} : { createdAfter: p.DateCreatedAfter }),
    ...(p.DateCreatedBefore === undefined ? {} : { createdBefore: p.DateCreatedBefore }),
  };
  const page = unwrap(await directory.listRecordings(c.get("accountSid"), request, filter));
  return c.json(pageBody(c, "recordings", page, request, (record) => recordingBody(c, record)));
});

recordings.get(ONE, async (c) => {
  await fetchOne.parse(c);
  const { directory } = await directoryOf(c);
  return c.json(recordingBody(c, unwrap(await directory.getRecording(c.get("accountSid"), recordingSid(c)))));
});

recordings.delete(ONE, async (c) => {
  await remove.parse(c);
  const { directory } = await directoryOf(c);
  unwrap(await directory.deleteRecording(c.get("accountSid"), recordingSid(c)));
  return c.body(null, 204);
});

recordings.post(MEDIA_URL, async (c) => {
  const p = await mediaUrl.parse(c);
  const { workspaceSid, directory } = await directoryOf(c);
  const sid_ = recordingSid(c);
  const part = p.Part ?? 1;
  unwrap(await directory.recordingMediaKey(c.get("accountSid"), sid_, part));
  const link = await recordingMediaLink(accountOf(c.env).authToken, origin(c), workspaceSid, sid_, part, Date.now());
  return c.json({ recording_sid: sid_, part, ...link });
});

recordings.get(MEDIA, async (c) => {
  await media.parse(c);
  const account = accountOf(c.env);
  if (!(await validLink(account.authToken, new URL(c.req.url), Date.now()))) {
    throw new ApiError(403, 20403, "The recording link is not valid or has expired; ask media-url for a new one");
  }
  const workspaceSid = c.req.param("WorkspaceSid") ?? "";
  const part = Number(/^(\d{1,4})\.ogg$/.exec(c.req.param("Part") ?? "")?.[1]);
  const directory = directoryFor(c.env, workspaceSid);
  const key = unwrap(await directory.recordingMediaKey(account.sid, c.req.param("RecordingSid") ?? "", part));
  const object = await recordingsFor(c.env, workspaceSid).get(key);
  if (!object) throw new ApiError(404, 20404, `The recording's media are not in storage (${c.req.param("RecordingSid")} part ${part})`);
  return new Response(object.body, {
    headers: {
      "content-type": "audio/ogg",
      "content-length": String(object.size),
      "content-disposition": `attachment; filename="${c.req.param("RecordingSid")}-${part}.ogg"`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    },
  });
});
