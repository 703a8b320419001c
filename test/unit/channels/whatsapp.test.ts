/**
 * The WhatsApp Cloud API adapter: the adapter contract, then against what Meta sends and answers: every inbound message kind from
 * realistic webhooks (media fetched from the Graph API double into the media store), status webhooks,
 * changes for other numbers ignored, malformed bodies refused, and delivery (text, reply buttons,
 * attachments uploaded by ID) with Meta's refusals, throttling and outages mapped to outcomes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../channels/messages";
import { GraphUnavailable } from "../../../channels/meta-graph";
import { whatsappAdapter } from "../../../channels/whatsapp";
import { startGraphServer, type GraphServer } from "../../support/doubles/graph-server";
import { memoryMedia, type MemoryMedia } from "../../support/doubles/media-store";
import { OUTBOUND, runAdapterContract } from "./adapter-contract";
import { adapterDeps, META_WEBHOOKS, metaBody, metaChannel, metaRequest } from "./fixtures/meta-deps";
import * as wa from "./fixtures/meta-whatsapp";

const TOKEN = "EAAJB3wa-access-token";
let graph: GraphServer;
let media: MemoryMedia;
beforeAll(async () => {
  graph = await startGraphServer({ phoneNumberId: wa.PHONE_NUMBER_ID, accessToken: TOKEN });
});
afterAll(() => graph.close());
beforeEach(() => {
  graph.sent.length = 0;
  graph.uploads.length = 0;
  graph.failNext(0, 500);
  media = memoryMedia();
});

const config = () =>
  metaChannel("whatsapp", { phone_number_id: wa.PHONE_NUMBER_ID, graph_base_url: graph.baseUrl }, { access_token: TOKEN });
const parse = async (payload: unknown, cfg = config()) => whatsappAdapter.parse(await metaRequest(payload), cfg, adapterDeps(media));
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

const outbound = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  ...OUTBOUND,
  index: 2,
  customerAddress: "whatsapp:+16505551234",
  proxyAddress: wa.PHONE_NUMBER_ID,
  body: "It comes in red and blue.",
  authorName: "Alice",
  ...overrides,
});

describe("the adapter contract", () =>
  runAdapterContract({
    kind: "whatsapp",
    config,
    deps: (overrides) => adapterDeps(memoryMedia(), overrides),
    webhooks: {
      ...META_WEBHOOKS,
      messages: [
        {
          name: "a text message (the customer as whatsapp:+<wa_id>, our phone number ID, the profile name, Meta's time)",
          body: metaBody(wa.waText()),
          expected: {
            providerMessageId: "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            channel: "whatsapp",
            customerAddress: "whatsapp:+16505551234",
            proxyAddress: wa.PHONE_NUMBER_ID,
            customerName: "Sheena Nelson",
            body: "Does it come in another color?",
            media: [],
            attributes: {},
            thread: null,
            sentAt: 1749418783000, // "1749418783" s × 1000
          },
        },
      ],
      status: {
        body: metaBody(wa.waStatus("wamid.OUTBOUND1", "delivered")),
        expected: {
          providerMessageId: "wamid.OUTBOUND1",
          customerAddress: "whatsapp:+16505551234",
          status: "delivered",
          errorCode: null,
          errorMessage: null,
          at: 1749418783000,
        },
      },
      malformed: [
        ["a body that is not JSON", metaBody("not json"), /not JSON/],
        ["another object", metaBody({ object: "page", entry: [] }), /object/],
        ["an entry without changes", metaBody({ object: "whatsapp_business_account", entry: [{ id: "1" }] }), /entry\.0\.changes/],
        [
          "a change without the phone number's metadata",
          metaBody({
            object: "whatsapp_business_account",
            entry: [{ id: "1", changes: [{ field: "messages", value: { messages: [] } }] }],
          }),
          /entry\.0\.changes\.0\.value\.metadata/,
        ],
        ["messages that are not a list", metaBody(wa.waWebhook({ messages: { id: "wamid.1" } })), /entry\.0\.changes\.0\.value\.messages/],
      ],
    },
    provider: {
      outbound: outbound(),
      accepted: () => graph.sent.map((call) => ({ id: call.id, wire: call })),
      // To the customer's wa_id; the wamid Meta answered is the one status webhooks will name.
      wire: {
        path: `/${wa.PHONE_NUMBER_ID}/messages`,
        token: TOKEN,
        id: expect.stringMatching(/^wamid\./),
        body: {
          messaging_product: "whatsapp",
          recipient_type: "individual",
          to: "16505551234",
          type: "text",
          text: { body: "It comes in red and blue.", preview_url: false },
        },
      },
      failNext: (status) => graph.failNext(1, status),
      wrongCredentials: (channel) => ({ ...channel, secrets: { ...channel.secrets, access_token: "expired" } }),
      credentialsRefused: "190",
      unreachable: /^Meta Graph API unreachable: /,
      unsupported: [
        [
          "reply buttons beyond WhatsApp's limits",
          { attributes: { interactive: { buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `Option ${n}` })) } } },
          /attributes\.interactive\.buttons/,
        ],
      ],
    },
  }));

describe("inbound messages", () => {
  it("fetches an image by its media ID into the media store, with the caption as body", async () => {
    graph.addMedia("1003383421387256", JPEG, "image/jpeg");
    const [message] = (await parse(wa.waImage())).messages;
    expect(message?.body).toBe("The blue one");
    expect(message?.media).toEqual([
      { sid: expect.stringMatching(/^ME/), content_type: "image/jpeg", filename: null, size: JPEG.byteLength },
    ]);
    expect(media.items.get(message!.media[0]!.sid)?.bytes).toEqual(JPEG);
  });

  it("keeps a document's file name", async () => {
    graph.addMedia("2204591023912", new TextEncoder().encode("%PDF-1.7"), "application/pdf");
    const [message] = (await parse(wa.waDocument())).messages;
    expect(message?.body).toBe("My invoice");
    expect(message?.media[0]).toMatchObject({ content_type: "application/pdf", filename: "invoice-4411.pdf", size: 8 });
  });

  it("keeps the message and names the attachment when Meta no longer has the media", async () => {
    const [message] = (await parse(wa.waImage("404404404"))).messages;
    expect(message?.body).toBe("The blue one");
    expect(message?.media).toEqual([]);
    expect(message?.attributes.media_unavailable).toEqual([{ type: "image", reason: expect.stringContaining("HTTP 400") }]);
  });

  it("throws GraphUnavailable when the Graph API is down, so Meta redelivers the webhook, and stores nothing", async () => {
    graph.addMedia("1003383421387256", JPEG, "image/jpeg");
    const down = adapterDeps(media, { fetch: async () => new Response("upstream", { status: 503 }) });
    await expect(whatsappAdapter.parse(await metaRequest(wa.waImage()), config(), down)).rejects.toBeInstanceOf(GraphUnavailable);
    expect(media.items.size).toBe(0);
  });

  it("never fetches a media URL on a host Meta does not serve media from", async () => {
    const fetched: string[] = [];
    const evil = adapterDeps(media, {
      fetch: async (input) => {
        const url = String(input instanceof Request ? input.url : input);
        fetched.push(url);
        if (url.endsWith("/1003383421387256"))
          return Response.json({ url: "http://169.254.169.254/latest/meta-data/", mime_type: "image/jpeg" });
        return new Response("secret");
      },
    });
    const [message] = (await whatsappAdapter.parse(await metaRequest(wa.waImage()), config(), evil)).messages;
    expect(fetched).toEqual([`${graph.baseUrl}/1003383421387256`]);
    expect(message?.attributes.media_unavailable).toEqual([{ type: "image", reason: expect.stringContaining("host") }]);
  });

  it.each([
    // [fixture, body, attributes]
    [
      "location",
      wa.waLocation(),
      "📍 Meta Headquarters, 1 Hacker Way, Menlo Park, CA 94025",
      {
        location: { latitude: 37.483307, longitude: -122.148981, name: "Meta Headquarters", address: "1 Hacker Way, Menlo Park, CA 94025" },
      },
    ],
    [
      "button reply",
      wa.waButtonReply(),
      "Change",
      {
        interactive: { type: "button_reply", id: "change-button", title: "Change" },
        reply_to: "wamid.OUTBOUND1",
      },
    ],
    [
      "list reply",
      wa.waListReply(),
      "Monday 9:00",
      {
        interactive: { type: "list_reply", id: "mon-9", title: "Monday 9:00", description: "Morning slot" },
      },
    ],
    [
      "template quick-reply button",
      wa.waTemplateButton(),
      "Stop promotions",
      {
        interactive: { type: "button", id: "STOP_PROMOS", title: "Stop promotions" },
        reply_to: "wamid.TEMPLATE1",
      },
    ],
    ["reaction", wa.waReaction("👍"), "👍", { reaction: { emoji: "👍", message_id: "wamid.OUTBOUND1" } }],
    ["unsupported message", wa.waUnsupported(), "", { unsupported: { type: "unsupported", reason: "Message type unknown" } }],
  ])("normalizes a %s", async (_, payload, body, attributes) => {
    const [message] = (await parse(payload)).messages;
    expect(message?.body).toBe(body);
    expect(message?.attributes).toEqual(attributes);
  });

  it("keeps a Flows reply: the text WhatsApp showed as body, the answers parsed from response_json", async () => {
    const [message] = (await parse(wa.waFlowReply())).messages;
    expect(message?.body).toBe("Sent");
    expect(message?.attributes).toEqual({
      interactive: {
        type: "nfm_reply",
        name: "flow",
        response: {
          flow_token: "AQAAAAACS5FpgQ_cAAAAAD0QI3s.",
          appointment_date: "2025-06-12",
          appointment_time: "10:30",
          party_size: "2",
        },
      },
      reply_to: "wamid.FLOWSENT1",
    });
  });

  it("keeps a Flows reply whose response_json is not JSON as the text Meta sent", async () => {
    const [message] = (await parse(wa.waFlowReply("{not json"))).messages;
    expect(message?.attributes.interactive).toEqual({ type: "nfm_reply", name: "flow", response: "{not json" });
  });

  it("fetches a legacy voice note as an audio attachment", async () => {
    const ogg = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 2]);
    graph.addMedia("1220937182397", ogg, "audio/ogg");
    const [message] = (await parse(wa.waVoice())).messages;
    expect(message?.body).toBe("");
    expect(message?.attributes).toEqual({});
    expect(message?.media).toEqual([
      { sid: expect.stringMatching(/^ME/), content_type: "audio/ogg; codecs=opus", filename: null, size: 6 },
    ]);
    expect(media.items.get(message!.media[0]!.sid)?.bytes).toEqual(ogg);
  });

  it("ignores a reaction being removed (no emoji)", async () => {
    expect((await parse(wa.waReaction())).messages).toEqual([]);
  });

  it("ignores changes for another phone number of the same app, and non-message fields", async () => {
    const other = wa.waWebhook(
      { contacts: [], messages: [{ from: wa.WA_ID, id: "wamid.X", timestamp: wa.TIMESTAMP, type: "text", text: { body: "hi" } }] },
      wa.OTHER_PHONE_NUMBER_ID,
    );
    const template = {
      object: "whatsapp_business_account",
      entry: [{ id: wa.WABA_ID, changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }] }],
    };
    expect(await parse(other)).toEqual({ messages: [], statuses: [] });
    expect(await parse(template)).toEqual({ messages: [], statuses: [] });
  });
});

describe("business-scoped user IDs (BSUID)", () => {
  it("takes a message from a customer known only by their BSUID, the address keeping the ID as Meta wrote it", async () => {
    const { messages } = await parse(wa.waTextFromBsuid());
    expect(messages).toEqual([
      {
        providerMessageId: "wamid.HBgUVVMuMTM0OTEyMDg2NTUzMDI3NDE5MTgVAgASGBQ3QkRCQ0M=",
        channel: "whatsapp",
        customerAddress: "whatsapp:US.13491208655302741918",
        proxyAddress: wa.PHONE_NUMBER_ID,
        customerName: "Sheena Nelson",
        body: "Hi, I ordered the blue one",
        media: [],
        attributes: {},
        thread: null,
        sentAt: 1749418783000,
      },
    ]);
  });

  it("takes a message with from_user_id and no from (the phone number withheld)", async () => {
    const payload = wa.waTextFromBsuid() as { entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[] };
    delete payload.entry[0]!.changes[0]!.value.messages[0]!.from;
    const [message] = (await parse(payload)).messages;
    expect(message).toMatchObject({ customerAddress: "whatsapp:US.13491208655302741918", customerName: "Sheena Nelson" });
  });

  it("reports a status of a message to a BSUID customer under the same address", async () => {
    expect((await parse(wa.waStatusToBsuid("wamid.OUTBOUND1", "read"))).statuses).toEqual([
      {
        providerMessageId: "wamid.OUTBOUND1",
        customerAddress: "whatsapp:US.13491208655302741918",
        status: "read",
        errorCode: null,
        errorMessage: null,
        at: 1749418783000,
      },
    ]);
  });
});

describe("a delivery with a message that cannot be read", () => {
  it("keeps the others and records the odd one as unsupported, in order, instead of refusing the delivery", async () => {
    const { messages } = await parse(wa.waBatchWithOddOne());
    expect(messages.map((m) => [m.providerMessageId, m.customerAddress, m.body])).toEqual([
      ["wamid.BATCH1", "whatsapp:+16505551234", "First"],
      ["wamid.BATCH2", "whatsapp:+16505551234", ""],
      ["wamid.BATCH3", "whatsapp:+16505551234", "Third"],
    ]);
    expect(messages[1]?.attributes).toEqual({
      unsupported: { type: "location", reason: expect.stringContaining("location.latitude") },
    });
    expect(messages[1]?.customerName).toBe("Sheena Nelson");
  });

  it("records a message without an ID under an ID derived from its content, so a redelivery stores it once", async () => {
    const payload = wa.waMessage("", "text", { text: { body: "x" } });
    const [first] = (await parse(payload)).messages;
    const [again] = (await parse(payload)).messages;
    expect(first?.providerMessageId).toMatch(/^unreadable:[0-9a-f]{64}$/);
    expect(again?.providerMessageId).toBe(first?.providerMessageId);
    expect(first?.attributes).toEqual({ unsupported: { type: "text", reason: expect.stringContaining("id") } });
  });

  it("drops a message that names no sender (nowhere to put it) and keeps the rest", async () => {
    const payload = wa.waWebhook({
      messages: [
        { id: "wamid.NOBODY", timestamp: wa.TIMESTAMP, type: "text", text: { body: "?" } },
        { from: wa.WA_ID, id: "wamid.SOMEONE", timestamp: wa.TIMESTAMP, type: "text", text: { body: "Hello" } },
      ],
    });
    expect((await parse(payload)).messages.map((m) => m.providerMessageId)).toEqual(["wamid.SOMEONE"]);
  });

  it("skips a status it cannot read and keeps the others", async () => {
    const payload = wa.waWebhook({
      statuses: [
        { id: "wamid.OUT1", status: "delivered", timestamp: "yesterday", recipient_id: wa.WA_ID },
        { id: "wamid.OUT2", status: "delivered", timestamp: wa.TIMESTAMP, recipient_id: wa.WA_ID },
      ],
    });
    expect((await parse(payload)).statuses.map((s) => s.providerMessageId)).toEqual(["wamid.OUT2"]);
  });
});

describe("statuses", () => {
  it.each(["sent", "delivered", "read"] as const)("maps %s to a status update for the message ID", async (status) => {
    expect((await parse(wa.waStatus("wamid.OUTBOUND1", status))).statuses).toEqual([
      {
        providerMessageId: "wamid.OUTBOUND1",
        customerAddress: "whatsapp:+16505551234",
        status,
        errorCode: null,
        errorMessage: null,
        at: 1749418783000,
      },
    ]);
  });

  it("carries a failure's code and title (131047: the 24-hour window closed)", async () => {
    expect((await parse(wa.waFailed())).statuses).toEqual([
      {
        providerMessageId: "wamid.OUTBOUND1",
        customerAddress: "whatsapp:+16505551234",
        status: "failed",
        errorCode: "131047",
        errorMessage: "Re-engagement message",
        at: 1749418783000,
      },
    ]);
  });

  it("ignores statuses with nothing to show (deleted)", async () => {
    expect((await parse(wa.waStatus("wamid.OUTBOUND1", "deleted"))).statuses).toEqual([]);
  });
});

describe("delivery", () => {
  const deliver = (message = outbound(), cfg = config()) => whatsappAdapter.deliver(message, cfg, adapterDeps(media));

  it("answers a BSUID customer at the same ID, as Meta's `recipient` (a phone number goes in `to`)", async () => {
    const outcome = await deliver(outbound({ customerAddress: "whatsapp:US.13491208655302741918" }));
    expect(outcome).toEqual({ kind: "sent", providerMessageId: graph.sent[0]?.id });
    expect(graph.sent[0]?.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      recipient: "US.13491208655302741918",
      type: "text",
      text: { body: "It comes in red and blue.", preview_url: false },
    });
  });

  it("sends reply buttons set on attributes.interactive", async () => {
    const buttons = [
      { id: "red", title: "Red" },
      { id: "blue", title: "Blue" },
    ];
    await deliver(outbound({ body: "Which one?", attributes: { interactive: { buttons } } }));
    expect(graph.sent[0]?.body).toMatchObject({
      type: "interactive",
      interactive: {
        type: "button",
        body: { text: "Which one?" },
        action: {
          buttons: [
            { type: "reply", reply: { id: "red", title: "Red" } },
            { type: "reply", reply: { id: "blue", title: "Blue" } },
          ],
        },
      },
    });
  });

  it("uploads an attachment and sends it by media ID with the text as caption", async () => {
    const ref = await media.put(JPEG, "image/jpeg", "red.jpg");
    const outcome = await deliver(outbound({ media: [ref] }));
    expect(outcome.kind).toBe("sent");
    expect(graph.uploads).toHaveLength(1);
    expect(graph.uploads[0]?.bytes).toEqual(JPEG);
    expect(graph.sent).toHaveLength(1);
    expect(graph.sent[0]?.body).toMatchObject({ type: "image", image: { id: expect.any(String), caption: "It comes in red and blue." } });
  });

  it.each([
    // [what Meta answers, the outcome]
    [
      "401 (expired token)",
      401,
      { code: 190, message: "Error validating access token: Session has expired" },
      { kind: "failed", errorCode: "190" },
    ],
    ["400 131047 (24-hour window)", 400, { code: 131047, message: "Re-engagement message" }, { kind: "failed", errorCode: "131047" }],
    [
      "400 131056 (pair rate limit)",
      400,
      { code: 131056, message: "(Business Account, Consumer Account) pair rate limit hit" },
      { kind: "retry" },
    ],
  ])("maps %s to %o", async (_, status, error, expected) => {
    graph.failNext(1, status, error);
    expect(await deliver()).toMatchObject(expected);
  });

  it("fails with Meta's code 100 when the message has no recipient", async () => {
    expect(await deliver(outbound({ customerAddress: "" }))).toEqual({
      kind: "failed",
      error: "(#100) The parameter to is required.",
      errorCode: "100",
    });
  });

  it("does not resend parts already delivered: a failure after the first part is final", async () => {
    const ref = await media.put(new Uint8Array([1, 2, 3]), "audio/ogg", "note.ogg"); // audio takes no caption: two parts
    graph.failNext(0, 500);
    const deliverParts = whatsappAdapter.deliver(outbound({ media: [ref] }), config(), {
      ...adapterDeps(media),
      fetch: async (input, init) => {
        // The second message (the text) meets an outage after the audio went out.
        if (String(input).endsWith("/messages") && graph.sent.length === 1) graph.failNext(1, 503);
        return fetch(input, init);
      },
    });
    expect(await deliverParts).toEqual({ kind: "failed", error: expect.stringMatching(/^1 of 2 parts were sent/), errorCode: null });
    expect(graph.sent).toHaveLength(1);
  });
});
