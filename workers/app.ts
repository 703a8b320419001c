/**
 * The Hono app: every HTTP route of the Worker, composed in one place. Route groups (TaskRouter API,
 * channels, auth) will be mounted here from their own folders; the app itself only wires the request
 * id, the error handling shared by every route, and the health check.
 */
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { onError, onNotFound } from "./http/errors";
import { regions, VERSION } from "../platform/regions";
import type { Env } from "../platform/env";
import { openApiDocument } from "./api/openapi";
import { keys } from "./api/keys";
import { realtimeSettings } from "./api/realtime-settings";
import { taskrouter } from "./api/taskrouter";
import { tokens } from "./api/tokens";
import { realtime } from "./api/realtime";
import { eventbridge } from "./api/eventbridge";
import { basicAuth } from "./auth/basic";
import { profiles } from "./api/profiles";
import { botRoutes } from "./api/bot";
import { recordings } from "./api/recordings";
import { s3Upload } from "./recordings/s3-upload";
import { webchat } from "./api/webchat";
import { channels } from "./api/channels";
import { studio } from "./api/studio";
import { calendars } from "./api/calendars";
import { inbound } from "./inbound/webhooks";
import { livekitWebhooks } from "./inbound/livekit";
import { mediaVoiceWebhooks } from "./inbound/media-voice";
import { conversations, conversationSocket, conversationsNative, flex } from "./api/conversations";
import { auth } from "./api/auth";
import { users } from "./api/users";
import { plugins } from "./api/plugins";
import { desktop } from "./api/desktop";
import { desktopPage } from "./desktop/page";
import { sessionRoutes as workerSessionRoutes } from "./api/taskrouter/workers";
import { errorDocs } from "./docs/errors-page";
import { pingRouter } from "../platform/objects";

export type AppEnv = { Bindings: Env; Variables: { requestId: string } };

export const app = new Hono<AppEnv>();

app.use(requestId());

/** Liveness, unauthenticated: it reveals only the release and how many regions are configured. */
app.get("/health", (c) => c.json({ status: "ok", regions: regions.regions.length, version: VERSION }));

/** The OpenAPI document of every endpoint, generated from the schemas that validate them. */
app.get("/openapi.json", (c) => c.json(openApiDocument(new URL(c.req.url).origin)));

/** What each error code means and how to fix it: every error body's `more_info` links here. */
app.route("/docs", errorDocs);

app.route("/taskrouter/v1", workerSessionRoutes); // a supervisor's session on two worker updates; Basic passes through
app.route("/taskrouter/v1", taskrouter);
app.route("/api", keys);
app.route("/api", tokens);
app.route("/api", realtimeSettings);
app.route("/api", profiles);
app.route("/api", botRoutes);
app.route("/api", recordings);
app.route("/api/s3", s3Upload); // LiveKit's egress uploads call recordings here (SigV4), into R2
app.get("/api/realtime", realtime);
app.route("/v1/wschannels", eventbridge);
app.route("/api/webchat", webchat);
app.route("/api", channels);
app.route("/", studio); // Studio v2: /v2/Flows… and /api/workspaces/WS…/studio/v2/Flows…
app.route("/api", calendars);
app.route("/webhooks/livekit", livekitWebhooks); // before the providers' /webhooks/{WS}/{XC}
app.route("/webhooks/media/voice", mediaVoiceWebhooks); // the media service's signed replies (issue 16)
app.route("/webhooks", inbound);
app.route("/conversations/v1", conversations);
app.route("/flex/v1", flex);
app.get("/api/conversations/:ConversationSid/socket", conversationSocket);
app.route("/api", conversationsNative);
app.route("/api", auth);
app.route("/api", users);
app.route("/api", plugins);
app.route("/api", desktop);
app.get("/app/", ...desktopPage);
app.get("/app/index.html", ...desktopPage);

/**
 * An authenticated round trip to a Durable Object that does nothing: operators use it to check the
 * object layer, and `npm run bench` as the baseline every HTTP figure is a ratio to.
 */
app.get("/api/ping", basicAuth(), async (c) => c.json(await pingRouter(c.env).ping()));

app.notFound(onNotFound);
app.onError(onError);
