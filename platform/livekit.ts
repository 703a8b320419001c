/**
 * LiveKit, where Switchboard's calls and video happen: the one place that says which LiveKit server a
 * region uses, with which API key, and that makes the `livekit-server-sdk` clients. Every LiveKit call
 * (rooms, participants, tokens, later egress and webhooks) starts here, so a region's server and its
 * credentials are resolved one way.
 *
 * - The URL: the region's `livekitUrl` in regions.json (LiveKit Cloud or a self-hosted LiveKit per
 *   region), unless `LIVEKIT_URL` is set — one server for every region, as `npm start` and the tests run.
 * - The API key and secret: secrets, `LIVEKIT_API_KEY_<REGION>` / `LIVEKIT_API_SECRET_<REGION>` for a
 *   region with its own (the id upper-cased, `-` as `_`: `LIVEKIT_API_KEY_EU_FRANKFURT`), else
 *   `LIVEKIT_API_KEY` / `LIVEKIT_API_SECRET`.
 * - No key or no secret: calls are off in that region (chat is unaffected); {@link livekitOf} answers
 *   why, for a 503 that names it.
 *
 * Pure: it reads the Env's strings and regions.json, and livekit-server-sdk needs only `fetch` and
 * WebCrypto, which workerd and Node both have.
 */
import { RoomServiceClient } from "livekit-server-sdk";
import { regions, type Regions } from "./regions";

/** The Env's LiveKit settings (platform/env.ts declares them), plus the per-region secrets read by name. */
export interface LiveKitSettings {
  readonly LIVEKIT_URL?: string | undefined;
  readonly LIVEKIT_API_KEY?: string | undefined;
  readonly LIVEKIT_API_SECRET?: string | undefined;
}

/** A region's LiveKit server and the credentials Switchboard signs its tokens and API calls with. */
export interface LiveKitServer {
  readonly regionId: string;
  /** The WebSocket URL browsers join with (`ws://` or `wss://`). */
  readonly url: string;
  readonly apiKey: string;
  readonly apiSecret: string;
}

export type LiveKitLookup = { readonly ok: true; readonly server: LiveKitServer } | { readonly ok: false; readonly reason: string };

/** The suffix of a region's own secrets: `eu-frankfurt` → `EU_FRANKFURT`. */
export const regionSecretSuffix = (regionId: string): string => regionId.toUpperCase().replace(/[^A-Z0-9]/g, "_");

const present = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

/**
 * The LiveKit server of a region, or why calls are off there (no key or secret set, an unknown region).
 * @example
 * const found = livekitOf(env, regionOfItem(workspaceSid, conversationSid));
 * if (!found.ok) throw new ApiError(503, 20503, found.reason);
 */
export function livekitOf(settings: LiveKitSettings, regionId: string, declared: Regions = regions): LiveKitLookup {
  const region = declared.regions.find((r) => r.id === regionId);
  if (!region) return { ok: false, reason: `Calls are off: region ${JSON.stringify(regionId)} is not in regions.json` };
  const named = settings as Readonly<Record<string, unknown>>;
  const suffix = regionSecretSuffix(regionId);
  const ownKey = named[`LIVEKIT_API_KEY_${suffix}`];
  const ownSecret = named[`LIVEKIT_API_SECRET_${suffix}`];
  // A region's key goes with its own secret only: a regional key with the shared secret would sign nothing LiveKit accepts.
  const [apiKey, apiSecret] =
    present(ownKey) || present(ownSecret) ? [ownKey, ownSecret] : [settings.LIVEKIT_API_KEY, settings.LIVEKIT_API_SECRET];
  if (!present(apiKey) || !present(apiSecret)) {
    const names =
      present(ownKey) || present(ownSecret)
        ? `LIVEKIT_API_KEY_${suffix} and LIVEKIT_API_SECRET_${suffix}`
        : "LIVEKIT_API_KEY and LIVEKIT_API_SECRET";
    return { ok: false, reason: `Calls are off: LiveKit is not configured for region ${regionId} (set ${names})` };
  }
  const url = present(settings.LIVEKIT_URL) ? settings.LIVEKIT_URL.trim() : region.livekitUrl;
  if (!/^wss?:\/\/[^\s/]+/.test(url))
    return { ok: false, reason: `Calls are off: LIVEKIT_URL must be a ws:// or wss:// URL (got ${JSON.stringify(url.slice(0, 80))})` };
  return { ok: true, server: { regionId, url, apiKey: apiKey.trim(), apiSecret: apiSecret.trim() } };
}

/**
 * How long Switchboard waits for any LiveKit API call (the SDK's own default): bound with
 * `settleWithin` (platform/deadline.ts), since the clients are made with no timeout of their own.
 */
export const LIVEKIT_DEADLINE_MS = 10_000;

/**
 * LiveKit's room service (rooms, participants, permissions) on a region's server: the SDK's client,
 * which speaks HTTP to the same host the browsers join over WebSocket. Made with `requestTimeout: 0` —
 * the SDK's `AbortSignal.timeout` would keep the calling Durable Object busy for 10 s after every answer —
 * so wrap each call in `settleWithin(LIVEKIT_DEADLINE_MS, …)`.
 * @example const rooms = await settleWithin(LIVEKIT_DEADLINE_MS, roomServiceOf(server).listRooms([conversationSid]));
 */
export const roomServiceOf = (server: LiveKitServer): RoomServiceClient =>
  new RoomServiceClient(server.url, server.apiKey, server.apiSecret, { requestTimeout: 0 });
