/**
 * A double of LiveKit Egress's API for the tests, because egress itself cannot be had on these machines
 * (the Go module proxy refuses `github.com/livekit/egress`: README, "Recording calls"). It checks what
 * the real server checks, never accepting anything:
 *
 * - the Twirp route `POST /twirp/livekit.Egress/<Method>` with a JSON body;
 * - the bearer JWT signed with the API key and secret (`TokenVerifier`, as livekit-server does), with the
 *   `roomRecord` grant, which every egress call needs (livekit-server's `EnsureRecordPermission`);
 * - the body decoded as that method's protobuf message from `@livekit/protocol` (`fromJson`, which
 *   refuses unknown fields and wrong types), and the start request's room and single file output.
 *
 * It answers `EgressInfo` as egress would (starting, then ending on a stop; a second stop is
 * FailedPrecondition, an unknown ID NotFound) and keeps every request it accepted for the test to read.
 * {@link signedEgressWebhook} makes the webhook egress would then send, signed as LiveKit signs them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHash, randomUUID } from "node:crypto";
import {
  EgressInfo,
  EgressStatus,
  ListEgressRequest,
  ListEgressResponse,
  RoomCompositeEgressRequest,
  StopEgressRequest,
  WebhookEvent,
} from "@livekit/protocol";
import { AccessToken, TokenVerifier } from "livekit-server-sdk";
import { listenLocally } from "../listen";

export interface EgressDouble {
  readonly url: string;
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
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function twirpError(res: ServerResponse, status: number, code: string, msg: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ code, msg }));
}

/**
 * Starts the double on a free port of 127.0.0.1, checking tokens against `apiKey` / `apiSecret`.
 * @example const egress = await startEgressDouble("devkey", "secret"); // LIVEKIT_EGRESS_URL = egress.url
 */
export async function startEgressDouble(apiKey: string, apiSecret: string): Promise<EgressDouble> {
  const verifier = new TokenVerifier(apiKey, apiSecret);
  const egresses = new Map<string, EgressInfo>();
  const started: RoomCompositeEgressRequest[] = [];
  const stopped: string[] = [];
  const refused: EgressDouble["refused"] = [];
  let failNext = false;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const method = /^\/twirp\/livekit\.Egress\/(\w+)$/.exec(req.url ?? "")?.[1] ?? "";
      const refuse = (status: number, code: string, msg: string) => {
        refused.push({ method, code, msg });
        twirpError(res, status, code, msg);
      };
      if (req.method !== "POST" || method === "") return refuse(404, "bad_route", `no handler for ${req.method} ${req.url}`);
      if (!/^application\/json/.test(req.headers["content-type"] ?? ""))
        return refuse(400, "malformed", "content-type must be application/json");
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!token) return refuse(401, "unauthenticated", "authorization header missing");
      let claims;
      try {
        claims = await verifier.verify(token);
      } catch (error) {
        return refuse(401, "unauthenticated", `invalid token: ${String(error)}`);
      }
      if (claims.video?.roomRecord !== true) return refuse(403, "permission_denied", "permissions denied: roomRecord grant required");
      const body = await readBody(req);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return refuse(400, "malformed", "body is not JSON");
      }
      try {
        switch (method) {
          case "StartRoomCompositeEgress": {
            const request = RoomCompositeEgressRequest.fromJson(json as never);
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
              egressId: `EG_${randomUUID().replace(/-/g, "").slice(0, 12)}`,
              roomName: request.roomName,
              status: EgressStatus.EGRESS_STARTING,
              startedAt: BigInt(Date.now()) * 1_000_000n,
              request: { case: "roomComposite", value: request },
            });
            egresses.set(info.egressId, info);
            return res.writeHead(200, { "content-type": "application/json" }).end(info.toJsonString());
          }
          case "StopEgress": {
            const { egressId } = StopEgressRequest.fromJson(json as never);
            const info = egresses.get(egressId);
            if (!info) return refuse(404, "not_found", "egress not found");
            if (info.status !== EgressStatus.EGRESS_STARTING && info.status !== EgressStatus.EGRESS_ACTIVE) {
              return refuse(412, "failed_precondition", `egress with status ${EgressStatus[info.status]} cannot be stopped`);
            }
            info.status = EgressStatus.EGRESS_ENDING;
            stopped.push(egressId);
            return res.writeHead(200, { "content-type": "application/json" }).end(info.toJsonString());
          }
          case "ListEgress": {
            const { roomName } = ListEgressRequest.fromJson(json as never);
            const items = [...egresses.values()].filter((info) => roomName === "" || info.roomName === roomName);
            return res.writeHead(200, { "content-type": "application/json" }).end(new ListEgressResponse({ items }).toJsonString());
          }
          default:
            return refuse(404, "bad_route", `egress has no method ${method} here`);
        }
      } catch (error) {
        return refuse(400, "malformed", `the body is not a livekit.${method} request: ${(error as Error).message}`);
      }
    })();
  });
  const url = await listenLocally(server);
  return {
    url,
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The webhook LiveKit sends about an egress (`egress_started`, `egress_updated`, `egress_ended`), signed
 * as livekit-server signs it: a JWT by the API key whose `sha256` claim is the body's digest.
 * @example const { body, authorization } = await signedEgressWebhook("devkey", "secret", "egress_ended", info);
 */
export async function signedEgressWebhook(
  apiKey: string,
  apiSecret: string,
  event: "egress_started" | "egress_updated" | "egress_ended",
  egressInfo: EgressInfo,
): Promise<{ body: string; authorization: string }> {
  const body = new WebhookEvent({
    event,
    egressInfo,
    id: `EV_${randomUUID()}`,
    createdAt: BigInt(Math.floor(Date.now() / 1000)),
  }).toJsonString();
  const token = new AccessToken(apiKey, apiSecret);
  token.sha256 = createHash("sha256").update(body).digest("base64");
  return { body, authorization: await token.toJwt() };
}
