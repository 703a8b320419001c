/**
 * Every route reads at most its declared body limit: a body that says (Content-Length) or turns out
 * (chunked, no length) to be larger is answered 413 with Twilio's error body naming the limit, as soon
 * as the limit is passed — the rest is never read — and changes nothing. The unauthenticated routes
 * (sign-in, SSO, the SDK's bridge, web chat sessions) and a sample of authenticated ones, through the
 * Worker's own fetch handler.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { webhookPath } from "../../channels/channel-config";
import { newChannel, newWorkspace, SHOP, widget } from "./webchat-helpers";

const ORIGIN = "https://sb.example";
const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);
const CHUNK = 16 * 1024;
/** What a chunked sender has ready: far more than any limit below. */
const SENT = 4 * 1024 * 1024;

let ws = "";
let chat = "";
let sms = "";
let visitor = "";

beforeAll(async () => {
  ws = await newWorkspace("body limits");
  chat = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": SHOP });
  sms = await newChannel(ws, {
    Kind: "twilio",
    "Settings.twilio_account_sid": "AC" + "a".repeat(32),
    "Settings.phone_number": "+15552223333",
    "Secrets.auth_token": "secret",
  });
  visitor = (await widget(ws, chat).session()).token;
}, 60_000);

/** A body of `total` bytes of `fill` streamed in 16 KB chunks without a length, counting what was pulled. */
function chunked(total: number, fill = 0x61) {
  const counter = { pulled: 0, canceled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const size = Math.min(CHUNK, total - counter.pulled);
        if (size <= 0) return controller.close();
        counter.pulled += size;
        controller.enqueue(new Uint8Array(size).fill(fill));
      },
      cancel() {
        counter.canceled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

interface Route {
  readonly path: () => string;
  readonly limit: number;
  readonly headers: () => Record<string, string>;
  /** A body of exactly `size` bytes the route parses (padding a small valid request). */
  readonly padded: (size: number) => string;
}

const json = { "content-type": "application/json" };
const form = { "content-type": "application/x-www-form-urlencoded" };
const padJson = (value: Record<string, unknown>) => (size: number) => JSON.stringify(value).padEnd(size, " ");
const padForm = (value: string) => (size: number) => value.padEnd(size, "&");

// Limits worked out by hand from what each route takes: sign-in ≤ 1 KB of fields, an SSO token ≤ 8 KB,
// a bridge request ≤ 16 KB of attributes, a visitor's message ≤ 4,000 characters (4 bytes each in the
// worst case, escaped), the API's largest parameter a 64 KB workflow configuration (3× when form-encoded).
const ROUTES: [string, Route][] = [
  [
    "POST /api/auth/login",
    {
      path: () => "/api/auth/login",
      limit: 16_384,
      headers: () => ({ ...json, origin: ORIGIN }),
      padded: padJson({ email: "a@b.c", password: "x" }),
    },
  ],
  [
    "POST /api/auth/sso",
    { path: () => "/api/auth/sso", limit: 16_384, headers: () => ({ ...json, origin: ORIGIN }), padded: padJson({ token: "x" }) },
  ],
  [
    "POST /v1/wschannels",
    { path: () => "/v1/wschannels", limit: 65_536, headers: () => form, padded: padJson({ url: "x", method: "GET", token: "x" }) },
  ],
  [
    "POST …/sessions (web chat)",
    {
      path: () => `/api/webchat/${ws}/${chat}/sessions`,
      limit: 16_384,
      headers: () => ({ ...json, origin: SHOP }),
      padded: padJson({ name: 7 }),
    },
  ],
  [
    "POST …/messages (web chat, visitor session)",
    {
      path: () => `/api/webchat/${ws}/${chat}/messages`,
      limit: 65_536,
      headers: () => ({ ...json, origin: SHOP, authorization: `Bearer ${visitor}` }),
      padded: padJson({ client_id: "!" }),
    },
  ],
  [
    "POST /taskrouter/v1/Workspaces (Basic)",
    {
      path: () => "/taskrouter/v1/Workspaces",
      limit: 262_144,
      headers: () => ({ ...form, authorization: AUTH }),
      padded: padForm("Template=nope"),
    },
  ],
  [
    "POST /api/workspaces/WS…/channels (Basic)",
    {
      path: () => `/api/workspaces/${ws}/channels`,
      limit: 262_144,
      headers: () => ({ ...form, authorization: AUTH }),
      padded: padForm("Kind=fax"),
    },
  ],
  [
    "POST /webhooks/WS…/XC… (Twilio)",
    { path: () => webhookPath(ws, sms), limit: 1_048_576, headers: () => form, padded: padForm("MessageSid=SM1") },
  ],
];

const post = (route: Route, body: BodyInit, extra: Record<string, string> = {}) =>
  exports.default.fetch(`${ORIGIN}${route.path()}`, { method: "POST", headers: { ...route.headers(), ...extra }, body });

async function expectTooLarge(res: Response, limit: number) {
  expect(res.status).toBe(413);
  expect(await res.json()).toEqual({
    code: 20413,
    message: `The request body is larger than ${limit} bytes, the most this endpoint accepts`,
    more_info: `${ORIGIN}/docs/errors/20413`, // this deployment's own page for the code
    status: 413,
  });
}

describe.each(ROUTES)("%s", (_, route) => {
  it("answers 413 naming the limit to a body whose Content-Length is over it", async () => {
    await expectTooLarge(await post(route, route.padded(route.limit + 1)), route.limit);
  });

  it("answers 413 to a chunked body as soon as the limit is passed, without reading the rest", async () => {
    const { stream, counter } = chunked(SENT);
    await expectTooLarge(await post(route, stream), route.limit);
    // What was read stops within a few chunks past the limit (the runtime may pull ahead a little).
    expect(counter.pulled).toBeLessThanOrEqual(route.limit + 8 * CHUNK);
    expect(counter.pulled).toBeLessThan(SENT);
  });

  it("reads a body of exactly the limit, to the route's own answer", async () => {
    const res = await post(route, route.padded(route.limit));
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });
});

describe("/openapi.json", () => {
  it.each([
    ["/api/auth/login", 16_384],
    ["/api/auth/sso", 16_384],
    ["/v1/wschannels", 65_536],
    ["/api/webchat/{WorkspaceSid}/{ChannelSid}/sessions", 16_384],
    ["/api/webchat/{WorkspaceSid}/{ChannelSid}/messages", 65_536],
    ["/taskrouter/v1/Workspaces", 262_144],
    ["/webhooks/{WorkspaceSid}/{ChannelSid}", 1_048_576],
  ])("documents the 413 of POST %s with its limit (%i bytes)", async (path, limit) => {
    const doc = (await (await exports.default.fetch(`${ORIGIN}/openapi.json`)).json()) as {
      paths: Record<string, { post?: { responses: Record<string, { description: string }> } }>;
    };
    expect(doc.paths[path]?.post?.responses["413"]?.description).toBe(
      `The request body is larger than ${limit} bytes, the most this endpoint reads`,
    );
  });
});
