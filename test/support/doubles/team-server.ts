/**
 * A team's own server behind a custom channel (BYOC), as a real HTTP server on 127.0.0.1: it takes
 * Switchboard's signed JSON POSTs the way the custom channel's documentation tells a team to — the
 * `X-Switchboard-Signature` checked with their language's HMAC (node:crypto here, independently of
 * channels/custom.ts) against `X-Switchboard-Timestamp` and the raw body, 401 otherwise — keeps what it
 * accepted, and answers `{ "id": "their-<n>" }`, or whatever `answerNext` says.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { listenLocally } from "../listen";

export interface TeamPost {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** The ID the server answered with. */
  readonly id: string;
}

export interface TeamServer {
  /** Where the channel's `outbound_url` points. */
  readonly url: string;
  /** Signed posts accepted, in order. */
  readonly received: TeamPost[];
  /** The next `count` signed posts answer `status` with `body` (a 2xx among them is accepted as it answers). */
  answerNext(count: number, status: number, body?: string): void;
  close(): Promise<void>;
}

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`, as a team computes it. */
export const teamSignature = (secret: string, timestamp: string | number, body: string): string =>
  `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;

/**
 * Starts the team's server for the channel's signing secret.
 * @example const team = await startTeamServer("whsec_…"); // settings: { outbound_url: team.url }
 */
export async function startTeamServer(secret: string): Promise<TeamServer> {
  const received: TeamPost[] = [];
  let scripted: { count: number; status: number; body: string } = { count: 0, status: 200, body: "" };
  const server: Server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const timestamp = String(req.headers["x-switchboard-timestamp"] ?? "");
    const answer = (status: number, text: string) => res.writeHead(status, { "content-type": "application/json" }).end(text);
    if (req.headers["x-switchboard-signature"] !== teamSignature(secret, timestamp, body)) return answer(401, '{"error":"bad signature"}');
    if (scripted.count > 0) {
      scripted = { ...scripted, count: scripted.count - 1 };
      if (scripted.status < 200 || scripted.status >= 300) return answer(scripted.status, scripted.body || "{}");
      received.push({ headers: req.headers, body, id: "" });
      return answer(scripted.status, scripted.body);
    }
    const id = `their-${received.length + 1}`;
    received.push({ headers: req.headers, body, id });
    answer(200, JSON.stringify({ id }));
  });
  return {
    url: `${await listenLocally(server)}/switchboard`,
    received,
    answerNext(count, status, body = "") {
      scripted = { count, status, body };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
