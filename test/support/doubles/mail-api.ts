/**
 * A stand-in for Mailgun's MIME sending API, as a real HTTP server on 127.0.0.1: the one endpoint the
 * email channel calls, `POST /v3/{domain}/messages.mime`, checked the way Mailgun checks it — HTTP Basic
 * with the user `api` and the domain's API key, a known domain, a multipart form with `to` and a
 * `message` file — and answered with Mailgun's JSON. What it accepted is kept for the test to read;
 * `failNext` makes the next requests fail with a chosen status (429 and 5xx are retryable).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { listenLocally } from "../listen";

export interface SentMail {
  readonly domain: string;
  readonly to: string;
  /** The raw MIME message as received. */
  readonly mime: string;
}

export interface MailApiDouble {
  /** `http://127.0.0.1:<port>`: the channel's `mail_api_base_url`. */
  readonly baseUrl: string;
  readonly sent: SentMail[];
  /** The next `count` requests (after authentication) answer `status`. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function answer(response: ServerResponse, status: number, json: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(json));
}

/**
 * Starts the double for one domain and its API key.
 *
 * @example
 * const mail = await startMailApi({ domain: "mail.acme.test", apiKey: "key-123" });
 * // channel settings: { mail_api_base_url: mail.baseUrl, mail_domain: "mail.acme.test" }, secrets: { mail_api_key: "key-123" }
 */
export async function startMailApi(options: { domain: string; apiKey: string }): Promise<MailApiDouble> {
  const sent: SentMail[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/v3\/([^/]+)\/messages\.mime$/.exec(request.url ?? "");
    if (request.method !== "POST" || !match) return answer(response, 404, { message: "Not found" });
    const expected = "Basic " + Buffer.from(`api:${options.apiKey}`).toString("base64");
    if (request.headers.authorization !== expected) return answer(response, 401, { message: "Forbidden" });
    const domain = decodeURIComponent(match[1]!);
    if (domain !== options.domain) return answer(response, 404, { message: `Domain not found: ${domain}` });
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 };
      return answer(response, failures.status, { message: "Simulated failure" });
    }
    const raw = await body(request);
    let form: FormData;
    try {
      form = await new Request("http://double/", {
        method: "POST",
        headers: { "content-type": request.headers["content-type"] ?? "" },
        body: raw,
      }).formData();
    } catch {
      return answer(response, 400, { message: "Request body is not multipart/form-data" });
    }
    const to = form.get("to");
    const message = form.get("message");
    if (typeof to !== "string" || to === "") return answer(response, 400, { message: "'to' parameter is missing" });
    if (message === null || typeof message === "string") return answer(response, 400, { message: "'message' parameter is not a file" });
    const mime = await message.text();
    sent.push({ domain, to, mime });
    const id = /^Message-ID:\s*(<[^>]+>)/im.exec(mime)?.[1] ?? `<${Date.now()}.${sent.length}@${domain}>`;
    answer(response, 200, { id, message: "Queued. Thank you." });
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => answer(response, 500, { message: String(error) }));
  });
  const baseUrl = await listenLocally(server);
  return {
    baseUrl,
    sent,
    failNext(count, status) {
      failures = { count, status };
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
