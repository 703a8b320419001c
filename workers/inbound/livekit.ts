/**
 * `POST /webhooks/livekit` — LiveKit's webhooks (issue 15): who joined and left a call's room, and when
 * the room finished. No Basic auth: the signature is the auth. LiveKit signs each with one of its API
 * keys — a JWT in `Authorization` whose issuer is the key and whose `sha256` claim is the body's hash —
 * so the key is picked by the token's `iss` among the configured regions' keys (platform/livekit.ts),
 * and `WebhookReceiver.receive(rawBody, Authorization)` checks both (the raw text, never re-serialised
 * JSON); a call's room must moreover be signed by the key of its own region (the one its conversation's
 * SID names), so one region's server cannot move another's calls. Missing or bad: 401, nothing changes.
 *
 * The room is named for its conversation: an event for a room that is no CH SID is answered 200 and
 * ignored (LiveKit retries non-2xx answers, and such a room is none of ours); otherwise it goes to the
 * ConversationDO (lifecycle/calls.ts), which applies each event ID once and in any order.
 */
import { Hono } from "hono";
import { WebhookReceiver, type WebhookEvent } from "livekit-server-sdk";
import { ROLE_ATTRIBUTE } from "../../contract/calls";
import { isSid } from "../../contract/ids";
import type { MediaEvent } from "../../durable-objects/conversation/lifecycle/calls";
import { livekitOf, type LiveKitServer } from "../../platform/livekit";
import type { Env } from "../../platform/env";
import { conversationFor } from "../../platform/objects";
import { regionOfSid } from "../../platform/region-sids";
import { regions } from "../../platform/regions";
import { readText } from "../http/body-limit";
import { applyEgressEvent } from "../recordings/egress-events";
import { ApiError } from "../http/errors";

/** A webhook carries one event, a room and a participant: far less than this. */
export const LIVEKIT_WEBHOOK_LIMIT = 64 * 1024;

/** LiveKit's `DisconnectReason.CLIENT_INITIATED` (livekit_models.proto): the participant left on purpose. */
const CLIENT_INITIATED = 1;

export const livekitWebhooks = new Hono<{ Bindings: Env }>();

const unauthorized = (why: string) => new ApiError(401, 20003, `LiveKit webhook refused: ${why}`);

/** The `iss` of a JWT, read without trusting it: only to pick whose key verifies it. */
function issuerOf(jwt: string): string | null {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { iss?: unknown };
    return typeof payload.iss === "string" ? payload.iss : null;
  } catch {
    return null;
  }
}

/** The configured LiveKit server whose API key is `apiKey`, across the regions. */
function serverWithKey(env: Env, apiKey: string): LiveKitServer | null {
  for (const region of regions.regions) {
    const found = livekitOf(env, region.id);
    if (found.ok && found.server.apiKey === apiKey) return found.server;
  }
  return null;
}

/** What a call needs of LiveKit's event. */
export function mediaEventOf(event: WebhookEvent): MediaEvent {
  const p = event.participant;
  return {
    id: event.id,
    event: event.event,
    roomSid: event.room?.sid || null,
    participant: p
      ? {
          sid: p.sid,
          identity: p.identity,
          name: p.name || null,
          role: p.attributes[ROLE_ATTRIBUTE] ?? null,
          leftOnPurpose: p.disconnectReason === CLIENT_INITIATED,
        }
      : null,
    at: Number(event.createdAt) * 1000,
  };
}

livekitWebhooks.post("/", async (c) => {
  const auth = (c.req.header("authorization") ?? "").replace(/^Bearer\s+/i, "").trim();
  if (auth === "") throw unauthorized("no Authorization header (LiveKit signs every webhook)");
  const issuer = issuerOf(auth);
  const server = issuer === null ? null : serverWithKey(c.env, issuer);
  if (server === null) throw unauthorized("the token's issuer is no LiveKit API key configured here");
  const body = await readText(c, LIVEKIT_WEBHOOK_LIMIT);
  let event: WebhookEvent;
  try {
    event = await new WebhookReceiver(server.apiKey, server.apiSecret).receive(body, auth);
  } catch (error) {
    throw unauthorized(error instanceof Error ? error.message : "the signature does not check out");
  }
  // A recording's egress (workers/recordings/egress-events.ts): its file names the workspace and recording.
  if (event.egressInfo) return c.json(await applyEgressEvent(c.env, event.egressInfo));
  const room = event.room?.name ?? "";
  const accountSid = c.env.ACCOUNT_SID;
  if (!isSid("CH", room) || !event.id || !accountSid) return c.json({ ignored: true, reason: "not a call's room" });
  // A room lives on its conversation's region's server: another region's key may not speak for it.
  const roomRegion = regionOfSid(room);
  const owner = roomRegion === null ? null : livekitOf(c.env, roomRegion);
  if (owner?.ok && owner.server.apiKey !== server.apiKey)
    throw unauthorized(`the room ${room} is in region ${roomRegion}, whose LiveKit key did not sign this`);
  let applied: Awaited<ReturnType<ReturnType<typeof conversationFor>["onMediaEvent"]>>;
  try {
    applied = await conversationFor(c.env, room).onMediaEvent(accountSid, mediaEventOf(event));
  } catch (error) {
    // LiveKit retries a webhook answered with an error: the event is not lost.
    console.error(`LiveKit webhook ${event.id} for ${room} not applied: ${error instanceof Error ? error.message : String(error)}`);
    throw new ApiError(503, 20503, "The call's conversation is unavailable; LiveKit will retry");
  }
  // A room named like a conversation that is none here (another deployment's): nothing to do.
  if (!applied.ok) return c.json({ ignored: true, reason: applied.message });
  return c.json({ applied: applied.value });
});
