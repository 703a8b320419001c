/**
 * The conversation APIs, each a Hono app that app.ts mounts:
 * - `conversations` at /conversations/v1 — Twilio Conversations v1 (point the stock client here with
 *   `client.conversations.baseUrl = "<origin>/conversations"`), account-level and per chat service;
 * - `flex` at /flex/v1 — Flex Interactions (`client.flexApi.baseUrl = "<origin>/flex"`);
 * - `conversationsNative` at /api — transfer, an agent's notes, attachments and call tokens (Basic or an agent's token);
 * - `conversationSocket` at GET /api/conversations/:ConversationSid/socket — the live view.
 */
import { basicAuth } from "../../auth/basic";
import { Hono } from "hono";
import type { CallerEnv } from "./caller";
import { routeGroup } from "./context";
import { routes as users } from "./conversation-users";
import { routes as withParticipants } from "./conversation-with-participants";
import { routes as conversationRoutes } from "./conversations";
import { routes as interactions } from "./interactions";
import { routes as media } from "./media";
import { routes as mediaToken } from "./media-token";
import { routes as calls } from "./calls";
import { routes as callHandoffs } from "./call-handoffs";
import { routes as callRecording } from "./call-recording";
import { routes as messages } from "./messages";
import { routes as participantConversations } from "./participant-conversations";
import { routes as participants } from "./participants";
import { routes as receipts } from "./receipts";
import { routes as notes } from "./notes";
import { routes as transfer } from "./transfer";
import { routes as sendToFlow } from "./send-to-flow";
import { routes as webhooks } from "./webhooks";

export { conversationSocket } from "./socket";

export const conversations = routeGroup();
conversations.use(basicAuth());
const groups = [conversationRoutes, withParticipants, participants, messages, receipts, users, participantConversations, webhooks];
for (const group of groups) conversations.route("/", group);

export const flex = routeGroup();
flex.use(basicAuth());
flex.route("/", interactions);

export const conversationsNative = new Hono<CallerEnv>();
conversationsNative.route("/", transfer);
conversationsNative.route("/", sendToFlow);
conversationsNative.route("/", notes);
conversationsNative.route("/", media);
conversationsNative.route("/", mediaToken);
conversationsNative.route("/", calls);
conversationsNative.route("/", callHandoffs);
conversationsNative.route("/", callRecording);
