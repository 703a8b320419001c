/**
 * What the conversation tests that drive a whole team through the Worker share: REST calls with the
 * account's Basic auth, a bounded poll for what the Durable Objects do in the background, Twilio's
 * Messages API as a double behind `globalThis.fetch` (it takes every send and remembers its body), and a
 * customer's text posted to an SMS channel's webhook, signed as Twilio signs it.
 */
import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, expect } from "vitest";
import { webhookPath } from "../../channels/channel-config";
import { conversationFor, directoryFor } from "../../platform/objects";
import { signedForm, smsForm } from "../support/twilio-forms";
import { eventually as pollUntil } from "../support/eventually";

export const ORIGIN = "https://sb.example";
export const ACCOUNT = env.ACCOUNT_SID!;
/** The account's Basic auth, as a team's backend sends it. */
export const AUTH = "Basic " + btoa(`${ACCOUNT}:${env.AUTH_TOKEN}`);
export const TWILIO_AC = "AC" + "a".repeat(32);
export const TWILIO_TOKEN = "twilio-auth-token";
export const TWILIO_API = "https://twilio.double";

export type Body = Record<string, unknown> & { sid: string };

/** A REST call as form parameters; `origin` the host the Worker is reached at, `authorization` another caller's. */
export async function rest(
  method: string,
  path: string,
  params?: Record<string, string>,
  { origin = ORIGIN, authorization = AUTH }: { readonly origin?: string; readonly authorization?: string } = {},
) {
  const headers: Record<string, string> = { authorization };
  if (params) headers["content-type"] = "application/x-www-form-urlencoded";
  const res = await exports.default.fetch(`${origin}${path}`, {
    method,
    headers,
    body: params ? new URLSearchParams(params).toString() : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Body & { message: string } };
}

/** A REST call that must succeed; answers its JSON body. */
export async function ok(method: string, path: string, params?: Record<string, string>): Promise<Body> {
  const { status, body } = await rest(method, path, params);
  if (status >= 300) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * Polls `check` until it answers a value, for at most `timeoutMs`, a few milliseconds apart: the
 * conversation and the Router work in the background (task events, LiveKit and egress requests), and a
 * check that does no I/O of its own would otherwise spin without ever letting that work run.
 */
export const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> =>
  pollUntil(check, what, timeoutMs, 5);

/**
 * For the file's tests: Twilio's Messages API at {@link TWILIO_API} takes every send (nothing leaves
 * workerd); answers the bodies it was asked to send, in order.
 */
export function twilioDouble(): string[] {
  const sent: string[] = [];
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith(`${TWILIO_API}/`)) return realFetch(input, init);
      sent.push(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())).get("Body") ?? "");
      return Response.json({ sid: "SM" + crypto.randomUUID().replace(/-/g, ""), status: "queued" }, { status: 201 });
    };
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });
  return sent;
}

/** A `twilio` channel of the workspace on `number`, sending through the double (the workspace's workflow without `workflowSid`). */
export const smsChannel = async (workspaceSid: string, number: string, workflowSid?: string) =>
  (
    await ok("POST", `/api/workspaces/${workspaceSid}/channels`, {
      Kind: "twilio",
      ...(workflowSid ? { WorkflowSid: workflowSid } : {}),
      "Settings.twilio_account_sid": TWILIO_AC,
      "Settings.phone_number": number,
      "Settings.api_base_url": TWILIO_API,
      "Secrets.auth_token": TWILIO_TOKEN,
    })
  ).sid;

/** The customer `from` texts `to`, the number of the SMS channel, as Twilio posts it (signed with the channel's auth token). */
export async function textChannel(workspaceSid: string, channelSid: string, from: string, to: string, body: string): Promise<void> {
  const url = `${ORIGIN}${webhookPath(workspaceSid, channelSid)}`;
  const res = await exports.default.fetch(url, await signedForm(url, smsForm(TWILIO_AC, from, to, body), TWILIO_TOKEN));
  expect(res.status).toBe(200);
}

/** The customer's open conversation on the channel, as the workspace's directory answers it (null: none). */
export async function openConversationOf(workspaceSid: string, channelSid: string, address: string): Promise<string | null> {
  const found = await directoryFor(env, workspaceSid).findOpen(ACCOUNT, channelSid, address);
  if (!found.ok) throw new Error(found.message);
  return found.value;
}

/** A conversation's messages, oldest first (the first 50). */
export async function messagesOf(conversationSid: string) {
  const page = await conversationFor(env, conversationSid).listMessages(ACCOUNT, { pageSize: 50, page: 0 }, "asc");
  if (!page.ok) throw new Error(page.message);
  return page.value.items;
}
