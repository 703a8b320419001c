/**
 * LiveKit's room service as the workers tests meet it: LiveKit's server cannot run inside workerd, so
 * its Twirp API (the `fetch`es livekit-server-sdk's RoomServiceClient makes) is played here — checking
 * what LiveKit checks (a token signed with the configured key, with the grant each method needs) and
 * answering in its shape. The compat suite runs the same calls against a real LiveKit server.
 * `install()` in a `beforeAll`, `reset()` after each test, `uninstall()` in the `afterAll`.
 */
import { env } from "cloudflare:workers";
import { TokenVerifier } from "livekit-server-sdk";

export const LIVEKIT = {
  LIVEKIT_URL: "ws://127.0.0.1:7880",
  LIVEKIT_API_KEY: "APIworkers",
  LIVEKIT_API_SECRET: "workers-test-secret-32-characters",
};
type Settings = Partial<typeof LIVEKIT>;
const settings = env as Settings;

export interface LiveKitParticipant {
  readonly identity: string;
  readonly attributes: Record<string, string>;
  readonly tracks: { readonly sid: string }[];
}

export const livekit = {
  /** No answer at all (connection refused). */
  down: false,
  /** Answers 500. */
  refuse: false,
  /** The room service methods called, with their bodies. */
  calls: [] as { method: string; body: Record<string, unknown> }[],
  /** What ListParticipants answers. */
  participants: [] as LiveKitParticipant[],
};

let realFetch: typeof fetch | null = null;

export function install(): void {
  Object.assign(settings, LIVEKIT);
  const passThrough = globalThis.fetch;
  realFetch = passThrough;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.host !== new URL(LIVEKIT.LIVEKIT_URL).host) return passThrough(input, init);
    if (livekit.down) throw new TypeError("fetch failed: connection refused");
    const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
    const claims = await new TokenVerifier(LIVEKIT.LIVEKIT_API_KEY, LIVEKIT.LIVEKIT_API_SECRET).verify(token);
    const method = url.pathname.replace("/twirp/livekit.RoomService/", "");
    const body = (await request.json()) as Record<string, unknown>;
    // What LiveKit requires of each: roomCreate to make or delete rooms, roomAdmin for participants.
    const needs = method === "CreateRoom" || method === "DeleteRoom" ? "roomCreate" : "roomAdmin";
    if (!claims.video?.[needs]) return Response.json({ code: "permission_denied", msg: `needs ${needs}` }, { status: 401 });
    livekit.calls.push({ method, body });
    if (livekit.refuse) return Response.json({ code: "internal", msg: "room service unavailable" }, { status: 500 });
    switch (method) {
      case "CreateRoom":
        return Response.json({
          sid: "RM_calls",
          name: body.name,
          emptyTimeout: body.emptyTimeout,
          departureTimeout: body.departureTimeout,
        });
      case "ListParticipants":
        return Response.json({ participants: livekit.participants });
      default:
        return Response.json({});
    }
  };
}

export function reset(): void {
  livekit.down = false;
  livekit.refuse = false;
  livekit.calls = [];
  livekit.participants = [];
}

export function uninstall(): void {
  if (realFetch) globalThis.fetch = realFetch;
  realFetch = null;
  for (const name of Object.keys(LIVEKIT)) delete settings[name as keyof Settings];
}
