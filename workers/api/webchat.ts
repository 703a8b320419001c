/**
 * The web chat widget's public routes, under `/api/webchat/<workspace>/<channel>/`. Visitors are
 * anonymous, so what authenticates them is a visitor session (workers/auth/visitor-session.ts) minted
 * here and sent back as `Authorization: Bearer` (or a `token.<jwt>` subprotocol on the socket):
 *
 * - `GET config` — public: the channel's title, greeting, colours and pre-chat fields.
 * - `POST sessions` — mints or renews the session (`{ token?, identity?, name?, email?, phone? }`); a
 *   token that does not check out simply starts a new visitor. `identity` is the JWT the team's site
 *   signs for a signed-in customer (visitor-identity.ts): only it links the visitor to a customer's
 *   profile; the pre-chat fields are the visitor's unverified word. Answers the visitor's last
 *   conversation (open, or closed: its transcript stays readable on the socket).
 * - `POST messages` — `{ client_id, body, media_sids? }`: the shared inbound path, idempotent by
 *   `<visitor>:<client_id>`, so a resend after a network drop stores one message.
 * - `POST survey` — `{ rating: 1–5, comment? }`: the answer to the satisfaction survey of the visitor's
 *   conversation that ended (once; 409 after, or with none offered).
 * - `POST media`, `GET media/<ME sid>` — attachments (webchat-media.ts).
 * - `POST media-token` — the LiveKit token the visitor joins their open conversation's live call with:
 *   the customer grant (microphone, camera, screen share; conversations/media-token.ts says the rest).
 * - `POST call` `{ Kind }`, `POST call/hangup` — the visitor starts a call (opening a conversation for it
 *   when they have none, as a first message does) and hangs it up (issue 15).
 * - `GET socket` — the visitor's last conversation, live, held by its ConversationDO.
 *
 * Only `webchat` channels answer (any other kind is a 404), and only pages of the channel's
 * `allowed_origins` may call them (webchat-origins.ts). Bodies are never logged.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import { CONVERSATION_SUBPROTOCOL } from "../../contract/conversations";
import { MAX_SURVEY_COMMENT } from "../../contract/surveys";
import type { ChannelConfig } from "../../channels/channel-config";
import type { InboundMessage } from "../../channels/messages";
import { IDENTITY_HEADER } from "../../durable-objects/router/realtime/handshake";
import { isSid, newSid } from "../../contract/ids";
import { iso } from "../../contract/taskrouter";
import { sameCustomer, verifyVisitorIdentity } from "../auth/visitor-identity";
import {
  mintVisitorSession,
  newVisitorId,
  readPrechat,
  type VerifiedIdentity,
  type VisitorConversation,
  type VisitorSession,
} from "../auth/visitor-session";
import { receiveInbound, type ReceivedMessage } from "../inbound/webhooks";
import { receiveDirect } from "../inbound/direct";
import { ok, type ApiResult } from "../../durable-objects/common/rpc";
import { newSidBeside } from "../../platform/jurisdictions";
import { channelConfig } from "../inbound/channel-cache";
import { edgeOf } from "./taskrouter/placement";
import { ApiError } from "../http/errors";
import { checkSession, readJson, refuseSocket, sessionOf, webchatLimit, type WebchatContext, type WebchatEnv } from "./webchat-http";
import { mediaRefsOf, serveMedia, uploadMedia } from "./webchat-media";
import { corsHeaders, originAllowed, originPolicy } from "./webchat-origins";
import { accountFor, conversationFor, directoryFor } from "../../platform/objects";
import { mintMediaToken } from "../../platform/livekit-tokens";
import { callServer, requireLiveCall, requireOpen } from "./conversations/media-token";
import { CALL_KINDS, type StartedCall } from "../../contract/calls";
import { regionalSid, regionOfItem } from "../../platform/region-sids";

const MAX_BODY_CHARS = 4000;
/** Body limits: a session carries at most a token and three short fields; a message 4,000 characters, JSON-escaped. */
export const SESSION_BODY_LIMIT = 16 * 1024;
export const MESSAGE_BODY_LIMIT = 64 * 1024;
/** A survey answer: a rating and a comment of at most 1,000 characters, JSON-escaped. */
export const SURVEY_BODY_LIMIT = 16 * 1024;
const notFound = (what: string) => new ApiError(404, 20404, `The requested resource ${what} was not found`);
const isSocket = (c: WebchatContext) => c.req.header("upgrade")?.toLowerCase() === "websocket";

/**
 * Why the channel's origin policy refuses this request, or null. A browser names the calling page in
 * `Origin` on every fetch and WebSocket that changes anything, so a session, message, upload or socket
 * without one is no page of an allowed site: only a channel open to any site (`*`) takes it. The public
 * `config` and media downloads (an `<img src>` sends no Origin; the session token guards them) are GETs.
 */
function originRefusal(c: WebchatContext, config: ChannelConfig): string | null {
  const origin = c.req.header("origin");
  const policy = originPolicy(config.settings.allowed_origins);
  if (origin !== undefined) {
    return originAllowed(policy, origin, new URL(c.req.url).origin)
      ? null
      : `Origin ${origin.slice(0, 80)} is not in this channel's allowed_origins`;
  }
  if (policy.any || (c.req.method === "GET" && !isSocket(c))) return null;
  return "No Origin header: this channel takes requests only from the pages of its allowed_origins, and a browser always names the page";
}

/** Finds the web chat channel the path names and applies its origin policy (CORS included). */
const channel: MiddlewareHandler<WebchatEnv> = async (c, next) => {
  const workspaceSid = c.req.param("WorkspaceSid") ?? "";
  const channelSid = c.req.param("ChannelSid") ?? "";
  const accountSid = c.env.ACCOUNT_SID;
  const missing = `web chat channel ${channelSid.slice(0, 40)}`;
  let config: ChannelConfig | null = null;
  if (accountSid && isSid("WS", workspaceSid) && isSid("XC", channelSid)) {
    // The isolate's copy (channel-cache.ts, at most 5 s stale), as the webhooks use: the customer's
    // message then makes no call to the workspace's home region before it reaches their conversation.
    const found = await channelConfig(c.env, accountSid, workspaceSid, channelSid, Date.now());
    const value = found.ok ? found.value.config : null;
    if (value && value.kind === "webchat" && value.workspaceSid === workspaceSid) config = value;
    else if (!found.ok && found.status !== 404) throw new ApiError(503, 20503, "The channel is unavailable; try again");
  }
  if (config === null) {
    if (isSocket(c)) return refuseSocket(4404, `No ${missing}`, c.req.raw.headers);
    throw notFound(missing);
  }
  const refusal = originRefusal(c, config);
  if (refusal !== null) {
    if (isSocket(c)) return refuseSocket(4403, refusal, c.req.raw.headers);
    // The page may read the refusal itself (and only it: no preflight passes), so its widget says
    // "not available on this site" instead of failing like a dropped network.
    const refused = c.req.header("origin");
    if (refused !== undefined && c.req.method !== "OPTIONS") {
      c.header("Access-Control-Allow-Origin", refused);
      c.header("Vary", "Origin");
    }
    throw new ApiError(403, 20403, refusal);
  }
  const origin = c.req.header("origin");
  if (origin !== undefined && !isSocket(c)) for (const [name, value] of Object.entries(corsHeaders(origin))) c.header(name, value);
  if (c.req.method === "OPTIONS") return c.body(null, 204);
  c.set("accountSid", accountSid!);
  c.set("config", config);
  await next();
};

/** The visitor's open conversation on this channel and their latest (the open one, else the last closed one). */
async function conversationsOf(c: WebchatContext, visitorId: string): Promise<{ open: string | null; latest: string | null }> {
  const config = c.get("config");
  const found = await directoryFor(c.env, config.workspaceSid).findLatest(c.get("accountSid"), config.sid, visitorId);
  if (!found.ok) throw new ApiError(503, 20503, "The conversation directory is unavailable; try again");
  return { open: found.value.open ? found.value.sid : null, latest: found.value.sid };
}

/**
 * The visitor's conversation on this channel: the open one, else the last one, closed (a visitor who
 * comes back after the chat ended sees its transcript; their next message opens a new one). A new
 * visitor's session names theirs, which the directory may not have heard of yet (inbound/direct.ts).
 */
async function lastConversation(c: WebchatContext, session: VisitorSession): Promise<string | null> {
  if (session.newProfileSid !== null) return session.conversationSid;
  const config = c.get("config");
  const found = await directoryFor(c.env, config.workspaceSid).findLatest(c.get("accountSid"), config.sid, session.visitorId);
  if (!found.ok) throw new ApiError(503, 20503, "The conversation directory is unavailable; try again");
  return found.value.sid;
}

const setting = (config: ChannelConfig, name: string, fallback: string): string => {
  const value = config.settings[name];
  return value === undefined || value === "" ? fallback : String(value);
};

export const webchat = new Hono<WebchatEnv>();
webchat.use("/:WorkspaceSid/:ChannelSid/*", channel);

webchat.get("/:WorkspaceSid/:ChannelSid/config", (c) => {
  const config = c.get("config");
  return c.json({
    sid: config.sid,
    title: setting(config, "title", config.friendlyName),
    greeting: setting(config, "greeting", ""),
    color: setting(config, "color", "#1f6feb"),
    text_color: setting(config, "text_color", "#ffffff"),
    prechat_fields: setting(config, "prechat_fields", "")
      .split(/[\s,]+/)
      .filter((field) => field === "name" || field === "email" || field === "phone"),
  });
});

const sessionBody = z.object({ token: z.string().max(8192).optional(), identity: z.string().max(8192).optional() }).passthrough();

/** The identity the team's site signed for the visitor (401 naming the problem when it does not check out). */
async function signedIdentity(c: WebchatContext, token: string, now: number): Promise<VerifiedIdentity> {
  const account = accountFor(c.env, c.get("accountSid"));
  const check = await verifyVisitorIdentity(token, (kid, input, signature) => account.verifyApiKeySignature(kid, input, signature), now);
  if (!check.ok) throw new ApiError(401, 20003, `The visitor's identity refused: ${check.reason}`);
  return check.identity;
}

webchat.post("/:WorkspaceSid/:ChannelSid/sessions", async (c) => {
  const config = c.get("config");
  const body = await readJson(c, sessionBody, SESSION_BODY_LIMIT);
  const prechat = readPrechat(body as Record<string, unknown>);
  if (!prechat.ok) throw new ApiError(400, 20001, `Invalid parameter ${prechat.field}: ${prechat.message}`);
  const authToken = c.env.AUTH_TOKEN ?? "";
  const where = { workspaceSid: config.workspaceSid, channelSid: config.sid };
  const now = Date.now();
  const identity = body.identity ? await signedIdentity(c, body.identity, now) : null;
  // A token that does not check out (expired, forged, another channel's) starts a new visitor: never an error to handle.
  const known = body.token ? await checkSession(c, body.token, now) : null;
  // A visitor the site now names as someone else (another customer signed in on that browser) is a new visitor.
  const previous =
    known?.ok && (identity === null || known.session.identified === null || sameCustomer(identity, known.session.identified))
      ? known.session
      : null;
  if (!webchatLimit("session", previous?.visitorId ?? c.req.header("cf-connecting-ip") ?? "anonymous", now)) {
    throw new ApiError(429, 20429, "Too many sessions; try again in a minute");
  }
  const identified = identity ?? previous?.identified ?? null;
  const had = previous ? await conversationsOf(c, previous.visitorId) : { open: null, latest: null };
  const { token, session } = await mintVisitorSession(
    authToken,
    {
      ...where,
      visitorId: previous?.visitorId ?? newVisitorId(),
      name: prechat.details.name ?? previous?.name ?? null,
      email: prechat.details.email ?? previous?.email ?? null,
      phone: prechat.details.phone ?? previous?.phone ?? null,
      identified,
      ...directRoute(config.workspaceSid, previous, identified, had),
    },
    now,
  );
  // A new visitor's first message may have opened theirs before the directory heard of it.
  const opened =
    had.latest ?? (session.newProfileSid !== null && (await exists(c, session.conversationSid!)) ? session.conversationSid : null);
  return c.json({ token, visitor_id: session.visitorId, conversation_sid: opened, expires_at: iso(session.expiresAt) });
});

/** Whether the conversation has been opened (a 503 when its object cannot be reached). */
async function exists(c: WebchatContext, conversationSid: string): Promise<boolean> {
  try {
    return (await conversationFor(c.env, conversationSid).getConversation(c.get("accountSid"))).ok;
  } catch {
    throw new ApiError(503, 20503, "The conversation is unavailable; try again");
  }
}

/**
 * Where the visitor's messages may go without the directory (inbound/direct.ts): their open
 * conversation; for an anonymous visitor the directory has no conversation of, a new one (the one
 * their first message opens) and their profile's SID, minted once and kept while unused. A visitor the
 * site identifies, or who had conversations, opens their next one through the directory, which holds
 * their history and last agent.
 */
function directRoute(
  workspaceSid: string,
  previous: VisitorSession | null,
  identified: VerifiedIdentity | null,
  known: { readonly open: string | null; readonly latest: string | null },
): VisitorConversation {
  if (known.open !== null) return { conversationSid: known.open, newProfileSid: null };
  if (known.latest !== null || identified !== null) return { conversationSid: null, newProfileSid: null };
  if (previous?.newProfileSid) return { conversationSid: previous.conversationSid, newProfileSid: previous.newProfileSid };
  return { conversationSid: newSidBeside("CH", workspaceSid), newProfileSid: newSid("PR") };
}

const messageBody = z.strictObject({
  client_id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be 1–64 letters, digits or _ . : -"),
  body: z.string().max(MAX_BODY_CHARS, `must be at most ${MAX_BODY_CHARS} characters`).default(""),
  media_sids: z
    .array(z.string().regex(/^ME[0-9a-f]{32}$/, "must be media SIDs (ME…) from POST …/media"))
    .max(10, "must name at most 10 attachments")
    .default([]),
});

/**
 * Who the visitor is, as the inbound path takes it: an identity the team's site signed links them to
 * the customer's profile; without one, whatever the pre-chat form said is their unverified word.
 */
function whoIsWriting(session: VisitorSession): Pick<InboundMessage, "customerName" | "identified" | "unverified"> {
  const { identified } = session;
  if (identified !== null) {
    const { email, phone } = identified;
    return { customerName: identified.name ?? null, identified: { ...(email ? { email } : {}), ...(phone ? { phone } : {}) } };
  }
  const said = Object.fromEntries(
    (["name", "email", "phone"] as const).flatMap((field) => (session[field] === null ? [] : [[field, session[field]]])),
  );
  return { customerName: session.name, ...(Object.keys(said).length > 0 ? { unverified: said } : {}) };
}

webchat.post("/:WorkspaceSid/:ChannelSid/messages", async (c) => {
  const config = c.get("config");
  const session = await sessionOf(c);
  const input = await readJson(c, messageBody, MESSAGE_BODY_LIMIT);
  if (input.body.trim() === "" && input.media_sids.length === 0)
    throw new ApiError(400, 20001, "Invalid parameter body: a message needs a body or media_sids");
  if (!webchatLimit("message", session.visitorId, Date.now())) throw new ApiError(429, 20429, "Too many messages; slow down");
  const media = await mediaRefsOf(c, session, input.media_sids);
  const message: InboundMessage = {
    providerMessageId: `${session.visitorId}:${input.client_id}`,
    channel: "web",
    customerAddress: session.visitorId,
    proxyAddress: config.sid,
    body: input.body,
    media,
    attributes: {},
    thread: null,
    sentAt: Date.now(),
    ...whoIsWriting(session),
  };
  const stored = await store(c, session, message);
  // A message that opened another conversation than the session named: a session naming it comes back.
  const renewed =
    stored.conversationSid === session.conversationSid
      ? null
      : await mintVisitorSession(
          c.env.AUTH_TOKEN ?? "",
          { ...session, conversationSid: stored.conversationSid, newProfileSid: null },
          Date.now(),
        );
  return c.json(
    { conversation_sid: stored.conversationSid, message_sid: stored.messageSid, ...(renewed ? { token: renewed.token } : {}) },
    stored.duplicate ? 200 : 201,
  );
});

/**
 * Stores the visitor's message: straight in the conversation their session names when it takes it
 * (inbound/direct.ts), else the directory's way. A Durable Object that cannot be reached is a 503.
 */
async function store(c: WebchatContext, session: VisitorSession, message: InboundMessage): Promise<ReceivedMessage> {
  const config = c.get("config");
  const edge = edgeOf(c.req.raw);
  let result: ApiResult<ReceivedMessage>;
  try {
    const { conversationSid, newProfileSid } = session;
    const direct = conversationSid === null ? null : await receiveDirect(c.env, config, { conversationSid, newProfileSid }, message, edge);
    if (direct !== null) result = direct;
    else {
      const received = await receiveInbound(c.env, config, { messages: [message], statuses: [] }, edge);
      result = received.ok ? ok(received.value.messages[0]!) : received;
    }
  } catch (error) {
    console.error(
      `[request ${c.get("requestId")}] web chat message for ${config.sid} not stored: ${error instanceof Error ? error.message : String(error)}`,
    );
    throw new ApiError(503, 20503, "The message could not be stored yet; please retry");
  }
  if (!result.ok) throw new ApiError(result.status >= 500 ? 503 : (result.status as 400), result.code, result.message);
  return result.value;
}

const surveyBody = z.strictObject({
  rating: z
    .number("must be a whole number from 1 to 5")
    .int("must be a whole number from 1 to 5")
    .min(1, "must be from 1 to 5")
    .max(5, "must be from 1 to 5"),
  comment: z.string().max(MAX_SURVEY_COMMENT, `must be at most ${MAX_SURVEY_COMMENT} characters`).nullable().optional(),
});

/**
 * The visitor's answer to the satisfaction survey of their conversation that ended (its record's
 * `survey`): once (409 after), within its window, only their own (their session's last conversation).
 */
webchat.post("/:WorkspaceSid/:ChannelSid/survey", async (c) => {
  const session = await sessionOf(c);
  const input = await readJson(c, surveyBody, SURVEY_BODY_LIMIT);
  if (!webchatLimit("message", session.visitorId, Date.now())) throw new ApiError(429, 20429, "Too many requests; slow down");
  const conversationSid = await lastConversation(c, session);
  if (conversationSid === null) throw notFound("conversation of this visitor");
  let answered: Awaited<ReturnType<ReturnType<typeof conversationFor>["answerSurvey"]>>;
  try {
    answered = await conversationFor(c.env, conversationSid).answerSurvey(
      c.get("accountSid"),
      session.visitorId,
      input.rating,
      input.comment ?? null,
    );
  } catch {
    throw new ApiError(503, 20503, "The survey answer could not be stored yet; please retry");
  }
  if (!answered.ok) throw new ApiError(answered.status as 400, answered.code, answered.message);
  return c.json({ conversation_sid: conversationSid, survey: answered.value }, 201);
});

webchat.post("/:WorkspaceSid/:ChannelSid/media", uploadMedia);

/** The visitor's token for their conversation's call: their last conversation, while it is open, and only it. */
webchat.post("/:WorkspaceSid/:ChannelSid/media-token", async (c) => {
  const session = await sessionOf(c);
  // Nothing to choose: the room is the session's conversation. A body naming one (`room`) is refused, not ignored.
  await readJson(c, z.strictObject({}), SESSION_BODY_LIMIT);
  if (!webchatLimit("call", session.visitorId, Date.now())) throw new ApiError(429, 20429, "Too many call requests; try again in a minute");
  const conversationSid = await lastConversation(c, session);
  let found: Awaited<ReturnType<ReturnType<typeof conversationFor>["getConversation"]>> | null = null;
  if (conversationSid !== null) {
    try {
      found = await conversationFor(c.env, conversationSid).getConversation(c.get("accountSid"));
    } catch {
      throw new ApiError(503, 20503, "The conversation is unavailable; try again");
    }
  }
  // A new visitor's session names the conversation their first message opens: there is none before it.
  if (!found?.ok) throw notFound("conversation of this visitor (write a message first)");
  requireOpen(found.value);
  const server = callServer(c.env, found.value);
  await requireLiveCall(c.env, c.get("accountSid"), found.value.sid);
  const room = found.value.sid;
  return c.json(await mintMediaToken(server, { role: "customer", room, identity: session.visitorId, name: session.name }));
});

// ── calls (issue 15) ─────────────────────────────────────────────────────────────────────────────────

const callBody = z.strictObject({ Kind: z.enum(CALL_KINDS, `must be one of ${CALL_KINDS.join(", ")}`) });

/** The visitor's open conversation, or null: a new visitor's session names theirs before it exists. */
async function openConversation(c: WebchatContext, session: VisitorSession): Promise<string | null> {
  if (session.newProfileSid !== null)
    return session.conversationSid !== null && (await exists(c, session.conversationSid)) ? session.conversationSid : null;
  return (await conversationsOf(c, session.visitorId)).open;
}

/**
 * The visitor starts a call (`{ Kind: "voice" | "video" }`): in their open conversation, else in one
 * opened for it the way their first message opens one (a message saying they called, no chat task: the
 * call's own task routes it). Answers 201 `StartedCall` with their customer token, plus `token`, a
 * renewed session, when the conversation is new to their session (as `POST messages` does).
 */
webchat.post("/:WorkspaceSid/:ChannelSid/call", async (c) => {
  const config = c.get("config");
  const session = await sessionOf(c);
  const input = await readJson(c, callBody, SESSION_BODY_LIMIT);
  if (!webchatLimit("call", session.visitorId, Date.now())) throw new ApiError(429, 20429, "Too many call requests; try again in a minute");
  let conversationSid = await openConversation(c, session);
  let renewed: string | null = null;
  if (conversationSid === null) {
    const kind = input.Kind === "video" ? "video" : "voice";
    const message: InboundMessage = {
      providerMessageId: `${session.visitorId}:call:${crypto.randomUUID()}`,
      channel: "web",
      customerAddress: session.visitorId,
      proxyAddress: config.sid,
      body: `Started a ${kind} call`,
      media: [],
      attributes: { call: kind },
      thread: null,
      sentAt: Date.now(),
      opensCall: input.Kind,
      ...whoIsWriting(session),
    };
    const stored = await store(c, session, message);
    conversationSid = stored.conversationSid;
    if (stored.conversationSid !== session.conversationSid)
      renewed = (await mintVisitorSession(c.env.AUTH_TOKEN ?? "", { ...session, conversationSid, newProfileSid: null }, Date.now())).token;
  }
  const conversation = conversationFor(c.env, conversationSid);
  const found = await conversation.getConversation(c.get("accountSid"));
  if (!found.ok) throw notFound("conversation of this visitor");
  const server = callServer(c.env, found.value);
  const callSid = regionalSid("CA", regionOfItem(config.workspaceSid, conversationSid));
  // A channel with a flow: it answers the call when it takes calls (its voice replies to this origin's webhook).
  const flow = config.flowSid
    ? { flowSid: config.flowSid, replyUrl: `${new URL(c.req.url).origin}/webhooks/media/voice`, livekitUrl: server.url, to: config.sid }
    : undefined;
  const started = await conversation.startCall(c.get("accountSid"), callSid, {
    kind: input.Kind,
    by: "customer",
    identity: session.visitorId,
    ...(flow ? { flow } : {}),
  });
  if (!started.ok) throw new ApiError(started.status as 400, started.code, started.message);
  const media = await mintMediaToken(server, { role: "customer", room: conversationSid, identity: session.visitorId, name: session.name });
  return c.json({ call: started.value, media, ...(renewed ? { token: renewed } : {}) } satisfies StartedCall, 201);
});

/** The visitor hangs up their live call (answers the CallRecord; 409 with none). */
webchat.post("/:WorkspaceSid/:ChannelSid/call/hangup", async (c) => {
  const session = await sessionOf(c);
  await readJson(c, z.strictObject({}), SESSION_BODY_LIMIT);
  const conversationSid = await openConversation(c, session);
  if (conversationSid === null) throw new ApiError(409, 20409, "This visitor has no live call to hang up");
  const ended = await conversationFor(c.env, conversationSid).hangUpCall(c.get("accountSid"), session.visitorId, "customer");
  if (!ended.ok) throw new ApiError(ended.status as 400, ended.code, ended.message);
  return c.json(ended.value);
});

webchat.get("/:WorkspaceSid/:ChannelSid/media/:MediaSid", async (c) => {
  const session = await sessionOf(c, true);
  return serveMedia(c, session, c.req.param("MediaSid"), () => lastConversation(c, session));
});

webchat.get("/:WorkspaceSid/:ChannelSid/socket", async (c) => {
  const headers = c.req.raw.headers;
  if (!isSocket(c)) throw new ApiError(426, 20426, "GET …/socket is a WebSocket endpoint: connect with a WebSocket client");
  const offered = (headers.get("sec-websocket-protocol") ?? "").split(",").map((p) => p.trim());
  const token =
    offered.find((p) => p.startsWith("token."))?.slice("token.".length) ??
    /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (!token) return refuseSocket(4401, "A visitor session is required: a token.<token> subprotocol", headers);
  const check = await checkSession(c, token);
  if (!check.ok) return refuseSocket(check.code, check.reason, headers);
  const conversationSid = await lastConversation(c, check.session);
  // A new visitor's session names the conversation their first message opens: not there before it.
  const opened = conversationSid !== null && (check.session.newProfileSid === null || (await exists(c, conversationSid)));
  if (!opened) return refuseSocket(4404, "no conversation yet", headers);
  const url = new URL("https://conversation.internal/socket");
  const since = c.req.query("since");
  if (since !== undefined) url.searchParams.set("since", since);
  const identity = {
    accountSid: c.get("accountSid"),
    workspaceSid: c.get("config").workspaceSid,
    role: "customer",
    identity: check.session.visitorId,
    displayName: check.session.name,
  };
  const upgrade = new Headers({ upgrade: "websocket", [IDENTITY_HEADER]: JSON.stringify(identity) });
  if (offered.includes(CONVERSATION_SUBPROTOCOL)) upgrade.set("sec-websocket-protocol", CONVERSATION_SUBPROTOCOL);
  return conversationFor(c.env, conversationSid).fetch(new Request(url, { headers: upgrade }));
});
