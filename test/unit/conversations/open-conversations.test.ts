/**
 * The isolate's copy of the directory's answers (workers/inbound/open-conversations.ts): which messages
 * may skip the DirectoryDO, for how long, and which answers are never kept — those after which asking
 * again could change more than where the message goes (an email's thread, an identified visitor, a
 * survey's answer, a profile still missing a name, phone or email the address would fill in).
 */
import { describe, expect, it } from "vitest";
import type { ChannelConfig } from "../../../channels/channel-config";
import type { CustomerContext, ResolvedInbound } from "../../../durable-objects/common/conversations";
import {
  cachedConversation,
  forgetConversation,
  OPEN_CONVERSATION_CACHE_MS,
  rememberConversation,
} from "../../../workers/inbound/open-conversations";
import { inbound } from "./conversation-fixtures";

let channels = 0;
/** A channel of its own per test: the cache is the module's. */
const newConfig = (): ChannelConfig => ({
  sid: `XC${String(++channels).padStart(32, "0")}`,
  accountSid: "AC" + "a".repeat(32),
  workspaceSid: "WS" + "b".repeat(32),
  kind: "twilio",
  friendlyName: "SMS",
  workflowSid: null,
  taskChannel: "sms",
  settings: {},
  secrets: {},
  version: 1,
});
const CONVERSATION = "CH" + "c".repeat(32);
const customer = (overrides: Partial<CustomerContext> = {}): CustomerContext => ({
  profileSid: "PR" + "d".repeat(32),
  name: "Ada",
  email: null,
  phone: "+15550001111",
  lastWorkerSid: null,
  history: [],
  ...overrides,
});
const answer = (overrides: Partial<ResolvedInbound> = {}, who: Partial<CustomerContext> = {}): ResolvedInbound => ({
  conversationSid: CONVERSATION,
  created: false,
  customer: customer(who),
  ...overrides,
});
const T0 = 1_000_000;

describe("a customer's open conversation in the isolate", () => {
  it("is answered for their later messages, whatever their address's surrounding space", () => {
    const config = newConfig();
    expect(cachedConversation(config, inbound("SM1"), "Ada", T0)).toBeNull();
    rememberConversation(config, inbound("SM1"), answer(), T0);
    expect(cachedConversation(config, inbound("SM2"), "Ada", T0 + 1)).toBe(CONVERSATION);
    expect(cachedConversation(config, inbound("SM3", "hi", { customerAddress: " +15550001111 " }), null, T0 + 2)).toBe(CONVERSATION);
  });

  it("is another channel's, another customer's, another workspace's: not answered", () => {
    const config = newConfig();
    rememberConversation(config, inbound("SM1"), answer(), T0);
    expect(cachedConversation(newConfig(), inbound("SM2"), "Ada", T0)).toBeNull();
    expect(cachedConversation(config, inbound("SM2", "hi", { customerAddress: "+15550002222" }), "Ada", T0)).toBeNull();
    expect(cachedConversation({ ...config, workspaceSid: "WS" + "e".repeat(32) }, inbound("SM2"), "Ada", T0)).toBeNull();
  });

  it("goes stale: the directory is asked again once it is as old as the bound", () => {
    const config = newConfig();
    rememberConversation(config, inbound("SM1"), answer(), T0);
    expect(cachedConversation(config, inbound("SM2"), "Ada", T0 + OPEN_CONVERSATION_CACHE_MS - 1)).toBe(CONVERSATION);
    expect(cachedConversation(config, inbound("SM3"), "Ada", T0 + OPEN_CONVERSATION_CACHE_MS)).toBeNull();
    // Asked again: the new answer counts from then.
    const later = "CH" + "f".repeat(32);
    rememberConversation(config, inbound("SM3"), answer({ conversationSid: later }), T0 + OPEN_CONVERSATION_CACHE_MS);
    expect(cachedConversation(config, inbound("SM4"), "Ada", T0 + OPEN_CONVERSATION_CACHE_MS + 1)).toBe(later);
  });

  it("is forgotten when the conversation answers closed or missing, and a newer answer replaces it", () => {
    const config = newConfig();
    rememberConversation(config, inbound("SM1"), answer(), T0);
    forgetConversation(config, " +15550001111");
    expect(cachedConversation(config, inbound("SM2"), "Ada", T0)).toBeNull();
    const next = "CH" + "1".repeat(32);
    rememberConversation(config, inbound("SM2"), answer({ conversationSid: next, created: true }), T0);
    expect(cachedConversation(config, inbound("SM3"), "Ada", T0)).toBe(next);
  });

  it("while the profile has no name: only messages that name nobody skip the directory (which would fill it in)", () => {
    const config = newConfig();
    rememberConversation(config, inbound("SM1", "hi", { customerName: null }), answer({}, { name: null }), T0);
    expect(cachedConversation(config, inbound("SM2", "hi", { customerName: null }), null, T0)).toBe(CONVERSATION);
    expect(cachedConversation(config, inbound("SM3"), "Ada", T0)).toBeNull();
  });

  const neverKept: [string, Parameters<typeof inbound>[2], Partial<ResolvedInbound>, Partial<CustomerContext>][] = [
    [
      "an email (its thread is recorded per message)",
      {
        channel: "email",
        customerAddress: "ada@example.com",
        thread: { messageId: "<m1@example.com>", inReplyTo: null, references: [], subject: "Hi" },
      },
      {},
      { email: "ada@example.com", phone: null },
    ],
    [
      "an identified visitor (linked to a known customer)",
      { channel: "web", customerAddress: "visitor-1", identified: { email: "ada@example.com" } },
      {},
      {},
    ],
    ["a survey's answer (its conversation has closed)", {}, { survey: true }, {}],
    ["a profile without the phone the address would fill in", {}, {}, { phone: null }],
    [
      "a profile without the email the address would fill in",
      { channel: "email", customerAddress: "ada@example.com", thread: null },
      {},
      { email: null, phone: null },
    ],
  ];
  it.each(neverKept)("is never kept after %s", (_, message, resolved, who) => {
    const config = newConfig();
    rememberConversation(config, inbound("SM1"), answer(), T0);
    rememberConversation(config, inbound("SM2", "5", message), answer(resolved, who), T0);
    expect(cachedConversation(config, inbound("SM3", "hi", message), null, T0)).toBeNull();
  });

  it("is not used for an email or an identified visitor even when one is kept for the address", () => {
    const config = newConfig();
    rememberConversation(config, inbound("SM1", "hi", { channel: "web", customerAddress: "visitor-2" }), answer(), T0);
    expect(cachedConversation(config, inbound("SM2", "hi", { channel: "web", customerAddress: "visitor-2" }), null, T0)).toBe(CONVERSATION);
    const identified = inbound("SM3", "hi", { channel: "web", customerAddress: "visitor-2", identified: { phone: "+15550001111" } });
    expect(cachedConversation(config, identified, null, T0)).toBeNull();
  });
});
