/**
 * LiveKit's room service as `fetch` meets it inside workerd, for the workers tests of calls: LiveKit's
 * server cannot run in workerd, so its Twirp API is played here — each request's token checked as
 * LiveKit checks it (signed with the configured key, carrying the grant the method needs), each call
 * recorded, answers in LiveKit's shape. The compat suite runs the same flows against a real server.
 */
import { env } from "cloudflare:workers";
import { TokenVerifier } from "livekit-server-sdk";
import { afterAll, afterEach, beforeAll } from "vitest";

export const LIVEKIT = {
  LIVEKIT_URL: "ws://127.0.0.1:7880",
  LIVEKIT_API_KEY: "APIxfer",
  LIVEKIT_API_SECRET: "xfer-test-secret-of-32-characters!",
};
type Settings = Partial<typeof LIVEKIT>;

export interface LiveKitDouble {
  /** Every Twirp call made, in order: the method (`RemoveParticipant` …) and its JSON body. */
  calls: { method: string; body: Record<string, unknown> }[];
  /** What `ListParticipants` answers. */
  participants: { identity: string; attributes: Record<string, string>; tracks: { sid: string }[] }[];
}

/**
 * Installs the double for the file's tests (and LiveKit's settings on the Env); cleared after each test.
 * @example const livekit = liveKitDouble(); … expect(livekit.calls.map((c) => c.method)).toContain("RemoveParticipant");
 */
export function liveKitDouble(): LiveKitDouble {
  const settings = env as Settings;
  const double: LiveKitDouble = { calls: [], participants: [] };
  let realFetch: typeof fetch;
  beforeAll(() => {
    Object.assign(settings, LIVEKIT);
    realFetch = globalThis.fetch;
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      if (url.host !== "127.0.0.1:7880") return realFetch(input, init);
      const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
      const claims = await new TokenVerifier(LIVEKIT.LIVEKIT_API_KEY, LIVEKIT.LIVEKIT_API_SECRET).verify(token);
      const method = url.pathname.replace("/twirp/livekit.RoomService/", "");
      const body = (await request.json()) as Record<string, unknown>;
      // What LiveKit requires of each: roomCreate to make or delete rooms, roomAdmin for participants.
      const needs = method === "CreateRoom" || method === "DeleteRoom" ? "roomCreate" : "roomAdmin";
      if (!claims.video?.[needs]) return Response.json({ code: "permission_denied", msg: `needs ${needs}` }, { status: 401 });
      double.calls.push({ method, body });
      switch (method) {
        case "CreateRoom":
          return Response.json({ sid: "RM_xfer", name: body.name });
        case "ListParticipants":
          return Response.json({ participants: double.participants });
        default:
          return Response.json({});
      }
    };
  });
  afterEach(() => {
    double.calls = [];
    double.participants = [];
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
    for (const name of Object.keys(LIVEKIT)) delete settings[name as keyof Settings];
  });
  return double;
}
