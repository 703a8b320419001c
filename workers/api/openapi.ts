/**
 * /openapi.json: the OpenAPI 3.1 document of every endpoint the Worker implements, generated from the
 * very zod schemas that validate requests (the wire layer's registry), so it cannot drift from them.
 */
import { z } from "zod";
import { MAX_MEDIA_BYTES } from "../../channels/adapter";
import { MAX_WEBHOOK_BYTES } from "../inbound/webhooks";
import { LIVEKIT_WEBHOOK_LIMIT } from "../inbound/livekit";
import { VOICEMAIL_LIMIT, VOICE_REPLY_LIMIT } from "../inbound/media-voice";
import { VERSION } from "../../platform/regions";
import { DEFAULT_BODY_LIMIT } from "../http/body-limit";
import { BRIDGE_BODY_LIMIT } from "./eventbridge";
import { API_PREFIX, registry } from "./taskrouter/wire";
import { MESSAGE_BODY_LIMIT, SESSION_BODY_LIMIT, SURVEY_BODY_LIMIT } from "./webchat";
import { MAX_UPLOAD_BYTES } from "../recordings/s3-upload";

/**
 * Endpoints whose requests are not form or JSON parameters — providers' webhooks (verified by their
 * signatures), raw uploads, WebSockets, the widget's visitor-session routes — described by hand.
 */
const DESCRIBED: readonly {
  readonly method: "get" | "post" | "put" | "delete";
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly security: "basic" | "bearer" | "provider" | "visitor" | "none";
  /** POST: the most body bytes read (413 past it). */
  readonly maxBodyBytes?: number;
}[] = [
  {
    method: "get",
    path: "/webhooks/{WorkspaceSid}/{ChannelSid}",
    tag: "Channels",
    summary: "A provider's verification handshake (Meta's hub.challenge)",
    security: "provider",
  },
  {
    method: "post",
    path: "/webhooks/{WorkspaceSid}/{ChannelSid}",
    tag: "Channels",
    summary:
      "A provider's inbound message or status webhook, verified with the channel's secret (X-Twilio-Signature, X-Hub-Signature-256, X-Switchboard-Signature, or Basic for inbound mail: SendGrid Inbound Parse raw or parsed, Mailgun's body-mime, Postmark's JSON); the email channel's inbound parse takes up to 32 MB",
    security: "provider",
    maxBodyBytes: MAX_WEBHOOK_BYTES,
  },
  {
    method: "post",
    path: "/webhooks/livekit",
    tag: "Calls",
    summary:
      "LiveKit's signed webhooks (participant_joined, participant_left, room_finished) for the calls' rooms: the Authorization JWT, signed with a configured region's LiveKit API key (its issuer), must carry the body's sha256; 401 and nothing changes otherwise. Each event is applied once, in any order; a room that is no conversation is answered 200 and ignored",
    security: "provider",
    maxBodyBytes: LIVEKIT_WEBHOOK_LIMIT,
  },
  {
    method: "post",
    path: "/webhooks/media/voice",
    tag: "Calls",
    summary:
      "The media service's reply for a flow's voice on a call (JSON VoiceReply: accountSid, workspaceSid, executionSid, effectId, result), signed with MEDIA_SERVICE_SECRET in X-Switchboard-Media-Signature (t=…,v1=HMAC-SHA256 over method, path, timestamp and the body's SHA-256; 5 minutes): 401 otherwise, 400 naming a bad field, 404 for an unknown execution. Answers {applied}: false for a duplicate or an effect no longer awaited",
    security: "provider",
    maxBodyBytes: VOICE_REPLY_LIMIT,
  },
  {
    method: "put",
    path: "/webhooks/media/voice/{ExecutionSid}/{EffectId}/recording",
    tag: "Calls",
    summary:
      "A flow's voicemail (audio/wav, at most 20 MB: 413 past it; 415 for another type), signed as the reply is: stored in the workspace's media and answered 201 {RecordingSid, RecordingUrl} — the URL is GET /api/media/{WorkspaceSid}/{MediaSid}, for the workspace's authenticated users; a repeated upload for the same effect answers the same recording",
    security: "provider",
    maxBodyBytes: VOICEMAIL_LIMIT,
  },
  {
    method: "get",
    path: "/webhooks/{WorkspaceSid}/{ChannelSid}/media/{MediaSid}",
    tag: "Channels",
    summary:
      "An attachment behind a signed, expiring link (for providers that fetch media by URL); served as every attachment is: CSP sandbox, nosniff, inline only for images, audio, video and PDF",
    security: "provider",
  },
  {
    method: "post",
    path: "/v1/wschannels",
    tag: "TaskRouter SDK",
    summary: "The twilio-taskrouter SDK's HTTP proxy (JSON {url, method, params, token}; the token is the credential)",
    security: "none",
    maxBodyBytes: BRIDGE_BODY_LIMIT,
  },
  {
    method: "get",
    path: "/api/conversations/{ConversationSid}/socket",
    tag: "Conversations",
    summary: "An agent's or supervisor's live view of a conversation (WebSocket; realtime token as a token.<jwt> subprotocol)",
    security: "bearer",
  },
  {
    method: "post",
    path: "/api/conversations/{ConversationSid}/media",
    tag: "Conversations",
    summary: "Upload an attachment (raw bytes, ?filename=, at most 10 MB); answers a MediaRef",
    security: "bearer",
    maxBodyBytes: MAX_MEDIA_BYTES,
  },
  {
    method: "get",
    path: "/api/media/{WorkspaceSid}/{MediaSid}",
    tag: "Conversations",
    summary: "Download an attachment (CSP sandbox, nosniff, Content-Disposition inline only for images, audio, video and PDF)",
    security: "bearer",
  },
  {
    method: "get",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/config",
    tag: "Web chat",
    summary: "The widget's public settings (title, greeting, colours, pre-chat fields)",
    security: "none",
  },
  {
    method: "post",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/sessions",
    tag: "Web chat",
    summary:
      "Start or resume a visitor's signed session (JSON: token?, identity? — a JWT your site signs with an API key, aud switchboard:webchat — and the pre-chat name, email, phone, kept as unverified); answers their last conversation, open or closed; 401 for an identity that does not check out, 403 without an allowed Origin",
    security: "none",
    maxBodyBytes: SESSION_BODY_LIMIT,
  },
  {
    method: "post",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/messages",
    tag: "Web chat",
    summary:
      "A visitor's message (JSON: client_id, body, media_sids); idempotent by client_id. Answers conversation_sid and message_sid, and a renewed session token when the message opened another conversation than the session named (keep it: the visitor's next messages go straight to that conversation)",
    security: "visitor",
    maxBodyBytes: MESSAGE_BODY_LIMIT,
  },
  {
    method: "post",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/survey",
    tag: "Web chat",
    summary:
      "The visitor's answer to the satisfaction survey of their conversation that ended (JSON: rating, a whole number 1–5; comment?, at most 1,000 characters, card numbers masked). Answers 201 with conversation_sid and the survey; 400 naming a bad rating or comment, 404 when the visitor has no conversation, 409 when it has not ended, offered no survey, was answered already or its 24-hour window closed",
    security: "visitor",
    maxBodyBytes: SURVEY_BODY_LIMIT,
  },
  {
    method: "post",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/media",
    tag: "Web chat",
    summary: "A visitor's attachment (raw bytes, ?filename=, at most 10 MB; images but SVG, PDF, plain text)",
    security: "visitor",
    maxBodyBytes: MAX_MEDIA_BYTES,
  },
  {
    method: "post",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/media-token",
    tag: "Web chat",
    summary:
      "A LiveKit token for the call of the visitor's open conversation (the customer grant: join its room only; publish microphone, camera and screen share; subscribe); answers { url, token, room, identity, expires_at }. 404 before the visitor's first message, 409 once the conversation closed or without a live call, 503 while calls are off",
    security: "visitor",
  },
  {
    method: "post",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/call",
    tag: "Web chat",
    summary:
      "The visitor starts a call (JSON: Kind, voice or video) in their open conversation, or one opened for it; the call is a task on the voice or video TaskChannel. Answers 201 { call, media } (the CallRecord and their customer LiveKit token), and token, a renewed session, when the conversation is new to the session. 400 naming Kind, 409 while a call is live, 503 naming LiveKit and the region when it cannot be reached (the call is recorded failed; chat goes on)",
    security: "visitor",
    maxBodyBytes: SESSION_BODY_LIMIT,
  },
  {
    method: "post",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/call/hangup",
    tag: "Web chat",
    summary:
      "The visitor hangs up their live call (JSON: {}); answers the CallRecord: abandoned (its task canceled) before an agent joined, else completed (the agent's task to wrap-up). 409 without a live call",
    security: "visitor",
    maxBodyBytes: SESSION_BODY_LIMIT,
  },
  {
    method: "get",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/media/{MediaSid}",
    tag: "Web chat",
    summary: "An attachment of the visitor's last conversation, or their own upload",
    security: "visitor",
  },
  {
    method: "get",
    path: "/api/webchat/{WorkspaceSid}/{ChannelSid}/socket",
    tag: "Web chat",
    summary: "The visitor's last conversation, live (WebSocket; session token as a token.<jwt> subprotocol); a closed one is read-only",
    security: "visitor",
  },
  {
    method: "put",
    path: "/api/s3/{Bucket}/{Key}",
    tag: "Recordings",
    summary:
      "LiveKit Egress uploads a call recording's part (S3 PutObject, or UploadPart with ?partNumber&uploadId), signed with AWS SigV4 by RECORDING_S3_ACCESS_KEY_ID; written through the workspace's R2 binding. Only recording keys (recordings/WS…/RE…/<n>.ogg) in bucket RECORDING_S3_BUCKET; S3's XML errors",
    security: "provider",
    maxBodyBytes: MAX_UPLOAD_BYTES,
  },
  {
    method: "post",
    path: "/api/s3/{Bucket}/{Key}",
    tag: "Recordings",
    summary: "S3 CreateMultipartUpload (?uploads) and CompleteMultipartUpload (?uploadId) for a recording's part, SigV4-signed",
    security: "provider",
    maxBodyBytes: MAX_UPLOAD_BYTES,
  },
  {
    method: "delete",
    path: "/api/s3/{Bucket}/{Key}",
    tag: "Recordings",
    summary: "S3 AbortMultipartUpload (?uploadId), SigV4-signed; objects are never deleted here",
    security: "provider",
  },
  {
    method: "get",
    path: "/docs/errors",
    tag: "Errors",
    summary: "Every error code Switchboard answers with: what it means and how to fix it (HTML, docs/errors.md)",
    security: "none",
  },
  {
    method: "get",
    path: "/docs/errors/{Code}",
    tag: "Errors",
    summary: "One error code's page: where an error body's more_info links",
    security: "none",
  },
];

const SECURITY = {
  basic: [{ basic: [] }],
  bearer: [{ bearer: [] }, { basic: [] }],
  provider: [],
  visitor: [{ bearer: [] }],
  none: [],
} as const;

/** What each declared endpoint's `auth` means as OpenAPI security requirements (any one of them). */
const ENDPOINT_SECURITY = {
  basic: [{ basic: [] }],
  bearer: [{ bearer: [] }],
  session: [{ session: [] }],
  "basic-or-session": [{ basic: [] }, { session: [] }],
  none: [],
} as const;

/** The 413 of a route that reads at most `limit` body bytes (body-limit.ts). */
const tooLargeResponse = (limit: number) => ({
  "413": {
    description: `The request body is larger than ${limit} bytes, the most this endpoint reads`,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
});

export function openApiDocument(origin: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of DESCRIBED) {
    const parameters = [...d.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    (paths[d.path] ??= {})[d.method] = {
      summary: d.summary,
      tags: [d.tag],
      security: SECURITY[d.security],
      parameters,
      responses: { "200": { description: "Success" }, ...(d.maxBodyBytes === undefined ? {} : tooLargeResponse(d.maxBodyBytes)) },
    };
  }
  for (const ep of registry) {
    const path = (ep.prefix ?? API_PREFIX) + ep.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const pathParams = [...ep.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const schema = z.toJSONSchema(ep.schema, { io: "input", unrepresentable: "any" }) as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    const operation: Record<string, unknown> = {
      summary: ep.summary,
      tags: [ep.tag],
      security: ENDPOINT_SECURITY[ep.auth ?? "basic"],
      responses: {
        [String(ep.status ?? (ep.method === "post" && !/:[A-Za-z]*Sid$/.test(ep.path) ? 201 : ep.method === "delete" ? 204 : 200))]: {
          description: "Success",
        },
        "400": {
          description: "A parameter is missing or invalid",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
        "401": { description: "Bad or missing credentials" },
        "404": { description: "No such resource in this account" },
      },
    };
    if (ep.method === "post") {
      Object.assign(operation.responses as object, tooLargeResponse(ep.maxBodyBytes ?? DEFAULT_BODY_LIMIT));
      operation.parameters = pathParams;
      operation.requestBody = { content: { "application/x-www-form-urlencoded": { schema }, "application/json": { schema } } };
    } else {
      const required = new Set(schema.required ?? []);
      const query = Object.entries(schema.properties ?? {}).map(([name, s]) => ({
        name,
        in: "query",
        required: required.has(name),
        schema: s,
      }));
      operation.parameters = [...pathParams, ...query];
    }
    (paths[path] ??= {})[ep.method] = operation;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Switchboard TaskRouter-compatible API", version: VERSION },
    servers: [{ url: origin }],
    components: {
      securitySchemes: {
        basic: { type: "http", scheme: "basic" },
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        session: { type: "apiKey", in: "cookie", name: "sb_session" },
      },
      schemas: {
        Error: {
          type: "object",
          properties: {
            code: { type: "integer" },
            message: { type: "string" },
            more_info: { type: "string", format: "uri", description: "This deployment's page on the code: {origin}/docs/errors/{code}" },
            status: { type: "integer" },
          },
        },
      },
    },
    paths,
  };
}
