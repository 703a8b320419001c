/**
 * Conversations webhooks, the pure part on node:sqlite: which post-events a change records, the form
 * parameters Twilio sends for each, where they go (the service's and account's filters, a conversation's
 * scoped `webhook` and `trigger` targets; `studio` never runs), the outbox rows written for them — none
 * for a change made without webhooks — and what a pre-event's answer may change.
 */
import { describe, expect, it } from "vitest";
import type { ActionSource, WebhookConfig, WebhookConfigs } from "../../../durable-objects/common/conversation-webhooks";
import { newConversation, storeConversation, updateConversation } from "../../../durable-objects/conversation/lifecycle/conversation";
import { hookParams, HOOKS_TOPIC, queueHooks, replayMessages, triggered } from "../../../durable-objects/conversation/lifecycle/hooks";
import { unsent } from "../../../durable-objects/kit/outbox";
import type { HookEvent, Op } from "../../../durable-objects/conversation/lifecycle/conversation-operation";
import { addMessage, removeMessage } from "../../../durable-objects/conversation/lifecycle/messages";
import { addParticipant } from "../../../durable-objects/conversation/lifecycle/participants";
import { preEventChanges, preEventParams, preTargets } from "../../../durable-objects/conversation/lifecycle/pre-events";
import { createScopedWebhook, updateScopedWebhook } from "../../../durable-objects/conversation/lifecycle/scoped-webhooks";
import type { StoreHost } from "../../../durable-objects/kit/sql-host";
import type { ConversationWebhookMessage } from "../../../platform/events-queue";
import { ACCOUNT, CARD, SID, WORKSPACE, at, context, inbound, migratedHost } from "./conversation-fixtures";
import { receive } from "../../../durable-objects/conversation/lifecycle/inbound";

const value = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};
const config = (overrides: Partial<WebhookConfig>): WebhookConfig => ({
  pre_webhook_url: null,
  post_webhook_url: null,
  method: null,
  filters: null,
  target: "webhook",
  ...overrides,
});
const NONE: WebhookConfigs = { service: null, account: null };
const SDK: ActionSource = { source: "SDK", webhooks: true, clientIdentity: "WK-ann" };
/** A Messenger sender ID that passes Luhn with Visa's prefix: an address, never a card number. */
const PSID = "4242424242424242";

function conversation(host: StoreHost = migratedHost()) {
  const op = at(host, 1_000);
  storeConversation(op, value(newConversation(op, ACCOUNT, { workspaceSid: WORKSPACE, friendlyName: "Support" })));
  return host;
}

/** Runs one operation and queues its post-events, as the shell does in the operation's transaction. */
function run<T>(host: StoreHost, now: number, configs: WebhookConfigs, fn: (op: Op) => T, source = SDK): T {
  const op = at(host, now);
  const result = fn(op);
  queueHooks(host, ACCOUNT, op.effects.hooks, { source, configs }, now);
  return result;
}
const outbox = (host: StoreHost) => unsent(host, HOOKS_TOPIC, 100).map((row) => JSON.parse(row.body) as ConversationWebhookMessage);

describe("post-events", () => {
  it("a message goes to the service's PostWebhookUrl with Twilio's parameters, once per URL", () => {
    const host = conversation();
    const service = config({ post_webhook_url: "https://hooks.example/post", filters: ["onMessageAdded"] });
    // The account's configuration names the same URL: one request, not two.
    const message = run(host, 2_000, { service, account: service }, (op) =>
      value(addMessage(op, ACCOUNT, { author: "ann", body: "Hello", attributes: '{"a":1}' })),
    );
    const [request, ...rest] = outbox(host);
    expect(rest).toEqual([]);
    expect(request).toMatchObject({ kind: "conversation-webhook", accountSid: ACCOUNT, url: "https://hooks.example/post", method: "POST" });
    expect(request!.idempotencyToken).toMatch(/^EV[0-9a-f]{32}$/);
    expect(request!.params).toEqual({
      AccountSid: ACCOUNT,
      EventType: "onMessageAdded",
      Source: "SDK",
      ClientIdentity: "WK-ann",
      ConversationSid: SID,
      MessageSid: message.sid,
      Index: "0",
      Author: "ann",
      Body: "Hello",
      Attributes: '{"a":1}',
      DateCreated: "1970-01-01T00:00:02Z",
    });
  });

  it("sends only what the filters name, nothing for `flex`, and nothing for a change made without webhooks", () => {
    const host = conversation();
    const configs: WebhookConfigs = {
      service: config({ post_webhook_url: "https://hooks.example/service", method: "GET", filters: ["onParticipantAdded"] }),
      account: config({ post_webhook_url: "https://hooks.example/account", filters: ["onMessageAdded"], target: "flex" }),
    };
    run(host, 2_000, configs, (op) => addMessage(op, ACCOUNT, { body: "not announced" }));
    expect(outbox(host)).toEqual([]);
    run(host, 3_000, configs, (op) => addParticipant(op, ACCOUNT, { identity: "bo" }), { source: "API", webhooks: false });
    expect(outbox(host)).toEqual([]);
    run(host, 4_000, configs, (op) => addParticipant(op, ACCOUNT, { identity: "cy" }));
    expect(outbox(host).map((r) => [r.url, r.method, r.params.EventType, r.params.Identity])).toEqual([
      ["https://hooks.example/service", "GET", "onParticipantAdded", "cy"],
    ]);
  });

  it("a conversation's scoped webhooks: `webhook` by its filters, `trigger` by keyword, `studio` never", () => {
    const host = conversation();
    run(host, 1_500, NONE, (op) => {
      value(createScopedWebhook(op, ACCOUNT, { target: "webhook", url: "https://a.example/hook", filters: ["onMessageRemoved"] }));
      value(createScopedWebhook(op, ACCOUNT, { target: "trigger", url: "https://b.example/trigger", method: "get", triggers: ["refund"] }));
      value(createScopedWebhook(op, ACCOUNT, { target: "studio", flowSid: "FW" + "1".repeat(32) }));
    });
    const plain = run(host, 2_000, NONE, (op) => value(addMessage(op, ACCOUNT, { body: "where is my parcel" })));
    expect(outbox(host)).toEqual([]);
    run(host, 3_000, NONE, (op) => addMessage(op, ACCOUNT, { body: "I want a Refund!" }));
    run(host, 4_000, NONE, (op) => removeMessage(op, ACCOUNT, plain.sid));
    expect(outbox(host).map((r) => [r.url, r.method, r.params.EventType, r.params.Body])).toEqual([
      ["https://b.example/trigger", "GET", "onMessageAdded", "I want a Refund!"],
      ["https://a.example/hook", "POST", "onMessageRemoved", "where is my parcel"],
    ]);
  });

  it("a state change is onConversationUpdated and onConversationStateUpdated, from and to", () => {
    const host = conversation();
    const configs = {
      service: config({ post_webhook_url: "https://h.example/", filters: ["onConversationStateUpdated", "onConversationUpdated"] }),
      account: null,
    };
    run(host, 2_000, configs, (op) => updateConversation(op, ACCOUNT, { state: "inactive" }), { source: "API", webhooks: true });
    expect(outbox(host).map((r) => r.params)).toEqual([
      expect.objectContaining({ EventType: "onConversationUpdated", State: "inactive", Source: "API" }),
      expect.objectContaining({ EventType: "onConversationStateUpdated", StateFrom: "active", StateTo: "inactive", Reason: "API" }),
    ]);
  });

  it("a customer's first message announces the conversation with their binding, their joining and their message", () => {
    const host = migratedHost();
    const configs = {
      service: config({ post_webhook_url: "https://h.example/", filters: ["onConversationAdded", "onParticipantAdded", "onMessageAdded"] }),
      account: null,
    };
    run(host, 1_000, configs, (op) => receive(op, ACCOUNT, context(), inbound("SM1", "hi there")), { source: "SMS", webhooks: true });
    expect(outbox(host).map((r) => r.params)).toEqual([
      expect.objectContaining({
        EventType: "onConversationAdded",
        "MessagingBinding.Address": "+15550001111",
        "MessagingBinding.ProxyAddress": "+15559990000",
      }),
      expect.objectContaining({ EventType: "onParticipantAdded", "MessagingBinding.Address": "+15550001111", Source: "SMS" }),
      expect.objectContaining({ EventType: "onMessageAdded", Body: "hi there", Author: "+15550001111", Source: "SMS" }),
    ]);
  });

  it("replays the stored messages from ReplayAfter to a new scoped webhook only", () => {
    const host = conversation();
    for (const body of ["zero", "one", "two"]) run(host, 2_000, NONE, (op) => addMessage(op, ACCOUNT, { body }));
    const hook = run(host, 3_000, NONE, (op) =>
      value(
        createScopedWebhook(op, ACCOUNT, { target: "webhook", url: "https://r.example/", filters: ["onMessageAdded"], replayAfter: 1 }),
      ),
    );
    expect(replayMessages(host, ACCOUNT, hook.sid, 1, 3_000)).toBe(2);
    expect(outbox(host).map((r) => [r.url, r.params.Body])).toEqual([
      ["https://r.example/", "one"],
      ["https://r.example/", "two"],
    ]);
  });

  it("keep a customer's card-like address as it is (names, authors, bindings, IDs in attributes) and mask free text", () => {
    const host = migratedHost();
    const configs = {
      service: config({ post_webhook_url: "https://h.example/", filters: ["onConversationAdded", "onMessageAdded"] }),
      account: null,
    };
    const message = inbound("mid.1", `card ${CARD}`, {
      channel: "messenger",
      customerAddress: PSID,
      proxyAddress: "1234567890",
      customerName: null, // Messenger gives none: the conversation is named after the address
      attributes: { sender_id: PSID, note: CARD },
    });
    run(host, 1_000, configs, (op) => receive(op, ACCOUNT, context(), message), { source: "MESSENGER", webhooks: true });
    const [added, posted] = outbox(host).map((r) => r.params);
    expect(added).toMatchObject({ EventType: "onConversationAdded", FriendlyName: PSID, "MessagingBinding.Address": PSID });
    expect(posted).toMatchObject({ EventType: "onMessageAdded", Author: PSID, Body: "card **** **** **** 1111" });
    expect(JSON.parse(posted!.Attributes!)).toMatchObject({ sender_id: PSID, note: "**** **** **** 1111" });
  });

  it.each<[string, HookEvent["type"]]>([
    ["onMessageUpdated", "onMessageUpdated"],
    ["onParticipantRemoved", "onParticipantRemoved"],
  ])("%s carries its dates", (_, type) => {
    const host = conversation();
    const message = value(addMessage(at(host, 2_000), ACCOUNT, { body: "x" }));
    const participant = value(addParticipant(at(host, 2_000), ACCOUNT, { identity: "dee" }));
    const event = (type === "onMessageUpdated" ? { type, message } : { type, participant }) as HookEvent;
    const params = hookParams(event, SDK, ACCOUNT, 9_000);
    expect(params.DateCreated).toBe("1970-01-01T00:00:02Z");
    if (type === "onParticipantRemoved") expect(params.DateRemoved).toBe("1970-01-01T00:00:09Z");
    else expect(params.DateUpdated).toBe("1970-01-01T00:00:02Z");
  });
});

describe("scoped webhooks", () => {
  it.each([
    [{ target: undefined }, /Missing required parameter Target/],
    [{ target: "webhook" as const, filters: ["onMessageAdded"] }, /Configuration\.Url/],
    [{ target: "webhook" as const, url: "https://x.example" }, /Configuration\.Filters/],
    [{ target: "webhook" as const, url: "ftp://x.example", filters: ["onMessageAdded"] }, /Configuration\.Url/],
    [{ target: "webhook" as const, url: "https://x.example", filters: ["onMessageAdd"] }, /Configuration\.Filters: onMessageAdd/],
    [{ target: "trigger" as const, url: "https://x.example" }, /Configuration\.Triggers/],
    [{ target: "studio" as const }, /Configuration\.FlowSid/],
    [{ target: "studio" as const, flowSid: "FWnope" }, /Configuration\.FlowSid/],
    [
      { target: "webhook" as const, url: "https://x.example", filters: ["onMessageAdded"], method: "put" as "get" },
      /Configuration\.Method/,
    ],
  ])("refuses %j naming the parameter", (input, message) => {
    const host = conversation();
    const result = createScopedWebhook(at(host, 2_000), ACCOUNT, input);
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toMatch(message);
  });

  it("holds at most five, and an update keeps the target and checks what it needs", () => {
    const host = conversation();
    const made = [1, 2, 3, 4, 5].map((n) =>
      value(
        createScopedWebhook(at(host, 2_000), ACCOUNT, { target: "webhook", url: `https://x${n}.example`, filters: ["onMessageAdded"] }),
      ),
    );
    expect(createScopedWebhook(at(host, 2_000), ACCOUNT, { target: "studio", flowSid: "FW" + "1".repeat(32) })).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(updateScopedWebhook(at(host, 3_000), ACCOUNT, made[0]!.sid, { target: "trigger" })).toMatchObject({ ok: false, status: 400 });
    expect(updateScopedWebhook(at(host, 3_000), ACCOUNT, made[0]!.sid, { filters: [] })).toMatchObject({ ok: false, status: 400 });
    expect(value(updateScopedWebhook(at(host, 3_000), ACCOUNT, made[0]!.sid, { method: "get" })).configuration).toEqual({
      url: "https://x1.example",
      method: "get",
      filters: ["onMessageAdded"],
    });
  });

  it.each([
    ["refund please", ["refund"], true],
    ["REFUND", ["refund"], true],
    ["refunded", ["refund"], false],
    ["call me back", ["call me"], true],
    [null, ["x"], false],
  ] as const)("trigger %j with %j: %s", (body, keywords, fires) => {
    expect(triggered(body, keywords)).toBe(fires);
  });
});

describe("pre-events", () => {
  it("go to the service's and the account's PreWebhookUrl when their filters name the event", () => {
    const configs: WebhookConfigs = {
      service: config({ pre_webhook_url: "https://s.example/pre", filters: ["onMessageAdd"] }),
      account: config({ pre_webhook_url: "https://a.example/pre", method: "GET", filters: ["onMessageAdd", "onParticipantAdd"] }),
    };
    expect(preTargets(configs, "onMessageAdd")).toEqual([
      { url: "https://s.example/pre", method: "POST" },
      { url: "https://a.example/pre", method: "GET" },
    ]);
    expect(preTargets(configs, "onParticipantAdd")).toEqual([{ url: "https://a.example/pre", method: "GET" }]);
    expect(preTargets({ ...configs, account: { ...configs.account!, target: "flex" } }, "onParticipantAdd")).toEqual([]);
  });

  it("describe the change about to happen", () => {
    const host = conversation();
    const record = value(updateConversation(at(host, 2_000), ACCOUNT, {}));
    expect(
      preEventParams(
        { type: "onMessageAdd", conversation: record, author: "ann", body: "Hi", participantSid: null, media: [] },
        SDK,
        ACCOUNT,
      ),
    ).toEqual({
      AccountSid: ACCOUNT,
      EventType: "onMessageAdd",
      Source: "SDK",
      ClientIdentity: "WK-ann",
      ChatServiceSid: "IS" + WORKSPACE.slice(2),
      ConversationSid: SID,
      Author: "ann",
      Body: "Hi",
      Attributes: "{}",
    });
  });

  it("never show a card number: the change is masked before it is sent out", () => {
    const host = conversation();
    const record = value(updateConversation(at(host, 2_000), ACCOUNT, {}));
    const params = preEventParams(
      {
        type: "onMessageAdd",
        conversation: record,
        author: "ann",
        body: `my card is ${CARD}`,
        attributes: JSON.stringify({ note: CARD }),
        participantSid: null,
        media: [],
      },
      SDK,
      ACCOUNT,
    );
    expect(JSON.stringify(params)).not.toContain(CARD);
    expect(params.Body).toBe("my card is **** **** **** 1111");
    const added = preEventParams(
      { type: "onConversationAdd", chatServiceSid: "IS1", friendlyName: CARD, attributes: `{"n":"${CARD}"}` },
      SDK,
      ACCOUNT,
    );
    expect(JSON.stringify(added)).not.toContain(CARD);
  });

  it("keep addresses and identities as they are: only free text is masked", () => {
    const host = conversation();
    const record = value(updateConversation(at(host, 2_000), ACCOUNT, {}));
    const added = preEventParams(
      {
        type: "onParticipantAdd",
        conversation: record,
        identity: PSID,
        attributes: JSON.stringify({ wa_id: PSID, note: CARD }),
        address: PSID,
        proxyAddress: "1234567890",
      },
      { source: "SDK", webhooks: true, clientIdentity: PSID },
      ACCOUNT,
    );
    expect(added).toMatchObject({ Identity: PSID, "MessagingBinding.Address": PSID, ClientIdentity: PSID });
    expect(JSON.parse(added.Attributes!)).toEqual({ wa_id: PSID, note: "**** **** **** 1111" });
    const posted = preEventParams(
      { type: "onMessageAdd", conversation: record, author: PSID, body: PSID, participantSid: null, media: [] },
      SDK,
      ACCOUNT,
    );
    expect(posted).toMatchObject({ Author: PSID, Body: "************4242" });
  });

  it.each([
    [
      "onMessageAdd",
      '{"body":"[removed]","author":"bot","attributes":{"checked":true}}',
      { body: "[removed]", author: "bot", attributes: '{"checked":true}' },
      [],
    ],
    ["onMessageAdd", '{"Body":"x","FriendlyName":"no"}', { body: "x" }, ["FriendlyName"]],
    ["onMessageUpdate", '{"author":"nope","body":"ok"}', { body: "ok" }, ["author"]],
    ["onConversationUpdate", '{"friendly_name":"VIP","state":"closed"}', { friendlyName: "VIP", state: "closed" }, []],
    ["onConversationUpdate", '{"state":"paused"}', {}, ["state"]],
    ["onParticipantAdd", '{"attributes":"{\\"vip\\":true}","identity":"x"}', { attributes: '{"vip":true}' }, ["identity"]],
    ["onMessageRemove", '{"body":"x"}', {}, ["body"]],
    ["onMessageAdd", "", {}, []],
    ["onMessageAdd", "OK", {}, ["(the answer is not JSON)"]],
    ["onMessageAdd", '{"body":42}', {}, ["body"]],
  ] as const)("%s answered %s changes %j", (type, answer, changes, ignored) => {
    expect(preEventChanges(type, answer)).toEqual({ changes, ignored });
  });
});
