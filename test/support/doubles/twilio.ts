/**
 * A stand-in for Twilio's Programmable Messaging, for the compat tests and the bench: a real HTTP
 * server on 127.0.0.1 (port 0) that implements `POST /2010-04-01/Accounts/{AC}/Messages.json` the way
 * Twilio does — Basic auth against its account SID and auth token (401 with Twilio's 20003 body
 * otherwise), Twilio's validation codes (21211 bad To, 21603 no From, 21606 not our number, 21602 no
 * Body or media, 21617 body too long), a Message JSON with an `SM…` SID and status `queued` — and serves
 * MMS media behind the same auth. It can be told to fail the next calls (500 or 429), and it sends
 * inbound-message webhooks and status callbacks signed exactly as Twilio signs them (the stock
 * `twilio` package computes the X-Twilio-Signature), so a test drives the whole path like Twilio would.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import twilio from "twilio";
import { listenLocally } from "../listen";

export interface SentMessage {
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string | null;
  readonly mediaUrls: readonly string[];
  readonly statusCallback: string | null;
}

export interface TwilioDouble {
  /** The double's origin: set it as the channel's `api_base_url`. */
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Messages accepted by the Messages API, in the order they arrived. */
  readonly messages: SentMessage[];
  /** Every Messages API call, accepted or not (status answered). */
  readonly calls: { readonly status: number; readonly to: string | null }[];
  /** The next `count` Messages API calls answer `status` (500 or 429) with Twilio's error body. */
  failNext(count: number, status?: 429 | 500 | 503): void;
  /** Hosts an MMS attachment; answers its URL on this double (Basic auth required to fetch it). */
  addMedia(bytes: Uint8Array, contentType: string): string;
  /** POSTs a Twilio-signed form to `url`, as Twilio sends a messaging webhook or status callback. */
  sendWebhook(url: string, params: Record<string, string>, options?: { signWith?: string }): Promise<Response>;
  close(): Promise<void>;
}

const E164 = /^(whatsapp:)?\+[1-9]\d{6,14}$/;
const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** Twilio's error body. */
const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

/**
 * The form Twilio posts for an inbound SMS (what its webhook carries for a US number), overridable.
 *
 * @example
 * await double.sendWebhook(webhookUrl, inboundSms(double.accountSid, { From: "+15550001111", To: "+15552223333", Body: "Hi" }));
 */
export function inboundSms(accountSid: string, fields: Record<string, string> & { From: string; To: string }): Record<string, string> {
  const sid = `SM${hex(16)}`;
  return {
    ToCountry: "US",
    ToState: "CA",
    SmsMessageSid: sid,
    NumMedia: "0",
    ToCity: "",
    FromZip: "",
    SmsSid: sid,
    FromState: "NY",
    SmsStatus: "received",
    FromCity: "",
    Body: "",
    FromCountry: "US",
    ToZip: "",
    NumSegments: "1",
    MessageSid: sid,
    AccountSid: accountSid,
    ApiVersion: "2010-04-01",
    ...fields,
  };
}

/**
 * Starts the double for one Twilio account; `numbers` are the phone numbers the account owns (From must
 * be one, with or without `whatsapp:`).
 *
 * @example
 * const double = await startTwilioDouble({ numbers: ["+15552223333"] });
 * // channel settings: { twilio_account_sid: double.accountSid, phone_number: "+15552223333", api_base_url: double.url }
 */
export async function startTwilioDouble(options: {
  numbers: readonly string[];
  accountSid?: string;
  authToken?: string;
}): Promise<TwilioDouble> {
  const accountSid = options.accountSid ?? `AC${hex(16)}`;
  const authToken = options.authToken ?? hex(16);
  const messages: SentMessage[] = [];
  const calls: { status: number; to: string | null }[] = [];
  const media = new Map<string, { bytes: Uint8Array; contentType: string }>();
  let failures: { left: number; status: number } = { left: 0, status: 500 };
  let origin = "";

  const authorized = (req: IncomingMessage): boolean =>
    req.headers.authorization === `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;

  function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  async function createMessage(req: IncomingMessage, res: ServerResponse, pathAccount: string): Promise<void> {
    let text = "";
    for await (const chunk of req) text += chunk;
    const form = new URLSearchParams(text);
    const to = form.get("To");
    const answer = (status: number, body: unknown) => {
      calls.push({ status, to });
      send(res, status, body);
    };
    if (!authorized(req) || pathAccount !== accountSid) return answer(401, twilioError(401, 20003, "Authenticate"));
    if (failures.left > 0) {
      failures.left--;
      const status = failures.status;
      return answer(status, twilioError(status, 20000 + status, status === 429 ? "Too Many Requests" : "Internal Server Error"));
    }
    const from = form.get("From");
    const body = form.get("Body");
    const mediaUrls = form.getAll("MediaUrl");
    if (!to || !E164.test(to)) return answer(400, twilioError(400, 21211, `The 'To' number ${to ?? ""} is not a valid phone number.`));
    if (!from) return answer(400, twilioError(400, 21603, "A 'From' phone number is required."));
    if (!options.numbers.includes(from.replace(/^whatsapp:/, "")) || from.startsWith("whatsapp:") !== to.startsWith("whatsapp:")) {
      return answer(
        400,
        twilioError(
          400,
          21606,
          `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`,
        ),
      );
    }
    if (!body && mediaUrls.length === 0) return answer(400, twilioError(400, 21602, "Message body is required."));
    if (body && body.length > 1600)
      return answer(400, twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit."));
    const sid = `SM${hex(16)}`;
    const now = new Date().toUTCString().replace("GMT", "+0000");
    messages.push({ sid, to, from, body, mediaUrls, statusCallback: form.get("StatusCallback") });
    answer(201, {
      sid,
      account_sid: accountSid,
      to,
      from,
      body: body ?? "",
      status: "queued",
      num_media: String(mediaUrls.length),
      num_segments: "1",
      direction: "outbound-api",
      api_version: "2010-04-01",
      date_created: now,
      date_updated: now,
      date_sent: null,
      price: null,
      price_unit: "USD",
      error_code: null,
      error_message: null,
      messaging_service_sid: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
    });
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://double");
    const create = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    if (req.method === "POST" && create) {
      createMessage(req, res, create[1]!).catch((error: unknown) => send(res, 500, twilioError(500, 20500, String(error))));
      return;
    }
    const item = req.method === "GET" ? media.get(url.pathname) : undefined;
    if (item) {
      if (!authorized(req)) return send(res, 401, twilioError(401, 20003, "Authenticate"));
      res.writeHead(200, { "content-type": item.contentType, "content-length": String(item.bytes.byteLength) }).end(item.bytes);
      return;
    }
    send(res, 404, twilioError(404, 20404, `The requested resource ${url.pathname} was not found`));
  });
  origin = await listenLocally(server);

  return {
    url: origin,
    accountSid,
    authToken,
    messages,
    calls,
    failNext(count, status = 500) {
      failures = { left: count, status };
    },
    addMedia(bytes, contentType) {
      const path = `/2010-04-01/Accounts/${accountSid}/Messages/MM${hex(16)}/Media/ME${hex(16)}`;
      media.set(path, { bytes, contentType });
      return `${origin}${path}`;
    },
    async sendWebhook(url, params, sendOptions = {}) {
      const signature = twilio.getExpectedTwilioSignature(sendOptions.signWith ?? authToken, url, params);
      return fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
        body: new URLSearchParams(params).toString(),
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
