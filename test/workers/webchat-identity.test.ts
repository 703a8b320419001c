/**
 * Who a web visitor is: what they type in the pre-chat form is unverified — kept on their own
 * conversation as such, never a key to someone else's profile — while an identity the team's site
 * signs (a JWT made with one of the account's API keys) joins the customer's profile, their history
 * and their known agent. Every way such an identity can be wrong is refused by name.
 */
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { conversationFor, directoryFor, routerFor } from "../../platform/objects";
import { fetchApp, newChannel, newWorkspace, SHOP, widget } from "./webchat-helpers";

const AUTH = "Basic " + btoa(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`);
const VICTIM = "grace@example.com";
const KNOWN_AGENT = "WK" + "7".repeat(32);
const account = () => env.ACCOUNT_SID!;

let ws = "";
let chat = "";
let key: { sid: string; secret: string };
let victim = { profileSid: "", conversationSid: "" };

async function newKey(): Promise<{ sid: string; secret: string }> {
  const res = await fetchApp("/api/keys", {
    method: "POST",
    headers: { authorization: AUTH, "content-type": "application/x-www-form-urlencoded" },
    body: "FriendlyName=site",
  });
  return (await res.json()) as { sid: string; secret: string };
}

/** What the team's site does for a signed-in customer: HS256 with an API key's secret, its SID as kid. */
function identity(claims: Record<string, unknown>, options: { kid?: string; secret?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: "switchboard:webchat", iat: now, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: options.kid ?? key.sid })
    .sign(new TextEncoder().encode(options.secret ?? key.secret));
}

beforeAll(async () => {
  ws = await newWorkspace("webchat identity");
  chat = await newChannel(ws, { Kind: "webchat", "Settings.allowed_origins": SHOP, "Settings.prechat_fields": "name,email" });
  key = await newKey();
  // Grace is a known customer: she texted before, an agent helped her, her profile has her email.
  const directory = directoryFor(env, ws);
  const resolved = await directory.resolveInbound(account(), {
    workspaceSid: ws,
    channelSid: "XC" + "1".repeat(32),
    channel: "sms",
    customerAddress: "+15557654321",
    customerName: "Grace Hopper",
    thread: null,
    newConversationSid: "CH" + "1".repeat(32),
  });
  if (!resolved.ok) throw new Error(resolved.message);
  victim = { profileSid: resolved.value.customer.profileSid, conversationSid: resolved.value.conversationSid };
  expect((await directory.noteWorker(account(), victim.conversationSid, KNOWN_AGENT)).ok).toBe(true);
  expect((await directory.updateProfile(account(), victim.profileSid, { email: VICTIM })).ok).toBe(true);
}, 60_000);

/** The attributes of the task the visitor's first message opened. */
async function firstTaskOf(token: string, clientId: string): Promise<Record<string, unknown> & { customers: Record<string, unknown> }> {
  const sent = await widget(ws, chat).post("/messages", { client_id: clientId, body: "hello" }, token);
  expect(sent.status).toBe(201);
  const conversation = await conversationFor(env, sent.body.conversation_sid as string).getConversation(account());
  if (!conversation.ok || !conversation.value.task_sid) throw new Error("no task");
  const task = await routerFor(env, ws).getTask(account(), conversation.value.task_sid);
  if (!task.ok) throw new Error(task.message);
  return JSON.parse(task.value.task.attributes) as Record<string, unknown> & { customers: Record<string, unknown> };
}

describe("the pre-chat form", () => {
  it("cannot claim a known customer: no history, no known agent, her profile untouched; the details show as unverified", async () => {
    const attacker = await widget(ws, chat).session({ name: "Grace Hopper", email: VICTIM });
    const attributes = await firstTaskOf(attacker.token, "a-1");

    expect(attributes.customers.profile_sid).not.toBe(victim.profileSid);
    expect(attributes.customers).toMatchObject({ name: null, email: null, phone: null, last_worker_sid: null });
    expect(attributes.customers.unverified).toEqual({ name: "Grace Hopper", email: VICTIM });
    expect(attributes.history).toEqual([]);
    expect(attributes).not.toHaveProperty("known_worker_sid");

    const grace = await directoryFor(env, ws).getProfile(account(), victim.profileSid);
    expect(grace).toMatchObject({ ok: true, value: { email: VICTIM, last_worker_sid: KNOWN_AGENT } });
    expect(grace.ok && grace.value.addresses).toEqual([{ channel: "sms", address: "+15557654321" }]);
  });
});

describe("a signed identity from the team's site", () => {
  it("joins the customer's profile: her history and her known agent", async () => {
    const visitor = await widget(ws, chat).session({ identity: await identity({ email: "Grace@Example.com", name: "Grace" }) });
    const attributes = await firstTaskOf(visitor.token, "g-1");

    expect(attributes.customers).toMatchObject({ profile_sid: victim.profileSid, email: VICTIM, last_worker_sid: KNOWN_AGENT });
    expect(attributes.customers).not.toHaveProperty("unverified");
    expect(attributes.known_worker_sid).toBe(KNOWN_AGENT);
    expect((attributes.history as { conversation_sid: string }[]).map((h) => h.conversation_sid)).toContain(victim.conversationSid);
  });

  it("keeps the identity when the visitor returns with their session, and a different identity is a new visitor", async () => {
    const first = await widget(ws, chat).session({ identity: await identity({ email: "ann@example.com" }) });
    const again = await widget(ws, chat).session({ token: first.token });
    expect(again.visitor_id).toBe(first.visitor_id);
    const claims = JSON.parse(atob(again.token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    expect(claims.idv).toEqual({ email: "ann@example.com" });

    const someoneElse = await widget(ws, chat).session({ token: first.token, identity: await identity({ email: "bob@example.com" }) });
    expect(someoneElse.visitor_id).not.toBe(first.visitor_id);
  });

  it.each([
    ["an expired identity", () => identity({ email: VICTIM, iat: 1_700_000_000, exp: 1_700_000_600 }), "it expired"],
    [
      "one living longer than an hour",
      () => identity({ email: VICTIM, exp: Math.floor(Date.now() / 1000) + 7200 }),
      "at most 3600 seconds",
    ],
    ["one signed with another secret", () => identity({ email: VICTIM }, { secret: "guessed" }), "signature"],
    ["one naming no API key", () => identity({ email: VICTIM }, { kid: "site" }), "kid"],
    ["an agent's SSO token (another audience)", () => identity({ email: VICTIM, aud: "switchboard" }), 'aud must be "switchboard:webchat"'],
    ["one with neither email nor phone", () => identity({ name: "Grace" }), "email or phone"],
    ["one with a malformed email", () => identity({ email: "grace@" }), "email"],
    ["not a JWT", async () => "grace", "not a JWT"],
  ])("refuses %s with 401 naming the problem, and makes no session", async (_, make, why) => {
    const res = await widget(ws, chat).post("/sessions", { identity: await make() });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 20003 });
    expect(res.body.message).toContain("identity refused");
    expect(res.body.message).toContain(why);
    expect(res.body).not.toHaveProperty("token");
  });
});
