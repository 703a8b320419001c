/**
 * The egress double (egress-api.ts) served over HTTP on a free port of 127.0.0.1, for Node tests and the
 * compat suite, and the webhook egress would send, signed as LiveKit signs them.
 */
import { createServer, type Server } from "node:http";
import { createHash, randomUUID } from "node:crypto";
import { WebhookEvent, type EgressInfo } from "@livekit/protocol";
import { AccessToken } from "livekit-server-sdk";
import { listenLocally } from "../listen";
import { createEgressApi, type EgressApi } from "./egress-api";

export interface EgressDouble extends Omit<EgressApi, "handle"> {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the double on a free port of 127.0.0.1, checking tokens against `apiKey` / `apiSecret`.
 * @example const egress = await startEgressDouble("devkey", "secret"); // LIVEKIT_EGRESS_URL = egress.url
 */
export async function startEgressDouble(apiKey: string, apiSecret: string): Promise<EgressDouble> {
  const api = createEgressApi(apiKey, apiSecret);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
      const answer = await api.handle(new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: req.method ?? "GET", headers, body }));
      res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  const url = await listenLocally(server);
  const { handle: _handle, ...rest } = api;
  return { ...rest, url, close: () => new Promise((resolve) => server.close(() => resolve())) };
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
