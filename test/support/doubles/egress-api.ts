/**
 * LiveKit Egress's API as a fetch handler, for the tests, because egress itself cannot be had on these
 * machines (the Go module proxy refuses `github.com/livekit/egress`: README, "Recording calls"). It
 * checks what the real server checks, never accepting anything:
 *
 * - the Twirp route `POST /twirp/livekit.Egress/<Method>` with a JSON body;
 * - the bearer JWT signed with the API key and secret (`TokenVerifier`, as livekit-server does), with the
 *   `roomRecord` grant, which every egress call needs (livekit-server's `EnsureRecordPermission`);
 * - the body decoded as that method's protobuf message from `@livekit/protocol` (`fromJson`, which
 *   refuses unknown fields and wrong types), and the start request's room and single file output.
 *
 * It answers `EgressInfo` as egress would (starting, then ending on a stop; a second stop is
 * FailedPrecondition, an unknown ID NotFound) and keeps every request it accepted for the test to read.
 * No Node imports: the workers tests call it from their `fetch`; egress.ts serves it over HTTP for Node.
 */
import {
  EgressInfo,
  EgressStatus,
  ListEgressRequest,
  ListEgressResponse,
  RoomCompositeEgressRequest,
  StopEgressRequest,
} from "@livekit/protocol";
import { TokenVerifier } from "livekit-server-sdk";

export interface EgressApi {
  /** Answers one request as egress's Twirp API would. */
  handle(request: Request): Promise<Response>;
  /** Every start request accepted, decoded. */
  readonly started: RoomCompositeEgressRequest[];
  /** Every egress ID a stop was accepted for. */
  readonly stopped: string[];
  /** Every refusal, with its Twirp code (for a test that expects one). */
  readonly refused: { method: string; code: string; msg: string }[];
  /** The egress as it is now. */
  info(egressId: string): EgressInfo;
  /** Makes the next start fail as egress does when no egress worker is connected. */
  failNextStart(): void;
}

const json = (body: string, status = 200) => new Response(body, { status, headers: { "content-type": "application/json" } });

/**
 * The API, checking tokens against `apiKey` / `apiSecret`.
 * @example const egress = createEgressApi("devkey", "secret"); const answer = await egress.handle(request);
 */
export function createEgressApi(apiKey: string, apiSecret: string): EgressApi {
  const verifier = new TokenVerifier(apiKey, apiSecret);
  const egresses = new Map<string, EgressInfo>();
  const started: RoomCompositeEgressRequest[] = [];
  const stopped: string[] = [];
  const refused: EgressApi["refused"] = [];
  let failNext = false;

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const method = /^\/twirp\/livekit\.Egress\/(\w+)$/.exec(url.pathname)?.[1] ?? "";
    const refuse = (status: number, code: string, msg: string) => {
      refused.push({ method, code, msg });
      return json(JSON.stringify({ code, msg }), status);
    };
    if (req.method !== "POST" || method === "") return refuse(404, "bad_route", `no handler for ${req.method} ${url.pathname}`);
    if (!/^application\/json/.test(req.headers.get("content-type") ?? ""))
      return refuse(400, "malformed", "content-type must be application/json");
    const token = /^Bearer (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
    if (!token) return refuse(401, "unauthenticated", "authorization header missing");
    let claims;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      return refuse(401, "unauthenticated", `invalid token: ${String(error)}`);
    }
    if (claims.video?.roomRecord !== true) return refuse(403, "permission_denied", "permissions denied: roomRecord grant required");
    let body: unknown;
    try {
      body = JSON.parse(await req.text());
    } catch {
      return refuse(400, "malformed", "body is not JSON");
    }
    try {
      switch (method) {
        case "StartRoomCompositeEgress": {
          const request = RoomCompositeEgressRequest.fromJson(body as never);
          if (request.roomName === "") return refuse(400, "invalid_argument", "room name is required");
          const outputs =
            request.fileOutputs.length + request.streamOutputs.length + request.segmentOutputs.length + request.imageOutputs.length;
          if (outputs !== 1 || request.fileOutputs.length !== 1)
            return refuse(400, "invalid_argument", "exactly one file output is expected");
          if (failNext) {
            failNext = false;
            return refuse(503, "unavailable", "egress not connected (redis required)");
          }
          started.push(request);
          const info = new EgressInfo({
            egressId: `EG_${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`,
            roomName: request.roomName,
            status: EgressStatus.EGRESS_STARTING,
            startedAt: BigInt(Date.now()) * 1_000_000n,
            request: { case: "roomComposite", value: request },
          });
          egresses.set(info.egressId, info);
          return json(info.toJsonString());
        }
        case "StopEgress": {
          const { egressId } = StopEgressRequest.fromJson(body as never);
          const info = egresses.get(egressId);
          if (!info) return refuse(404, "not_found", "egress not found");
          if (info.status !== EgressStatus.EGRESS_STARTING && info.status !== EgressStatus.EGRESS_ACTIVE) {
            return refuse(412, "failed_precondition", `egress with status ${EgressStatus[info.status]} cannot be stopped`);
          }
          info.status = EgressStatus.EGRESS_ENDING;
          stopped.push(egressId);
          return json(info.toJsonString());
        }
        case "ListEgress": {
          const { roomName } = ListEgressRequest.fromJson(body as never);
          const items = [...egresses.values()].filter((info) => roomName === "" || info.roomName === roomName);
          return json(new ListEgressResponse({ items }).toJsonString());
        }
        default:
          return refuse(404, "bad_route", `egress has no method ${method} here`);
      }
    } catch (error) {
      return refuse(400, "malformed", `the body is not a livekit.${method} request: ${(error as Error).message}`);
    }
  }

  return {
    handle,
    started,
    stopped,
    refused,
    info: (egressId) => {
      const info = egresses.get(egressId);
      if (!info) throw new Error(`no egress ${egressId}`);
      return info;
    },
    failNextStart: () => {
      failNext = true;
    },
  };
}
