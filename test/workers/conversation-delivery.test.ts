/**
 * Delivery of agents' replies to an SMS customer through the real path: a `twilio` channel made with
 * the channels API, a conversation opened by a signed inbound webhook, replies posted over the
 * Conversations REST API, and `globalThis.fetch` playing Twilio's Messages API (Basic auth, E.164
 * check, SM… SIDs, failures on demand). Twilio failing with 500 keeps the replies queued in order and
 * the DO's alarm (fired with `runDurableObjectAlarm`, no waiting) retries them; a 400 fails one message
 * with Twilio's code and the next still goes; signed status callbacks move a message forward, never
 * back; evicting the object between the enqueue and the alarm loses nothing.
 */
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webhookPath } from "../../channels/channel-config";
import type { MessageRecord } from "../../contract/conversations";
import type { ChannelConfig } from "../../channels/channel-config";
import type { Deliver, OutboundMessage } from "../../channels/messages";
import { signedForm, smsForm } from "../support/twilio-forms";
import { conversationFor, directoryFor } from "../../platform/objects";
import { ok as rest } from "./conversation-helpers";

const ORIGIN = "https://sb.example";
const ACCOUNT = env.ACCOUNT_SID!;
const AUTH = "Basic " + btoa(`${ACCOUNT}:${env.AUTH_TOKEN}`);
const TWILIO_AC = "AC" + "a".repeat(32);
const TWILIO_TOKEN = "twilio-auth-token";
const NUMBER = "+15552223333";
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Twilio's Messages API as `globalThis.fetch` sees it: Basic auth of the channel's account (401 with
 * code 20003 otherwise), To must be E.164 (400, 21211), From one of the account's numbers (400, 21606),
 * a Message with a fresh `SM…` SID (201). `failNext` makes the next calls answer errors, in order.
 */
function twilioApi() {
  const accepted: { sid: string; to: string; body: string }[] = [];
  const calls: { status: number; body: string }[] = [];
  const failures: { status: number; code: number; message: string }[] = [];
  /** While set, calls wait for it before answering (a send still in flight). */
  let hold: Promise<void> | null = null;
  const answer = (status: number, body: unknown, form: URLSearchParams) => {
    calls.push({ status, body: form.get("Body") ?? "" });
    return Response.json(body, { status });
  };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith("https://twilio.double/")) throw new Error(`unexpected fetch ${request.url}`);
    const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
    const error = (status: number, code: number, message: string) => answer(status, { code, message, status }, form);
    if (request.url !== `https://twilio.double/2010-04-01/Accounts/${TWILIO_AC}/Messages.json` || request.method !== "POST")
      return error(404, 20404, "The requested resource was not found");
    if (request.headers.get("authorization") !== "Basic " + btoa(`${TWILIO_AC}:${TWILIO_TOKEN}`)) return error(401, 20003, "Authenticate");
    if (hold) await hold;
    const failure = failures.shift();
    if (failure) return error(failure.status, failure.code, failure.message);
    const to = form.get("To") ?? "";
    if (!E164.test(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (form.get("From") !== NUMBER) return error(400, 21606, "The From phone number is not a valid, SMS-capable inbound phone number");
    const sid = "SM" + crypto.randomUUID().replace(/-/g, "");
    accepted.push({ sid, to, body: form.get("Body") ?? "" });
    return answer(201, { sid, status: "queued", to, from: NUMBER }, form);
  };
  return {
    fetch,
    accepted,
    calls,
    /** Holds every answer until the returned function is called. */
    holdAnswers(): () => void {
      let release = () => {};
      hold = new Promise<void>((resolve) => (release = resolve));
      return () => {
        hold = null;
        release();
      };
    },
    failNext(count: number, status = 500, code = 20500, message = "Internal Server Error") {
      for (let i = 0; i < count; i++) failures.push({ status, code, message });
    },
  };
}

let ws = "";
let channel = "";
let twilio = twilioApi();
const realFetch = globalThis.fetch;
beforeEach(() => {
  twilio = twilioApi();
  globalThis.fetch = twilio.fetch;
});
afterEach(() => {
  globalThis.fetch = realFetch;
});

beforeAll(async () => {
  ws = (await rest("POST", "/taskrouter/v1/Workspaces", { FriendlyName: "delivery", Template: "FIFO" })).sid;
  channel = (
    await rest("POST", `/api/workspaces/${ws}/channels`, {
      Kind: "twilio",
      "Settings.twilio_account_sid": TWILIO_AC,
      "Settings.phone_number": NUMBER,
      "Settings.api_base_url": "https://twilio.double",
      "Secrets.auth_token": TWILIO_TOKEN,
    })
  ).sid;
}, 30_000);

const webhookUrl = () => `${ORIGIN}${webhookPath(ws, channel)}`;

/** POSTs a form to the channel's webhook, signed as Twilio signs it. */
async function twilioPost(params: Record<string, string>): Promise<Response> {
  return exports.default.fetch(webhookUrl(), await signedForm(webhookUrl(), params, TWILIO_TOKEN));
}

/** A customer texts in; answers the conversation's SID and its stub. */
async function conversationWith(customer: string) {
  const res = await twilioPost(smsForm(TWILIO_AC, customer, NUMBER, "hello"));
  expect(res.status).toBe(200);
  const found = await directoryFor(env, ws).findOpen(ACCOUNT, channel, customer);
  if (!found.ok || found.value === null) throw new Error(`no conversation for ${customer}`);
  const conversationSid = found.value;
  return { sid: conversationSid, stub: () => conversationFor(env, conversationSid) };
}

/** The agent replies over the REST API; the background send it starts is awaited by the caller. */
const reply = async (sid: string, body: string) =>
  (await rest("POST", `/conversations/v1/Conversations/${sid}/Messages`, { Author: "alex", Body: body })) as unknown as MessageRecord;

const message = async (sid: string, messageSid: string) =>
  (await rest("GET", `/conversations/v1/Conversations/${sid}/Messages/${messageSid}`)) as unknown as MessageRecord;

const statuses = async (sid: string, messages: MessageRecord[]) =>
  Promise.all(messages.map(async (m) => [(await message(sid, m.sid)).delivery_status, m.body]));

/** When the conversation's delivery timer is due (its backoff), read inside the object. */
const deliveryDue = (stub: DurableObjectStub) =>
  runInDurableObject(
    stub,
    (_instance, state) =>
      state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM sb_timers WHERE kind = 'delivery'").toArray()[0]?.due_at ?? null,
  );

describe("replies to an SMS customer", () => {
  it("stay queued in order while Twilio fails with 500, and the alarm's retries send both, first first", async () => {
    const { sid, stub } = await conversationWith("+15550301010");
    twilio.failNext(2);
    const one = await reply(sid, "first answer");
    const two = await reply(sid, "second answer");
    await stub().deliverPending();

    // One attempt so far: the first reply, refused; the second waits behind it.
    expect(twilio.calls).toEqual([{ status: 500, body: "first answer" }]);
    expect(await statuses(sid, [one, two])).toEqual([
      ["queued", "first answer"],
      ["queued", "second answer"],
    ]);
    const firstBackoff = await deliveryDue(stub());
    expect(firstBackoff).toBeGreaterThan(Date.now());

    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(twilio.calls.map((c) => [c.status, c.body])).toEqual([
      [500, "first answer"],
      [500, "first answer"],
    ]);
    expect(await statuses(sid, [one, two])).toEqual([
      ["queued", "first answer"],
      ["queued", "second answer"],
    ]);
    // The backoff doubles: the next try is further off than the first was.
    expect((await deliveryDue(stub()))! - firstBackoff!).toBeGreaterThan(2_000);

    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(twilio.calls.map((c) => [c.status, c.body])).toEqual([
      [500, "first answer"],
      [500, "first answer"],
      [201, "first answer"],
      [201, "second answer"],
    ]);
    const sent = await Promise.all([one, two].map((m) => message(sid, m.sid)));
    expect(sent.map((m) => [m.body, m.delivery_status, m.delivery_error])).toEqual([
      ["first answer", "sent", null],
      ["second answer", "sent", null],
    ]);
    expect(twilio.accepted.map((m) => [m.to, m.body])).toEqual([
      ["+15550301010", "first answer"],
      ["+15550301010", "second answer"],
    ]);
    expect(await deliveryDue(stub())).toBeNull();
  });

  it("marks a message Twilio refuses (400, 21211) failed with the code, and the next one still goes", async () => {
    const { sid, stub } = await conversationWith("+15550302020");
    twilio.failNext(1, 400, 21211, "The 'To' number is not a valid phone number.");
    const refused = await reply(sid, "this one bounces");
    const next = await reply(sid, "this one goes");
    await stub().deliverPending();

    const failed = await message(sid, refused.sid);
    expect(failed.delivery_status).toBe("failed");
    expect(failed.delivery_error).toContain("21211");
    expect((await message(sid, next.sid)).delivery_status).toBe("sent");
    expect(twilio.accepted.map((m) => m.body)).toEqual(["this one goes"]);
    // Nothing is left to retry.
    expect(await deliveryDue(stub())).toBeNull();
    expect(await runDurableObjectAlarm(stub())).toBe(false);
    expect(twilio.calls).toHaveLength(2);
  });

  it("moves to delivered on Twilio's signed status callback, and a late `sent` callback does not move it back", async () => {
    const customer = "+15550303030";
    const { sid, stub } = await conversationWith(customer);
    const sent = await reply(sid, "your refund is on its way");
    await stub().deliverPending();
    const smSid = twilio.accepted[0]!.sid;
    const callback = (status: string) => ({
      AccountSid: TWILIO_AC,
      MessageSid: smSid,
      SmsSid: smSid,
      MessageStatus: status,
      SmsStatus: status,
      To: customer,
      From: NUMBER,
      ApiVersion: "2010-04-01",
    });
    expect((await message(sid, sent.sid)).delivery_status).toBe("sent");

    expect((await twilioPost(callback("delivered"))).status).toBe(200);
    expect((await message(sid, sent.sid)).delivery_status).toBe("delivered");
    expect((await twilioPost(callback("sent"))).status).toBe(200);
    expect((await message(sid, sent.sid)).delivery_status).toBe("delivered");

    // A callback that is not Twilio's (wrong signature) changes nothing either.
    const forged = callback("failed");
    const res = await exports.default.fetch(webhookUrl(), await signedForm(webhookUrl(), forged, "guess"));
    expect(res.status).toBe(403);
    expect(await message(sid, sent.sid)).toMatchObject({ delivery_status: "delivered", delivery_error: null });
  });

  it("loses nothing when the object is evicted between the enqueue and the alarm", async () => {
    const { sid, stub } = await conversationWith("+15550304040");
    twilio.failNext(1);
    const queued = await reply(sid, "survives eviction");
    await stub().deliverPending();
    expect((await message(sid, queued.sid)).delivery_status).toBe("queued");

    await evictDurableObject(stub());
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(await message(sid, queued.sid)).toMatchObject({ delivery_status: "sent", delivery_error: null });
    expect(twilio.calls.map((c) => [c.status, c.body])).toEqual([
      [500, "survives eviction"],
      [201, "survives eviction"],
    ]);
  });

  it("loses nothing when the object is evicted while a send is in flight: the alarm sends it again", async () => {
    const { sid, stub } = await conversationWith("+15550305050");
    const release = twilio.holdAnswers();
    const inFlight = await reply(sid, "sent while evicted");
    const evicted = evictDurableObject(stub());
    release();
    await evicted;
    // Twilio took it, but the answer died with the object: the message still shows the send under way.
    expect((await message(sid, inFlight.sid)).delivery_status).toBe("sending");

    expect(await runDurableObjectAlarm(stub())).toBe(true);
    expect(await message(sid, inFlight.sid)).toMatchObject({ delivery_status: "sent", delivery_error: null });
    // At least once: the lost attempt reached Twilio too (a provider cannot be asked "did you get it?").
    expect(twilio.accepted.map((m) => m.body)).toEqual(["sent while evicted", "sent while evicted"]);
    expect(await deliveryDue(stub())).toBeNull();
  });
});

describe("delivery receipts (GET …/Messages/{Message}/Receipts)", () => {
  interface Receipt {
    sid: string;
    message_sid: string;
    conversation_sid: string;
    participant_sid: string | null;
    channel_message_sid: string | null;
    status: string;
    error_code: number;
    url: string;
  }
  const receipts = async (sid: string, message: string) =>
    (
      (await rest("GET", `/conversations/v1/Conversations/${sid}/Messages/${message}/Receipts`)) as unknown as {
        delivery_receipts: Receipt[];
      }
    ).delivery_receipts;
  const status = async (path: string) => (await exports.default.fetch(`${ORIGIN}${path}`, { headers: { authorization: AUTH } })).status;

  it("shows the customer's receipt of a reply: Twilio's SM SID, sent then delivered, by message SID or index", async () => {
    const customer = "+15550401010";
    const { sid, stub } = await conversationWith(customer);
    const sent = await reply(sid, "your parcel left the depot");
    await stub().deliverPending();
    const smSid = twilio.accepted[0]!.sid;
    const customerSid = (
      (await rest("GET", `/conversations/v1/Conversations/${sid}/Participants`)) as unknown as {
        participants: { sid: string; messaging_binding: { address: string } | null }[];
      }
    ).participants.find((p) => p.messaging_binding?.address === customer)!.sid;

    const [receipt] = await receipts(sid, sent.sid);
    expect(receipt).toMatchObject({
      message_sid: sent.sid,
      conversation_sid: sid,
      participant_sid: customerSid,
      channel_message_sid: smSid,
      status: "sent",
      error_code: 0,
    });
    expect(receipt!.sid).toMatch(/^DY[0-9a-f]{32}$/);
    expect(receipt!.url).toBe(`${ORIGIN}/conversations/v1/Conversations/${sid}/Messages/${sent.sid}/Receipts/${receipt!.sid}`);

    const callback = { AccountSid: TWILIO_AC, MessageSid: smSid, SmsSid: smSid, MessageStatus: "delivered", To: customer, From: NUMBER };
    expect((await twilioPost(callback)).status).toBe(200);
    const fetched = await rest("GET", `/conversations/v1/Conversations/${sid}/Messages/${sent.index}/Receipts/${receipt!.sid}`);
    expect(fetched).toMatchObject({ sid: receipt!.sid, status: "delivered", error_code: 0 });
    expect((await message(sid, sent.sid)).delivery).toMatchObject({ total: 1, sent: "all", delivered: "all", read: "none" });
  });

  it("a refused reply's receipt is failed with Twilio's error code; the customer's own message has none", async () => {
    const { sid, stub } = await conversationWith("+15550402020");
    twilio.failNext(1, 400, 21211, "The 'To' number is not a valid phone number.");
    const refused = await reply(sid, "this one bounces");
    await stub().deliverPending();
    expect(await receipts(sid, refused.sid)).toMatchObject([{ status: "failed", error_code: 21211, channel_message_sid: null }]);
    // Index 0 is the customer's "hello": nothing was delivered, so nothing was receipted.
    expect(await receipts(sid, "0")).toEqual([]);
  });

  it("answers 404 for an unknown message or receipt, and for another message's receipt", async () => {
    const { sid, stub } = await conversationWith("+15550403030");
    const one = await reply(sid, "one");
    const two = await reply(sid, "two");
    await stub().deliverPending();
    const [receipt] = await receipts(sid, one.sid);
    const base = `/conversations/v1/Conversations/${sid}/Messages`;
    expect(await status(`${base}/IM${"0".repeat(32)}/Receipts`)).toBe(404);
    expect(await status(`${base}/${one.sid}/Receipts/DY${"0".repeat(32)}`)).toBe(404);
    expect(await status(`${base}/${two.sid}/Receipts/${receipt!.sid}`)).toBe(404);
    expect(await status(`${base}/${one.sid}/Receipts/not-a-receipt`)).toBe(404);
  });
});

describe("the Deliver port", () => {
  it("is all the object delivers through: a fake that records gets each reply with the channel's configuration", async () => {
    const { sid, stub } = await conversationWith("+15550501010");
    const handed: [OutboundMessage, ChannelConfig][] = [];
    const fake: Deliver = async (message, config) => {
      handed.push([message, config]);
      return { kind: "sent", providerMessageId: `fake-${handed.length}` };
    };
    await runInDurableObject(stub(), (instance) => {
      instance["deliver"] = fake; // the shell's protected port, swapped as a test may
    });
    const sent = await reply(sid, "through the port");
    await stub().deliverPending();
    expect(twilio.calls).toEqual([]);
    expect(handed.map(([m, c]) => [m.messageSid, m.body, m.customerAddress, c.sid, c.kind, c.secrets.auth_token])).toEqual([
      [sent.sid, "through the port", "+15550501010", channel, "twilio", TWILIO_TOKEN],
    ]);
    expect((await message(sid, sent.sid)).delivery_status).toBe("sent");
  });
});
