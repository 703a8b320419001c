/**
 * The behaviour every channel adapter owes the inbound route and the Deliver port, as one suite run
 * against each (hono's `runTest({ newRouter })` in `src/router/common.case.test.ts` is the model): each
 * adapter's test file hands {@link runAdapterContract} its fixture kit — how its provider proves a
 * webhook, real payloads with the messages they normalize to, what it acknowledges, its provider
 * double — and keeps only what is particular to that provider.
 *
 * - verify: the provider's proof over the raw bytes is accepted; another secret's, none, and (where
 *   the proof covers the body) a body changed after signing are refused;
 * - parse: each payload gives exactly its message (or status); a malformed envelope is a
 *   MalformedWebhook naming the field; hostile bodies never throw anything else;
 * - acknowledge: what the provider expects back;
 * - deliver, through the registry as the Deliver port does: the provider's wire format reaches the
 *   double with the channel's credentials and its ID comes back; wrong credentials fail for good;
 *   429, 5xx and an unreachable provider are retried;
 * - refuse: what the channel cannot carry fails at once, naming why, and nothing reaches the provider.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_TASK_CHANNEL, type ChannelConfig, type ChannelKind } from "../../../channels/channel-config";
import type { InboundMessage, OutboundMessage, StatusUpdate } from "../../../channels/messages";
import { MalformedWebhook, ProviderUnavailable, type AdapterDeps, type WebhookRequest } from "../../../channels/adapter";
import { adapterFor, deliverThrough } from "../../../channels/registry";

/** How a provider posts its webhooks and what they come to. */
export interface WebhookKit {
  /** `body` as the provider posts it, its proof made with `secret` (the channel's own by default). */
  request(body: Uint8Array, options?: { readonly secret?: string; readonly contentType?: string }): Promise<WebhookRequest>;
  /** The headers that carry the proof: without them a request is unsigned. */
  readonly proofHeaders: readonly string[];
  /** Whether the proof covers the body's bytes (email's Basic credentials do not). */
  readonly bodySigned: boolean;
  /** Real payloads, each with the message it normalizes to (every field the suite checks). */
  readonly messages: readonly {
    readonly name: string;
    readonly body: () => Uint8Array | Promise<Uint8Array>;
    readonly contentType?: string;
    readonly expected: Partial<InboundMessage>;
  }[];
  readonly status?: { readonly body: () => Uint8Array; readonly expected: StatusUpdate };
  /** Envelopes the provider never sends: [what, body, the field the error must name, its content type]. */
  readonly malformed: readonly (readonly [string, () => Uint8Array, RegExp, string?])[];
  readonly acknowledgement: { readonly status: number; readonly contentType: RegExp | null; readonly body: string };
}

/** The provider's API as its double sees it. */
export interface ProviderKit {
  readonly outbound: OutboundMessage;
  /** What the provider accepted, in order: its own ID and the request in its wire format. */
  accepted(): readonly { readonly id: string; readonly wire: unknown }[];
  /** What `accepted().at(-1).wire` must be for the outbound message (asymmetric matchers for IDs). */
  readonly wire: unknown;
  failNext(status: 429 | 500 | 503): void;
  /** The channel with credentials the provider does not know, and the error code the refusal carries. */
  wrongCredentials(config: ChannelConfig): ChannelConfig;
  readonly credentialsRefused: string;
  /** The error of a delivery that could not reach the provider. */
  readonly unreachable: RegExp;
  /** What the channel cannot carry: [what, the message's changes, the error, the channel's changes]. */
  readonly unsupported: readonly (readonly [string, Partial<OutboundMessage>, RegExp, ((config: ChannelConfig) => ChannelConfig)?])[];
}

export interface AdapterKit {
  readonly kind: ChannelKind;
  /** The channel as the WorkspaceDO opens it, pointed at the provider's double. */
  config(): ChannelConfig;
  deps(overrides?: Partial<AdapterDeps>): AdapterDeps;
  /** Absent for web chat, whose customers write through the widget's routes. */
  readonly webhooks?: WebhookKit;
  /** Absent for web chat, whose customers read replies on their socket. */
  readonly provider?: ProviderKit;
}

const encode = (text: string) => new TextEncoder().encode(text);

/** Bodies a forger or a broken proxy might send, verified or not: parse may refuse them, never crash on them. */
const HOSTILE: readonly (readonly [string, Uint8Array])[] = [
  ["empty", new Uint8Array()],
  ["JSON null", encode("null")],
  ["a JSON string", encode('"hello"')],
  ["an empty JSON array", encode("[]")],
  ["an empty JSON object", encode("{}")],
  ["JSON of the wrong types", encode('{"object":5,"entry":"x","type":[],"FromFull":null,"Headers":{}}')],
  ["a form of nothing useful", encode("a=1&b=&=&&%zz")],
  ["binary", new Uint8Array([0xff, 0xfe, 0x00, 0x81, 0x0d, 0x0a, 0x2d, 0x2d])],
];

/** One letter of the body's second half in upper case: a change after signing that keeps its shape. */
function tampered(body: Uint8Array): Uint8Array {
  const copy = new Uint8Array(body);
  for (let i = Math.floor(copy.length / 2); i < copy.length; i++) {
    if (copy[i]! >= 0x61 && copy[i]! <= 0x7a) {
      copy[i] = copy[i]! - 0x20;
      return copy;
    }
  }
  throw new Error("the sample has no lowercase letter to change");
}

const withoutHeaders = (request: WebhookRequest, names: readonly string[]): WebhookRequest => {
  const headers = new Headers(request.headers);
  for (const name of names) headers.delete(name);
  return { ...request, headers };
};

/**
 * Runs the adapter contract for one kit; call it inside the adapter's test file.
 *
 * @example
 * describe("the adapter contract", () => runAdapterContract({ kind: "twilio", config, deps, webhooks, provider }));
 */
export function runAdapterContract(kit: AdapterKit): void {
  const adapter = adapterFor(kit.kind);
  const { webhooks, provider } = kit;

  it(webhooks ? "is the adapter the registry holds for its kind" : "has no adapter: a webhook for it finds nothing (404)", () => {
    expect(adapter?.kind ?? null).toBe(webhooks ? kit.kind : null);
  });

  if (adapter && webhooks) {
    const first = webhooks.messages[0]!;
    const signed = async (options?: { secret?: string }) =>
      webhooks.request(await first.body(), { contentType: first.contentType, ...options });

    describe("verify", () => {
      it.each(webhooks.messages.map((sample) => [sample.name, sample] as const))(
        "accepts the provider's proof over the raw bytes of %s",
        async (_, sample) => {
          const request = await webhooks.request(await sample.body(), { contentType: sample.contentType });
          expect(await adapter.verify(request, kit.config())).toBe(true);
        },
      );

      it("refuses a request proved with another secret", async () => {
        expect(await adapter.verify(await signed({ secret: "not-the-channel-secret" }), kit.config())).toBe(false);
      });

      it("refuses a request without its proof", async () => {
        expect(await adapter.verify(withoutHeaders(await signed(), webhooks.proofHeaders), kit.config())).toBe(false);
      });

      if (webhooks.bodySigned)
        it("refuses a body changed after signing", async () => {
          const request = await signed();
          expect(await adapter.verify({ ...request, rawBody: tampered(request.rawBody) }, kit.config())).toBe(false);
        });
    });

    describe("parse", () => {
      it.each(webhooks.messages.map((sample) => [sample.name, sample] as const))(
        "normalizes %s into its one message",
        async (_, sample) => {
          const request = await webhooks.request(await sample.body(), { contentType: sample.contentType });
          const content = await adapter.parse(request, kit.config(), kit.deps());
          expect(content.statuses).toEqual([]);
          expect(content.messages).toMatchObject([sample.expected]);
        },
      );

      const status = webhooks.status;
      if (status)
        it("reports a delivery status of the customer's address", async () => {
          const content = await adapter.parse(await webhooks.request(status.body()), kit.config(), kit.deps());
          expect(content).toEqual({ messages: [], statuses: [status.expected] });
        });

      const malformed = webhooks.malformed.map(([what, body, names, contentType]) => ({ what, body, names, contentType }));
      it.each(malformed)("refuses $what as a MalformedWebhook naming the field", async ({ body, names, contentType }) => {
        const parsing = adapter.parse(await webhooks.request(body(), { contentType }), kit.config(), kit.deps());
        await expect(parsing).rejects.toBeInstanceOf(MalformedWebhook);
        await expect(parsing).rejects.toThrow(names);
      });

      it.each(HOSTILE)("throws nothing but its own errors for a body that is %s", async (_, body) => {
        const outcome = await adapter.parse(await webhooks.request(body), kit.config(), kit.deps()).then(
          () => null,
          (error: unknown) => error,
        );
        if (outcome !== null) expect([MalformedWebhook, ProviderUnavailable].some((type) => outcome instanceof type)).toBe(true);
      });
    });

    it("acknowledges a taken webhook as the provider expects", async () => {
      const response = adapter.acknowledge();
      const { status, contentType, body } = webhooks.acknowledgement;
      expect(response.status).toBe(status);
      if (contentType) expect(response.headers.get("content-type")).toMatch(contentType);
      expect(await response.text()).toBe(body);
    });
  }

  describe("deliver", () => {
    if (!provider) {
      it("counts a message as sent once stored, under its own SID, without any provider", async () => {
        const message = { ...OUTBOUND, conversationSid: "CH" + "3".repeat(32) };
        const offline = kit.deps({ fetch: () => Promise.reject(new Error("no provider to call")) });
        expect(await deliverThrough(message, kit.config(), offline)).toEqual({ kind: "sent", providerMessageId: message.messageSid });
      });
      return;
    }
    const deliver = (message: OutboundMessage = provider.outbound, config = kit.config(), deps = kit.deps()) =>
      deliverThrough(message, config, deps);

    it("sends the provider's wire format with the channel's credentials and answers the provider's ID", async () => {
      const before = provider.accepted().length;
      const outcome = await deliver();
      const accepted = provider.accepted();
      expect(accepted.length).toBe(before + 1);
      expect(outcome).toEqual({ kind: "sent", providerMessageId: accepted.at(-1)!.id });
      expect(accepted.at(-1)!.wire).toEqual(provider.wire);
    });

    it("fails for good when the provider does not know the channel's credentials", async () => {
      const before = provider.accepted().length;
      expect(await deliver(provider.outbound, provider.wrongCredentials(kit.config()))).toMatchObject({
        kind: "failed",
        errorCode: provider.credentialsRefused,
      });
      expect(provider.accepted().length).toBe(before);
    });

    it.each([429, 500, 503] as const)("asks for a retry when the provider answers %s, and then sends", async (status) => {
      provider.failNext(status);
      expect(await deliver()).toMatchObject({ kind: "retry" });
      expect(await deliver()).toMatchObject({ kind: "sent" });
    });

    it("asks for a retry when the provider cannot be reached", async () => {
      const unreachable = kit.deps({ fetch: () => Promise.reject(new TypeError("fetch failed")) });
      expect(await deliver(provider.outbound, kit.config(), unreachable)).toEqual({
        kind: "retry",
        error: expect.stringMatching(provider.unreachable),
      });
    });

    const unsupported = provider.unsupported.map(([what, changes, error, channel]) => ({ what, changes, error, channel }));
    it.each(unsupported)("refuses $what at once, and sends nothing", async ({ changes, error, channel = (c) => c }) => {
      const before = provider.accepted().length;
      expect(await deliver({ ...provider.outbound, ...changes }, channel(kit.config()))).toMatchObject({
        kind: "failed",
        error: expect.stringMatching(error),
      });
      expect(provider.accepted().length).toBe(before);
    });
  });
}

/** A channel of `kind` as the WorkspaceDO opens it for an adapter, in workspace WS1… of account AC5…. */
export const channelConfig = (
  kind: ChannelKind,
  settings: ChannelConfig["settings"],
  secrets: ChannelConfig["secrets"],
  extra: Partial<ChannelConfig> = {},
): ChannelConfig => ({
  sid: "XC" + "2".repeat(32),
  accountSid: "AC" + "5".repeat(32),
  workspaceSid: "WS" + "1".repeat(32),
  kind,
  friendlyName: `Acme ${kind}`,
  workflowSid: null,
  taskChannel: DEFAULT_TASK_CHANNEL[kind],
  settings,
  secrets,
  version: 1,
  ...extra,
});

/** A reply as the ConversationDO hands it over; kits override the addresses. */
export const OUTBOUND: OutboundMessage = {
  conversationSid: "CH" + "3".repeat(32),
  messageSid: "IM" + "4".repeat(32),
  index: 1,
  customerAddress: "",
  proxyAddress: "",
  body: "Your order ships tomorrow.",
  media: [],
  attributes: {},
  thread: null,
  authorName: "Alex",
};
