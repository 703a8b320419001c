/**
 * The Messenger and Instagram adapters: the adapter contract for each, then against what Meta sends and answers: message, attachment,
 * quick-reply, postback, delivery and read events from realistic webhooks; our own echoes, deleted
 * messages and other pages' entries dropped; malformed bodies refused; and the Send API (text, quick
 * replies, attachments by signed link) with Meta's refusals and outages mapped to outcomes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../channels/messages";
import { instagramAdapter, messengerAdapter } from "../../../channels/meta-messenger";
import { startGraphServer, type GraphServer } from "../../support/doubles/graph-server";
import { memoryMedia, type MemoryMedia } from "../../support/doubles/media-store";
import { OUTBOUND, runAdapterContract, type ProviderKit } from "./adapter-contract";
import { adapterDeps, META_WEBHOOKS, metaBody, metaChannel, metaRequest } from "./fixtures/meta-deps";
import * as ms from "./fixtures/meta-messenger";

const TOKEN = "EAAGm0PX4ZCpsBAPage-token";
let graph: GraphServer;
let media: MemoryMedia;
beforeAll(async () => {
  graph = await startGraphServer({ pageId: ms.PAGE_ID, pageAccessToken: TOKEN });
});
afterAll(() => graph.close());
beforeEach(() => {
  graph.sent.length = 0;
  graph.failNext(0, 500);
  media = memoryMedia();
});

const messenger = () => metaChannel("messenger", { page_id: ms.PAGE_ID, graph_base_url: graph.baseUrl }, { page_access_token: TOKEN });
const instagram = () =>
  metaChannel("instagram", { page_id: ms.IG_ACCOUNT_ID, graph_base_url: graph.baseUrl }, { page_access_token: TOKEN });
const parse = async (payload: unknown) => messengerAdapter.parse(await metaRequest(payload), messenger(), adapterDeps(media));
const parseIg = async (payload: unknown) => instagramAdapter.parse(await metaRequest(payload), instagram(), adapterDeps(media));

const outbound = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  ...OUTBOUND,
  customerAddress: ms.PSID,
  proxyAddress: ms.PAGE_ID,
  body: "Yes, it ships today.",
  authorName: "Alice",
  ...overrides,
});

/** The Send API, the same for both: the text as a RESPONSE; the ID Meta answered is the one status webhooks will name. */
const sendApi = (customer: string): ProviderKit => ({
  outbound: outbound({ customerAddress: customer }),
  accepted: () => graph.sent.map((call) => ({ id: call.id, wire: call })),
  wire: {
    path: "/me/messages",
    token: TOKEN,
    id: expect.stringMatching(/^m_/),
    body: { recipient: { id: customer }, messaging_type: "RESPONSE", message: { text: "Yes, it ships today." } },
  },
  failNext: (status) => graph.failNext(1, status),
  wrongCredentials: (channel) => ({ ...channel, secrets: { ...channel.secrets, page_access_token: "revoked" } }),
  credentialsRefused: "190",
  unreachable: /^Meta Graph API unreachable: /,
  unsupported: [
    [
      "an attachment without a public link (instead of dropping it silently)",
      { media: [{ sid: "ME" + "7".repeat(32), content_type: "image/png", filename: "label.png", size: 2 }] },
      /public webhook URL/,
    ],
  ],
});

describe("the adapter contract: Messenger", () =>
  runAdapterContract({
    kind: "messenger",
    config: messenger,
    deps: (overrides) => adapterDeps(memoryMedia(), overrides),
    webhooks: {
      ...META_WEBHOOKS,
      messages: [
        {
          name: "a text message (the PSID as customer, the page as ours, Meta's millisecond time)",
          body: metaBody(ms.msText()),
          expected: {
            providerMessageId: "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P",
            channel: "messenger",
            customerAddress: ms.PSID,
            proxyAddress: ms.PAGE_ID,
            customerName: null,
            body: "Is my order on its way?",
            media: [],
            attributes: {},
            thread: null,
            sentAt: ms.TIMESTAMP_MS,
          },
        },
      ],
      status: {
        body: metaBody(ms.msDelivery(["m_OUT1"])),
        expected: {
          providerMessageId: "m_OUT1",
          customerAddress: ms.PSID,
          status: "delivered",
          errorCode: null,
          errorMessage: null,
          at: ms.TIMESTAMP_MS,
        },
      },
      malformed: [
        ["a body that is not JSON", metaBody("{"), /not JSON/],
        ["Instagram's object on a Messenger channel", metaBody(ms.igText()), /object/],
        [
          "an event without a sender",
          metaBody(ms.pageWebhook([{ recipient: { id: ms.PAGE_ID }, message: { mid: "m_1", text: "x" } }])),
          /entry\.0\.messaging\.0\.sender/,
        ],
        ["a message without a mid", metaBody(ms.pageWebhook([ms.fromCustomer({ message: { text: "x" } })])), /messaging\.0\.message\.mid/],
      ],
    },
    provider: sendApi(ms.PSID),
  }));

describe("the adapter contract: Instagram", () =>
  runAdapterContract({
    kind: "instagram",
    config: instagram,
    deps: (overrides) => adapterDeps(memoryMedia(), overrides),
    webhooks: {
      ...META_WEBHOOKS,
      messages: [
        {
          name: "a direct message from the IGSID to the Instagram account",
          body: metaBody(ms.igText()),
          expected: {
            providerMessageId: "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0",
            channel: "instagram",
            customerAddress: ms.IGSID,
            proxyAddress: ms.IG_ACCOUNT_ID,
            customerName: null,
            body: "Do you ship to Canada?",
            media: [],
            attributes: {},
            thread: null,
            sentAt: ms.TIMESTAMP_MS,
          },
        },
      ],
      // messaging_seen names the message read.
      status: {
        body: metaBody(ms.igSeen()),
        expected: {
          providerMessageId: "aWdfOUTBOUND1",
          customerAddress: ms.IGSID,
          status: "read",
          errorCode: null,
          errorMessage: null,
          at: ms.TIMESTAMP_MS,
        },
      },
      malformed: [
        ["a body that is not JSON", metaBody("{"), /not JSON/],
        ["a Messenger page's object on an Instagram channel", metaBody(ms.msText()), /object/],
      ],
    },
    provider: sendApi(ms.IGSID),
  }));

describe("Messenger inbound", () => {
  it("downloads an image attachment into the media store", async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9]);
    const [message] = (await parse(ms.msImage(graph.addMedia("att-1", png, "image/png")))).messages;
    expect(message?.media).toEqual([{ sid: expect.stringMatching(/^ME/), content_type: "image/png", filename: null, size: 6 }]);
    expect(media.items.get(message!.media[0]!.sid)?.bytes).toEqual(png);
  });

  it("names a file attachment after its URL", async () => {
    const url = graph.addMedia("invoice-4411.pdf", new TextEncoder().encode("%PDF"), "application/pdf");
    const [message] = (await parse(ms.msFile(url))).messages;
    expect(message?.media[0]).toMatchObject({ content_type: "application/pdf", filename: "invoice-4411.pdf" });
  });

  it("does not download an attachment from a host Meta does not serve media from", async () => {
    const [message] = (await parse(ms.msImage("https://attacker.example/steal.png"))).messages;
    expect(message?.media).toEqual([]);
    expect(message?.attributes.media_unavailable).toEqual([{ type: "image", reason: expect.stringContaining("host") }]);
  });

  it("keeps a quick-reply tap as attributes.interactive", async () => {
    const [message] = (await parse(ms.msQuickReply())).messages;
    expect(message?.body).toBe("Red");
    expect(message?.attributes).toEqual({ interactive: { type: "quick_reply", id: "COLOR_RED", title: "Red" } });
  });

  it.each([
    // [mid in the webhook, the provider ID expected]
    ["m_PB1", "m_PB1"],
    [null, `postback:${ms.PSID}:${ms.TIMESTAMP_MS}`],
  ])("turns a postback (mid %s) into a message with the button's title", async (mid, providerMessageId) => {
    const [message] = (await parse(ms.msPostback(mid))).messages;
    expect(message).toMatchObject({
      providerMessageId,
      body: "Talk to an agent",
      attributes: { postback: { title: "Talk to an agent", payload: "AGENT" } },
    });
  });

  it("keeps a Get Started postback's referral (the link or ad the customer came from) on the conversation", async () => {
    const [message] = (await parse(ms.msPostback())).messages;
    const referral = { ref: "menu", source: "SHORTLINK", type: "OPEN_THREAD" };
    expect(message?.attributes).toEqual({ postback: { title: "Talk to an agent", payload: "AGENT" }, referral });
    expect(message?.conversationAttributes).toEqual({ referral });
  });

  it.each([
    // [fixture, the referral kept]
    [
      "an ad's referral",
      ms.msAdReferral(),
      {
        ref: "spring-sale",
        ad_id: "23851942784930412",
        source: "ADS",
        type: "OPEN_THREAD",
        ads_context_data: {
          ad_title: "Spring sale: 20% off every bike",
          photo_url: "https://scontent.xx.fbcdn.net/v/t45.1600-4/spring.jpg",
          post_id: "108964571819532_122107316918176530",
        },
      },
    ],
    ["an m.me link's referral", ms.msShortlinkReferral(), { ref: "order-4411", source: "SHORTLINK", type: "OPEN_THREAD" }],
  ])("turns %s into an empty message carrying it, kept on the conversation too", async (_, payload, referral) => {
    const { messages } = await parse(payload);
    expect(messages).toEqual([
      {
        providerMessageId: `referral:${ms.PSID}:${ms.TIMESTAMP_MS}`,
        channel: "messenger",
        customerAddress: ms.PSID,
        proxyAddress: ms.PAGE_ID,
        customerName: null,
        body: "",
        media: [],
        attributes: { referral },
        conversationAttributes: { referral },
        thread: null,
        sentAt: ms.TIMESTAMP_MS,
      },
    ]);
  });

  it("keeps an opt-in on the conversation without the token Meta issues for sending", async () => {
    const [message] = (await parse(ms.msOptin())).messages;
    const optin = {
      type: "notification_messages",
      payload: "SPRING_OFFERS",
      title: "Spring offers",
      notification_messages_frequency: "WEEKLY",
      notification_messages_timezone: "Europe/Paris",
      token_expiry_timestamp: 1757194783000,
    };
    expect(message).toMatchObject({ providerMessageId: `optin:${ms.PSID}:${ms.TIMESTAMP_MS}`, body: "", attributes: { optin } });
    expect(message?.conversationAttributes).toEqual({ optin });
    expect(JSON.stringify(message)).not.toContain("7295126318240213758");
  });

  it("ignores a checkbox plugin's opt-in, whose sender is not yet a PSID (nobody to write to)", async () => {
    expect(await parse(ms.msCheckboxOptin())).toEqual({ messages: [], statuses: [] });
  });

  it.each([
    ["like", "👍"],
    ["love", "\u2764\uFE0F"],
    ["wow", "😮"],
  ])("reads a Messenger reaction named %s without an emoji as %s", async (reaction, emoji) => {
    expect((await parse(ms.msReaction(reaction))).changes).toEqual([
      { kind: "reaction", providerMessageId: "m_OUT1", customerAddress: ms.PSID, emoji, at: ms.TIMESTAMP_MS },
    ]);
  });

  it("ignores the echo of our own send", async () => {
    expect(await parse(ms.msEcho())).toEqual({ messages: [], statuses: [] });
  });

  it("ignores entries for another page of the same app", async () => {
    expect(await parse(ms.pageWebhook([ms.fromCustomer({ message: { mid: "m_X", text: "hi" } })], "999999999999999"))).toEqual({
      messages: [],
      statuses: [],
    });
  });

  it("maps a delivery receipt with mids to one update per message", async () => {
    const { statuses } = await parse(ms.msDelivery(["m_OUT1", "m_OUT2"]));
    expect(statuses.map((s) => [s.providerMessageId, s.status, s.customerAddress])).toEqual([
      ["m_OUT1", "delivered", ms.PSID],
      ["m_OUT2", "delivered", ms.PSID],
    ]);
  });

  it.each([
    ["a delivery receipt without mids", ms.msDelivery(), "delivered", ms.TIMESTAMP_MS - 1000],
    ["a read receipt", ms.msRead(), "read", ms.TIMESTAMP_MS - 500],
  ])("maps %s to an update by watermark", async (_, payload, status, watermark) => {
    expect((await parse(payload)).statuses).toEqual([
      { providerMessageId: "", customerAddress: ms.PSID, status, errorCode: null, errorMessage: null, at: ms.TIMESTAMP_MS, watermark },
    ]);
  });
});

describe("Instagram inbound", () => {
  it("keeps the ad a first message came from on the conversation", async () => {
    const [message] = (await parseIg(ms.igAdMessage())).messages;
    const referral = { ref: "ig-spring", ad_id: "120210432198765432", source: "ADS", type: "OPEN_THREAD" };
    expect(message).toMatchObject({ body: "Is this still available?", attributes: { referral }, conversationAttributes: { referral } });
  });

  it("reports an unsent message as a change to it, not as a message", async () => {
    expect(await parseIg(ms.igDeleted())).toEqual({
      messages: [],
      statuses: [],
      changes: [{ kind: "unsent", providerMessageId: "aWdfDELETED1", customerAddress: ms.IGSID, at: ms.TIMESTAMP_MS }],
    });
  });

  it.each([
    // [fixture, the change expected]
    [
      "a ❤️ reaction to our message",
      ms.igReaction(),
      { kind: "reaction", providerMessageId: "aWdfOUTBOUND1", customerAddress: ms.IGSID, emoji: "\u2764\uFE0F", at: ms.TIMESTAMP_MS },
    ],
    [
      "a reaction taken back",
      ms.igReaction("aWdfOUTBOUND1", "unreact"),
      { kind: "reaction", providerMessageId: "aWdfOUTBOUND1", customerAddress: ms.IGSID, emoji: null, at: ms.TIMESTAMP_MS },
    ],
    [
      "a like_heart sent on its own (the latest message sent to them)",
      ms.igLikeHeart(),
      { kind: "reaction", providerMessageId: null, customerAddress: ms.IGSID, emoji: "\u2764\uFE0F", at: ms.TIMESTAMP_MS },
    ],
  ])("reports %s as a reaction, not as a message", async (_, payload, change) => {
    expect(await parseIg(payload)).toEqual({ messages: [], statuses: [], changes: [change] });
  });

  it("keeps a story mention's media, downloaded from Meta's CDN like any attachment", async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 7]);
    const url = graph.addMedia("story-1790", jpeg, "image/jpeg");
    const payload = ms.igStoryMention() as { entry: { messaging: { message: { attachments: { payload: { url: string } }[] } }[] }[] };
    payload.entry[0]!.messaging[0]!.message.attachments[0]!.payload.url = url;
    const [message] = (await parseIg(payload)).messages;
    expect(message?.media).toEqual([{ sid: expect.stringMatching(/^ME/), content_type: "image/jpeg", filename: null, size: 5 }]);
    expect(message?.attributes).toEqual({ story_mention: { url } });
  });
});

describe("delivery through the Send API", () => {
  const deliver = (message = outbound(), deps = adapterDeps(media)) => messengerAdapter.deliver(message, messenger(), deps);

  it("offers reply choices as quick replies", async () => {
    await deliver(outbound({ body: "Which colour?", attributes: { interactive: { buttons: [{ id: "COLOR_RED", title: "Red" }] } } }));
    expect(graph.sent[0]?.body.message).toEqual({
      text: "Which colour?",
      quick_replies: [{ content_type: "text", title: "Red", payload: "COLOR_RED" }],
    });
  });

  it("sends an attachment after the text, by the signed link Meta fetches", async () => {
    const ref = await media.put(new Uint8Array([1, 2]), "image/png", "label.png");
    const mediaUrl = async (r: { sid: string }) => `https://switchboard.test/webhooks/WS…/XC…/media/${r.sid}?expires=1&signature=ab`;
    const outcome = await deliver(outbound({ media: [ref] }), adapterDeps(media, { mediaUrl }));
    expect(outcome.kind).toBe("sent");
    expect(graph.sent.map((call) => call.body.message)).toEqual([
      { text: "Yes, it ships today." },
      {
        attachment: {
          type: "image",
          payload: { url: `https://switchboard.test/webhooks/WS…/XC…/media/${ref.sid}?expires=1&signature=ab`, is_reusable: true },
        },
      },
    ]);
  });

  it.each([
    ["401 (bad token)", 401, { code: 190, message: "Invalid OAuth access token" }, { kind: "failed", errorCode: "190" }],
    [
      "400 code 10 (outside the 24-hour window)",
      400,
      { code: 10, message: "(#10) This message is sent outside of allowed window." },
      { kind: "failed", errorCode: "10" },
    ],
    ["400 code 613 (rate limit)", 400, { code: 613, message: "Calls to this api have exceeded the rate limit." }, { kind: "retry" }],
  ])("maps %s to %o", async (_, status, error, expected) => {
    graph.failNext(1, status, error);
    expect(await deliver()).toMatchObject(expected);
  });

  it("fails with Meta's code 100 when there is no recipient", async () => {
    expect(await deliver(outbound({ customerAddress: "" }))).toEqual({
      kind: "failed",
      error: "(#100) The parameter recipient is required",
      errorCode: "100",
    });
  });

  it("fails without calling Meta when the channel has no page token", async () => {
    const config = { ...messenger(), secrets: {} };
    expect(await messengerAdapter.deliver(outbound(), config, adapterDeps(media))).toMatchObject({
      kind: "failed",
      error: expect.stringContaining("page_access_token"),
    });
    expect(graph.sent).toEqual([]);
  });
});
