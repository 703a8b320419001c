// The Twilio adapter (SMS, MMS, WhatsApp through a Twilio number) against Twilio's real webhook shapes,
// signed by the stock `twilio` package, and against the Messages API double: the adapter contract, then
// what is Twilio's own (the signed URL and account, locations, referrals, WhatsApp extras, media origins).
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../../channels/channel-config";
import type { OutboundMessage } from "../../../channels/messages";
import type { AdapterDeps, WebhookRequest } from "../../../channels/adapter";
import { twilioAdapter } from "../../../channels/twilio";
import { memoryMedia, type MemoryMedia } from "../../support/doubles/media-store";
import { inboundSms, startTwilioDouble, type TwilioDouble } from "../../support/doubles/twilio";
import { channelConfig, OUTBOUND, runAdapterContract } from "./adapter-contract";

const NUMBER = "+15552223333";
const CUSTOMER = "+15550001111";
const WEBHOOK = "https://sb.example/webhooks/WS" + "1".repeat(32) + "/XC" + "2".repeat(32);
const NOW = Date.UTC(2026, 10, 25, 12);
const SM = "SM" + "c".repeat(32);

let double: TwilioDouble;
beforeAll(async () => {
  double = await startTwilioDouble({ numbers: [NUMBER] });
});
afterAll(() => double.close());

const config = (overrides: Partial<ChannelConfig> = {}): ChannelConfig =>
  channelConfig(
    "twilio",
    { twilio_account_sid: double.accountSid, phone_number: NUMBER, api_base_url: double.url },
    { auth_token: double.authToken },
    { webhookUrl: WEBHOOK, ...overrides },
  );

function deps(overrides: Partial<AdapterDeps> = {}): AdapterDeps & { media: MemoryMedia } {
  return { fetch: globalThis.fetch, media: memoryMedia(), webhookUrl: WEBHOOK, now: () => NOW, ...overrides } as AdapterDeps & {
    media: MemoryMedia;
  };
}

/** A webhook request as Twilio sends it: the form, signed over `signedUrl` with `token`. */
function webhook(
  params: Record<string, string>,
  { url = WEBHOOK, signedUrl = url, token = double.authToken }: { url?: string; signedUrl?: string; token?: string } = {},
): WebhookRequest {
  const headers = new Headers({
    "content-type": "application/x-www-form-urlencoded",
    "x-twilio-signature": twilio.getExpectedTwilioSignature(token, signedUrl, params),
  });
  return { url, method: "POST", headers, rawBody: new TextEncoder().encode(new URLSearchParams(params).toString()) };
}

const sms = (fields: Record<string, string> = {}) =>
  inboundSms(double.accountSid, { From: CUSTOMER, To: NUMBER, Body: "Hello", ...fields });
const form = (params: Record<string, string>) => new TextEncoder().encode(new URLSearchParams(params).toString());
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);

describe("the adapter contract", () =>
  runAdapterContract({
    kind: "twilio",
    config,
    deps,
    webhooks: {
      request: async (body, { secret } = {}) =>
        webhook(Object.fromEntries(new URLSearchParams(new TextDecoder().decode(body))), { token: secret }),
      proofHeaders: ["x-twilio-signature"],
      bodySigned: true,
      messages: [
        {
          name: "an SMS",
          body: () => form(sms({ MessageSid: SM, Body: "Where is my order?" })),
          expected: {
            providerMessageId: SM,
            channel: "sms",
            customerAddress: CUSTOMER,
            proxyAddress: NUMBER,
            customerName: null,
            body: "Where is my order?",
            media: [],
            attributes: {},
            // inboundSms: FromState NY, FromCountry US, ToState CA, ToCountry US; the empty ones are left out.
            conversationAttributes: { from_state: "NY", from_country: "US", to_state: "CA", to_country: "US" },
            thread: null,
            sentAt: NOW,
          },
        },
        {
          name: "an MMS (its attachment fetched from Twilio with the channel's credentials)",
          body: () =>
            form(
              sms({
                MessageSid: SM,
                Body: "A photo",
                NumMedia: "1",
                MediaUrl0: double.addMedia(JPEG, "image/jpeg"),
                MediaContentType0: "image/jpeg",
              }),
            ),
          expected: {
            providerMessageId: SM,
            channel: "sms",
            body: "A photo",
            media: [{ sid: expect.stringMatching(/^ME/), content_type: "image/jpeg", filename: null, size: 4 }],
          },
        },
        {
          name: "a WhatsApp message",
          body: () =>
            form(
              sms({
                MessageSid: SM,
                From: `whatsapp:${CUSTOMER}`,
                To: `whatsapp:${NUMBER}`,
                ProfileName: "Ada Lovelace",
                WaId: "15550001111",
              }),
            ),
          expected: {
            channel: "whatsapp",
            customerAddress: `whatsapp:${CUSTOMER}`,
            proxyAddress: `whatsapp:${NUMBER}`,
            customerName: "Ada Lovelace",
            attributes: { wa_id: "15550001111" },
          },
        },
      ],
      status: {
        body: () =>
          form({ AccountSid: double.accountSid, MessageSid: SM, SmsSid: SM, MessageStatus: "delivered", To: CUSTOMER, From: NUMBER }),
        expected: { providerMessageId: SM, customerAddress: CUSTOMER, status: "delivered", errorCode: null, errorMessage: null, at: NOW },
      },
      malformed: (["MessageSid", "From", "To"] as const).map((field) => {
        const without = () => {
          const params = sms();
          delete params[field];
          return form(params);
        };
        return [`an inbound message without ${field}`, without, new RegExp(field)] as const;
      }),
      acknowledgement: { status: 200, contentType: /^text\/xml$/, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' },
    },
    provider: {
      outbound: { ...OUTBOUND, customerAddress: CUSTOMER, proxyAddress: NUMBER },
      accepted: () => double.messages.map((message) => ({ id: message.sid, wire: message })),
      wire: {
        sid: expect.any(String),
        to: CUSTOMER,
        from: NUMBER,
        body: "Your order ships tomorrow.",
        mediaUrls: [],
        statusCallback: WEBHOOK,
      },
      failNext: (status) => double.failNext(1, status),
      wrongCredentials: (channel) => ({ ...channel, secrets: { auth_token: "wrong" } }),
      credentialsRefused: "20003",
      unreachable: /^Twilio unreachable: fetch failed$/,
      unsupported: [
        [
          "a message of attachments without public links",
          { body: "", media: [{ sid: "ME" + "5".repeat(32), content_type: "image/png", filename: "a.png", size: 3 }] },
          /Nothing to send/,
        ],
      ],
    },
  }));

describe("verify", () => {
  it("accepts the URL with the query string Twilio was configured with", async () => {
    const url = `${WEBHOOK}?region=eu`;
    expect(await twilioAdapter.verify(webhook(sms(), { url }), config())).toBe(true);
  });

  it.each([
    ["signed for another URL", () => webhook(sms(), { signedUrl: WEBHOOK.replace("sb.example", "evil.example") })],
    ["from another Twilio account", () => webhook({ ...sms(), AccountSid: "AC" + "9".repeat(32) })],
  ])("refuses a webhook %s", async (_case, make) => {
    expect(await twilioAdapter.verify(make(), config())).toBe(false);
  });

  it("refuses everything when the channel has no auth token", async () => {
    expect(await twilioAdapter.verify(webhook(sms()), config({ secrets: {} }))).toBe(false);
  });
});

describe("parse", () => {
  it("keeps where the customer writes from (FromCity, FromState, FromZip, FromCountry, and ours) for the task", async () => {
    const params = sms({
      FromCity: "SAN FRANCISCO",
      FromState: "CA",
      FromZip: "94105",
      FromCountry: "US",
      ToCity: "OAKLAND",
      ToState: "CA",
      ToZip: "94612",
      ToCountry: "US",
    });
    const [message] = (await twilioAdapter.parse(webhook(params), config(), deps())).messages;
    expect(message?.attributes).toEqual({});
    expect(message?.conversationAttributes).toEqual({
      from_city: "SAN FRANCISCO",
      from_state: "CA",
      from_zip: "94105",
      from_country: "US",
      to_city: "OAKLAND",
      to_state: "CA",
      to_zip: "94612",
      to_country: "US",
    });
  });

  it("stores both attachments of an MMS, fetched from Twilio with the channel's credentials", async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    const pdf = new TextEncoder().encode("%PDF-1.7");
    const params = sms({
      Body: "Photos of the damage",
      NumMedia: "2",
      MediaUrl0: double.addMedia(jpeg, "image/jpeg"),
      MediaContentType0: "image/jpeg",
      MediaUrl1: double.addMedia(pdf, "application/pdf"),
      MediaContentType1: "application/pdf",
    });
    const d = deps();
    const [message] = (await twilioAdapter.parse(webhook(params), config(), d)).messages;
    expect(message?.media.map((m) => [m.content_type, m.size])).toEqual([
      ["image/jpeg", 4],
      ["application/pdf", 8],
    ]);
    expect([...d.media.items.values()].map((s) => [...s.bytes])).toEqual([[...jpeg], [...pdf]]);
  });

  it("does not fetch a media URL outside the Twilio API origin, and notes it on the message", async () => {
    const requested: string[] = [];
    const spy: typeof fetch = async (input, init) => {
      requested.push(String(input));
      return globalThis.fetch(input, init);
    };
    const params = sms({ NumMedia: "1", MediaUrl0: "http://169.254.169.254/latest/meta-data", MediaContentType0: "image/png" });
    const d = deps({ fetch: spy });
    const [message] = (await twilioAdapter.parse(webhook(params), config(), d)).messages;
    expect(requested).toEqual([]);
    expect(message?.media).toEqual([]);
    expect(message?.attributes).toEqual({ media_skipped: [{ index: 0, reason: "not on the Twilio API origin" }] });
  });

  it("keeps a click-to-WhatsApp ad's referral on the message and on the conversation", async () => {
    const params = sms({
      From: `whatsapp:${CUSTOMER}`,
      To: `whatsapp:${NUMBER}`,
      Body: "Is the offer still on?",
      ReferralBody: "20% off every kettle this week",
      ReferralHeadline: "Spring sale",
      ReferralSourceId: "120210432198765432",
      ReferralSourceType: "ad",
      ReferralSourceUrl: "https://fb.me/3cr4Wqqkv",
      ReferralCtwaClid: "ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a",
    });
    const [message] = (await twilioAdapter.parse(webhook(params), config(), deps())).messages;
    const referral = {
      body: "20% off every kettle this week",
      headline: "Spring sale",
      sourceId: "120210432198765432",
      sourceType: "ad",
      sourceUrl: "https://fb.me/3cr4Wqqkv",
      ctwaClid: "ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a",
    };
    expect(message?.attributes.referral).toEqual(referral);
    expect(message?.conversationAttributes).toMatchObject({ referral });
  });

  it("keeps a WhatsApp location as the message's location attribute", async () => {
    const params = sms({
      From: `whatsapp:${CUSTOMER}`,
      To: `whatsapp:${NUMBER}`,
      Body: "",
      Latitude: "48.8584",
      Longitude: "2.2945",
      Label: "Eiffel Tower",
      Address: "Champ de Mars, Paris",
    });
    const [message] = (await twilioAdapter.parse(webhook(params), config(), deps())).messages;
    expect(message?.attributes.location).toEqual({
      latitude: 48.8584,
      longitude: 2.2945,
      name: "Eiffel Tower",
      address: "Champ de Mars, Paris",
    });
  });

  it("keeps a WhatsApp quick-reply button as an interactive attribute", async () => {
    const params = sms({
      From: `whatsapp:${CUSTOMER}`,
      To: `whatsapp:${NUMBER}`,
      Body: "Yes, reschedule",
      ButtonText: "Yes, reschedule",
      ButtonPayload: "reschedule_yes",
    });
    const [message] = (await twilioAdapter.parse(webhook(params), config(), deps())).messages;
    expect(message?.attributes.interactive).toEqual({ type: "button", id: "reschedule_yes", title: "Yes, reschedule" });
  });

  it.each([
    ["delivered", "", "delivered", null],
    ["read", "", "read", null],
    ["undelivered", "30003", "undelivered", "30003"],
    ["failed", "30008", "failed", "30008"],
  ])("reports a %s status callback for the customer's address", async (messageStatus, errorCode, status, code) => {
    const params = {
      AccountSid: double.accountSid,
      MessageSid: "SM" + "a".repeat(32),
      SmsSid: "SM" + "a".repeat(32),
      MessageStatus: messageStatus,
      SmsStatus: messageStatus,
      To: CUSTOMER,
      From: NUMBER,
      ApiVersion: "2010-04-01",
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    };
    const content = await twilioAdapter.parse(webhook(params), config(), deps());
    expect(content.messages).toEqual([]);
    expect(content.statuses).toEqual([
      {
        providerMessageId: "SM" + "a".repeat(32),
        customerAddress: CUSTOMER,
        status,
        errorCode: code,
        errorMessage: code ? `Twilio error ${code}` : null,
        at: NOW,
      },
    ]);
  });

  it.each(["queued", "sending", "accepted"])("ignores a %s status callback (nothing for the agent to see yet)", async (messageStatus) => {
    const params = {
      AccountSid: double.accountSid,
      MessageSid: "SM" + "b".repeat(32),
      MessageStatus: messageStatus,
      To: CUSTOMER,
      From: NUMBER,
    };
    expect(await twilioAdapter.parse(webhook(params), config(), deps())).toEqual({ messages: [], statuses: [] });
  });
});

describe("deliver", () => {
  const outbound = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
    ...OUTBOUND,
    customerAddress: CUSTOMER,
    proxyAddress: NUMBER,
    ...overrides,
  });

  it("sends a WhatsApp customer's reply from the whatsapp: twin of the number", async () => {
    await twilioAdapter.deliver(outbound({ customerAddress: `whatsapp:${CUSTOMER}` }), config(), deps());
    expect(double.messages.at(-1)).toMatchObject({ to: `whatsapp:${CUSTOMER}`, from: `whatsapp:${NUMBER}` });
  });

  it("passes each attachment as a MediaUrl the double can fetch", async () => {
    const ref = { sid: "ME" + "5".repeat(32), content_type: "image/png", filename: "a.png", size: 3 };
    const d = deps({ mediaUrl: async (r) => `${WEBHOOK}/media/${r.sid}?expires=1&signature=x` });
    await twilioAdapter.deliver(outbound({ media: [ref] }), config(), d);
    expect(double.messages.at(-1)?.mediaUrls).toEqual([`${WEBHOOK}/media/${ref.sid}?expires=1&signature=x`]);
  });

  it("fails with Twilio's code when Twilio refuses the number (400 21211), and sends nothing", async () => {
    const before = double.messages.length;
    const outcome = await twilioAdapter.deliver(outbound({ customerAddress: "12345" }), config(), deps());
    expect(outcome).toEqual({
      kind: "failed",
      error: "Twilio 400: The 'To' number 12345 is not a valid phone number.",
      errorCode: "21211",
    });
    expect(double.messages.length).toBe(before);
  });
});
